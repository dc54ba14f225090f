"""Word documents (.docx): body text, headings, lists, footnotes and endnotes, metadata.

The package is opened with the zip-bomb checks of :mod:`db.importers.safety` and every
part is parsed with defusedxml; python-docx is not used because it ignores the notes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from db.errors import ImportFileError
from db.importers.articles import (
    by_extension,
    is_pdf,
    is_zip,
    language_tag,
    parse_date,
    single_article,
)
from db.importers.base import ARTICLE, FileRead, ReadOptions
from db.importers.docx_body import DocxBody, DocxParts, W, plain_text
from db.importers.safety import check_size, open_zip, parse_xml, read_member

_DOCUMENT = "word/document.xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and other OLE files
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}


class DocxImporter:
    """One article per Word document."""

    name = "docx"
    label = "Word document (.docx) article"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Sure for a zip holding word/ parts; a .docx name alone is a weak hint."""
        if is_pdf(head):
            return 0.0
        if is_zip(head) and b"word/" in head:
            return 1.0
        return by_extension(path, (".docx", ".docm", ".dotx"), 0.6 if is_zip(head) else 0.1)

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the document as one article."""
        check_size(path)
        refuse_other_formats(path, "a Word document")
        with open_zip(path) as zf:
            root = parse_xml(path, read_member(path, zf, _DOCUMENT))
            body_el = root.find(W + "body")
            if body_el is None:
                raise ImportFileError(path, "the file is damaged (the document has no body)")
            body = DocxBody(_parts(path, zf, body_el))
            body.blocks(body_el)
            meta = _core(path, zf)
        meta["title"] = meta.get("title") or body.first_heading or path.stem
        return single_article(path, body.writer.result(), body.writer.footnotes, **meta)


def refuse_other_formats(path: Path, wanted: str) -> None:
    """A clear message for the formats that are most often misnamed as ``wanted``."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if is_pdf(head):
        raise ImportFileError(path, f"this file is a PDF, not {wanted} (its name is "
                                    "misleading); import it as a PDF")
    if head.startswith(_OLE_MAGIC):
        raise ImportFileError(path, "this is an old-style Word 97-2003 (.doc) file or "
                                    "another Office binary; save it as .docx first")


def _parts(path: Path, zf: zipfile.ZipFile, body_el) -> DocxParts:
    names = set(zf.namelist())

    def part(name: str):
        return parse_xml(path, read_member(path, zf, name)) if name in names else None

    parts = DocxParts()
    parts.footnotes = _notes(part("word/footnotes.xml"), "footnote")
    parts.endnotes = _notes(part("word/endnotes.xml"), "endnote")
    parts.headings, parts.lists = _styles(part("word/styles.xml"))
    parts.formats = _formats(part("word/settings.xml"), body_el)
    return parts


def _notes(root, kind: str) -> dict[str, str]:
    """Note text by w:id; the separator lines Word keeps in the same part are skipped."""
    if root is None:
        return {}
    return {note.get(W + "id", ""): plain_text(note) for note in root.iter(W + kind)
            if note.get(W + "type") not in _SEPARATORS}


def _styles(root) -> tuple[set[str], set[str]]:
    """Paragraph style ids that are headings, and those that are numbered lists."""
    headings, lists = {"Title"} | {f"Heading{i}" for i in range(1, 10)}, set()
    if root is None:
        return headings, lists
    for style in root.iter(W + "style"):
        sid = style.get(W + "styleId", "")
        name_el = style.find(W + "name")
        name = (name_el.get(W + "val", "") if name_el is not None else "").lower()
        # Style ids are translated ("Titre1"); the names stay "heading 1".
        if name == "title" or name.startswith("heading") or \
                style.find(f"{W}pPr/{W}outlineLvl") is not None:
            headings.add(sid)
        if style.find(f"{W}pPr/{W}numPr") is not None:
            lists.add(sid)
    return headings, lists


def _formats(settings, body_el) -> dict[str, str]:
    """Number formats of footnotes and endnotes: the section's, else the settings'."""
    formats = {}
    for kind in ("footnote", "endnote"):
        for root in (body_el, settings):
            fmt = root.find(f".//{W}{kind}Pr/{W}numFmt") if root is not None else None
            if fmt is not None:
                formats[kind] = fmt.get(W + "val", "")
                break
    return formats


def _core(path: Path, zf: zipfile.ZipFile) -> dict:
    """Title, author, date and language from docProps/core.xml when it is there."""
    if "docProps/core.xml" not in zf.namelist():
        return {}
    root = parse_xml(path, read_member(path, zf, "docProps/core.xml"))

    def value(tag: str) -> str:
        el = root.find(tag)
        return (el.text or "").strip() if el is not None else ""

    return {"title": value(_DC + "title"), "author": value(_DC + "creator"),
            "published": parse_date(value(_DCTERMS + "created")),
            "language": language_tag(value(_DC + "language"))}


IMPORTER = DocxImporter()
