"""The search behind the ``quire search`` and ``quire reindex`` commands (no Qt).

Hits are written as they are found, so listing half a million of them holds one batch
in memory: lines for people, one JSON object per line (``jsonl``), or one JSON
document written piece by piece (``json``), whose totals come after the hits.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy.orm import Session

from db.errors import SearchIndexError
from db.queries.sources import collection_id, iso
from db.search.hits import KwicRow, SearchRun, search
from db.search.index import SearchIndex


def open_index(project, session: Session, progress=None) -> SearchIndex:
    """The project's index, rebuilt or caught up as needed."""
    index = SearchIndex(project)
    index.ensure(session, progress=progress)
    return index


def start_search(project, session: Session, query: str, *, stemmed: bool = False,
                 collection: str = "", progress=None) -> SearchRun:
    """A prepared search of the project's (current) index; retries once after a rebuild."""
    coll = collection_id(session, collection) if collection else None
    index = open_index(project, session, progress)
    try:
        return search(index, session, query, stemmed=stemmed, collection=coll)
    except SearchIndexError:
        index.ensure(session, progress=progress)
        return search(index, session, query, stemmed=stemmed, collection=coll)


def limited(run: SearchRun, limit: int | None) -> Iterator[KwicRow]:
    """The run's rows, at most ``limit`` of them; ``run.limited`` says if some were left."""
    run.limited = False
    for i, row in enumerate(run.rows()):
        if limit is not None and i >= limit:
            run.limited = True
            break
        yield row
    run.close()


def run_search(project, session: Session, query: str, *, limit: int | None = None,
               stemmed: bool = False, collection: str = "", progress=None
               ) -> tuple[dict[str, Any], list[str]]:
    """Search and return (JSON-ready data, lines of text), every hit in memory."""
    run = start_search(project, session, query, stemmed=stemmed, collection=collection,
                       progress=progress)
    rows = list(limited(run, limit))
    data = {**_head(query, stemmed), "hits": [hit_dict(r) for r in rows],
            **_totals(rows, run.limited)}
    return data, [line(r) for r in rows] + [summary(data)]


def write_search(out: TextIO, run: SearchRun, query: str, *, limit: int | None,
                 stemmed: bool, fmt: str) -> int:
    """Write the hits to ``out`` as they come, as ``fmt`` ("lines", "json", "jsonl");
    returns the number of hits."""
    hits, sources, last = 0, 0, None
    if fmt == "json":
        out.write(json.dumps(_head(query, stemmed), ensure_ascii=False)[:-1] + ', "hits": [')
    for row in limited(run, limit):
        hits += 1
        if row.hit.source_id != last:
            sources, last = sources + 1, row.hit.source_id
        if fmt == "lines":
            out.write(line(row) + "\n")
        else:
            sep = ("\n" if hits == 1 else ",\n") if fmt == "json" else ""
            out.write(sep + json.dumps(hit_dict(row), ensure_ascii=False)
                      + ("" if fmt == "json" else "\n"))
    totals = {"total_hits": hits, "sources": sources, "limited": run.limited}
    if fmt == "json":
        out.write("\n], " + json.dumps(totals)[1:] + "\n")
    elif fmt == "lines":
        out.write(summary(totals) + "\n")
    return hits


def _head(query: str, stemmed: bool) -> dict[str, Any]:
    return {"query": query, "stemmed": stemmed, "offset_unit": "unicode code points"}


def _totals(rows: list[KwicRow], was_limited: bool) -> dict[str, Any]:
    return {"total_hits": len(rows), "sources": len({r.hit.source_id for r in rows}),
            "limited": was_limited}


def summary(totals: dict[str, Any]) -> str:
    """The last line of a listing: how many hits in how many sources."""
    more = " (limit reached)" if totals["limited"] else ""
    return f"{totals['total_hits']} hit(s) in {totals['sources']} source(s){more}"


def hit_dict(r: KwicRow) -> dict[str, Any]:
    """One hit for JSON: where it is, what matched, its context and its source."""
    h = r.hit
    return {"source_id": h.source_id, "start": h.start, "end": h.end, "where": h.where,
            "text": r.match, "left": r.left, "right": r.right, "title": r.title,
            "author": r.author, "published": iso(r.published)}


def line(r: KwicRow) -> str:
    """One hit as a line of text."""
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
