"""HTML as the text a reader sees, and Taguette's byte offsets carried into it."""

from __future__ import annotations

import unicodedata

from db.importers.html_text import render


def span_of(html: str, words: str) -> str | None:
    """The text a Taguette highlight of ``words`` (its bytes in the text nodes) covers."""
    shown = render(html)
    a = shown.raw.index(words)
    start, end = len(shown.raw[:a].encode()), len(shown.raw[:a + len(words)].encode())
    got = shown.spans([(start, end)])[0]
    return None if got is None else shown.text[got[0]:got[1]]


def test_blocks_lines_and_collapsed_white_space():
    html = ("<h1>Title</h1>\n<p>One   two\nthree <em>four</em>.</p><ul><li>a</li><li>b</li>"
            "</ul><p>x<br>y</p><table><tr><td>c1</td><td>c2</td></tr></table>"
            "<pre>\n  kept\n  as is</pre>")
    assert render(html).text == ("Title\n\nOne two three four.\n\na\nb\n\nx\ny\n\nc1 | c2"
                                 "\n\n  kept\n  as is")


def test_the_text_nodes_are_what_taguette_counts():
    # Comments count (an HTML5 tree keeps them as strings), entities count as decoded,
    # the newline right after <pre> does not, and tag lists of exports are not counted.
    shown = render("<p>a &amp; b<!--x--></p><pre>\nz</pre>")
    assert shown.raw == "a & bxz"
    assert shown.text == "a & b\n\nz"


def test_passages_across_paragraphs_inside_markup_and_in_arabic():
    html = "<p>Many feel <em>hopeless</em>;</p>\n<p>لا ماء ولا كهرباء 💧 here.</p>"
    assert span_of(html, "hopeless") == "hopeless"
    assert span_of(html, "feel hopeless;\nلا ماء") == "feel hopeless;\n\nلا ماء"
    assert span_of(html, "💧 here") == "💧 here"
    assert span_of(html, ";\n") == ";"  # white space at the edges is left out
    assert span_of(html, "\n") is None


def test_a_byte_offset_inside_a_character_counts_from_its_end():
    shown = render("<p>é💧x</p>")
    # é is 2 bytes, 💧 4: byte 1 is inside é, bytes 3-5 inside 💧.
    assert [shown.text[a:b] for a, b in shown.spans([(1, 7), (0, 3), (0, 2)])] == \
        ["💧x", "é💧", "é"]


def test_decomposed_accents_are_composed_and_passages_follow():
    html = f"<p>{unicodedata.normalize('NFD', 'Hélène dit non')}</p>"
    assert render(html).text == "Hélène dit non"
    assert span_of(html, unicodedata.normalize("NFD", "Hélène")) == "Hélène"


def test_taguette_highlight_spans_become_passages_and_tag_lists_leave_the_text():
    html = ('<p>x <span class="highlight">no water</span><span class="taglist"> [water, '
            'a/b]</span> and <span class="highlight">gone</span><span class="taglist"> []'
            '</span></p>')
    shown = render(html, highlights=True)
    assert shown.text == "x no water and gone"
    assert [(shown.text[p.start:p.end], p.tags) for p in shown.passages] == [
        ("no water", ["water", "a/b"]), ("gone", [])]
    assert render(html).passages == []  # only when asked: a page may use those classes


def test_a_pre_that_holds_only_its_first_newline_shifts_nothing():
    html = "<pre>\n</pre><p>after it</p>"
    assert render(html).raw == "after it"
    assert span_of(html, "after") == "after"
