"""Portable mode: a ``portable`` marker beside a bundle's executable keeps settings,
data and the search cache beside it; resources come from the bundle (``sys._MEIPASS``)."""

import sys

import pytest

from db import resources
from db.search.index import index_dir

UUID = "12345678-1234-5678-1234-567812345678"


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    """A fake one-folder bundle: ``tmp/quire/quire`` as the frozen executable."""
    folder = tmp_path / "quire"
    folder.mkdir()
    (folder / "quire").write_bytes(b"")
    for env in ("QUIRE_DATA_DIR", "QUIRE_CACHE_DIR", "QUIRE_CONFIG_DIR"):
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the OS folders, kept in tmp
    for env in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(env, str(tmp_path / "home" / env.lower()))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "quire"))
    monkeypatch.setattr(sys, "_MEIPASS", str(folder / "_internal"), raising=False)
    return folder


@pytest.mark.parametrize("marker", ["portable", "portable.txt"])
def test_portable_marker_keeps_everything_beside_the_executable(bundle, marker):
    (bundle / marker).write_text("")
    assert resources.is_portable()
    assert resources.config_dir() == bundle / "settings"
    assert resources.data_dir() == bundle / "data"
    assert resources.cache_dir() == bundle / "cache"
    assert index_dir(UUID) == bundle / "cache" / "index" / UUID
    assert all((bundle / d).is_dir() for d in ("settings", "data", "cache"))


def test_without_the_marker_the_os_folders_are_used(bundle, tmp_path):
    assert not resources.is_portable()
    for folder in (resources.config_dir(), resources.data_dir(), resources.cache_dir()):
        assert bundle not in folder.parents and tmp_path / "home" in folder.parents
    assert not (bundle / "settings").exists()


def test_the_environment_still_wins_over_the_marker(bundle, tmp_path, monkeypatch):
    (bundle / "portable").write_text("")
    monkeypatch.setenv("QUIRE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert resources.cache_dir() == tmp_path / "elsewhere"
    assert resources.config_dir() == bundle / "settings"


def test_a_marker_is_ignored_when_not_frozen(bundle, monkeypatch):
    (bundle / "portable").write_text("")
    monkeypatch.setattr(sys, "frozen", False)
    assert not resources.is_portable()


def test_resources_come_from_the_bundle(bundle):
    assert resources.resource("csl", "apa.csl") == bundle / "_internal" / "resources" / "csl" \
        / "apa.csl"


def test_the_symlinked_launcher_finds_the_real_folder(bundle, tmp_path, monkeypatch):
    """/usr/bin/quire is a symlink to /opt/quire/quire: the marker is looked for there."""
    (bundle / "portable").write_text("")
    link = tmp_path / "bin" / "quire"
    link.parent.mkdir()
    link.symlink_to(bundle / "quire")
    monkeypatch.setattr(sys, "executable", str(link))
    assert resources.cache_dir() == bundle / "cache"
