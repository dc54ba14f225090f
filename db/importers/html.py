"""Web pages saved from news and analysis sites (.html): main text, metadata, footnotes.

The page is decoded and parsed here (lxml, no network, comments and processing
instructions dropped); trafilatura then finds the main text and the metadata in that
tree. It is only ever given the parsed tree, never a URL, so nothing is fetched, and no
script or style is run: they are text to lxml and are thrown away.
"""

from __future__ import annotations

import codecs
import copy
import re
from pathlib import Path

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from db.errors import ImportFileError
from db.importers.articles import (
    ArticleWriter,
    by_extension,
    check_not_junk,
    is_pdf,
    is_zip,
    marker,
    single_article,
)
from db.importers.base import ARTICLE, FileRead, ReadOptions
from db.importers.decode import decode_bytes
from db.importers.html_meta import page_metadata
from db.importers.html_notes import PageNotes, take_notes
from db.importers.safety import check_size
from db.text import canonical

_EXTENSIONS = (".html", ".htm", ".xhtml", ".shtml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
           "td", "th", "figcaption", "div", "section", "article", "main", "body")
_NOT_TEXT = ("script", "style", "noscript", "template", "head", "nav", "form", "button",
             "select", "svg", "iframe", "object")
_SHORT_PAGE = 250  # characters: trafilatura's own minimum for a real extraction
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# What browsers do with these labels (WHATWG Encoding): a page that says "utf-16" in a
# <meta> was necessarily read as ASCII-compatible, and "latin-1" means windows-1252.
_CHARSET_ALIASES = {"utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
                    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252"}


class HtmlImporter:
    """One article per saved web page."""

    name = "html"
    label = "Web page (HTML) article"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Sure for an .html file or for bytes that open like an HTML document."""
        if is_pdf(head) or is_zip(head):
            return 0.0
        start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return 0.9
        # "<html" further in may be a snippet quoted in Markdown or text: a weak hint only.
        return by_extension(path, _EXTENSIONS, 0.8) or (0.5 if b"<html" in start else 0.0)

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the page's main text, metadata and footnotes as one article."""
        check_size(path)
        text = decode_page(path, path.read_bytes())
        root = parse_page(path, text)
        meta = page_metadata(root)
        notes = take_notes(root)
        body = _main_text(root)
        if body is None:
            raise ImportFileError(path, "no readable text was found in this page")
        writer = _PageWriter(notes)
        writer.blocks(body)
        text = writer.writer.result()
        return single_article(path, text, writer.writer.footnotes, writer.warnings(), **meta)


def decode_page(path: Path, data: bytes) -> str:
    """The page as text: a BOM, else the charset the page declares, else detection."""
    if not data.startswith(_BOMS):
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            label = declared.group(1).decode("ascii").lower()
            try:
                text = canonical(data.decode(_CHARSET_ALIASES.get(label, label)))
            except (LookupError, UnicodeDecodeError):
                text = ""  # a wrong declaration: fall back to detection
            if text:
                check_not_junk(path, text)
                return text
    text, _encoding = decode_bytes(data, path)
    check_not_junk(path, text)
    return text


def parse_page(path: Path, text: str):
    """Parse HTML without network access; comments and processing instructions go."""
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  default_doctype=False)
    try:
        # lxml refuses str input that still carries an XML encoding declaration
        return lxml_html.document_fromstring(_XML_DECL.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportFileError(path, f"the page cannot be read as HTML ({exc})") from exc


def _main_text(root):
    """The main text as trafilatura's XML body (p, head, list, quote, table), or None."""
    # The default balance, not favor_recall: recall lets adverts and share boxes back in.
    doc = trafilatura.bare_extraction(
        copy.deepcopy(root), with_metadata=False, include_comments=False,
        include_tables=True, include_images=False, include_links=False, deduplicate=False)
    body = getattr(doc, "body", None)
    if body is not None and len(body) and len(doc.text or "") >= _SHORT_PAGE:
        return body
    # Below this size trafilatura falls back to one run-on block of the whole page; a
    # page that short is better read block by block as it is.
    return _all_blocks(root)


def _all_blocks(root):
    """Every innermost block of the page as a ``<p>``, for pages too short to extract."""
    for el in list(root.iter(*_NOT_TEXT)):
        if el.getparent() is not None:
            el.drop_tree()
    body = etree.Element("body")
    for el in root.iter(*_BLOCKS):
        if next(el.iterdescendants(*_BLOCKS), None) is None:
            text = " ".join(el.text_content().split())
            if text:
                etree.SubElement(body, "p").text = text
    return body if len(body) else None


class _PageWriter:
    """Write trafilatura's XML body as paragraphs, turning sentinels into note markers."""

    def __init__(self, notes: PageNotes) -> None:
        self.writer = ArticleWriter()
        self._notes = notes
        self._placed: set[int] = set()

    def blocks(self, parent, sep: str = "\n\n") -> None:
        """Write each block child of ``parent``: paragraphs, headings, lists, tables."""
        for el in parent:
            if el.tag == "list":
                self._list(el, 0)
            elif el.tag == "table":
                self._table(el)
            elif el.tag in ("quote", "div") and any(c.tag in ("p", "list") for c in el):
                self.blocks(el, sep)
            else:
                self._inline(el)
                self.writer.end_block(sep)

    def _list(self, el, depth: int) -> None:
        for n, item in enumerate(c for c in el if c.tag == "item"):
            self.writer.prefix("  " * depth + "- ")
            self._inline(item, skip=("list",))
            self.writer.end_block("\n" if n or depth else "\n\n")
            for sub in item.iterchildren("list"):
                self._list(sub, depth + 1)

    def _table(self, el) -> None:
        for n, row in enumerate(el.iter("row")):
            for i, cell in enumerate(row.iterchildren("cell")):
                if i:
                    self.writer.text(" | ")
                self._inline(cell)
            self.writer.end_block("\n" if n else "\n\n")

    def _inline(self, el, skip: tuple[str, ...] = ()) -> None:
        self._emit(el.text or "")
        for child in el:
            if child.tag == "lb":
                self.writer.text("\n")
            elif child.tag not in skip:
                self._inline(child)
            self._emit(child.tail or "")

    def _emit(self, text: str) -> None:
        """Write running text; each note is placed at its first reference."""
        done = 0
        for m in self._notes.pattern.finditer(text):
            self.writer.text(text[done:m.start()])
            index = int(m.group(1))
            note = self._notes.notes[index]
            if index in self._placed:
                self.writer.text(marker(note.label))
            else:
                self._placed.add(index)
                self.writer.note(note.label, note.text)
            done = m.end()
        self.writer.text(text[done:])

    def warnings(self) -> list[str]:
        """Notes whose reference was not in the main text, so they have no position."""
        return [f"note {note.label} was left out: its reference is not in the main text"
                for i, note in enumerate(self._notes.notes) if i not in self._placed]


IMPORTER = HtmlImporter()
