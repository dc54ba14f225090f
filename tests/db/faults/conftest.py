"""Fixtures of the fault-injection tests."""

import shutil

import pytest

from tests.db.faults.support import filled_project, shared_folder


@pytest.fixture
def shared():
    """A folder the unprivileged user may write too, removed afterwards."""
    folder = shared_folder()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def study(tmp_path):
    """A project with work in it (articles, a code, an excerpt, a memo)."""
    return filled_project(tmp_path)
