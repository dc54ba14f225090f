"""What importers produce: drafts of sources, independent of the database.

An importer reads one file and yields :class:`SourceDraft` objects (one per article,
one per post). Drafts carry canonical text (built with :class:`db.text.TextBuilder`
when positions matter) and plain metadata. The import pipeline (``db.importing``)
writes them to the project; importers never touch the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ARTICLE = "article"
POST = "post"


@dataclass
class FootnoteDraft:
    """A footnote or endnote of an article.

    ``offset`` is the position of the marker's first character in the source text and
    ``end`` the position after it (the marker "[7]" spans ``[offset, offset + 3)``).
    """

    label: str
    text: str
    offset: int
    end: int
    kind: str = "footnote"  # or "endnote"


@dataclass
class PassageDraft:
    """A passage ``[start, end)`` of a draft's text coded with ``codes`` (code paths,
    "Parent/Child", or with ``whole_names`` top-level names taken whole, "/" and all);
    without codes, a highlight."""

    start: int
    end: int
    codes: list[str] = field(default_factory=list)
    whole_names: bool = False


@dataclass
class SourceDraft:
    """One article or post as read from a file, before it enters a project."""

    kind: str  # ARTICLE or POST
    text: str  # canonical (db.text.canonical), never empty
    title: str = ""
    author: str = ""
    handle: str = ""  # without the leading "@"
    platform: str = ""  # "twitter", "telegram", "reddit", or a free name for other tools
    site_name: str = ""
    url: str = ""
    language: str = ""  # BCP 47 tag when the file says it (e.g. "ar", "en")
    published: dt.datetime | None = None  # timezone-aware
    # posts
    post_id: str = ""
    reply_to_id: str = ""
    thread_id: str = ""  # conversation / thread / chat id
    is_repost: bool = False
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    views: int | None = None
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    raw: Any = None  # the platform's original record, JSON-serializable, for provenance
    # articles
    footnotes: list[FootnoteDraft] = field(default_factory=list)
    passages: list[PassageDraft] = field(default_factory=list)  # coded passages
    extra: dict[str, Any] = field(default_factory=dict)  # anything else worth keeping


@dataclass
class FileRead:
    """What an importer found in one file.

    ``collection`` is the name the file suggests for a collection (a post export
    becomes a collection named after the file or chat); ``warnings`` are problems
    with single records that did not stop the file (a malformed line 17, say).
    """

    drafts: Iterator[SourceDraft]
    collection: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a tabular file holds which field of a post."""

    text: str
    author: str = ""
    handle: str = ""
    date: str = ""
    url: str = ""
    id: str = ""
    reply_to: str = ""
    platform: str = ""  # a fixed platform name for every row, not a column
    code: str = ""  # a code (path) for the whole post; rows repeating a post add theirs


@dataclass
class ReadOptions:
    """Options the user chose for a file: a forced format, a column mapping."""

    format: str = ""
    mapping: ColumnMapping | None = None


class Importer(Protocol):
    """One file format.

    ``name`` is the format name used on the command line (``--format``);
    ``sniff`` looks at the path and the first bytes and returns a confidence
    (0 = not this format, 1 = certain); ``read`` parses the file.
    ``read`` raises :class:`db.errors.ImportFileError` with a clear reason for a file it
    cannot read; its draft iterator may raise it too (for a file that breaks half way).
    """

    name: str
    label: str
    kind: str

    def sniff(self, path: Path, head: bytes) -> float: ...

    def read(self, path: Path, options: ReadOptions) -> FileRead: ...


Progress = Callable[[int, int, str], None]  # done, total, message
Cancelled = Callable[[], bool]
