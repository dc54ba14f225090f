"""OpenDocument text (.odt): headings, paragraphs, lists, tables, footnotes and endnotes.

Read from content.xml and meta.xml with the zip and XML guards of
:mod:`db.importers.safety`. A note (``text:note``) sits inline where it is cited; its
citation becomes the visible ``[n]`` marker and its body a FootnoteDraft.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from db.errors import ImportFileError
from db.importers.articles import (
    ArticleWriter,
    by_extension,
    is_pdf,
    is_zip,
    language_tag,
    parse_date,
    single_article,
)
from db.importers.base import ARTICLE, FileRead, ReadOptions
from db.importers.docx import refuse_other_formats
from db.importers.safety import check_size, open_zip, parse_xml, read_member

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"  # frames, shapes: not text
_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_SPACE = re.compile(r"[ \t\r\n]+")  # ODF collapses these; text:s and text:tab are kept
_SKIP = {TEXT + t for t in ("tracked-changes", "table-of-content", "sequence-decls",
                            "variable-decls", "user-field-decls", "soft-page-break",
                            "bookmark", "bookmark-start", "bookmark-end", "change",
                            "change-start", "change-end", "ruby-text", "note-citation")}
_SKIP |= {OFFICE + "annotation", OFFICE + "annotation-end", OFFICE + "forms"}


class _OdtBody:
    """Write the blocks of office:text (or of a note body) into an ArticleWriter."""

    def __init__(self) -> None:
        self.writer = ArticleWriter()
        self.first_heading = ""
        self._in_list = False
        self._list_start = False  # the next paragraph opens a list: space it

    def blocks(self, parent) -> None:
        """Write headings, paragraphs, lists, tables and sections in document order."""
        for el in parent:
            if el.tag in (TEXT + "h", TEXT + "p"):
                self._paragraph(el)
            elif el.tag == TEXT + "list":
                self._list(el)
            elif el.tag == TABLE + "table":
                self._table(el)
            elif el.tag not in _SKIP:
                self.blocks(el)  # sections, index bodies, table row groups

    def _paragraph(self, el) -> None:
        self.inline(el)
        tight = self._in_list and not self._list_start
        self.writer.end_block("\n" if tight else "\n\n")
        self._list_start = False
        if el.tag == TEXT + "h" and not self.first_heading:
            body = _OdtBody()
            body.inline(el)
            self.first_heading = body.writer.result()

    def _list(self, el) -> None:
        outer, self._in_list = self._in_list, True
        self._list_start = self._list_start or not outer
        for item in el:
            if item.tag in (TEXT + "list-item", TEXT + "list-header"):
                self.blocks(item)
        self._in_list = outer

    def _table(self, el) -> None:
        for n, row in enumerate(el.iter(TABLE + "table-row")):
            for i, cell in enumerate(row.iterfind(TABLE + "table-cell")):
                if i:
                    self.writer.text(" | ")
                for k, p in enumerate(cell.iter(TEXT + "p")):
                    self.writer.text(" " if k else "")
                    self.inline(p)
            self.writer.end_block("\n" if n else "\n\n")

    def inline(self, el) -> None:
        """Write the text of a paragraph, with its spaces, tabs, breaks and notes."""
        self.writer.text(_SPACE.sub(" ", el.text or ""))
        for child in el:
            if child.tag == TEXT + "s":
                self.writer.text(" " * _count(child.get(TEXT + "c")))
            elif child.tag == TEXT + "tab":
                self.writer.text("\t")
            elif child.tag == TEXT + "line-break":
                self.writer.text("\n")
            elif child.tag == TEXT + "note":
                self._note(child)
            elif child.tag not in _SKIP and not child.tag.startswith(DRAW):
                self.inline(child)  # spans, links, fields: their content is what shows
            self.writer.text(_SPACE.sub(" ", child.tail or ""))

    def _note(self, note) -> None:
        citation = note.find(TEXT + "note-citation")
        label = ""
        if citation is not None:
            label = citation.get(TEXT + "label") or "".join(citation.itertext())
        body = _OdtBody()
        for part in note.iterfind(TEXT + "note-body"):
            body.blocks(part)
        kind = "endnote" if note.get(TEXT + "note-class") == "endnote" else "footnote"
        self.writer.note(label.strip() or "*", body.writer.result(), kind)


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


class OdtImporter:
    """One article per OpenDocument text file."""

    name = "odt"
    label = "OpenDocument text (.odt) article"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Sure when the package's mimetype says OpenDocument text."""
        if is_pdf(head):
            return 0.0
        if is_zip(head) and _MIMETYPE in head[:200]:
            return 1.0
        return by_extension(path, (".odt", ".ott"), 0.6 if is_zip(head) else 0.1)

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the document as one article."""
        check_size(path)
        refuse_other_formats(path, "an OpenDocument text")
        with open_zip(path) as zf:
            _check_mimetype(path, zf)
            root = parse_xml(path, read_member(path, zf, "content.xml"))
            text_el = root.find(f"{OFFICE}body/{OFFICE}text")
            if text_el is None:
                raise ImportFileError(path, "this OpenDocument file holds no text document")
            body = _OdtBody()
            body.blocks(text_el)
            meta = _meta(path, zf)
        meta["title"] = meta.get("title") or body.first_heading or path.stem
        return single_article(path, body.writer.result(), body.writer.footnotes, **meta)


def _check_mimetype(path: Path, zf: zipfile.ZipFile) -> None:
    if "mimetype" not in zf.namelist():
        return  # optional in practice; content.xml decides
    kind = read_member(path, zf, "mimetype").strip()
    if kind and not kind.startswith(_MIMETYPE):
        what = kind.decode("ascii", "replace").rsplit(".", 1)[-1]
        raise ImportFileError(path, f"this is an OpenDocument {what}, not a text document")


def _meta(path: Path, zf: zipfile.ZipFile) -> dict:
    """Title, author, creation date and language from meta.xml when it is there."""
    if "meta.xml" not in zf.namelist():
        return {}
    root = parse_xml(path, read_member(path, zf, "meta.xml"))

    def value(tag: str) -> str:
        el = root.find(f"{OFFICE}meta/{tag}")
        return (el.text or "").strip() if el is not None else ""

    return {"title": value(DC + "title"),
            "author": value(META + "initial-creator") or value(DC + "creator"),
            "published": parse_date(value(META + "creation-date")),
            "language": language_tag(value(DC + "language"))}


IMPORTER = OdtImporter()
