"""Word documents: text, headings, lists, footnotes/endnotes, metadata, hostile files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from reportlab.pdfgen import canvas

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions
from db.importers.docx import IMPORTER
from db.importers.pdf import IMPORTER as PDF_IMPORTER
from db.text import is_canonical

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SEPARATORS = ('<w:{k} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
              '</w:{k}><w:{k} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
              "<w:continuationSeparator/></w:r></w:p></w:{k}>")


def notes_xml(kind, notes):
    """word/footnotes.xml or word/endnotes.xml with Word's separators and ``notes``."""
    body = "".join(
        f'<w:{kind} w:id="{nid}"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve">'
        f" {text}</w:t></w:r></w:p></w:{kind}>" for nid, text in notes.items())
    return f"<w:{kind}s {W_NS}>{SEPARATORS.format(k=kind)}{body}</w:{kind}s>"


def build(path, paragraphs, footnotes=None, endnotes=None, title="", author="",
          created=None):
    """A .docx made with python-docx; "{{FN:id}}"/"{{EN:id}}" runs become note references.

    ``paragraphs`` are (style, [run texts]) pairs; style "h1" is a heading.
    """
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.created = created or dt.datetime(2000, 1, 1)
    for style, runs in paragraphs:
        p = document.add_heading("", 1) if style == "h1" else document.add_paragraph(
            style=style or None)
        for run in runs:
            p.add_run(run)
    buffer = io.BytesIO()
    document.save(buffer)
    rewrite(buffer.getvalue(), path, footnotes or {}, endnotes or {})
    return path


def rewrite(data, path, footnotes, endnotes):
    """Turn placeholder runs into note references and add the notes parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = member.decode()
                for nid in footnotes:
                    xml = xml.replace(f"<w:t>{{{{FN:{nid}}}}}</w:t>",
                                      f'<w:footnoteReference w:id="{nid}"/>')
                for nid in endnotes:
                    xml = xml.replace(f"<w:t>{{{{EN:{nid}}}}}</w:t>",
                                      f'<w:endnoteReference w:id="{nid}"/>')
                member = xml.encode()
            out.writestr(info, member)
        if footnotes:
            out.writestr("word/footnotes.xml", notes_xml("footnote", footnotes))
        if endnotes:
            out.writestr("word/endnotes.xml", notes_xml("endnote", endnotes))


def read(path):
    drafts = list(IMPORTER.read(path, ReadOptions()).drafts)
    assert len(drafts) == 1
    return drafts[0]


def test_english_document_with_headings_lists_table_and_metadata(tmp_path):
    path = build(tmp_path / "report.docx", [
        ("h1", ["Water in the Basin"]),
        ("", ["The dam was ", "finished", " in 1973."]),
        ("List Bullet", ["Farmers lost land"]),
        ("List Bullet", ["Fishing grew"]),
        ("", ["Closing remarks."]),
    ], title="Basin Report", author="Maya Karam",
        created=dt.datetime(2021, 5, 3, 10, 11, 12))
    draft = read(path)
    assert draft.text == ("Water in the Basin\n\nThe dam was finished in 1973.\n\n"
                          "Farmers lost land\nFishing grew\n\nClosing remarks.")
    assert draft.title == "Basin Report"
    assert draft.author == "Maya Karam"
    assert draft.published == dt.datetime(2021, 5, 3, 10, 11, 12, tzinfo=dt.UTC)


def test_title_falls_back_to_first_heading_then_stem(tmp_path):
    with_heading = build(tmp_path / "a.docx", [("", ["Intro."]), ("h1", ["The Heading"])])
    assert read(with_heading).title == "The Heading"
    plain = build(tmp_path / "field-notes.docx", [("", ["A long first paragraph. " * 10])])
    assert read(plain).title == "field-notes"


def test_footnotes_and_endnotes(tmp_path):
    path = build(tmp_path / "notes.docx", [
        ("", ["A claim", "{{FN:1}}", " and another", "{{FN:2}}", "."]),
        ("", ["A late remark", "{{EN:1}}", "."]),
    ], footnotes={1: "Ministry report, 1974.", 2: "Interview, Raqqa."},
        endnotes={1: "Written after the war."})
    draft = read(path)
    assert draft.text == "A claim[1] and another[2].\n\nA late remark[i]."
    assert [(fn.label, fn.text, fn.kind) for fn in draft.footnotes] == [
        ("1", "Ministry report, 1974.", "footnote"), ("2", "Interview, Raqqa.", "footnote"),
        ("i", "Written after the war.", "endnote")]
    for fn in draft.footnotes:
        assert draft.text[fn.offset:fn.end] == f"[{fn.label}]"
        assert fn.text not in draft.text


def test_offsets_after_arabic_and_emoji(tmp_path):
    path = build(tmp_path / "ar.docx", [
        ("h1", ["تقرير السد"]),
        ("", ["قال المراسل 😀 إن السدّ 🎉 امتلأ", "{{FN:1}}", " هذا العام."]),
    ], footnotes={1: "وكالة الأنباء المحلية."})
    draft = read(path)
    assert is_canonical(draft.text)
    [fn] = draft.footnotes
    assert draft.text[fn.offset:fn.end] == "[1]"
    assert draft.text[:fn.offset] == "تقرير السد\n\nقال المراسل 😀 إن السدّ 🎉 امتلأ"
    assert fn.text == "وكالة الأنباء المحلية."
    assert draft.title == "تقرير السد"


def zip_file(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
                  f']><w:document {W_NS}><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p>'
                  "</w:body></w:document>")


def pdf_bytes():
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(72, 720, "I am really a PDF about the harvest.")
    c.save()
    return buffer.getvalue()


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_bytes(b"just some text, not a zip"), "not a valid zip"),
    (lambda p: zip_file(p, {"word/document.xml": b" " * (20 * 2**20)}), "zip bomb"),
    (lambda p: zip_file(p, {"word/document.xml": BILLION_LAUGHS}), "unsafe XML"),
    (lambda p: zip_file(p, {"word/styles.xml": "<x/>"}), "word/document.xml is missing"),
    (lambda p: zip_file(p, {"word/document.xml": "<w:document"}), "damaged"),
    (lambda p: p.write_bytes(pdf_bytes()), "is a PDF"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "97-2003"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, make, reason):
    path = tmp_path / "bad.docx"
    make(path)
    with pytest.raises(ImportFileError, match=reason):
        read(path)


def test_truncated_docx(tmp_path):
    whole = build(tmp_path / "whole.docx", [("", ["Some text."])]).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportFileError, match="damaged|not a valid zip"):
        read(path)


def test_sniff_and_detect_including_a_pdf_named_docx(tmp_path):
    real = build(tmp_path / "real.docx", [("", ["Text."])])
    assert importers.detect(real) is IMPORTER
    fake = tmp_path / "fake.docx"
    fake.write_bytes(pdf_bytes())
    assert IMPORTER.sniff(fake, fake.read_bytes()) == 0.0
    assert importers.detect(fake) is PDF_IMPORTER
    assert "harvest" in next(PDF_IMPORTER.read(fake, ReadOptions()).drafts).text


def test_short_first_paragraph_is_not_taken_for_a_title(tmp_path):
    path = build(tmp_path / "minutes-2021.docx", [("", ["Present:"]), ("", ["Short line"])])
    assert read(path).title == "minutes-2021"
