"""Markdown articles: markup stripped, [^n] footnotes, front matter, titles, bad files."""

from __future__ import annotations

import datetime as dt

import pytest

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions
from db.importers.markdown import IMPORTER
from db.text import is_canonical

ENGLISH = """\
# Water and **Power** in the Euphrates Basin

The [Tabqa dam](https://example.org/tabqa) was *finished* in 1973[^dam], and the
reservoir `Lake Assad` filled soon after[^2].

## Findings

- Farmers lost land
- Fishing grew[^2]

1. First point
2. Second point

> A quoted farmer said it plainly.

[^dam]: Ministry of Irrigation, *Annual report*, 1974.
[^2]: Interview with a farmer,
    Raqqa, 2011.
"""


def read(tmp_path, text, name="article.md"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    drafts = list(IMPORTER.read(path, ReadOptions()).drafts)
    assert len(drafts) == 1
    return drafts[0]


def test_markup_is_stripped_and_lines_kept(tmp_path):
    draft = read(tmp_path, ENGLISH)
    assert draft.title == "Water and Power in the Euphrates Basin"
    assert draft.text.startswith("Water and Power in the Euphrates Basin\n\nThe Tabqa dam was "
                                 "finished in 1973[dam], and the\nreservoir Lake Assad")
    assert "- Farmers lost land\n- Fishing grew[2]\n\n1. First point\n2. Second point" \
        in draft.text
    assert "A quoted farmer said it plainly." in draft.text
    for markup in ("**", "](", "`", "# ", "> ", "[^"):
        assert markup not in draft.text


def test_footnotes_become_drafts_and_leave_the_body(tmp_path):
    draft = read(tmp_path, ENGLISH)
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [
        ("dam", "Ministry of Irrigation, Annual report, 1974."),
        ("2", "Interview with a farmer,\nRaqqa, 2011."),
    ]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"
    assert "Ministry" not in draft.text and "Interview" not in draft.text
    # the second reference to note 2 stays visible but makes no second note
    assert draft.text.count("[2]") == 2


def test_raw_html_keeps_its_text_but_not_scripts(tmp_path):
    text = ("Intro.\n\n<div class=\"box\">Boxed <b>words</b></div>\n\n"
            "<script>alert('x')</script>\n\n<!-- a comment -->\n\nEnd <span>here</span>.\n")
    assert read(tmp_path, text).text == "Intro.\n\nBoxed words\n\nEnd here."


def test_front_matter_gives_metadata_and_is_not_text(tmp_path):
    text = ("---\ntitle: \"Notes: a field diary\"\nauthor: Lina Haddad\n"
            "date: 2022-04-05T09:30:00+03:00\nlang: ar\n---\n\nFirst paragraph.\n")
    draft = read(tmp_path, text)
    assert draft.title == "Notes: a field diary"
    assert draft.author == "Lina Haddad"
    assert draft.published == dt.datetime(2022, 4, 5, 6, 30, tzinfo=dt.UTC)
    assert draft.language == "ar"
    assert draft.text == "First paragraph."


def test_title_falls_back_to_first_line_then_to_stem(tmp_path):
    assert read(tmp_path, "Short opening\n\nBody text.\n").title == "Short opening"
    long_line = "A very long first sentence that goes on and on. " * 4
    assert read(tmp_path, long_line, name="diary-3.md").title == "diary-3"


def test_offsets_after_arabic_emoji_and_crlf(tmp_path):
    text = "# تقرير\r\n\r\nقال المراسل 😀 إن السدّ 🎉 امتلأ[^1].\r\n\r\n[^1]: وكالة الأنباء.\r\n"
    draft = read(tmp_path, text)
    assert is_canonical(draft.text)
    [fn] = draft.footnotes
    assert draft.text[fn.offset:fn.end] == "[1]"
    assert draft.text[:fn.offset] == "تقرير\n\nقال المراسل 😀 إن السدّ 🎉 امتلأ"
    assert fn.text == "وكالة الأنباء."


def test_windows_1256_markdown(tmp_path):
    text = "# الاقتصاد السوري\n\nتشير التقارير إلى أن معدلات الفقر ارتفعت بشكل كبير.\n"
    draft = read(tmp_path, text.encode("cp1256"))
    assert draft.title == "الاقتصاد السوري"
    assert "معدلات الفقر" in draft.text


def test_plain_text_notes_convention_applies_without_markdown_footnotes(tmp_path):
    text = "Body says [1] something.\n\n## Notes\n\n[1] A source.\n"
    draft = read(tmp_path, text)
    assert draft.text == "Body says [1] something."
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [("1", "A source.")]


@pytest.mark.parametrize("data, reason", [(b"", "empty"), (b"\x00\x01\x02\xff" * 100, "binary")])
def test_bad_files(tmp_path, data, reason):
    with pytest.raises(ImportFileError, match=reason):
        read(tmp_path, data)


def test_sniff_and_detect(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# Hi\n")
    assert importers.detect(path) is IMPORTER
    assert IMPORTER.sniff(tmp_path / "a.txt", b"# Hi") == 0.0
