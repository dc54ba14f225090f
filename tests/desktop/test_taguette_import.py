"""File ▸ Import Taguette Project, opening a Taguette file, and the codebook as CSV."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QMessageBox

from desktop.dialogs import exchange
from tests.desktop.test_main_window import messages, save_screenshot, window  # noqa: F401

FILES = Path(__file__).resolve().parents[1] / "db" / "exchange" / "taguette_files"
SERVER = FILES / "taguette-server.sqlite3"


def test_a_taguette_project_becomes_a_quire_project_and_opens(window, monkeypatch,  # noqa: F811
                                                              tmp_path, qtbot):
    asked = []

    def pick(_parent, _title, _label, items, *args):
        asked.append(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    before = hashlib.sha256(SERVER.read_bytes()).digest()
    task = exchange.import_taguette_project(window, path=SERVER, out=tmp_path / "Field.quire")
    assert asked == [["1: Field study", "2: Empty study"]]
    qtbot.waitUntil(lambda: window.session is not None, timeout=20000)
    assert task.done and window.session.project.path == tmp_path / "Field.quire"
    assert hashlib.sha256(SERVER.read_bytes()).digest() == before
    assert window.sources.model.rowCount() == 2
    window.sources.select_row(0)
    qtbot.waitUntil(lambda: window.reader.source() is not None)
    assert "Many feel hopeless" in window.reader.view.toPlainText()
    save_screenshot(window, "taguette_import.png")


def test_opening_a_taguette_file_says_how_to_bring_it_in(window, messages,  # noqa: F811
                                                         monkeypatch, tmp_path):
    copy = tmp_path / "project.sqlite3"
    copy.write_bytes((FILES / "project.sqlite3").read_bytes())
    assert not window.open_project(copy)
    assert any("Taguette project" in text and "Import Taguette Project" in text
               for _title, text in messages)
    assert copy.read_bytes() == (FILES / "project.sqlite3").read_bytes()
    assert exchange.import_taguette_project(window, path=FILES / "codebook.qdc") is None
    assert "not a Taguette project" in messages[-1][1]


def test_the_codebook_goes_out_as_csv_and_comes_back(session, tmp_path, monkeypatch, qtbot):
    from db.ops import bind
    from db.ops.codes import create_code

    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: told.append(a[2]))
    session.run(bind(create_code, name="Hope", description="أمل"))
    out = tmp_path / "book.csv"
    with qtbot.waitSignal(exchange.export_codebook(session, None, out, ".csv").finished,
                          timeout=20000):
        pass
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("Hope,أمل,#")
    step = exchange.import_codebook(session, None, FILES / "codebook.csv")
    assert (step.value.added["codes"], step.value.matched["codes"]) == (6, 1)  # "hope"
    assert exchange.import_codebook(session, None, FILES / "document.html").refused
    assert "no column 'path', 'tag' or 'name'" in told[-1]
