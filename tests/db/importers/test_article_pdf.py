"""PDF articles: text layer, metadata, notes list, de-hyphenation, scans, encryption."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions
from db.importers.pdf import IMPORTER, dehyphenate
from db.text import is_canonical

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def build(path, pages, encrypt=None, font="Helvetica"):
    """A PDF with one text line per string, one list of strings per page."""
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for lines in pages:
        c.setFont(font, 12)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 18 * i, line)
        c.showPage()
    c.save()
    return path


def with_metadata(path, metadata):
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.add_metadata(metadata)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def read(path):
    drafts = list(IMPORTER.read(path, ReadOptions()).drafts)
    assert len(drafts) == 1
    return drafts[0]


def test_english_pdf_pages_metadata_and_notes(tmp_path):
    path = build(tmp_path / "report.pdf", [
        ["Harvest on the Euphrates", "", "The harvest was large this year [1] and the",
         "markets were full of grain, an exam-", "ple of recovery; another example."],
        ["Prices fell by a third [2].", "", "Notes", "[1] Ministry of Agriculture, 2021.",
         "[2] Traders in Raqqa."],
    ])
    with_metadata(path, {"/Title": "Harvest Report", "/Author": "Maya Karam",
                         "/CreationDate": "D:20210503101112+02'00'"})
    draft = read(path)
    assert draft.title == "Harvest Report"
    assert draft.author == "Maya Karam"
    assert draft.published == dt.datetime(2021, 5, 3, 8, 11, 12, tzinfo=dt.UTC)
    assert "markets were full of grain, an example of recovery" in draft.text
    assert "another example.\n\nPrices fell by a third [2]." in draft.text  # page break
    assert [(fn.label, fn.text) for fn in draft.footnotes] == [
        ("1", "Ministry of Agriculture, 2021."), ("2", "Traders in Raqqa.")]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"
    assert "Ministry" not in draft.text and "Notes" not in draft.text
    assert is_canonical(draft.text)


def test_title_from_first_line_when_metadata_title_is_a_file_name(tmp_path):
    path = build(tmp_path / "x.pdf", [["Grain and Power", "Body text here."]])
    with_metadata(path, {"/Title": "Microsoft Word - draft7.docx"})
    assert read(path).title == "Grain and Power"


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu Sans font for Arabic")
def test_arabic_pdf_with_note(tmp_path):
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    # PDF producers store right-to-left text in visual order; pypdf restores reading order.
    line = "قال المراسل إن السد امتلأ"
    path = build(tmp_path / "ar.pdf", [[line[::-1], "See the report [1] for details.", "",
                                        "الهوامش"[::-1], "[1] " + "وكالة الأنباء"[::-1]]],
                 font="DejaVuSans")
    draft = read(path)
    assert line in draft.text
    [fn] = draft.footnotes
    assert draft.text[fn.offset:fn.end] == "[1]"
    assert fn.text == "وكالة الأنباء"
    assert "الهوامش" not in draft.text


def test_scan_without_text_layer_asks_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(72, 72, 400, 600, fill=1)
    c.save()
    with pytest.raises(ImportFileError, match="no text layer.*OCR"):
        read(path)


def test_password_protected_pdf_is_refused_clearly(tmp_path):
    path = build(tmp_path / "locked.pdf", [["Secret text."]], encrypt="user-secret")
    with pytest.raises(ImportFileError, match="password"):
        read(path)


def test_pdf_that_only_restricts_permissions_is_read(tmp_path):
    locked = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    path = build(tmp_path / "restricted.pdf", [["Readable text."]], encrypt=locked)
    assert read(path).text == "Readable text."


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"hello, I am not a PDF"), "not a PDF"),
    (lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8), "damaged"),
])
def test_bad_files(tmp_path, make, reason):
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(ImportFileError, match=reason):
        read(path)


def test_truncated_pdf(tmp_path):
    whole = build(tmp_path / "whole.pdf", [["Some text on a page."]]).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[:300])
    with pytest.raises(ImportFileError, match="damaged|no text layer"):
        read(path)


def test_dehyphenate_only_when_the_document_decides():
    assert dehyphenate("an exam-\nple and an example") == "an example and an example"
    assert dehyphenate("a well-\nknown and well-known fact") == \
        "a well-known and well-known fact"
    assert dehyphenate("a self-\nevident claim") == "a self-\nevident claim"
    assert dehyphenate("Line ends with a dash -\nnext") == "Line ends with a dash -\nnext"


def test_sniff_and_detect(tmp_path):
    path = build(tmp_path / "no-extension", [["Text."]])
    assert IMPORTER.sniff(path, path.read_bytes()[:1024]) == 1.0
    assert importers.detect(path) is IMPORTER
    assert IMPORTER.sniff(tmp_path / "a.docx", b"PK\x03\x04") == 0.0


def test_aes_encrypted_pdf_with_empty_user_password_is_read(tmp_path):
    """Common for publishers' PDFs; needs the `cryptography` package for AES."""
    pytest.importorskip("cryptography")
    path = build(tmp_path / "aes.pdf", [["Readable AES text."]])
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    with open(path, "wb") as fh:
        writer.write(fh)
    assert read(path).text == "Readable AES text."
