"""The fields of the search index, and the version stamp that guards them.

One Whoosh document per source (see ``db/search/__init__.py`` for why). Text fields
come in pairs, exact and stemmed, and their postings carry positions and code-point
spans (:class:`~db.search.postings.SpanFormat`); metadata fields are keywords that
only record which documents have them. The source id and the publication time are
per-document columns, with the text's length (to tell a source from another that
took its id), read in bulk instead of through Whoosh's stored fields.

Documents are written in date order (publication time, then source id; undated sources
first), so in a segment built in one piece document-number order *is* date order and a
first screen of hits in date order is the first hits of the posting lists.

Whoosh pickles this schema, analyzers and formats included, into the index: bump
:data:`VERSION` whenever a field, ``analysis.py``, ``fold.py`` or ``postings.py``
changes, and every index built by an older Quire is rebuilt instead of being opened.
"""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, KEYWORD, TEXT, Schema
from whoosh.formats import Existence

from db.search.analysis import exact_analyzer, stem_analyzer
from db.search.postings import SpanFormat

VERSION = "quire-search-4"
"""Schema and analyzer version; part of the stamp every index carries."""

NO_TIME = -(2**63)
"""The ``when`` of a source without a publication date (sorts first)."""

TEXT_FIELDS = ("body", "note", "memo", "title", "author")
"""Analyzed fields; each has a ``<name>_stem`` twin except ``author``."""

STEMMED = ("body", "note", "memo", "title")
"""The text fields with a stemmed twin."""

KEYWORD_FIELDS = ("kind", "handle", "platform", "lang", "has", "code", "collection", "owns")
"""Metadata: space-separated values, matched exactly."""

SID_COLUMN = columns.NumericColumn("I", default=0)
WHEN_COLUMN = columns.NumericColumn("q", default=NO_TIME)
LEN_COLUMN = columns.NumericColumn("I", default=0)
COLUMNS = {"sid": SID_COLUMN, "when": WHEN_COLUMN, "len": LEN_COLUMN}
"""Per-document columns: source id, publication time, length of the text."""


def _text(stemmed: bool = False) -> TEXT:
    field = TEXT(analyzer=stem_analyzer() if stemmed else exact_analyzer(), phrase=True)
    field.format = SpanFormat()
    field.scorable = False  # hits are not ranked: no per-document lengths to keep
    return field


def _keyword() -> KEYWORD:
    field = KEYWORD(scorable=False)
    field.format = Existence()
    return field


def build_schema() -> Schema:
    """A new schema object (Whoosh keeps a copy inside each index)."""
    fields = {name: COLUMN(column) for name, column in COLUMNS.items()}
    fields["author"] = _text()
    fields.update((name, _keyword()) for name in KEYWORD_FIELDS)
    for name in STEMMED:
        fields[name] = _text()
        fields[f"{name}_stem"] = _text(stemmed=True)
    return Schema(**fields)
