"""The window and the project file: moved or deleted under it (saved elsewhere, nothing
lost), read-only (opened for reading, listing works), a leftover journal (set aside on
request), and failures no view caught (a message, not a traceback)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from db import projectfile
from db.errors import DiskFullError
from desktop import file_guard
from desktop.main_window import MainWindow
from tests.db.faults.support import filled_project, holdings, shared_folder, unprivileged
from tests.desktop.codebook_support import ARTIFACTS


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    yield win
    win.close_project()


def test_a_moved_file_is_noticed_and_the_project_saved_elsewhere_whole(window, qtbot, tmp_path,
                                                                       monkeypatch):
    study = filled_project(tmp_path)
    before = holdings(study)
    assert window.open_project(study)
    # the window's first loads (sources, then the search scopes they set) are done before
    # the file goes; a read after that is refused, and the guard says so once
    qtbot.waitUntil(lambda: window.sources.model.rowCount() == 3)
    qtbot.wait(20)
    moved = tmp_path / "elsewhere.quire"
    os.rename(study, moved)
    shown = []
    monkeypatch.setattr(window.file_guard, "offer_copy", lambda e, closing=False: shown.append(e))
    window.file_guard.check()
    window.file_guard.check()  # told once, not every few seconds
    assert len(shown) == 1 and f"was moved to {moved}" in str(shown[0])
    box = window.file_guard.message(shown[0])
    box.show()
    ARTIFACTS.mkdir(exist_ok=True)
    box.grab().save(str(ARTIFACTS / "project_file_moved.png"))
    box.close()
    rescued = tmp_path / "rescued.quire"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(rescued), ""))
    assert window.file_guard.save_copy() == rescued
    assert window.session.project.path == rescued  # the window goes on in the copy
    assert holdings(rescued) == before


def test_a_project_in_a_read_only_folder_opens_for_reading(window, monkeypatch):
    for kind in ("CONFIG", "CACHE", "DATA"):  # folders the unprivileged user may write
        monkeypatch.setenv(f"QUIRE_{kind}_DIR", str(shared_folder()))
    folder = shared_folder()
    study = filled_project(folder)
    with project_closed(study):
        pass
    folder.chmod(0o555)
    try:
        with unprivileged():
            assert window.open_project(study)
            assert window.windowTitle().endswith("(read-only)")
            assert "reading only" in window.statusBar().currentMessage()
            assert window.sources.model.rowCount() == 3  # listing works
            window.close_project()
    finally:
        folder.chmod(0o777)


class project_closed:  # noqa: N801 - a tiny context manager: open then close the file
    def __init__(self, path: Path):
        from db import project

        project.open(path).close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_leftover_journal_is_set_aside_when_the_researcher_agrees(window, tmp_path,
                                                                    monkeypatch):
    study = filled_project(tmp_path)
    wal = projectfile.journal(study)
    wal.write_bytes(b"not a journal of this file" * 100)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Open)
    monkeypatch.setattr(projectfile, "leftover_journal", lambda p: Path(p) == study
                        and projectfile.journal(p).exists())
    from db import project
    from db.errors import DamagedProjectError

    real_open = project.open
    calls = []

    def refusing_once(path):
        calls.append(path)
        if len(calls) == 1:
            raise DamagedProjectError(f"{path}: the leftover file does not belong")
        return real_open(path)

    monkeypatch.setattr(project, "open", refusing_once)
    assert window.open_project(study)
    assert asked and "aside" in asked[0]
    (aside,) = tmp_path.glob("study.quire-wal.set-aside-*")
    assert aside.read_bytes() == b"not a journal of this file" * 100  # kept, not deleted


def test_a_failure_no_view_caught_is_a_message(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window, "show_error", lambda title, exc: shown.append(str(exc)))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    file_guard.install_message_hook(window)
    sys.excepthook(DiskFullError, DiskFullError("p.quire: the disk is full"), None)
    assert shown == ["p.quire: the disk is full"]
