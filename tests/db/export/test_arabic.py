"""Bidi, shaping, fonts and line breaking for the PDF export (no PDF needed)."""

from __future__ import annotations

from db.export import fonts
from db.export.arabic import Style, faces, glyph_letters, layout, shape, visual_runs
from db.export.bidi_levels import paragraph_levels, visual_order

ARABIC = ("أعلنت الحكومة العراقية في تموز/يوليو 2017 استعادة السيطرة الكاملة على مدينة "
          "الموصل بعد معارك استمرت نحو تسعة أشهر ضد تنظيم داعش (ISIS). غير أنّ نهاية "
          "العمليات العسكرية لم تكن سوى بداية لمرحلة أطول وأكثر تعقيدًا.")


def _visual(text: str) -> str:
    base, levels = paragraph_levels(text)
    return "".join(text[i] for i in visual_order(text, levels, base))


def test_arabic_paragraph_is_right_to_left_and_english_left_to_right():
    assert paragraph_levels(ARABIC)[0] == 1
    assert paragraph_levels("He said مرحبا twice")[0] == 0
    assert paragraph_levels("Plain English") == (0, None)  # no work for Latin text


def test_brackets_and_numbers_inside_arabic_keep_their_place():
    # rule N0: "(UNDP) 2017" stays "(UNDP) 2017" read right to left, not "2017 (UNDP"
    assert _visual("برنامج (UNDP) 2017 في") == "يف 2017 )UNDP( جمانرب"
    assert _visual("مرحبا (Hello world) 123 كيف") == "فيك 123 )Hello world( ابحرم"


def test_lines_are_broken_on_logical_text_then_reordered():
    pieces = faces(ARABIC, [(0, len(ARABIC), Style(size=10))])
    lines = layout(ARABIC, pieces, 160)
    assert len(lines) >= 4
    assert lines[0].start == 0 and lines[-1].end == len(ARABIC)
    for a, b in zip(lines, lines[1:], strict=False):
        assert a.end == b.start  # consecutive logical stretches: reading order is kept
    assert ARABIC[lines[0].start:lines[0].end].startswith("أعلنت الحكومة")
    assert all(line.base == 1 for line in lines)
    runs = visual_runs(ARABIC, lines[0], pieces)
    # right to left: the first words of the paragraph are at the right end of line one
    assert ARABIC[runs[-1].start:runs[-1].end].startswith("أعلنت الحكومة العراقية")
    assert runs[-1].level == 1
    assert all(line.width <= 160.01 for line in lines)


def test_a_word_wider_than_the_line_is_cut():
    url = "https://example.org/" + "a" * 200
    pieces = faces(url, [(0, len(url), Style())])
    lines = layout(url, pieces, 100)
    assert len(lines) > 3 and "".join(url[ln.start:ln.end] for ln in lines) == url


def test_a_huge_unbroken_word_is_cut_in_linear_time_between_graphemes():
    import time
    import unicodedata

    unit = "e\u0301" + "👩🏽\u200d🔬" + "ب\u0651" + "x" * 7  # marks, a ZWJ emoji, Arabic
    word = "Title: " + unit * 5_000 + " end"  # 60,000 characters, no space
    pieces = faces(word, [(0, len(word), Style())])
    started = time.process_time()
    lines = layout(word, pieces, 300)
    assert time.process_time() - started < 5  # was quadratic: about 25 s here, hours for 1 MB
    assert "".join(word[ln.start:ln.end] for ln in lines) == word
    assert all(ln.width <= 300.01 for ln in lines)
    for ln in lines[1:]:  # never a mark, a joiner or a modifier cut from its letter
        first = word[ln.start]
        assert not unicodedata.combining(first) and first not in "\u200d🏽🔬"


def test_harfbuzz_shapes_right_to_left_runs_in_visual_order():
    fonts.register()
    shaped = shape("والكهرباء", fonts.font_name(fonts.ARABIC), True)
    assert list(shaped.clusters) == sorted(shaped.clusters, reverse=True)
    assert shaped.width > 0
    mirrored = shape("(ISIS)", fonts.font_name(fonts.ARABIC), True)
    assert mirrored.clusters[0] == 5  # the closing bracket comes first, mirrored


def test_shaped_glyphs_map_back_to_their_letters():
    assert glyph_letters("uni0644.init_LamAlfIsol", "ل") == "ل"
    assert glyph_letters("uni0640.1", "ل") == ""  # a kashida the shaper added
    assert glyph_letters("uni0640", "\u0640") == "\u0640"  # a tatweel in the text
    assert glyph_letters("glyph123", "ب") == "ب"


def test_arabic_letters_take_amiri_and_their_brackets_too():
    text = "قال (ISIS) إن 6000 Hello, world"
    script_at = {i: script for a, b, script in fonts.scripts(text) for i in range(a, b)}
    assert script_at[text.index("(")] == fonts.ARABIC
    assert script_at[text.index("I")] == fonts.LATIN
    # between Latin and Arabic, the paragraph's own script: both brackets match
    assert script_at[text.index(")")] == fonts.ARABIC
    assert script_at[text.index("Hello")] == fonts.LATIN


def test_emoji_take_the_emoji_font_and_what_no_font_has_becomes_a_placeholder():
    text, edits = fonts.sanitize("ok 🕊️ and 🇸🇾 and 👍🏽\tend 中\n")
    assert text == "ok 🕊️ and 🇸🇾 and 👍🏽 end □\n"
    assert [e[2] for e in edits] == [" ", "□"]
    assert fonts.sanitize("plain") == ("plain", [])
    pieces = fonts.scripts("ok 🕊️ and 👨‍👩‍👧 سلام 🇸🇾")
    emoji = [text[a:b] for a, b, script in pieces if script == fonts.EMOJI
             for text in ["ok 🕊️ and 👨‍👩‍👧 سلام 🇸🇾"]]
    assert emoji == ["🕊️", "👨‍👩‍👧", "🇸🇾"]
    assert {s for _, _, s in pieces} == {fonts.LATIN, fonts.EMOJI, fonts.ARABIC}
