"""Code points versus Qt's UTF-16 units: desktop/offsets.py, checked against Qt itself."""

import random
import unicodedata

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

from desktop import offsets
from desktop.offsets import OffsetMap

DOVE = "🕊️"  # U+1F54A (astral) + U+FE0F variation selector (BMP)
SYRIA = "🇸🇾"  # two regional indicators, both astral
HEART = "💔"
HARAKAT = "بِسْمِ اللَّهِ الرَّحْمَٰنِ"  # letters with fatha, kasra, sukun, shadda...
COMBINING = "q\u0323\u0301 x\u030a"  # combining marks NFC cannot compose away

SAMPLES = [
    "",
    "plain ASCII",
    DOVE,
    f"{DOVE} سلام {SYRIA}\n{HEART} peace [1]",
    HARAKAT,
    f"{HARAKAT} {HEART}{HEART} NATO {SYRIA}",
    COMBINING + SYRIA + COMBINING,
    f"{HEART}\n\n{DOVE}\n",
    "\U0010ffff\U00010000",  # the two ends of the astral planes
]


def utf16_units(text: str) -> int:
    """The reference count: UTF-16 code units by actually encoding."""
    return len(text.encode("utf-16-le")) // 2


def test_samples_are_canonical_text():
    for text in SAMPLES:
        assert unicodedata.normalize("NFC", text) == text


@pytest.mark.parametrize("text", SAMPLES)
def test_to_qt_counts_utf16_units_before_each_position(text):
    m = OffsetMap(text)
    for pos in range(len(text) + 1):
        expected = utf16_units(text[:pos])
        assert offsets.to_qt(text, pos) == expected
        assert m.to_qt(pos) == expected


@pytest.mark.parametrize("text", SAMPLES)
def test_round_trip_at_every_position_including_both_ends(text):
    m = OffsetMap(text)
    for pos in range(len(text) + 1):
        assert m.from_qt(m.to_qt(pos)) == pos
        assert offsets.from_qt(text, offsets.to_qt(text, pos)) == pos
    assert m.to_qt(0) == 0 and m.from_qt(0) == 0
    assert m.to_qt(len(text)) == m.qt_length == utf16_units(text)
    assert m.from_qt(m.qt_length) == len(text)
    assert offsets.qt_length(text) == m.qt_length


def test_emoji_outside_the_bmp_take_two_units():
    text = f"a{HEART}b{SYRIA}c{DOVE}d"
    m = OffsetMap(text)
    assert [m.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8, 9, 11, 12, 13]
    assert m.qt_length == 13


def test_arabic_with_harakat_and_combining_marks_are_one_unit_each():
    for text in (HARAKAT, COMBINING):
        m = OffsetMap(text)
        assert [m.to_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))


def test_position_inside_a_surrogate_pair_rounds_down_or_up():
    text = f"x{HEART}y"  # Qt: x=0, heart=1..2, y=3
    m = OffsetMap(text)
    assert m.from_qt(2) == 1
    assert m.from_qt(2, ceil=True) == 2
    assert offsets.from_qt(text, 2, ceil=True) == 2
    assert m.from_qt_span(2, 2) == (1, 2)


def test_spans_convert_both_ways():
    text = f"{SYRIA} {HARAKAT} {HEART}"
    m = OffsetMap(text)
    start, end = 3, 3 + len(HARAKAT)
    assert m.to_qt_span(start, end) == (5, 5 + len(HARAKAT))
    assert m.from_qt_span(*m.to_qt_span(start, end)) == (start, end)


@pytest.mark.parametrize("bad", [-1, 99])
def test_positions_outside_the_text_are_refused(bad):
    m = OffsetMap(f"{HEART}ab")
    with pytest.raises(ValueError):
        m.to_qt(bad)
    with pytest.raises(ValueError):
        m.from_qt(bad)
    with pytest.raises(ValueError):
        offsets.to_qt("ab", bad)


def test_long_text_with_many_emoji_matches_the_reference():
    rng = random.Random(7)
    alphabet = ["a", " ", "\n", "ب", "ِ", "ّ", HEART, SYRIA, DOVE, "\u0301"]
    text = "".join(rng.choice(alphabet) for _ in range(100_000))
    m = OffsetMap(text)
    prefix = 0
    for pos, ch in enumerate(text):
        if pos % 997 == 0:
            assert m.to_qt(pos) == prefix
            assert m.from_qt(prefix) == pos
        prefix += 2 if ord(ch) > 0xFFFF else 1
    assert m.qt_length == prefix == utf16_units(text)


def test_agrees_with_qt_document_positions():
    """A QTextCursor at to_qt(pos) has exactly text[:pos] before it, newlines included."""
    text = f"{SYRIA} سوريا\n{HARAKAT} {HEART}\nNATO {DOVE} end"
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() - 1 == m.qt_length
    cursor = QTextCursor(doc)
    for pos in range(len(text) + 1):
        cursor.setPosition(0)
        cursor.setPosition(m.to_qt(pos), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText().replace("\u2029", "\n") == text[:pos]
