"""Pieces shared by the article importers: text assembly, titles, dates, sniffing.

:class:`ArticleWriter` assembles an article block by block (paragraphs, headings, list
items) on top of :class:`db.text.TextBuilder`, so footnote markers are recorded at their
positions in the canonical text and never need re-mapping.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from db.errors import ImportFileError
from db.importers.base import ARTICLE, FileRead, FootnoteDraft, SourceDraft
from db.importers.decode import decode_bytes, looks_binary
from db.importers.safety import check_size
from db.text import TextBuilder, canonical

MAX_TITLE = 120
_JUNK_RATIO = 0.02  # more control characters than this means binary, not text


def marker(label: str) -> str:
    """How a footnote marker is written in the stored text: visible, as ``[label]``."""
    return f"[{label}]"


@dataclass
class _Note:
    label: str
    text: str
    kind: str


class ArticleWriter:
    """Build an article's text from blocks, with footnote markers at their positions.

    Pieces of the current block are buffered so that whitespace at the block's edges can
    be trimmed before anything reaches the text (positions are final once written).
    """

    def __init__(self) -> None:
        self._builder = TextBuilder()
        self._block: list[str | _Note] = []
        self._prefix = ""
        self.footnotes: list[FootnoteDraft] = []

    def text(self, piece: str) -> None:
        """Add running text to the current block."""
        if piece:
            self._block.append(piece)

    def prefix(self, piece: str) -> None:
        """Start the current block with ``piece`` (an indented bullet), kept untrimmed."""
        self._prefix = piece

    def note(self, label: str, text: str, kind: str = "footnote") -> None:
        """Add a footnote marker here; its note ``text`` becomes a FootnoteDraft."""
        self._block.append(_Note(canonical(label), text, kind))

    def end_block(self, sep: str = "\n\n") -> None:
        """Close the current block; ``sep`` separates it from the text before it."""
        pieces = _trim_block(self._block)
        prefix, self._block, self._prefix = self._prefix, [], ""
        if not pieces:
            return
        if len(self._builder):
            self._builder.append(sep)
        for piece in [prefix, *pieces]:
            self._write(piece)

    def _write(self, piece: str | _Note) -> None:
        if isinstance(piece, str):
            self._builder.append(piece)
            return
        start = self._builder.mark()
        self._builder.append(marker(piece.label))
        note_text = clean_note(piece.text)
        self.footnotes.append(FootnoteDraft(piece.label, note_text, start,
                                            self._builder.mark(), piece.kind))

    def result(self) -> str:
        """The canonical text written so far (closing any open block)."""
        self.end_block()
        return self._builder.text()


def _trim_block(pieces: list[str | _Note]) -> list[str | _Note]:
    """Drop whitespace at both edges of a block, looking through text pieces only."""
    pieces = list(pieces)
    while pieces and isinstance(pieces[0], str) and not pieces[0].lstrip():
        pieces.pop(0)
    while pieces and isinstance(pieces[-1], str) and not pieces[-1].rstrip():
        pieces.pop()
    if pieces and isinstance(pieces[0], str):
        pieces[0] = pieces[0].lstrip()
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] = pieces[-1].rstrip()
    return pieces


def clean_note(text: str) -> str:
    """A note's text in canonical form, without surrounding blank space."""
    return canonical(text).strip()


def collapse_spaces(text: str) -> str:
    """Runs of spaces and tabs become one space (for notes flattened from several lines)."""
    return re.sub(r"[ \t]+", " ", text)


# -- reading text files ------------------------------------------------------------------


def read_text(path: Path) -> str:
    """Read a text document as canonical text, refusing binary files and empty ones."""
    check_size(path)
    data = path.read_bytes()
    if looks_binary(data[:8192]):
        raise ImportFileError(path, "this is a binary file, not text")
    text, _encoding = decode_bytes(data, path)
    check_not_junk(path, text)
    return text


def check_not_junk(path: Path, text: str) -> None:
    """Refuse decoded "text" that is really binary data, and text with nothing in it."""
    if not text.strip():
        raise ImportFileError(path, "the file contains no text")
    sample = text[:20000]
    junk = sum(1 for ch in sample if _is_junk(ch))
    if junk > max(2, _JUNK_RATIO * len(sample)):
        raise ImportFileError(path, "this looks like a binary file, not text "
                                    "(it is full of control characters)")


def _is_junk(ch: str) -> bool:
    if ch in "\n\t\f\v\u2028\u2029":
        return False
    return ch == "\ufffd" or unicodedata.category(ch) == "Cc"


# -- metadata ------------------------------------------------------------------------------


def guess_title(text: str, path: Path) -> str:
    """The first non-empty line when it is short and not a sentence, else the file stem."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            if len(line) <= MAX_TITLE and not line.endswith((".", ",", ";", ":", "،", "؛")):
                return line
            break
    return path.stem


_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?\s*"
                  r"(Z|[+-]\d{2}:?\d{2})?$")


def parse_date(value: str | None) -> dt.datetime | None:
    """An ISO 8601 / W3CDTF date as a timezone-aware datetime, or None.

    Dates without a zone are taken as UTC: the file does not say, and a fixed rule is
    better than the reading machine's zone, which would make imports irreproducible.
    """
    m = _ISO.match((value or "").strip())
    if not m:
        return None
    day, time, fraction, zone = m.groups()
    iso = f"{day}T{time or '00:00'}{(fraction or '')[:7]}{_zone(zone)}"
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        return None


def _zone(zone: str | None) -> str:
    if not zone or zone == "Z":
        return "+00:00"
    return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """``value`` with UTC attached when it has no zone (see :func:`parse_date`)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def language_tag(value: str | None) -> str:
    """A BCP 47 tag from what a document says ("en_US" -> "en-US"), or ""."""
    value = (value or "").strip().replace("_", "-")
    return value if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value) else ""


# -- results -------------------------------------------------------------------------------


def single_article(path: Path, text: str, footnotes: list[FootnoteDraft] | None = None,
                   warnings: list[str] | None = None, **meta) -> FileRead:
    """Wrap one article as a FileRead; refuses a document with no text at all."""
    if not text.strip():
        raise ImportFileError(path, "the document contains no text")
    meta["title"] = meta.get("title") or guess_title(text, path)
    draft = SourceDraft(kind=ARTICLE, text=text, footnotes=footnotes or [], **meta)
    return FileRead(drafts=iter([draft]), warnings=warnings or [])


def by_extension(path: Path, extensions: tuple[str, ...], score: float) -> float:
    """``score`` when the file name ends with one of ``extensions``, else 0."""
    return score if path.suffix.lower() in extensions else 0.0


def is_zip(head: bytes) -> bool:
    """True when the bytes start like a zip container."""
    return head.startswith(b"PK\x03\x04")


def is_pdf(head: bytes) -> bool:
    """True when the bytes carry the PDF signature (allowed within the first KB)."""
    return b"%PDF-" in head[:1024]
