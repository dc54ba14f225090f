"""Find in the Reader: hits painted over the coding, F3 / Shift+F3, the Ctrl+F find bar."""

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from db.fold import find_all
from desktop.views.reader import Reader
from desktop.views.reader_paint import CURRENT_HIT_BACKGROUND, HIT_BACKGROUND
from tests.desktop.session_support import shown_reader

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

BASE = {"id": 1, "uuid": "0f0e", "kind": "article", "title": "Raqqa notes", "author": "",
        "handle": "", "platform": "", "site_name": "", "url": "", "language": "",
        "post_id": None, "reply_to_id": "", "thread_id": "", "is_repost": False,
        "likes": None, "reposts": None, "replies": None, "views": None, "hashtags": [],
        "mentions": [], "links": [], "file_name": "", "format": "html", "published": None,
        "collections": [], "footnotes": []}

ENGLISH = "Raqqa fell in 2017. Residents of raqqa wrote first.\nRAQQA rebuilt slowly."
HARAKAT = "الرَّقَّة"
MIXED = (f"🕊️ {HARAKAT} مدينتنا، ونحن من سيعيد بناءها. وقالت أُمّ: إنها الرقة ما زالت.\n\n"
         "The residents of Raqqa 🇸🇾 wrote first; RAQQA rebuilt slowly.")


def detail(text: str, source_id: int = 1) -> dict:
    return {**BASE, "id": source_id, "text": text, "length": len(text)}


@pytest.fixture
def reader(qtbot):
    return shown_reader(qtbot, 760, 420)


def hit_selections(reader: Reader) -> list[tuple[int, int, str]]:
    """The hit extra selections on the view, as (code-point start, end, background)."""
    out = []
    for sel in reader.view.extraSelections():
        color = sel.format.background().color().name()
        if color in (QColor(HIT_BACKGROUND).name(), QColor(CURRENT_HIT_BACKGROUND).name()):
            out.append((*reader.offsets.from_qt_span(sel.cursor.selectionStart(),
                                                      sel.cursor.selectionEnd()), color))
    return out


def type_text(widget, text: str) -> None:
    """Type ``text`` one character at a time (QTest.keyClicks aborts on Arabic)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def press(qtbot, widget, keys: str) -> None:
    seq = QKeySequence(keys)[0]
    qtbot.keyClick(widget, seq.key(), seq.keyboardModifiers())


# -- matching ------------------------------------------------------------------------


# -- show_hits, next, previous ----------------------------------------------------------


def test_show_hits_paints_and_next_previous_walk_and_wrap(reader, qtbot):
    reader.show_source(detail(MIXED))
    spans = find_all(MIXED, "raqqa")
    assert len(spans) == 2
    reader.show_hits(spans, current=0)
    assert reader.selection_span() == spans[0]
    painted = hit_selections(reader)
    assert [(a, b) for a, b, _ in painted] == spans
    assert painted[0][2] == QColor(CURRENT_HIT_BACKGROUND).name()
    assert painted[1][2] == QColor(HIT_BACKGROUND).name()

    actions = {a.text(): a for a in reader.find_actions()}
    assert set(actions) == {"&Find in Source…", "Find &Next", "Find Pre&vious"}
    for action in actions.values():
        assert action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert QKeySequence("F3") in actions["Find &Next"].shortcuts()
    assert QKeySequence("Ctrl+G") in actions["Find &Next"].shortcuts()
    assert QKeySequence("Shift+F3") in actions["Find Pre&vious"].shortcuts()
    assert QKeySequence("Ctrl+Shift+G") in actions["Find Pre&vious"].shortcuts()

    reader.view.setFocus()
    press(qtbot, reader.view, "F3")
    assert reader.selection_span() == spans[1]
    press(qtbot, reader.view, "F3")  # wraps to the first
    assert reader.selection_span() == spans[0]
    press(qtbot, reader.view, "Shift+F3")  # wraps back to the last
    assert reader.selection_span() == spans[1]
    press(qtbot, reader.view, "Ctrl+Shift+G")
    assert reader.selection_span() == spans[0]
    press(qtbot, reader.view, "Ctrl+G")
    assert reader.selection_span() == spans[1]
    assert hit_selections(reader)[1][2] == QColor(CURRENT_HIT_BACKGROUND).name()


def test_hits_survive_a_coding_repaint_and_clear(reader):
    reader.show_source(detail(ENGLISH))
    reader.show_hits(find_all(ENGLISH, "raqqa"))
    assert reader.selection_span() is None  # no current: nothing selected
    reader.coding.refresh()  # the coding repaints: the hits stay on top
    assert len(hit_selections(reader)) == 3
    reader.clear_hits()
    assert hit_selections(reader) == [] and reader.hits() == []
    with pytest.raises(ValueError):
        reader.show_hits([(0, len(ENGLISH) + 1)])


def test_next_without_current_starts_at_cursor(reader):
    reader.show_source(detail(ENGLISH))
    spans = find_all(ENGLISH, "raqqa")
    reader.show_hits(spans)
    reader.select_span(20, 20)
    reader.find.next()
    assert reader.selection_span() == spans[1]


def test_showing_another_source_clears_hits(reader, qtbot):
    reader.show_source(detail(ENGLISH))
    reader.view.setFocus()
    press(qtbot, reader.view, "Ctrl+F")
    qtbot.keyClicks(reader.find_bar.field, "raqqa")
    assert len(reader.hits()) == 3
    reader.show_source(detail("Nothing to see here.", source_id=2))
    assert reader.hits() == [] and hit_selections(reader) == []
    assert not reader.find_bar.isVisible() and reader.find_bar.field.text() == ""
    reader.show_source(None)
    assert reader.hits() == []


# -- the find bar ------------------------------------------------------------------------


def test_ctrl_f_finds_as_you_type_and_enter_walks(reader, qtbot):
    text = "Raqqa was taken. Later, RAQQA was rebuilt."
    reader.show_source(detail(text))
    reader.view.setFocus()
    press(qtbot, reader.view, "Ctrl+F")
    bar = reader.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "raqqa")
    assert reader.hits() == [(0, 5), (24, 29)]
    assert bar.count.text() == "1 of 2"
    assert reader.selection_span() == (0, 5)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert reader.selection_span() == (24, 29) and bar.count.text() == "2 of 2"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert reader.selection_span() == (0, 5)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert reader.selection_span() == (24, 29)
    press(qtbot, bar.field, "F3")
    assert reader.selection_span() == (0, 5)
    press(qtbot, bar.field, "Shift+F3")
    assert reader.selection_span() == (24, 29)
    qtbot.keyClicks(bar.field, "x")
    assert reader.hits() == [] and bar.count.text() == "No matches"


def test_find_bar_finds_arabic_with_harakat_after_emoji(reader, qtbot):
    reader.show_source(detail(MIXED))
    reader.view.setFocus()
    press(qtbot, reader.view, "Ctrl+F")
    type_text(reader.find_bar.field, "الرقة")
    spans = reader.hits()
    assert len(spans) == 2
    start, end = spans[0]
    assert MIXED[start:end] == HARAKAT
    assert start == len("🕊️ ")  # code points: the emoji is one, its selector another
    assert reader.selection_span() == spans[0]
    # The view selects exactly that text (the emoji is two UTF-16 units before it).
    assert reader.view.textCursor().selectedText() == HARAKAT
    assert reader.find_bar.count.text() == "1 of 2"


def test_find_bar_folds_accents_as_search_does(reader, qtbot):
    text = "Le café ferme; un CAFÉ ouvre 🇸🇾 café."
    reader.show_source(detail(text))
    reader.view.setFocus()
    press(qtbot, reader.view, "Ctrl+F")
    qtbot.keyClicks(reader.find_bar.field, "cafe")
    assert [text[a:b] for a, b in reader.hits()] == ["café", "CAFÉ", "café"]
    assert reader.view.textCursor().selectedText() == "café"
    assert reader.find_bar.count.text() == "1 of 3"


def test_escape_closes_the_bar_and_clears_hits(reader, qtbot):
    reader.show_source(detail(ENGLISH))
    reader.view.setFocus()
    press(qtbot, reader.view, "Ctrl+F")
    qtbot.keyClicks(reader.find_bar.field, "raqqa")
    assert hit_selections(reader)
    qtbot.keyClick(reader.find_bar.field, Qt.Key.Key_Escape)
    assert not reader.find_bar.isVisible()
    assert reader.hits() == [] and hit_selections(reader) == []
    # Opening it again searches the query it kept.
    press(qtbot, reader.view, "Ctrl+F")
    assert reader.find_bar.isVisible() and len(reader.hits()) == 3


def test_screenshot_find_bar(reader, qtbot):
    reader.show_source(detail(MIXED))
    reader.view.setFocus()
    press(qtbot, reader.view, "Ctrl+F")
    type_text(reader.find_bar.field, "الرقة")
    press(qtbot, reader.find_bar.field, "F3")
    ARTIFACTS.mkdir(exist_ok=True)
    assert reader.grab().save(str(ARTIFACTS / "reader_find.png"))
