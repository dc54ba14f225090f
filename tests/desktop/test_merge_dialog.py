"""The Merge dialog: preview on the worker, merge as one undo step, refusals, REFI tools."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from db import project
from db.models import Code, Coder, Source
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from desktop.dialogs import exchange
from desktop.dialogs.merge import MergeDialog
from desktop.session import ProjectSession
from tests.db.coding_support import dump
from tests.db.exchange.support import ENGLISH, build_study, span

TIMEOUT = 20_000


@pytest.fixture
def session(proj, qtbot):
    build_study(proj)
    ps = ProjectSession(proj)
    yield ps
    ps.tasks.wait()


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
    assert count(proj, Coder) == 3 and "Undo Merge layla.quire" in dialog.status.text()
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert dump(proj) == before
    session.undo_stack.redo()
    assert count(proj, Coder) == 3


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
    assert exchange.export_codebook(session, None, tmp_path / "b.qdc").exists()
    report = exchange.import_codebook(session, None, tmp_path / "b.qdc")
    assert report.matched["codes"] == 4 and session.undo_stack.count() == 0  # nothing new
    (tmp_path / "c.qdc").write_text("<x/>")
    assert exchange.import_codebook(session, None, tmp_path / "c.qdc") is None
    assert "not a REFI-QDA 1.0 CodeBook" in told[-1]
