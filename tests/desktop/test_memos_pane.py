"""The Memos pane: every memo with its target, filters, sorting, opening, writing, deleting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.coding import delete_excerpt
from desktop.models.memos import AUTHOR, CREATED, KIND, ROW_ROLE, TARGET, TITLE
from desktop.views.memos import ORPHANED, MemosPane, excerpt_span
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
from tests.desktop.session_support import write


@pytest.fixture
def session(proj, qtbot):
    yield from open_session(proj)

@pytest.fixture
def data(session, proj):
    src = add_sources(proj)
    omar = write(session, bind(ensure_coder, name="Omar")).value
    ids = {"sources": src, "code": add_code(session, "Displacement")}
    ids["ex_en"] = excerpt(session, src["english"], ENGLISH, "There is no water and no "
                           "electricity.", ids["code"])
    ids["ex_ar"] = excerpt(session, src["arabic"], ARABIC, "لا ماء ولا كهرباء في المدينة.")
    ids["m_project"] = add_memo(session, "project", title="Research questions",
                                body="How do *returnees* describe the city?")
    ids["m_code"] = add_memo(session, "code", ids["code"], title="When to use Displacement",
                             body="Forced movement only.", coder_id=omar)
    ids["m_source"] = add_memo(session, "source", src["arabic"], title="",
                               body="مقال مهم عن **العودة** إلى الرقة")
    ids["m_excerpt"] = add_memo(session, "excerpt", ids["ex_en"], title="Water",
                                body="Links to [the Arabic passage](quire://excerpt/"
                                     f"{ids['ex_ar']}).")
    ids["omar"] = omar
    return ids


@pytest.fixture
def pane(session, data, qtbot):
    widget = MemosPane()
    qtbot.addWidget(widget)
    widget.resize(1100, 420)
    widget.set_session(session)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_editors()


def shown(pane, column=TITLE) -> list[str]:
    return [pane.proxy.index(r, column).data() for r in range(pane.proxy.rowCount())]


def row_of(pane, memo_id):
    for r in range(pane.proxy.rowCount()):
        if pane.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) == memo_id:
            return r
    return -1


def test_every_memo_is_listed_with_its_target_author_and_dates(pane, data):
    assert pane.proxy.rowCount() == 4
    r = row_of(pane, data["m_excerpt"])
    assert pane.proxy.index(r, KIND).data() == "Excerpt"
    assert pane.proxy.index(r, TARGET).data().startswith(f"excerpt {data['ex_en']} of "
                                                         "“Return to Raqqa”")
    assert pane.proxy.index(r, TITLE).data() == "Water"
    assert pane.proxy.index(r, AUTHOR).data() == "Hana"
    assert pane.proxy.index(r, CREATED).data()[:2] == "20"
    assert pane.proxy.index(r, KIND).data(Qt.ItemDataRole.DecorationRole) is not None
    untitled = row_of(pane, data["m_source"])
    assert pane.proxy.index(untitled, TITLE).data() == "مقال مهم عن العودة إلى الرقة"
    assert pane.proxy.index(untitled, TITLE).data(Qt.ItemDataRole.FontRole).italic()
    assert pane.proxy.index(row_of(pane, data["m_code"]), AUTHOR).data() == "Omar"
    assert pane.count_label.text() == "4 memos"


def test_filters_by_kind_author_and_text(pane, data, qtbot):
    pane.kind_combo.setCurrentIndex(pane.kind_combo.findData("code"))
    pane.refresh()
    assert shown(pane) == ["When to use Displacement"]
    pane.kind_combo.setCurrentIndex(0)
    pane.author_combo.setCurrentIndex(pane.author_combo.findData(data["omar"]))
    pane.refresh()
    assert shown(pane) == ["When to use Displacement"]
    pane.author_combo.setCurrentIndex(0)
    pane.filter_edit.setText("returnees")
    qtbot.waitUntil(lambda: shown(pane) == ["Research questions"])
    pane.filter_edit.setText("العودة")
    qtbot.waitUntil(lambda: shown(pane) == ["مقال مهم عن العودة إلى الرقة"])


def test_sorts_by_date_both_ways(pane, data):
    pane.table.sortByColumn(CREATED, Qt.SortOrder.AscendingOrder)
    assert shown(pane)[0] == "Research questions"
    pane.table.sortByColumn(CREATED, Qt.SortOrder.DescendingOrder)
    assert shown(pane)[0] == "Water"


def test_memo_on_a_deleted_excerpt_is_kept_and_flagged(pane, session, data):
    session.run(bind(delete_excerpt, excerpt_id=data["ex_en"]))
    pane.refresh()
    r = row_of(pane, data["m_excerpt"])
    assert pane.proxy.index(r, KIND).data() == "Excerpt (orphaned)"
    assert pane.proxy.index(r, TARGET).data().startswith("(deleted) excerpt")
    assert "has been deleted" in pane.proxy.index(r, TARGET).data(Qt.ItemDataRole.ToolTipRole)
    assert "1 orphaned" in pane.count_label.text()
    pane.kind_combo.setCurrentIndex(pane.kind_combo.findData(ORPHANED))
    pane.refresh()
    assert shown(pane) == ["Water"]
    session.history.undo()  # the excerpt comes back; the memo is on it again
    pane.kind_combo.setCurrentIndex(0)
    pane.refresh()
    r = row_of(pane, data["m_excerpt"])
    assert pane.proxy.index(r, KIND).data() == "Excerpt"


def test_double_click_opens_the_editor_and_saving_is_undoable(pane, session, data, qtbot):
    r = row_of(pane, data["m_code"])
    index = pane.proxy.index(r, TITLE)
    pane.table.doubleClicked.emit(index)
    (editor,) = pane.editors()
    assert editor.title_edit.text() == "When to use Displacement"
    assert "By Omar" in editor.info_label.text()
    editor.title_edit.setText("Displacement: scope")
    assert editor.save()
    qtbot.waitUntil(lambda: "Displacement: scope" in shown(pane))
    assert pane.selected_ids() == [data["m_code"]]
    session.history.undo()
    qtbot.waitUntil(lambda: "When to use Displacement" in shown(pane))


def test_opening_an_open_memo_raises_its_editor(pane, data):
    first = pane.open_memo(data["m_project"])
    assert pane.open_memo(data["m_project"]) is first
    assert len(pane.editors()) == 1


def test_new_memo_on_the_current_target_then_undo_and_redo(pane, session, data, qtbot):
    pane.set_current_target("source", data["sources"]["english"])
    assert [a.text() for a in pane.new_menu.actions()][1].startswith("Memo on source")
    pane.new_button.click()
    (editor,) = pane.editors()
    assert editor.target == "source"
    assert "Return to Raqqa" in editor.target_label.text()
    editor.body.setPlainText("The article never names the camps.")
    assert editor.save()
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 5)
    row = pane.proxy.index(row_of(pane, editor.memo_id), 0).data(ROW_ROLE)
    assert (row["target"], row["target_id"], row["author"]) == (
        "source", data["sources"]["english"], "Hana")
    session.history.undo()
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 4)
    session.history.redo()
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 5)


def test_new_memo_on_the_project_from_the_menu(pane, data, qtbot):
    pane.set_current_target("code", data["code"])
    pane.new_menu.actions()[0].trigger()
    (editor,) = pane.editors()
    assert editor.target == "project"


def test_delete_several_memos_is_one_undoable_step(pane, session, data, qtbot):
    messages = []
    pane.message.connect(messages.append)
    pane.select_memos([data["m_project"], data["m_code"]])
    pane.delete_button.click()
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 2)
    assert session.history.labels()[session.history.index() - 1] == "Delete 2 memos"
    assert "Undo" in messages[-1]
    session.history.undo()
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 4)


def test_go_to_target_and_links_in_a_memo_emit_target_activated(pane, data, qtbot):
    pane.select_memos([data["m_excerpt"]])
    with qtbot.waitSignal(pane.target_activated) as got:
        pane.actions_by_name["goto"].trigger()
    assert got.args == ["excerpt", data["ex_en"]]
    editor = pane.open_memo(data["m_excerpt"])
    assert "excerpt" in editor.links_label.text()
    with qtbot.waitSignal(pane.target_activated) as got:
        editor.links_label.linkActivated.emit(f"quire://excerpt/{data['ex_ar']}")
    assert got.args == ["excerpt", data["ex_ar"]]


def test_cancel_with_changes_asks_and_keeps_the_memo(pane, session, data, monkeypatch):
    editor = pane.open_memo(data["m_project"])
    editor.title_edit.setText("Something else")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    editor.reject()
    assert editor.isVisible()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    editor.reject()
    assert not editor.isVisible()
    assert session.history.count() == 0
    assert "Research questions" in shown(pane)


def test_screenshot(pane, session, data, qtbot):
    add_memo(session, "excerpt", data["ex_ar"], title="لا ماء ولا كهرباء",
             body="The Arabic article says the same as the English one.")
    session.run(bind(delete_excerpt, excerpt_id=data["ex_ar"]))
    add_memo(session, "excerpt", data["ex_en"], title="Infrastructure as hope",
             body="They speak of water before they speak of homes.")
    pane.refresh()
    pane.select_memos([data["m_excerpt"]])
    ARTIFACTS.mkdir(exist_ok=True)
    assert pane.grab().save(str(ARTIFACTS / "memos_pane.png"))


def test_excerpt_span_tells_the_window_where_an_excerpt_is(session, data):
    source_id, start, end = excerpt_span(session, data["ex_en"])
    assert source_id == data["sources"]["english"]
    assert ENGLISH[start:end] == "There is no water and no electricity."
    assert excerpt_span(session, 999) is None
