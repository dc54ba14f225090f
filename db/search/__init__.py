"""Full-text search of a project (DESIGN.md rule 7): the only package that imports Whoosh.

Granularity: one Whoosh document per source. It holds the source's text (``body``),
its footnotes' texts (``note``), the memos on it and on its excerpts (``memo``), its
title and author, each analyzed exactly and (``*_stem``) stemmed; and keyword fields
for handle, platform, language, kind, collections, codes applied anywhere in it, what
it has (``has:footnote|memo|code``) and ``owns`` (the ids of its footnotes, memos,
excerpts and codings, so that a change-log entry for a row that no longer exists can
still be traced to its source). The source id, the publication time and the text's
length are per-document columns; documents are kept in date order.

Why not one document per coded passage: codings change all the time while a
researcher codes, and a passage document would duplicate text and positions. Instead
``code:X`` selects the sources holding a coding with X (from the index), and the
hits are then limited to the coded passages themselves, read from the database, which
is always current. Collections are indexed by id, so renaming one touches nothing.

Hits are not ranked: a researcher reads every hit, in date order or sorted by any
column, so nothing is scored and no stored field is read. The modules:

* ``analysis`` tokens and stems (text folded by :mod:`db.fold`, shared with find);
* ``schema`` the fields and the version stamp; ``postings`` the posting format and
  Whoosh's W3 blocks, written and read a list at a time;
* ``documents`` what the index holds of a source; ``segment`` bulk segment writing in
  bounded memory; ``build`` whole builds, on several processes for large projects;
* ``index`` where the index lives, when it may be opened, rebuild, views for searches;
  ``catchup`` applying the change log; ``lock`` one build per project at a time;
* ``query`` the query language; ``evaluate`` and ``matchers`` lazy evaluation in date
  order; ``leaves`` the segments' columns;
* ``spans`` exact hit spans; ``loading`` what hits need from the database; ``hits``
  running a search, KWIC rows, streamed; ``commands`` the CLI's side.
"""

import importlib

_EXPORTS = {"Hit": "spans", "KwicRow": "hits", "SearchIndex": "index", "SearchRun": "hits",
            "SourceHits": "hits", "parse": "query", "search": "hits"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """The package's names, imported on first use (``db.search.query`` needs no Whoosh)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'db.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"db.search.{_EXPORTS[name]}"), name)
