"""OpenDocument text: headings, lists, tables, footnotes/endnotes, metadata, bad files."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from odf import dc, meta
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, LineBreak, List, ListItem, Note, NoteBody, NoteCitation, P, S, Span

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions
from db.importers.odt import IMPORTER
from db.text import is_canonical


def note(citation, text, kind="footnote"):
    el = Note(id=f"n{citation}", noteclass=kind)
    el.addElement(NoteCitation(text=citation))
    body = NoteBody()
    body.addElement(P(text=text))
    el.addElement(body)
    return el


def paragraph(*parts):
    """A text:p from strings and elements (notes, spans, breaks)."""
    p = P()
    for part in parts:
        if isinstance(part, str):
            p.addText(part)
        else:
            p.addElement(part)
    return p


def save(doc, path):
    doc.save(str(path))
    return path


def new_doc(title="", author="", created=""):
    doc = OpenDocumentText()
    if title:
        doc.meta.addElement(dc.Title(text=title))
    if author:
        doc.meta.addElement(meta.InitialCreator(text=author))
    if created:
        doc.meta.addElement(meta.CreationDate(text=created))
    return doc


def read(path):
    drafts = list(IMPORTER.read(path, ReadOptions()).drafts)
    assert len(drafts) == 1
    return drafts[0]


def test_english_document_structure_and_metadata(tmp_path):
    doc = new_doc("Basin Report", "Maya Karam", "2021-05-03T10:11:12.123456789")
    doc.text.addElement(H(outlinelevel=1, text="Water in the Basin"))
    doc.text.addElement(paragraph("The dam was ", Span(text="finished"), " in", S(c=2),
                                  "1973.", LineBreak(), "New line."))
    items = List()
    for text in ("Farmers lost land", "Fishing grew"):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    doc.text.addElement(items)
    table = Table(name="t")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (("Year", "Tonnes"), ("2019", "120")):
        row = TableRow()
        for value in cells:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    draft = read(save(doc, tmp_path / "report.odt"))
    assert draft.text == ("Water in the Basin\n\nThe dam was finished in  1973.\nNew line.\n\n"
                          "Farmers lost land\nFishing grew\n\nYear | Tonnes\n2019 | 120")
    assert draft.title == "Basin Report"
    assert draft.author == "Maya Karam"
    assert draft.published == dt.datetime(2021, 5, 3, 10, 11, 12, 123456, tzinfo=dt.UTC)


def test_title_falls_back_to_first_heading(tmp_path):
    doc = new_doc()
    doc.text.addElement(P(text="Opening words."))
    doc.text.addElement(H(outlinelevel=2, text="A Heading"))
    assert read(save(doc, tmp_path / "x.odt")).title == "A Heading"


def test_footnotes_and_endnotes_with_arabic_and_emoji(tmp_path):
    doc = new_doc()
    doc.text.addElement(H(outlinelevel=1, text="تقرير"))
    doc.text.addElement(paragraph("قال المراسل 😀 إن السدّ 🎉 امتلأ",
                                  note("1", "وكالة الأنباء."), " هذا العام."))
    doc.text.addElement(paragraph("A late remark", note("i", "Written later.", "endnote"), "."))
    draft = read(save(doc, tmp_path / "ar.odt"))
    assert is_canonical(draft.text)
    assert draft.text == ("تقرير\n\nقال المراسل 😀 إن السدّ 🎉 امتلأ[1] هذا العام.\n\n"
                          "A late remark[i].")
    assert [(fn.label, fn.text, fn.kind) for fn in draft.footnotes] == [
        ("1", "وكالة الأنباء.", "footnote"), ("i", "Written later.", "endnote")]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"


CONTENT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  f"<office:document-content {CONTENT_NS}><office:body><office:text>"
                  "<text:p>&lol2;</text:p></office:text></office:body></office:document-content>")


def zip_file(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"\x00\x01junk" * 50), "not a valid zip"),
    (lambda p: zip_file(p, {"content.xml": BILLION_LAUGHS}), "unsafe XML"),
    (lambda p: zip_file(p, {"meta.xml": "<x/>"}), "content.xml is missing"),
    (lambda p: zip_file(p, {"content.xml": b" " * (20 * 2**20)}), "zip bomb"),
    (lambda p: save(OpenDocumentSpreadsheet(), p), "spreadsheet"),
    (lambda p: zip_file(p, {"content.xml": f"<office:document-content {CONTENT_NS}/>"}),
     "no text document"),
])
def test_bad_files(tmp_path, make, reason):
    path = tmp_path / "bad.odt"
    make(path)
    with pytest.raises(ImportFileError, match=reason):
        read(path)


def test_truncated_odt(tmp_path):
    doc = new_doc()
    doc.text.addElement(P(text="Some text."))
    whole = save(doc, tmp_path / "whole.odt").read_bytes()
    path = tmp_path / "cut.odt"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportFileError, match="damaged|not a valid zip"):
        read(path)


def test_sniff_and_detect(tmp_path):
    doc = new_doc()
    doc.text.addElement(P(text="Hello."))
    path = save(doc, tmp_path / "named-wrongly.zip")
    assert IMPORTER.sniff(path, path.read_bytes()[:4096]) == 1.0
    assert importers.detect(path) is IMPORTER
