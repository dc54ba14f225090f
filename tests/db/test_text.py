"""The canonical-text contract (DESIGN.md rule 6)."""

import unicodedata

import pytest

from db.text import TextBuilder, canonical, check_span, is_canonical, text_hash, utf16_length


def test_bom_and_line_endings_are_removed():
    assert canonical("\ufeffone\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_nfc_composes_combining_marks():
    decomposed = "Cafe\u0301 re\u0301sume\u0301"
    out = canonical(decomposed)
    assert out == "Café résumé"
    assert unicodedata.is_normalized("NFC", out)


def test_arabic_diacritics_and_emoji_survive_unchanged():
    arabic = "مُقَاتِلُو الرَّقَّة 🕊️ #الرقة"
    assert canonical(arabic) == unicodedata.normalize("NFC", arabic)
    assert "🕊" in canonical(arabic)


def test_offsets_are_code_points_not_utf16_units():
    text = canonical("🇸🇾 هُنا [1]")
    at = text.index("[1]")
    assert text[at:at + 3] == "[1]"
    assert utf16_length(text) > len(text)  # the flag is 2 code points, 4 UTF-16 units


def test_canonical_is_idempotent():
    s = "\ufeffa\r\n\u0627\u0651\u064e"
    assert canonical(canonical(s)) == canonical(s)
    assert is_canonical(canonical(s))
    assert not is_canonical("a\r\nb")


def test_text_hash_is_of_canonical_utf8():
    assert text_hash("abc") == text_hash(canonical("\ufeffabc"))
    assert text_hash("abc") != text_hash("abd")


def test_check_span():
    check_span("abc", 0, 3)
    for bad in ((0, 0), (-1, 2), (2, 4), (2, 1)):
        with pytest.raises(ValueError):
            check_span("abc", *bad)


def test_builder_records_marks_in_canonical_text():
    b = TextBuilder()
    b.append("\ufeffCafe\u0301\r")
    b.append("\nمرحبا 🙂 ")
    at = b.mark()
    b.append("[7]")
    text = b.text()
    assert text == "Café\nمرحبا 🙂 [7]"
    assert text[at:at + 3] == "[7]"
    assert len(b) == len(text)


def test_builder_composes_a_combining_mark_across_pieces():
    b = TextBuilder()
    b.append("Cafe")
    b.append("\u0301 ok")
    assert b.text() == "Café ok"
    assert len(b) == len(b.text())


def test_builder_ends_with():
    b = TextBuilder()
    assert not b.ends_with("\n")
    b.append("a\n")
    b.append("\n")
    assert b.ends_with("\n\n")
