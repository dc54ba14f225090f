"""The Coded excerpts view: retrieval by codes (any / all), filters, context, jumping."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication

from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from desktop.models.excerpts import ROW_ROLE, SPAN_ROLE, headline
from desktop.views.excerpts import ExcerptsView
from tests.desktop.codebook_support import (
    ARABIC,
    ARTIFACTS,
    ENGLISH,
    add_sources,
    code,
    code_samples,
    make_codebook,
    span_of,
)
from tests.desktop.session_support import write


@pytest.fixture
def sources(proj):
    return add_sources(proj)


@pytest.fixture
def codes(session, sources):
    ids = make_codebook(session)
    code_samples(session, sources, ids)
    return ids


@pytest.fixture
def view(session, codes, qtbot):
    widget = ExcerptsView()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.set_session(session)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def texts(view) -> list[str]:
    return [view.model.index(r).data() for r in range(view.model.rowCount())]


def test_nothing_ticked_shows_a_hint(view):
    assert view.model.rowCount() == 0
    assert "Tick one or more codes" in view.count_label.text()


def test_one_code_lists_its_excerpts_with_source_author_and_date(view, codes, sources):
    view.show_codes([codes["Water"]])
    assert texts(view) == ["There is no water and no electricity.", "لا ماء ولا كهرباء في المدينة."]
    first = view.model.index(0)
    row = first.data(ROW_ROLE)
    assert headline(row) == "Return to Raqqa · Hana Salim · 2018-03-01"
    assert [c["name"] for c in row["codes"]] == ["Water", "الكهرباء"]
    assert first.data(Qt.ItemDataRole.UserRole) == row["id"]
    start, end = span_of(ENGLISH, "There is no water and no electricity.")
    assert first.data(SPAN_ROLE) == (sources["english"], start, end)
    assert view.count_label.text() == "2 excerpts in 2 sources"
    assert view.model.index(1).data(ROW_ROLE)["rtl"] is True
    assert view.model.index(0).data(ROW_ROLE)["rtl"] is False


def test_any_or_all_of_several_codes(view, codes, qtbot):
    view.show_codes([codes["Water"], codes["الكهرباء"]], mode="any")
    assert len(texts(view)) == 2
    view.show_codes([codes["Water"], codes["الكهرباء"]], mode="all")
    assert texts(view) == ["There is no water and no electricity."]
    view.show_codes([codes["خوف"], codes["Despair"]], mode="all")
    assert texts(view) == [] and view.count_label.text() == "No excerpt matches."


def test_ticking_codes_in_the_checklist_retrieves(view, codes, qtbot):
    checkable = view.checkable
    index = checkable.mapFromSource(view.codes_model.index_of(codes["Hope"]))
    assert checkable.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(view.counts_changed, timeout=2000):
        checkable.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert texts(view) == ["some still hope to rebuild their homes before winter", "الأمل باقٍ"]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert view.checkable.checked() == [codes["Hope"]]


def test_collection_and_date_filters(view, codes, qtbot):
    view.show_codes([codes["Hope"], codes["Resilience"], codes["Mosul"]])
    assert len(texts(view)) == 4
    combo = view.collection_combo
    combo.setCurrentIndex(combo.findText("Raqqa"))
    view.refresh()
    assert texts(view) == ["some still hope to rebuild their homes before winter", "الأمل باقٍ"]
    combo.setCurrentIndex(0)
    view.from_check.setChecked(True)
    view.from_edit.setDate(QDate(2018, 5, 2))
    view.refresh()
    assert texts(view) == ["الأمل باقٍ", "the old bridge is gone",
                           "the river is the only way across"]
    view.to_check.setChecked(True)
    view.to_edit.setDate(QDate(2018, 12, 31))
    view.refresh()
    assert texts(view) == ["الأمل باقٍ"]


def test_coder_filter_is_the_sessions(view, session, codes, sources, qtbot):
    omar = write(session, bind(ensure_coder, name="Omar")).value
    code(session, sources["english"], ENGLISH, "Aid agencies say", codes["Hope"], omar)
    view.show_codes([codes["Hope"]])
    assert len(texts(view)) == 3
    view.coder_filter.refresh()
    view.coder_filter.choose(omar)
    assert session.visible_coders == {omar}
    view.refresh()
    assert texts(view) == ["Aid agencies say"]
    session.show_coders(None)
    assert view.coder_filter.coder_id() is None
    view.refresh()
    assert len(texts(view)) == 3


def test_context_on_request(view, codes, qtbot):
    view.show_codes([codes["Despair"]])
    row = view.model.index(0).data(ROW_ROLE)
    assert row["before"] == "" and row["after"] == ""
    view.context_spin.setValue(20)
    view.refresh()
    row = view.model.index(0).data(ROW_ROLE)
    assert row["before"] == ENGLISH[ENGLISH.index("Many") - 20:ENGLISH.index("Many")]
    assert row["after"] == "; some still hope to"
    doc = view.list.itemDelegate().document(view.model.index(0))
    # one paragraph: the blank line between the source's paragraphs is one line break
    assert doc.blockCount() == 1
    assert doc.toPlainText().replace("\u2028", "\n") == \
        "…he camps are full.\nMany feel hopeless; some still hope to…"


def test_right_to_left_excerpts_are_laid_out_right_to_left(view, codes):
    view.show_codes([codes["خوف"]])
    doc = view.list.itemDelegate().document(view.model.index(0))
    assert doc.firstBlock().blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert doc.toPlainText() == "يخشى المدنيون من عودة القتال"


def test_activating_an_excerpt_jumps_to_its_place(view, codes, sources, qtbot):
    view.show_codes([codes["خوف"]])
    index = view.model.index(0)
    with qtbot.waitSignal(view.excerpt_activated) as got:
        view.list.doubleClicked.emit(index)
    assert got.args == [sources["arabic"], *span_of(ARABIC, "يخشى المدنيون من عودة القتال")]


def test_the_list_follows_coding_and_undo(view, session, codes, sources, qtbot):
    view.show_codes([codes["Despair"]])
    start, end = span_of(ENGLISH, "Families returned")
    session.run(bind(code_span, source_id=sources["english"], start=start, end=end,
                       code_id=codes["Despair"], coder_id=session.coder_id()))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    session.history.undo()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)


def test_copy_puts_the_quotation_and_its_source_on_the_clipboard(view, codes, qtbot):
    view.show_codes([codes["Despair"]])
    view.list.selectAll()
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == \
        "“Many feel hopeless”\n— Return to Raqqa · Hana Salim · 2018-03-01 [Despair]"


def test_screenshot_of_coded_excerpts(view, codes, qtbot):
    view.show_codes([codes["Water"], codes["Hope"], codes["Resilience"], codes["خوف"]])
    view.context_spin.setValue(60)
    view.refresh()
    view.list.setCurrentIndex(view.model.index(1))
    qtbot.wait(50)
    ARTIFACTS.mkdir(exist_ok=True)
    assert view.grab().save(str(ARTIFACTS / "coded_excerpts.png"))
    assert dt.date.today()  # the screenshot is for people to look at
