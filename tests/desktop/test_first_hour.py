"""A scripted first hour with Quire in a real window under Xvfb (issue 17).

New project, import the sample's articles and posts, read, search, code, write a memo,
cite, export: each step leaves a screenshot of the whole screen in
``tests/artifacts/first_hour/``. At 1280x800, with the sample material loaded, no
visible label, button or header of the main window's panes may cut its text (checked
with the widgets' font metrics, :mod:`tests.desktop.elision`).

The outer test starts a private Xvfb on a free display and runs the inner one in a
child process on Qt's xcb platform (this process already runs Qt offscreen). It is
skipped only when the Xvfb binary is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import xvfb_support

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "first_hour"
SAMPLE = ROOT / "resources" / "sample"
CHILD = "QUIRE_FIRST_HOUR_CHILD"
STEPS = ["01_new_project", "02_import", "03_imported", "04_read", "05_search", "06_code",
         "07_memo", "07_memos_pane", "08_cite", "09_export"]


@pytest.mark.skipif(not xvfb_support.available(), reason="Xvfb is not installed")
@pytest.mark.skipif(bool(os.environ.get(CHILD)), reason="the child runs the inner test")
def test_the_first_hour_in_a_real_window(tmp_path):
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with xvfb_support.xvfb("1280x800x24") as display:
        env = {**os.environ, CHILD: "1", "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
             f"{Path(__file__).relative_to(ROOT)}::test_inner_first_hour"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
    assert sorted(p.stem for p in ARTIFACTS.glob("*.png")) == STEPS


@pytest.fixture
def real_window(qtbot):
    from PySide6.QtGui import QGuiApplication

    from desktop.main_window import MainWindow

    assert QGuiApplication.platformName() == "xcb", "the inner test runs on a real display"
    win = MainWindow()
    qtbot.addWidget(win)
    win.setGeometry(0, 0, 1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_project()


def _shoot(qtbot, name: str) -> None:
    """The whole X screen, as the user would see it."""
    from PySide6.QtGui import QGuiApplication

    qtbot.wait(250)  # let the window manager-less server map and paint everything
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert QGuiApplication.primaryScreen().grabWindow(0).save(str(ARTIFACTS / f"{name}.png"))


def _no_cuts(win) -> None:
    from tests.desktop.elision import cut_texts

    cuts = cut_texts(win)
    assert not cuts, "text cut in the window:\n" + "\n".join(map(str, cuts))


def _rows_hold_every_script(table) -> None:
    """Every row of the Sources table is as tall as the tallest of Latin, Arabic (Amiri,
    Noto Naskh) and colour emoji lines in the table's font size: one uniform height."""
    from PySide6.QtGui import QFont, QFontMetrics

    size = table.font().pointSizeF()
    needed = 0
    for family in (table.font().family(), "Amiri", "Noto Naskh Arabic", "Noto Color Emoji"):
        font = QFont(family)
        font.setPointSizeF(size)
        needed = max(needed, QFontMetrics(font).height())
    heights = {table.rowHeight(r) for r in range(table.model().rowCount())}
    assert len(heights) == 1 and heights.pop() >= needed


@pytest.mark.skipif(not os.environ.get(CHILD), reason="run by test_the_first_hour_in_a_real_window")
def test_inner_first_hour(real_window, qtbot, tmp_path, monkeypatch):  # noqa: PLR0915 - a script
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    from desktop.dialogs import import_dialog
    from desktop.dialogs.citation_editor import CitationDialog
    from desktop.dialogs.export import ExportDialog

    win = real_window
    # 1. a new project, through File ▸ New Project (the file dialog answers)
    path = tmp_path / "Raqqa study.quire"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    win.action_new.trigger()
    assert win.session is not None and path.exists()
    qtbot.waitUntil(win.reader.import_button.isVisible, timeout=5000)
    _shoot(qtbot, "01_new_project")

    # 2. import the sample's articles and posts through the empty Reader's Import button
    files = sorted(str(p) for p in (SAMPLE / "articles").iterdir()) + [
        str(SAMPLE / "posts" / "twitter-raqqa.jsonl")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (files, ""))
    win.reader.import_button.click()
    dialog = win._import_dialog
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=20000)
    _shoot(qtbot, "02_import")
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == import_dialog.DONE, timeout=120000)
    dialog.close()
    qtbot.waitUntil(lambda: win.sources.model.total >= 20, timeout=10000)
    _shoot(qtbot, "03_imported")

    # 3. read the English article; the panes show their text whole at 1280x800
    model = win.sources.model
    row = next(r for r in range(model.rowCount())
               if "Raqqa After the Battle" in (model.index(r, 0).data() or ""))
    win.sources.select_row(row)
    reader = win.reader
    assert reader.source()["title"].startswith("Raqqa After the Battle")
    assert reader.view.viewport().height() >= 400, "the Reader's text area is too short"
    _rows_hold_every_script(win.sources.table)
    _shoot(qtbot, "04_read")
    _no_cuts(win)

    # 4. search, open a hit: the Sources pane follows the Reader
    win.panes.action_search.trigger()
    panel = win.panes.search
    qtbot.waitUntil(panel.index_ready, timeout=60000)
    panel.set_query("الرقة OR water")
    with qtbot.waitSignal(panel.search_finished, timeout=20000):
        panel.run_search()
    assert panel.model.rowCount() > 3
    hit_row = next(r for r in range(panel.model.rowCount())
                   if panel.model.index(r, 1).data() == "الرقة")
    panel.table.activated.emit(panel.model.index(hit_row, 1))
    shown = reader.source()["id"]
    assert win.sources.selected_ids() == [shown], "the Sources pane follows the Reader"
    assert reader.view.viewport().height() >= 250, "the Search dock leaves the Reader room"
    _shoot(qtbot, "05_search")
    _no_cuts(win)

    # 5. code: a new code from the empty codebook's button, then a passage
    win.sources.select_row(row)
    codes = win.panes.codes
    assert codes.empty_hint.isVisible()
    codes.empty_new_button.click()
    qtbot.waitUntil(lambda: codes.model.pending_index().isValid(), timeout=5000)
    editor = codes.tree.viewport().findChild(QLineEdit)
    editor.setText("Return")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(codes.model.rows()) == 1, timeout=5000)
    code_id = codes.model.rows()[0]["id"]
    text = reader.source()["text"]
    start = text.index("returned")
    reader.select_span(start, start + 40)
    place = reader.view.verticalScrollBar().value()
    assert reader.coding.apply_code(code_id)
    qtbot.waitUntil(lambda: len(reader.excerpts()) == 1, timeout=5000)
    assert reader.view.verticalScrollBar().value() == place
    _shoot(qtbot, "06_code")

    # 6. a memo on the excerpt, from the Reader's own context menu
    excerpt = reader.excerpts()[0]
    reader.coding.memo_requested("excerpt", excerpt["id"])
    memo = win.panes.memos.editors()[-1]
    qtbot.waitExposed(memo)
    memo.title_edit.setText("Who returned first")
    memo.body.setPlainText("The first to return were **the families** of the east bank.")
    _shoot(qtbot, "07_memo")
    assert memo.save()  # saved and closed
    qtbot.waitUntil(lambda: bool(reader.view.margin._stripes) and all(
        s.memo for s in reader.view.margin._stripes), timeout=5000)  # the ✎ mark
    win.panes.action_memos.trigger()  # the Memos pane, tabbed with the Codes pane
    qtbot.waitUntil(lambda: win.panes.memos.table.model().rowCount() == 1, timeout=5000)
    _shoot(qtbot, "07_memos_pane")
    _no_cuts(win)

    # 7. cite the excerpt's own source, page 2
    reader.excerpt_activated.emit(excerpt["id"])
    notes = win.panes.notes

    def fill(dialog):
        dialog.locator_edit.setText("2")
        return CitationDialog.DialogCode.Accepted if dialog.save() else 0

    monkeypatch.setattr(CitationDialog, "exec", fill)
    notes.add_citation()
    assert notes.current_note() is not None
    _shoot(qtbot, "08_cite")

    # 8. export an annotated PDF
    out = tmp_path / "first-hour.pdf"
    win.panes.action_export_pdf.trigger()
    export = win.findChildren(ExportDialog)[-1]
    qtbot.waitExposed(export)
    export.path_edit.setText(str(out))
    export.start_export()
    qtbot.waitUntil(lambda: export.task is None, timeout=60000)
    assert out.exists() and out.stat().st_size > 1000
    _shoot(qtbot, "09_export")
    export.close()
