"""The memo editor: formatting stored as Markdown, links that open what they point to,
author and dates, saving as one undoable step, cancelling that changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QMessageBox

from db.ops import bind
from db.ops.coding import delete_excerpt
from db.queries.memos import memo_list
from desktop.dialogs import memo_editor as editor_module
from desktop.dialogs.memo_editor import MemoEditor
from desktop.dialogs.memo_links import LinkDialog
from tests.desktop.codebook_support import ARTIFACTS
from tests.desktop.notes_support import (
    ARABIC,
    ENGLISH,
    add_code,
    add_memo,
    add_sources,
    excerpt,
    open_session,
)


@pytest.fixture
def session(proj, qtbot):
    yield from open_session(proj)


@pytest.fixture
def data(session, proj):
    src = add_sources(proj)
    code = add_code(session, "Water")
    return {"sources": src, "code": code,
            "en": excerpt(session, src["english"], ENGLISH, "There is no water", code),
            "ar": excerpt(session, src["arabic"], ARABIC, "لا ماء ولا كهرباء في المدينة.")}


def make(qtbot, session, **kwargs) -> MemoEditor:
    editor = MemoEditor(session, **kwargs)
    qtbot.addWidget(editor, before_close_func=lambda e: e.discard())
    editor.show()
    return editor


def memos(session):
    with session.read() as s:
        return {m["id"]: m for m in memo_list(s)}


def select_block(editor, number: int, whole: bool = True) -> None:
    cursor = QTextCursor(editor.body.document().findBlockByNumber(number))
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock if whole
                        else QTextCursor.MoveOperation.EndOfWord,
                        QTextCursor.MoveMode.KeepAnchor)
    editor.body.setTextCursor(cursor)


def test_formatting_is_stored_as_markdown(session, data, qtbot):
    editor = make(qtbot, session, target="excerpt", target_id=data["en"])
    editor.title_edit.setText("Water first")
    editor.body.setPlainText("What they say\nReturnees speak of water before homes.\n"
                             "no water\nno electricity\nالماء أولاً")
    editor.body.setTextCursor(QTextCursor(editor.body.document().findBlockByNumber(0)))
    editor.actions_by_name["heading1"].trigger()
    select_block(editor, 1, whole=False)
    editor.actions_by_name["bold"].trigger()
    select_block(editor, 2)
    cursor = editor.body.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.NextBlock, QTextCursor.MoveMode.KeepAnchor)
    editor.body.setTextCursor(cursor)
    editor.actions_by_name["bullets"].trigger()
    select_block(editor, 4)
    editor.actions_by_name["italic"].trigger()
    assert editor.markdown() == ("# What they say\n**Returnees** speak of water before "
                                 "homes.\n- no water\n- no electricity\n*الماء أولاً*")
    assert editor.save()
    (memo,) = memos(session).values()
    assert memo["body"] == editor.markdown() and memo["title"] == "Water first"
    assert (memo["target"], memo["target_id"], memo["author"]) == ("excerpt", data["en"],
                                                                   "Hana")


def test_lists_toggle_off_and_numbered(session, qtbot):
    editor = make(qtbot, session)
    editor.body.setPlainText("one\ntwo")
    editor.body.selectAll()
    editor.toggle_list(True)
    assert editor.markdown() == "1. one\n2. two"
    editor.toggle_list(False)
    assert editor.markdown() == "- one\n- two"
    editor.toggle_list(False)
    assert editor.markdown() == "one\ntwo"


def test_a_link_is_inserted_through_the_link_dialog_and_opens(session, data, qtbot,
                                                              monkeypatch):
    editor = make(qtbot, session, target="code", target_id=data["code"])

    def choose(dialog):
        assert dialog.kind_combo.currentData() == "code"
        assert dialog.chosen()[:2] == ("code", data["code"])  # the memo's own target
        dialog.choose("excerpt", data["ar"])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LinkDialog, "exec", choose)
    editor.body.setPlainText("See ")
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    editor.actions_by_name["link"].trigger()
    assert editor.markdown() == f"See [“لا ماء ولا كهرباء في المدينة.”](quire://excerpt/{data['ar']})"
    assert "excerpt" in editor.links_label.text() and editor.links_label.isVisible()
    with qtbot.waitSignal(editor.link_activated) as got:
        rect = editor.body.cursorRect()
        qtbot.mouseClick(editor.body.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier,
                         QPoint(rect.left() - 8, rect.center().y()))
    assert got.args == ["excerpt", data["ar"]]


def test_link_dialog_filters_sources_and_codes(session, data, qtbot):
    dialog = LinkDialog(session, "source")
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 3
    dialog.filter_edit.setText("Raqqa")
    assert dialog.list.count() == 1 and dialog.chosen()[:2] == ("source",
                                                                 data["sources"]["english"])
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("code"))
    dialog.filter_edit.setText("wat")
    assert dialog.chosen() == ("code", data["code"], "Water")


def test_editing_shows_author_and_dates_and_is_one_undoable_step(session, data, qtbot):
    memo_id = add_memo(session, "source", data["sources"]["arabic"], title="مقال",
                       body="Some *text*.")
    editor = make(qtbot, session, memo_id=memo_id)
    assert editor.target_label.text().startswith("On \u200esource 2 “\u2068العودة")
    assert editor.info_label.text().startswith("By Hana · created 20")
    assert editor.markdown() == "Some *text*."
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    editor.body.insertPlainText(" More.")
    assert editor.save()
    assert memos(session)[memo_id]["body"] == "Some *text*. More."
    assert memos(session)[memo_id]["title"] == "مقال"
    assert session.history.count() == 1
    session.history.undo()
    assert memos(session)[memo_id]["body"] == "Some *text*."


def test_saving_unchanged_or_cancelling_changes_nothing(session, data, qtbot):
    memo_id = add_memo(session, "project", title="Questions", body="A list:\n\n- one\n")
    before = memos(session)
    editor = make(qtbot, session, memo_id=memo_id)
    assert editor.save()
    assert session.history.count() == 0
    editor = make(qtbot, session, memo_id=memo_id)
    editor.title_edit.setText("Other")
    editor.discard()
    assert memos(session) == before and session.history.count() == 0


def test_an_empty_memo_is_refused_and_the_editor_stays_open(session, qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    editor = make(qtbot, session)
    assert not editor.save()
    assert "needs a title or some text" in warnings[0]
    assert editor.isVisible() and session.history.count() == 0


def test_an_orphaned_memo_says_what_it_was_on(session, data, qtbot):
    memo_id = add_memo(session, "excerpt", data["en"], title="Kept")
    session.run(bind(delete_excerpt, excerpt_id=data["en"]))
    editor = make(qtbot, session, memo_id=memo_id)
    assert editor.target_label.text().startswith("Was on (deleted): excerpt")


def test_screenshot(session, data, qtbot):
    body = ("# What returnees say first\n\nIn both articles **water** comes before homes: "
            f"see [the Arabic passage](quire://excerpt/{data['ar']}) and the code "
            f"[Water](quire://code/{data['code']}).\n\n- *no water*, no electricity\n"
            "- camps are full\n\nالناس يتحدثون عن **الماء** قبل البيوت.\n\n"
            "If a<b and c>d, the <b>raw</b> HTML stays text.\n")
    memo_id = add_memo(session, "excerpt", data["en"], title="Water before homes",
                       body=body)
    editor = make(qtbot, session, memo_id=memo_id)
    editor.resize(680, 560)
    qtbot.waitExposed(editor)
    ARTIFACTS.mkdir(exist_ok=True)
    assert editor.grab().save(str(ARTIFACTS / "memo_editor.png"))
    assert editor_module.links_in(editor.markdown()) == [("excerpt", data["ar"]),
                                                         ("code", data["code"])]


def test_a_memo_changed_since_it_was_opened_is_not_overwritten_unasked(session, data, qtbot,
                                                                      monkeypatch):
    """A teammate (another process) edited the memo while it was open here: Save is
    refused naming the change, the typed text stays; a second Save replaces theirs."""
    from db import project
    from db.ops.memos import edit_memo

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    memo_id = add_memo(session, "project", title="Plan", body="First draft.")
    editor = make(qtbot, session, memo_id=memo_id)
    with project.open(session.project.path) as other, other.session() as s:
        edit_memo(s, memo_id=memo_id, body="Their draft.")
        s.commit()
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    editor.body.insertPlainText(" Mine.")
    assert not editor.save()
    assert "changed" in warnings[0] and "Save again" in warnings[0], warnings
    assert memos(session)[memo_id]["body"] == "Their draft." and editor.isVisible()
    assert editor.save()  # knowingly, the second time
    assert memos(session)[memo_id]["body"] == "First draft. Mine."
