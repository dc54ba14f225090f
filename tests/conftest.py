"""Shared test set-up: headless Qt, and isolated user folders for every test."""

import os

import pytest

# Must be set before Qt is imported anywhere: without a display, Qt would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep settings, data and caches of every test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("QUIRE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("QUIRE_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("QUIRE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("QUIRE_CODER", "")
    return home


@pytest.fixture
def proj(tmp_path):
    """A new, empty project that is closed after the test."""
    from db import project

    p = project.create(tmp_path / "test.quire")
    yield p
    p.close()
