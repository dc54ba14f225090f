"""Issue 17: memos where the thing is (Reader, Codes, Sources) with their ✎ marks, the
Sources pane following the Reader, Coder Agreement following new coders, and the
first-run question asked only over a painted window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QMenu

from db import project
from db.models import Source
from db.ops import bind
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.ops.memos import create_memo
from desktop import app as desktop_app
from desktop.main_window import MainWindow
from desktop.models.codes import MEMO_ROLE
from desktop.views.reader_menu import coding_menu

TEXTS = ["Families returned to the city after the strikes ended. The markets opened.",
         "عادت العائلات إلى الرقة بعد توقف الغارات. لا ماء ولا كهرباء في المدينة."]


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "Memos.quire"
    with project.create(path) as proj, proj.session() as s:
        for n, text in enumerate(TEXTS):
            s.add(Source(kind="article", title=f"Source {n}", text=text, length=len(text),
                         text_hash=str(n)))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(path)
    win.session.set_coder("Lina")
    yield win
    win.panes.memos.close_editors()
    win.close_project()


def _source_ids(win) -> list[int]:
    return [win.sources.model.source_id(r) for r in range(win.sources.model.rowCount())]


def _texts(menu: QMenu) -> list[str]:
    found = []
    for action in menu.actions():
        found.append(action.text())
        if action.menu() is not None:
            found += _texts(action.menu())
    return found


def test_the_reader_menu_offers_memos_on_selection_excerpt_and_source(window, qtbot):
    first, _ = _source_ids(window)
    window.sources.select_row(0)
    reader = window.reader
    code = window.session.run(bind(create_code, name="Return")).value
    eid = window.session.run(bind(code_span, source_id=first, start=0, end=8, code_id=code,
                                  coder_id=window.session.coder_id())).value
    qtbot.waitUntil(lambda: len(reader.excerpts()) == 1, timeout=5000)
    reader.select_span(9, 17)
    point = reader.view.cursorRect(reader._cursor_at(2)).center()
    menu = coding_menu(reader.coding, point)
    texts = _texts(menu)
    assert {"Memo on selection…", "Memo on excerpt…", "Memo on this source…"} <= set(texts)
    menu.deleteLater()
    # on the selection: an excerpt with no code is made (one undoable step), its memo opens
    assert reader.coding.memo_on_selection()
    qtbot.waitUntil(lambda: bool(window.panes.memos.editors()), timeout=5000)
    editor = window.panes.memos.editors()[-1]
    assert editor.target == "excerpt" and editor.target_id != eid
    assert window.session.history.undo_text() == "Highlight for a memo"
    editor.title_edit.setText("Why the markets")
    editor.body.setPlainText("They opened before the schools.")
    assert editor.save()
    stripes = {s.key: s.memo for s in reader.view.margin._stripes}
    qtbot.waitUntil(lambda: {s.key: s.memo for s in reader.view.margin._stripes}
                    .get(editor.target_id) is True, timeout=5000)
    assert stripes.get(eid) in (False, None)
    # the same entry again opens that memo, not a second one
    window.panes.memos.memo_on("excerpt", editor.target_id)
    assert window.panes.memos.editors()[-1].memo_id is not None


def test_codes_and_sources_panes_offer_memos_and_mark_them(window, qtbot):
    codes = window.panes.codes
    code = window.session.run(bind(create_code, name="Return")).value
    qtbot.waitUntil(lambda: len(codes.model.rows()) == 1, timeout=5000)
    codes.select_code(code)
    menu = codes.context_menu()
    assert "M&emo…" in [a.text() for a in menu.actions()]
    with qtbot.waitSignal(codes.memo_requested) as got:
        codes.run_action("memo")
    assert got.args == ["code", code]
    assert not codes.model.index_of(code).data(MEMO_ROLE)
    window.session.run(bind(create_memo, target="code", target_id=code, title="Scope",
                            body="Only physical return.", coder_id=window.session.coder_id()))
    qtbot.waitUntil(lambda: codes.model.index_of(code).data(MEMO_ROLE) == 1, timeout=5000)
    assert "1 memo" in codes.model.index_of(code).data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(window.sources.memo_requested) as got:
        menu = window.sources._memo_menu("Memo on this source…", "source", _source_ids(window)[1])
        menu.actions()[0].trigger()
    assert got.args == ["source", _source_ids(window)[1]]
    qtbot.waitUntil(lambda: bool(window.panes.memos.editors()), timeout=5000)
    assert window.panes.memos.editors()[-1].target == "source"


def test_the_sources_selection_follows_the_reader(window, qtbot):
    first, second = _source_ids(window)
    window.sources.select_row(0)
    qtbot.waitUntil(lambda: window.sources.selected_ids() == [first], timeout=5000)
    window.show_span(second, 3, 9)  # a search hit, a memo's target, a quoted post...
    assert window.reader.source()["id"] == second
    assert window.sources.selected_ids() == [second]
    assert window.reader.selection_span() == (3, 9), "following must not reload the source"
    window.sources.platform_combo.setCurrentIndex(
        window.sources.platform_combo.findText("Posts"))  # hides both articles
    qtbot.waitUntil(lambda: window.sources.model.rowCount() == 0, timeout=5000)
    window.show_span(first, 0, 0)
    assert window.sources.selected_ids() == []


def test_coder_agreement_lists_a_coder_once_they_code(window, qtbot):
    view = window.panes.agreement
    assert [box.text() for _, box in view._coder_boxes] == []
    assert "merge their copy" in view.status.text()
    first, _ = _source_ids(window)
    code = window.session.run(bind(create_code, name="Return")).value
    window.session.run(bind(code_span, source_id=first, start=0, end=8, code_id=code,
                            coder_id=window.session.coder_id()))
    qtbot.waitUntil(lambda: [b.text() for _, b in view._coder_boxes] == ["Lina"],
                    timeout=5000)


def test_the_first_run_question_comes_after_the_first_frame(qtbot, monkeypatch):
    painted, asked = [], []

    class Paints(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                painted.append(watched)
            return False

    counter = Paints()
    original = MainWindow.show

    def show(self):
        self.installEventFilter(counter)
        original(self)

    def ask(window):
        asked.append(len(painted))
        return "Lina"

    monkeypatch.setattr(MainWindow, "show", show)
    monkeypatch.setattr(desktop_app, "ensure_coder_name", ask)
    monkeypatch.setattr(desktop_app.gc, "freeze", lambda: None)  # not in the test process
    window = desktop_app.launch(QApplication.instance(), desktop_app.parse([]))
    qtbot.addWidget(window)
    assert asked == [], "asked before the first frame"
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert asked[0] >= 1, "asked before the window was painted"
