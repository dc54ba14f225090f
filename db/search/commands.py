"""The search behind the ``quire search`` and ``quire reindex`` commands (no Qt)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from db.errors import SearchIndexError
from db.queries.sources import collection_id, iso
from db.search.hits import KwicRow, search
from db.search.index import SearchIndex


def open_index(project, session: Session, progress=None) -> SearchIndex:
    """The project's index, rebuilt or caught up as needed."""
    index = SearchIndex(project)
    index.ensure(session, progress=progress)
    return index


def run_search(project, session: Session, query: str, *, limit: int | None = None,
               stemmed: bool = False, collection: str = "", progress=None
               ) -> tuple[dict[str, Any], list[str]]:
    """Search and return (JSON-ready data, lines of text); retries once after a rebuild."""
    coll = collection_id(session, collection) if collection else None
    index = open_index(project, session, progress)
    try:
        run = search(index, session, query, stemmed=stemmed, collection=coll)
    except SearchIndexError:
        index.ensure(session, progress=progress)
        run = search(index, session, query, stemmed=stemmed, collection=coll)
    rows = [r for sh in run.all(limit=limit) for r in sh.rows]
    limited = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit else rows
    data = {"query": query, "stemmed": stemmed, "offset_unit": "unicode code points",
            "total_hits": len(rows), "sources": len({r.hit.source_id for r in rows}),
            "limited": limited, "hits": [hit_dict(r) for r in rows]}
    lines = [_line(r) for r in rows]
    more = " (limit reached)" if limited else ""
    lines.append(f"{data['total_hits']} hit(s) in {data['sources']} source(s){more}")
    return data, lines


def hit_dict(r: KwicRow) -> dict[str, Any]:
    """One hit for JSON: where it is, what matched, its context and its source."""
    h = r.hit
    return {"source_id": h.source_id, "start": h.start, "end": h.end, "where": h.where,
            "text": r.match, "left": r.left, "right": r.right, "title": r.title,
            "author": r.author, "published": iso(r.published)}


def _line(r: KwicRow) -> str:
    h = r.hit
    where = "" if h.where == "text" else f" ({h.where})"
    title = (r.title or "").replace("\n", " ")[:40]
    return (f"{h.source_id:>6} {h.start:>6}-{h.end:<6} {r.left[-40:]:>40} [{r.match}] "
            f"{r.right[:40]}{where}  | {title}")


def reindex(project, session: Session, progress=None) -> str:
    """Rebuild the index; returns a one-line summary."""
    start = time.monotonic()
    n = SearchIndex(project).rebuild(session, progress)
    return f"search index rebuilt: {n} source(s) in {time.monotonic() - start:.1f} s"
