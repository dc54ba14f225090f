"""Growing a hit to its sentence, paragraph or source (db.units.expand)."""

import pytest

from db.errors import CodingError
from db.units import UNITS, expand

TEXT = ("They left at dawn. People said it was 3.5 km, e.g. far. “Who stays?” she asked!\n"
        "A new line starts a sentence\n\n"
        "Second paragraph… with an ellipsis. Last one")
ARABIC = "قال الرجل: عاد السكان إلى المدينة؟ لم يعد أحد۔ ثم جاء الشتاء."


def _grow(text, word, unit, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    s, e = expand(text, start, start + len(word), unit)
    return text[s:e]


@pytest.mark.parametrize("word,sentence", [
    ("dawn", "They left at dawn."),
    ("They", "They left at dawn."),
    ("3.5", "People said it was 3.5 km, e.g. far."),
    ("e.g.", "People said it was 3.5 km, e.g. far."),
    ("Who", "“Who stays?” she asked!"),
    ("stays?”", "“Who stays?” she asked!"),
    ("asked", "“Who stays?” she asked!"),
    ("new", "A new line starts a sentence"),
    ("ellipsis", "Second paragraph… with an ellipsis."),
    ("Last", "Last one"),
])
def test_sentence(word, sentence):
    assert _grow(TEXT, word, "sentence") == sentence


def test_sentence_of_arabic_text():
    assert _grow(ARABIC, "السكان", "sentence") == "قال الرجل: عاد السكان إلى المدينة؟"
    assert _grow(ARABIC, "أحد", "sentence") == "لم يعد أحد۔"
    assert _grow(ARABIC, "الشتاء", "sentence") == "ثم جاء الشتاء."


def test_a_span_over_several_sentences_grows_to_all_of_them():
    start, end = TEXT.index("dawn"), TEXT.index("People") + 6
    s, e = expand(TEXT, start, end, "sentence")
    assert TEXT[s:e] == "They left at dawn. People said it was 3.5 km, e.g. far."


def test_paragraph_ends_at_blank_lines_not_single_line_breaks():
    first = TEXT[:TEXT.index("\n\n")]
    assert _grow(TEXT, "dawn", "paragraph") == first
    assert _grow(TEXT, "new line", "paragraph") == first
    assert _grow(TEXT, "Last", "paragraph") == "Second paragraph… with an ellipsis. Last one"
    text = "One.\n \t\nTwo\u2029Three"
    assert _grow(text, "Two", "paragraph") == "Two"
    assert _grow(text, "Three", "paragraph") == "Three"


def test_hit_and_source_are_trimmed():
    text = "  \n Hello world. \n"
    assert expand(text, 0, 9, "hit") == (4, 9)
    assert expand(text, 5, 7, "source") == (4, 16)
    assert expand(text, 0, 2, "sentence") == (2, 2)  # only white space stays empty


def test_long_texts_look_back_far_enough():
    text = "Start " + "word " * 5000 + "end. Next."
    assert _grow(text, "end", "sentence").startswith("Start word word")
    assert _grow(text, "Next", "sentence") == "Next."
    assert expand(text, 0, 5, "paragraph") == (0, len(text))


def test_bad_unit_or_span():
    with pytest.raises(CodingError, match="unknown unit 'word'; use one of: hit, sentence"):
        expand(TEXT, 0, 4, "word")
    with pytest.raises(CodingError, match="outside a text of"):
        expand(TEXT, 0, len(TEXT) + 1, "hit")
    assert UNITS == ("hit", "sentence", "paragraph", "source")
