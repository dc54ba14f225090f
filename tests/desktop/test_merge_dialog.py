"""The Merge dialog: preview on the worker, merge as one undo step, refusals, REFI tools."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from shiboken6 import isValid
from sqlalchemy import func, select

from db import project
from db.models import Code, Coder, Source
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from desktop.dialogs import exchange
from desktop.dialogs.merge import MergeDialog
from desktop.session import ProjectSession
from desktop.widgets.feedback import TaskDialog
from tests.db.coding_support import dump
from tests.db.exchange.support import ENGLISH, build_study, span

TIMEOUT = 20_000


@pytest.fixture
def session(proj, qtbot):
    build_study(proj)
    ps = ProjectSession(proj)
    ps.set_coder("Hana")
    ps.coder_id()  # her record, made by the window's first action (steps record who)
    yield ps
    ps.close()  # drains the worker, stops the watch


@pytest.fixture
def student(proj, tmp_path):
    """Layla's copy of the project (a consistent copy: the project is open, in WAL mode)."""
    path = tmp_path / "layla.quire"
    src, dst = sqlite3.connect(proj.path), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    with project.open(path) as other, other.session() as s:
        layla = ensure_coder(s, name="Layla").value
        sid = s.scalar(select(Source.id).where(Source.text == ENGLISH))
        code = s.scalar(select(Code.id).where(Code.name == "Water"))
        a, b = span(ENGLISH, "Families returned")
        code_span(s, source_id=sid, start=a, end=b, code_id=code, coder_id=layla)
    return path


def count(proj, model) -> int:
    with proj.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_preview_then_merge_then_undo(session, proj, student, qtbot):
    dialog = MergeDialog(session)
    qtbot.addWidget(dialog)
    before = dump(proj)
    dialog.set_path(student)
    with qtbot.waitSignal(dialog.start_preview().finished, timeout=TIMEOUT):
        pass
    assert dialog.table.item(0, 0).text() == "1"  # one coder to add: Layla
    assert dialog.table.item(3, 1).text() == "3"  # three sources already there
    assert "UUID 3" in dialog.table.item(3, 2).text()
    assert dialog.merge_button.isEnabled() and dump(proj) == before
    with qtbot.waitSignal(dialog.start_merge().finished, timeout=TIMEOUT):
        pass
    assert count(proj, Coder) == 4 and "Undo Merge layla.quire" in dialog.status.text()
    assert session.history.count() == 1
    session.history.undo()
    assert dump(proj) == before
    session.history.redo()
    assert count(proj, Coder) == 4


def test_a_refused_file_says_why_and_changes_nothing(session, proj, qtbot, tmp_path):
    bad = tmp_path / "bad.qdpx"
    bad.write_text("nope")
    dialog = MergeDialog(session, import_qdpx=True)
    qtbot.addWidget(dialog)
    before = dump(proj)
    dialog.set_path(bad)
    with qtbot.waitSignal(dialog.start_preview().failed, timeout=TIMEOUT):
        pass
    assert "not a zip archive" in dialog.status.text() and not dialog.merge_button.isEnabled()
    assert dump(proj) == before and dialog.windowTitle() == "Import REFI-QDA Project"


def test_export_and_codebook_actions(session, proj, qtbot, tmp_path, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: told.append(a[2]))
    with qtbot.waitSignal(exchange.export_project(session, None, tmp_path / "a.qdpx")
                          .finished, timeout=TIMEOUT):
        pass
    assert (tmp_path / "a.qdpx").exists() and "code points" in told[-1]
    with qtbot.waitSignal(exchange.export_codebook(session, None, tmp_path / "b.qdc")
                          .finished, timeout=TIMEOUT):
        pass
    assert (tmp_path / "b.qdc").exists() and told[-1].startswith("Saved b.qdc")
    step = exchange.import_codebook(session, None, tmp_path / "b.qdc")
    assert step.value.matched["codes"] == 4 and session.history.count() == 0  # nothing new
    (tmp_path / "c.qdc").write_text("<x/>")
    assert exchange.import_codebook(session, None, tmp_path / "c.qdc").refused
    assert "not a REFI-QDA 1.0 CodeBook" in told[-1]


def test_exports_show_progress_and_cancel_writes_nothing(session, qtbot, tmp_path,
                                                         monkeypatch):
    told, gate = [], threading.Event()
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a: told.append(a[1:3]))
    real = exchange.export_qdpx

    def held(*args, **kwargs):  # the worker waits until Cancel has been pressed
        gate.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(exchange, "export_qdpx", held)
    out = tmp_path / "out"
    out.mkdir()
    task = exchange.export_project(session, None, out / "a.qdpx")
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, TaskDialog) and w.progress.task is task)
    assert dialog.isVisible() and dialog.windowTitle() == "Export REFI-QDA Project"
    dialog.reject()  # Escape: Cancel, the window stays until the task has stopped
    assert dialog.isVisible() and "nothing is written" in dialog.progress.message.text()
    with qtbot.waitSignal(task.failed, timeout=TIMEOUT):
        gate.set()
    assert list(out.iterdir()) == []  # no .qdpx, no partial file
    assert told == []  # Cancel was the user's own doing: no warning
    qtbot.waitUntil(lambda: not isValid(dialog))  # it closed and went


def test_quick_work_on_a_busy_machine_still_reports_to_whoever_listens(session, qtbot,
                                                                       tmp_path):
    """A signal connected right after the work started is not missed, even when the
    worker is done before the busy GUI thread has connected to it."""
    import time

    bad = tmp_path / "bad.qdpx"
    bad.write_text("nope")
    dialog = MergeDialog(session, import_qdpx=True)
    qtbot.addWidget(dialog)
    dialog.set_path(bad)
    task = dialog.start_preview()
    time.sleep(0.3)  # the GUI thread is busy for a moment, as on a loaded machine
    with qtbot.waitSignal(task.failed, timeout=TIMEOUT):
        pass
    assert "not a zip archive" in dialog.status.text()
