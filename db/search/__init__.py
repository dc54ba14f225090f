"""Full-text search of a project (DESIGN.md rule 7): the only package that imports Whoosh.

Granularity: one Whoosh document per source. It holds the source's text (``body``),
its footnotes' texts (``note``), the memos on it and on its excerpts (``memo``), its
title and author, each analyzed exactly and (``*_stem``) stemmed; and keyword fields
for handle, platform, language, kind, collections, codes applied anywhere in it, what
it has (``has:footnote|memo|code``) and ``owns`` (the ids of its footnotes, memos,
excerpts and codings, so that a change-log entry for a row that no longer exists can
still be traced to its source). The source id and the day of publication are
per-document columns.

Why not one document per coded passage: codings change all the time while a
researcher codes, and a passage document would duplicate text and positions. Instead
``code:X`` selects the sources holding a coding with X (from the index), and the
hits are then limited to the coded passages themselves, read from the database, which
is always current. Collections are indexed by id, so renaming one touches nothing.

Hits are not ranked: a researcher reads every hit, in date order or sorted by any
column, so nothing is scored and no stored field is read. The modules:

* ``analysis`` tokens, folding (Arabic and Latin), stemming;
* ``schema`` the fields and the version stamp;
* ``index`` where the index lives, when it may be opened, rebuild and catch-up;
* ``build`` whole builds, on several processes for large projects;
* ``query`` the query language; ``evaluate`` queries as sets of source ids;
* ``spans`` exact hit spans; ``hits`` running a search, KWIC rows, progressively.
"""

import importlib

_EXPORTS = {"Hit": "spans", "KwicRow": "hits", "SearchIndex": "index", "SearchRun": "hits",
            "SourceHits": "hits", "parse": "query", "search": "hits"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """The package's names, imported on first use (``db.search.fold`` needs no Whoosh)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'db.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"db.search.{_EXPORTS[name]}"), name)
