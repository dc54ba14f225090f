"""Portable mode keeps Recent paths relative to the portable folder when the projects lie
inside it, so a USB stick mounted somewhere else still opens them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop import settings


def _frozen_at(monkeypatch, folder: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "quire"))
    monkeypatch.setattr(sys, "_MEIPASS", str(folder / "_internal"), raising=False)


@pytest.fixture
def stick(tmp_path, monkeypatch) -> Path:
    """A portable bundle on a "USB stick" mounted at tmp/media/A."""
    folder = tmp_path / "media" / "A" / "quire"
    folder.mkdir(parents=True)
    (folder / "quire").write_bytes(b"")
    (folder / "portable").write_text("")
    for env in ("QUIRE_DATA_DIR", "QUIRE_CACHE_DIR", "QUIRE_CONFIG_DIR"):
        monkeypatch.delenv(env, raising=False)
    _frozen_at(monkeypatch, folder)
    return folder


def _project(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_recent_inside_the_portable_folder_is_relative(stick, tmp_path):
    inside = _project(stick / "projects" / "Fieldwork.quire")
    outside = _project(tmp_path / "elsewhere" / "Other.quire")
    settings.add_recent(outside)
    settings.add_recent(inside)
    raw = settings.settings().value("recent", [], type=list)
    assert raw == ["projects/Fieldwork.quire", str(outside.resolve())]
    assert (stick / "settings" / "quire.ini").exists()  # the settings are on the stick
    assert settings.recent_projects() == [inside.resolve(), outside.resolve()]


def test_the_stick_mounted_elsewhere_still_opens_its_projects(stick, tmp_path, monkeypatch):
    settings.add_recent(_project(stick / "projects" / "Fieldwork.quire"))
    moved = tmp_path / "run" / "media" / "student" / "STICK" / "quire"
    moved.parent.mkdir(parents=True)
    stick.rename(moved)
    _frozen_at(monkeypatch, moved)
    assert settings.recent_projects() == [moved / "projects" / "Fieldwork.quire"]
    assert settings.start_folder() == moved / "projects"


def test_adding_again_keeps_one_entry(stick):
    path = _project(stick / "a.quire")
    settings.add_recent(path)
    settings.add_recent(stick / "." / "a.quire")
    assert settings.settings().value("recent", [], type=list) == ["a.quire"]


def test_a_relative_entry_is_ignored_when_not_portable(stick, monkeypatch, tmp_path):
    settings.add_recent(_project(stick / "a.quire"))
    monkeypatch.setenv("QUIRE_CONFIG_DIR", str(stick / "settings"))  # same settings file
    (stick / "portable").unlink()  # the marker is gone: no folder to resolve against
    assert settings.recent_projects() == []


def test_not_portable_keeps_absolute_paths(tmp_path):
    path = _project(tmp_path / "p" / "a.quire")
    settings.add_recent(path)
    assert settings.settings().value("recent", [], type=list) == [str(path.resolve())]
