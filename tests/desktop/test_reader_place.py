"""Coding keeps the Reader's place, and a dragged selection snaps to whole words (issue 17)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from desktop.session import ProjectSession
from tests.desktop.session_support import shown_reader
from tests.desktop.test_reader_coding import add_source, make_code, show

LONG = "\n\n".join(
    f"Paragraph {n}: families returned to the city after the strikes ended, and the "
    f"markets opened again slowly; residents described the damage in long posts." for n in
    range(80))
ARABIC_LONG = "\n\n".join(
    "وَيَقُولُ السُّكَّانُ إنَّ الجامعَ النوريَّ كانَ قلبَ المدينةِ، وإنَّ منارةَ الحدباءِ "
    "رمزٌ لا يمكنُ التخلّي عنه." for _ in range(3))


@pytest.fixture
def session(proj):
    session = ProjectSession(proj)
    session.set_coder("Lina")
    yield session
    session.close()


@pytest.fixture
def reader(qtbot, session):
    return shown_reader(qtbot, 1000, 720, session)


def _visible_span(reader, text: str, piece: str, nth: int) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


@pytest.mark.parametrize("backwards", [False, True])
def test_applying_a_code_keeps_the_scroll_position(reader, session, proj, qtbot, backwards):
    sid = add_source(proj, LONG)
    text = show(reader, session, sid)
    code = make_code(session, "Return")
    bar = reader.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(50)
    # a passage in view, selected as a drag would (forwards or backwards)
    top = reader.view.cursorForPosition(QPoint(40, 60)).position()
    block = reader.view.document().findBlock(top).next()
    start = block.position()
    end = start + 60
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(end if backwards else start)
    cursor.setPosition(start if backwards else end, QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    before = bar.value()
    rect_before = reader.view.cursorRect(QTextCursor(block)).top()
    assert reader.coding.apply_code(code)
    qtbot.waitUntil(lambda: len(reader.excerpts()) == 1, timeout=5000)
    qtbot.wait(50)
    assert bar.value() == before
    assert reader.view.cursorRect(QTextCursor(block)).top() == rect_before
    assert text[reader.excerpts()[0]["start"]:reader.excerpts()[0]["end"]]


def test_a_wider_margin_does_not_move_the_line_read(reader, session, proj, qtbot):
    """Overlapping codes need a second margin column: the text wraps narrower, and the
    line at the top of the view stays where it was."""
    reader.resize(1100, 700)
    sid = add_source(proj, LONG)
    text = show(reader, session, sid)
    codes = [make_code(session, name) for name in ("Return", "Markets", "Damage")]
    bar = reader.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(50)
    top = reader.view.cursorForPosition(QPoint(40, 40))
    line = top.block().next()
    place = reader.view.cursorRect(QTextCursor(line)).top()
    start = reader.offsets.from_qt(line.position())
    for n, code in enumerate(codes):  # nested: three columns in the margin
        reader.select_span(start + 2 * n, start + 60 - 2 * n)
        bar.setValue(bar.value())  # selecting never scrolls a span already in view
        assert reader.coding.apply_code(code)
        qtbot.waitUntil(lambda n=n: len(reader.excerpts()) == n + 1, timeout=5000)
        qtbot.wait(30)
    assert reader.view.margin.width() > 0
    assert abs(reader.view.cursorRect(QTextCursor(line)).top() - place) <= 2
    assert text


def test_a_selection_running_past_the_view_does_not_scroll_on_coding(reader, session, proj,
                                                                     qtbot):
    """Selected from a line in view down past the bottom (the cursor is off screen):
    coding drops the selection without scrolling to the cursor."""
    sid = add_source(proj, LONG)
    show(reader, session, sid)
    code = make_code(session, "Return")
    bar = reader.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    qtbot.wait(50)
    start = reader.view.cursorForPosition(QPoint(40, 40)).position()
    end = reader.view.cursorForPosition(QPoint(40, reader.view.viewport().height() - 5)) \
        .position() + 800
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    bar.setValue(bar.maximum() // 3)  # the reader scrolled back up to check the start
    qtbot.wait(30)
    before = bar.value()
    assert reader.coding.apply_code(code)
    qtbot.waitUntil(lambda: len(reader.excerpts()) == 1, timeout=5000)
    qtbot.wait(50)
    assert bar.value() == before


def _release(reader, modifiers=Qt.KeyboardModifier.NoModifier):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    point = QPointF(reader.view.cursorRect().center())
    event = QMouseEvent(QEvent.Type.MouseButtonRelease, point, point,
                        Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton, modifiers)
    reader.view.mouseReleaseEvent(event)


def _drag_select(reader, text: str, start: int, end: int, backwards=False) -> str:
    """Select code points as a mouse drag leaves them, then release; the text selected."""
    cursor = QTextCursor(reader.view.document())
    a, b = reader.offsets.to_qt(start), reader.offsets.to_qt(end)
    cursor.setPosition(b if backwards else a)
    cursor.setPosition(a if backwards else b, QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    return text


@pytest.mark.parametrize("backwards", [False, True])
def test_a_dragged_selection_snaps_to_whole_words(reader, session, proj, backwards):
    text = show(reader, session, add_source(proj, LONG))
    start = text.index("the strikes") + 5  # "trikes"
    end = text.index("markets") + 3  # "mar"
    _drag_select(reader, text, start, end, backwards)
    _release(reader)
    span = reader.selection_span()
    assert text[span[0]:span[1]] == "strikes ended, and the markets"
    assert (reader.view.textCursor().position() == reader.view.textCursor().selectionStart()) \
        == backwards


def test_alt_keeps_the_exact_characters(reader, session, proj):
    text = show(reader, session, add_source(proj, LONG))
    start = text.index("the strikes") + 5
    _drag_select(reader, text, start, start + 10)
    _release(reader, Qt.KeyboardModifier.AltModifier)
    span = reader.selection_span()
    assert text[span[0]:span[1]] == "trikes end"


def test_arabic_words_with_harakat_snap_whole(reader, session, proj):
    text = show(reader, session, add_source(proj, ARABIC_LONG))
    word = "السُّكَّانُ"
    start = text.index(word) + 3  # inside the word, after a shadda
    end = text.index("الجامعَ") + 2
    _drag_select(reader, text, start, end)
    _release(reader)
    span = reader.selection_span()
    assert text[span[0]:span[1]] == "السُّكَّانُ إنَّ الجامعَ"


def test_an_end_at_a_word_boundary_stays(reader, session, proj):
    text = show(reader, session, add_source(proj, LONG))
    start = text.index("families")
    _drag_select(reader, text, start, start + len("families returned"))
    _release(reader)
    span = reader.selection_span()
    assert text[span[0]:span[1]] == "families returned"
