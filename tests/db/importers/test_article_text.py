"""Plain-text articles: encodings, titles, the notes-list convention, bad files."""

from __future__ import annotations

import codecs
import random

import pytest

from db import importers
from db.errors import ImportFileError
from db.importers.base import ARTICLE, ReadOptions
from db.importers.footnotes import split_notes
from db.importers.plaintext import IMPORTER
from db.text import is_canonical

ARABIC_BODY = (
    "الاقتصاد السوري بعد الحرب\n\n"
    "تشير التقارير إلى أن معدلات الفقر ارتفعت بشكل كبير خلال العقد الماضي [1]، "
    "وأن أسعار المواد الغذائية تضاعفت عدة مرات [2].\n\n"
    "ويرى الباحثون أن إعادة الإعمار تتطلب استثمارات ضخمة ومشاركة واسعة من المجتمع المدني.\n\n"
    "الهوامش\n"
    "[1] تقرير البنك الدولي، 2020.\n"
    "[2] برنامج الأغذية العالمي، بيان صحفي.\n"
)


def read(path):
    """The single draft of ``path`` and the FileRead it came in."""
    result = IMPORTER.read(path, ReadOptions())
    drafts = list(result.drafts)
    assert len(drafts) == 1
    return drafts[0]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_english_article_keeps_text_and_takes_first_line_as_title(tmp_path):
    path = write(tmp_path, "ports.txt", "Ports of the Levant\n\nTrade grew in 2019.\nIt fell.\n")
    draft = read(path)
    assert draft.kind == ARTICLE
    assert draft.title == "Ports of the Levant"
    assert draft.text == "Ports of the Levant\n\nTrade grew in 2019.\nIt fell."
    assert draft.footnotes == []


def test_long_first_line_is_not_a_title(tmp_path):
    path = write(tmp_path, "field-notes.txt", "This is a long opening sentence. " * 8)
    assert read(path).title == "field-notes"


def test_notes_list_becomes_footnotes_at_their_markers(tmp_path):
    text = ("Water Rights\n\nThe dam was finished in 2006 [1] and filled by 2010 [2].\n\n"
            "Notes\n[1] Ministry of Irrigation, annual report.\n[2] Interview, Raqqa,\n"
            "    March 2011.\n")
    draft = read(write(tmp_path, "water.txt", text))
    assert [fn.label for fn in draft.footnotes] == ["1", "2"]
    assert draft.footnotes[0].text == "Ministry of Irrigation, annual report."
    assert draft.footnotes[1].text == "Interview, Raqqa, March 2011."
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"
    assert "Notes" not in draft.text and "Ministry" not in draft.text
    assert draft.text.endswith("filled by 2010 [2].")


def test_windows_1256_arabic_with_notes(tmp_path):
    draft = read(write(tmp_path, "iqtisad.txt", ARABIC_BODY.encode("cp1256")))
    assert draft.title == "الاقتصاد السوري بعد الحرب"
    assert "معدلات الفقر" in draft.text
    assert "الهوامش" not in draft.text and "البنك الدولي" not in draft.text
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [
        ("1", "تقرير البنك الدولي، 2020."), ("2", "برنامج الأغذية العالمي، بيان صحفي.")]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"


def test_latin_1_text(tmp_path):
    text = ("Les élèves de l'école française à Beyrouth ont répondu à l'enquête. "
            "Société, éducation et mémoire collective ; où en sommes-nous ? Déjà, "
            "les réponses reçues montrent une grande diversité d'opinions.\n")
    draft = read(write(tmp_path, "enquete.txt", text.encode("latin-1")))
    assert draft.text == text.strip()


def test_offsets_are_code_points_after_crlf_arabic_emoji_and_decomposed_accents(tmp_path):
    body = "Cafe\u0301 ☕ 😀 كتب\r\nالمراسل 🎉 أن [1] الوضع\r\n\r\nReferences\r\n[1] Source.\r\n"
    draft = read(write(tmp_path, "mix.txt", body))
    assert is_canonical(draft.text) and "\r" not in draft.text
    [fn] = draft.footnotes
    assert draft.text[fn.offset:fn.end] == "[1]"
    assert draft.text[:fn.offset] == "Café ☕ 😀 كتب\nالمراسل 🎉 أن "


def test_lone_bracket_number_without_notes_list_stays_text(tmp_path):
    draft = read(write(tmp_path, "a.txt", "Use element [1] of the array.\nThen stop.\n"))
    assert draft.footnotes == []
    assert draft.text == "Use element [1] of the array.\nThen stop."


def test_notes_list_without_markers_in_body_stays_text(tmp_path):
    text = "A list of things.\n\n[1] apples\n[2] pears\n"
    draft = read(write(tmp_path, "list.txt", text))
    assert draft.footnotes == []
    assert draft.text == text.strip()


def test_notes_list_must_be_at_the_end(tmp_path):
    text = "Body [1] here.\n\n[1] A note.\n\nBut the article goes on afterwards.\n"
    draft = read(write(tmp_path, "mid.txt", text))
    assert draft.footnotes == []
    assert "[1] A note." in draft.text


def test_split_notes_takes_first_marker_after_previous_one():
    body, notes = split_notes("See [2] and [1] then [2] again.\n\n[1] One.\n[2] Two.")
    assert body == "See [2] and [1] then [2] again."
    assert [(n.label, n.offset) for n in notes] == [("1", 12), ("2", 21)]


def test_utf16_with_bom(tmp_path):
    path = write(tmp_path, "u16.txt", codecs.BOM_UTF16_LE + "مرحبا 😀\n".encode("utf-16-le"))
    assert read(path).text == "مرحبا 😀"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"  \n\t\r\n", "no text"),
    (random.Random(7).randbytes(5000), "binary"),
    (bytes(range(1, 32)) * 200, "binary"),
    (codecs.BOM_UTF16_LE + b"a\x00b", "not valid utf-16"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, data, reason):
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(ImportFileError) as err:
        read(path)
    assert reason in err.value.reason


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(600 * 2**20)  # sparse: costs no disk
    with pytest.raises(ImportFileError, match="too large"):
        read(path)


def test_sniff_and_detect(tmp_path):
    path = write(tmp_path, "a.txt", "hello")
    assert IMPORTER.sniff(path, b"hello") >= 0.8
    assert IMPORTER.sniff(tmp_path / "x.bin", b"\x00\x01\x02") == 0.0
    assert importers.detect(path) is IMPORTER
