"""One hand-worked project (support.py) shared by the analysis tests of a module."""

import pytest

from db import project
from tests.db.analysis.support import build


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    """The project of support.py and its ids, made once per module, closed after it."""
    proj = project.create(tmp_path_factory.mktemp("analysis") / "small.quire")
    small = build(proj)
    yield proj, small
    proj.close()
