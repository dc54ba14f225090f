"""The fields of the search index, and the version stamp that guards them.

One Whoosh document per source (see ``db/search/__init__.py`` for why). Text fields
come in pairs, exact and stemmed; metadata fields are keywords; the source id and the
day of publication are per-document columns, read in bulk instead of through Whoosh's
slow stored fields and numeric ranges.

Whoosh pickles this schema, analyzers included, into the index: bump :data:`VERSION`
whenever a field or anything in ``analysis.py`` changes, and every index built by an
older Quire is rebuilt instead of being opened.
"""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema

from db.search.analysis import exact_analyzer, stem_analyzer

VERSION = "quire-search-3"
"""Schema and analyzer version; part of the stamp every index carries."""

NO_DAY = -(2**31)
"""The ``day`` of a source without a publication date."""

TEXT_FIELDS = ("body", "note", "memo", "title", "author")
"""Analyzed fields; each has a ``<name>_stem`` twin except ``author``."""

DEFAULT_FIELDS = ("body", "note")
"""Where a bare word is looked for: the text and its footnotes."""


def _text(stemmed: bool = False) -> TEXT:
    field = TEXT(analyzer=stem_analyzer() if stemmed else exact_analyzer(), phrase=True)
    field.scorable = False  # hits are not ranked: no per-document lengths to keep
    return field


def build_schema() -> Schema:
    """A new schema object (Whoosh keeps a copy inside each index)."""
    fields = {
        "src": ID(unique=True),
        "sid": COLUMN(columns.NumericColumn("I", default=0)),
        "day": COLUMN(columns.NumericColumn("i", default=NO_DAY)),
        "kind": ID(),
        "handle": ID(),
        "platform": ID(),
        "lang": KEYWORD(lowercase=True),
        "has": KEYWORD(),
        "code": KEYWORD(),
        "collection": KEYWORD(),
        "owns": KEYWORD(),
        "author": _text(),
    }
    for name in ("body", "note", "memo", "title"):
        fields[name] = _text()
        fields[f"{name}_stem"] = _text(stemmed=True)
    return Schema(**fields)
