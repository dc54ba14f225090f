"""What an export holds: the filters a researcher chose, turned into ordered, grouped rows.

A :class:`Selection` is what the export dialog and the command line fill in: codes (with
their sub-codes or not), collections, coders, publication dates, a search query (or the
hit spans of a search already run), one source, hand-picked excerpt ids, the Sources
pane's filter, and the order.
:func:`gather` returns the matching excerpts (rows of
:func:`db.queries.excerpts.retrieve`) and :func:`group` puts them under headings: one per
code (an excerpt with two chosen codes appears under both), per source, or per day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.errors import EmptyExportError, ExportError
from db.models import Coder, Collection, Excerpt, Memo, Source
from db.queries.codes import children_map, code_path, code_tree, subtree
from db.queries.excerpts import date_conditions, for_source, members, retrieve
from db.queries.sources import filtered, iso

ORDERS = ("code", "source", "date")
UNCODED = "Highlights without a code"
UNDATED = "Undated"


@dataclass
class Selection:
    """The filters of an export; every one left empty means "all"."""

    code_ids: list[int] | None = None
    subcodes: bool = True
    collection_ids: list[int] | None = None
    coder_ids: list[int] | None = None
    date_from: str | None = None
    date_to: str | None = None
    query: str = ""
    hits: list[tuple[int, int, int]] | None = None  # (source_id, start, end) of a search
    source_id: int | None = None
    excerpt_ids: list[int] | None = None
    # The Sources pane's filter (keyword arguments of db.queries.sources.filtered:
    # collection, text, platform, kind): only excerpts of the sources it shows.
    source_filter: dict[str, Any] | None = None
    order: str = "code"
    context: int = 0  # characters of context before and after each excerpt

    def __post_init__(self):
        if self.order not in ORDERS:
            raise ExportError(f"unknown order '{self.order}'; use code, source or date")


@dataclass
class Group:
    """A heading of the export and the excerpts under it, in order."""

    key: str
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    color: str = ""


# --- gathering -------------------------------------------------------------------------------

def chosen_codes(session: Session, sel: Selection) -> list[int] | None:
    """The code ids the selection means (its codes and, when asked, their sub-codes)."""
    if sel.code_ids is None:
        return None
    if not sel.subcodes:
        return list(dict.fromkeys(sel.code_ids))
    kids = children_map(session)
    return list(dict.fromkeys(c for cid in sel.code_ids for c in subtree(kids, cid)))


def gather(session: Session, sel: Selection, *, project=None,
           cancelled: Callable[[], bool] | None = None) -> list[dict[str, Any]]:
    """The excerpts the selection holds, by date, source and position.

    A ``query`` without ``hits`` is searched in ``project``'s index; an excerpt is kept
    when it overlaps a hit. Raises :class:`EmptyExportError` when nothing matches.
    """
    rows = _retrieved(session, sel)
    spans = sel.hits if sel.hits is not None else (
        search_spans(project, session, sel.query, cancelled) if sel.query.strip() else None)
    if spans is not None:
        rows = _overlapping(rows, spans)
    if not rows:
        raise EmptyExportError("nothing to export: no coded excerpt matches the filters")
    return rows


def _retrieved(session: Session, sel: Selection) -> list[dict[str, Any]]:
    ids = _excerpt_ids(session, sel)
    if ids is not None and not ids:
        return []
    found: dict[int, dict[str, Any]] = {}
    for coll in sel.collection_ids or [None]:
        for row in retrieve(session, code_ids=chosen_codes(session, sel), collection_id=coll,
                            coder_ids=sel.coder_ids, date_from=sel.date_from or None,
                            date_to=sel.date_to or None, context=sel.context,
                            excerpt_ids=ids):
            found.setdefault(row["id"], row)
    rows = list(found.values())
    if len(sel.collection_ids or []) > 1:
        rows.sort(key=_date_key)
    return rows


def _excerpt_ids(session: Session, sel: Selection) -> list[int] | None:
    ids = None if sel.excerpt_ids is None else list(sel.excerpt_ids)
    if sel.source_id is not None:
        if session.get(Source, sel.source_id) is None:
            raise ExportError(f"there is no source {sel.source_id}")
        own = [r["id"] for r in for_source(session, sel.source_id)]
        ids = own if ids is None else sorted(set(ids) & set(own))
    if sel.source_filter:
        shown = session.scalars(select(Excerpt.id).where(
            Excerpt.source_id.in_(filtered(**sel.source_filter))))
        ids = sorted(set(shown) if ids is None else set(shown) & set(ids))
    return ids


def _date_key(row: dict[str, Any]) -> tuple:
    return (row["published"] is None, row["published"] or "", row["source_id"],
            row["start"], row["end"], row["id"])


def _overlapping(rows: list[dict[str, Any]], spans: list[tuple[int, int, int]]
                 ) -> list[dict[str, Any]]:
    by_source: dict[int, list[tuple[int, int]]] = {}
    for sid, start, end in spans:
        by_source.setdefault(sid, []).append((start, end))
    return [r for r in rows if any(a < r["end"] and r["start"] < b
                                   for a, b in by_source.get(r["source_id"], ()))]


def source_conditions(session: Session, sel: Selection) -> list:
    """The selection's filters on sources as SQL conditions on ``Source``: collections
    (any of them, sub-collections included), dates, one source, the Sources pane's filter."""
    out = list(date_conditions(sel.date_from or None, sel.date_to or None))
    if sel.collection_ids:
        out.append(or_(*[Source.id.in_(members(session, c)) for c in sel.collection_ids]))
    if sel.source_id is not None:
        out.append(Source.id == sel.source_id)
    if sel.source_filter:
        out.append(Source.id.in_(filtered(**sel.source_filter)))
    return out


def excerpt_conditions(session: Session, sel: Selection, *, project=None,
                       cancelled: Callable[[], bool] | None = None) -> list:
    """The selection's filters, except its codes (see :func:`chosen_codes`), as SQL
    conditions on ``Excerpt`` and ``Source`` (the caller joins them): those of
    :func:`source_conditions`, coders, chosen excerpts, and the excerpts overlapping a
    search's hits."""
    out = source_conditions(session, sel)
    if sel.coder_ids is not None:
        out.append(Excerpt.coder_id.in_(sel.coder_ids))
    if sel.excerpt_ids is not None:
        out.append(Excerpt.id.in_(sorted(set(sel.excerpt_ids))))
    spans = sel.hits if sel.hits is not None else (
        search_spans(project, session, sel.query, cancelled) if sel.query.strip() else None)
    if spans is not None:
        out.append(Excerpt.id.in_(_hit_excerpts(session, spans)))
    return out


def _hit_excerpts(session: Session, spans: list[tuple[int, int, int]]) -> list[int]:
    """The excerpts that overlap any of these hit spans."""
    sources = sorted({sid for sid, _, _ in spans})
    rows = []
    for i in range(0, len(sources), 900):
        q = select(Excerpt.id, Excerpt.source_id, Excerpt.start, Excerpt.end).where(
            Excerpt.source_id.in_(sources[i:i + 900]))
        rows += [{"id": e, "source_id": s, "start": a, "end": b}
                 for e, s, a, b in session.execute(q)]
    return sorted(r["id"] for r in _overlapping(rows, spans))


def search_spans(project, session: Session, query: str,
                 cancelled: Callable[[], bool] | None = None) -> list[tuple[int, int, int]]:
    """The hit spans of ``query`` in ``project``'s search index (brought up to date)."""
    if project is None:
        raise ExportError("exporting by a search query needs the open project")
    from db.search.hits import search  # the search engine loads only when it is used
    from db.search.index import SearchIndex

    index = SearchIndex(project)
    index.ensure(session)
    return [span for found in search(index, session, query, cancelled=cancelled).all()
            for span in found.spans]


def memos_of(session: Session, ids: list[int], on=Memo.excerpt_id
             ) -> dict[int, list[dict[str, Any]]]:
    """The memos on each of these excerpts (or, with ``on`` ``Memo.source_id`` or
    ``Memo.code_id``, these sources or codes), oldest first (title, body, author, date)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for i in range(0, len(ids), 900):
        q = (select(on, Memo.title, Memo.body, Memo.updated_at, Coder.name)
             .outerjoin(Coder, Coder.id == Memo.coder_id)
             .where(on.in_(ids[i:i + 900]))
             .order_by(Memo.created_at, Memo.id))
        for eid, title, body, updated, author in session.execute(q):
            out.setdefault(eid, []).append({"title": title, "body": body, "author": author,
                                            "updated_at": iso(updated)})
    return out


# --- grouping --------------------------------------------------------------------------------

def group(session: Session, sel: Selection, rows: list[dict[str, Any]]) -> list[Group]:
    """The rows under their headings, in the selection's order."""
    if sel.order == "source":
        return _by(rows, lambda r: (f"source:{r['source_id']}", source_label(r)))
    if sel.order == "date":
        return _by(rows, lambda r: ((f"date:{r['published'][:10]}", r["published"][:10])
                                    if r["published"] else ("date:", UNDATED)))
    return _by_code(session, sel, rows)


def _by(rows: list[dict[str, Any]], key: Callable) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in rows:
        k, title = key(row)
        groups.setdefault(k, Group(k, title)).rows.append(row)
    out = list(groups.values())
    return sorted(out, key=lambda g: g.title == UNDATED)  # stable: undated last


def _by_code(session: Session, sel: Selection, rows: list[dict[str, Any]]) -> list[Group]:
    chosen = chosen_codes(session, sel)
    wanted = None if chosen is None else set(chosen)
    out: list[Group] = []
    for code in code_tree(session):
        if wanted is not None and code["id"] not in wanted:
            continue
        mine = [r for r in rows if any(c["id"] == code["id"] for c in r["codes"])]
        if mine:
            out.append(Group(f"code:{code['id']}", code["path"], mine, code["color"]))
    plain = [r for r in rows if not r["codes"]]
    if plain:
        out.append(Group("code:", UNCODED, plain))
    return out


def source_label(row: dict[str, Any]) -> str:
    """How a source is named in a heading: its title, else its author and platform."""
    title = " ".join((row.get("title") or "").split())
    if title:
        return title
    who = row.get("author") or ""
    if row.get("handle"):
        who = f"{who} @{row['handle']}".strip()
    where = f" on {row['platform'].capitalize()}" if row.get("platform") else ""
    return f"Post by {who}{where}" if who else f"Source {row['source_id']}"


# --- describing ------------------------------------------------------------------------------

def describe(session: Session, sel: Selection) -> list[tuple[str, str]]:
    """The filters in words, for the title page: (what, value) pairs."""
    out: list[tuple[str, str]] = []
    if sel.code_ids is not None:
        paths = ", ".join(code_path(session, c) for c in sel.code_ids)
        out.append(("Codes", paths + (" (with sub-codes)" if sel.subcodes else "")))
    if sel.collection_ids:
        out.append(("Collections", ", ".join(_names(session, Collection, sel.collection_ids))))
    if sel.coder_ids is not None:
        out.append(("Coders", ", ".join(_names(session, Coder, sel.coder_ids)) or "none"))
    if sel.date_from or sel.date_to:
        out.append(("Published", f"{sel.date_from or '…'} to {sel.date_to or '…'}"))
    if sel.query.strip():
        out.append(("Search", sel.query.strip()))
    elif sel.hits is not None:
        out.append(("Search", f"{len(sel.hits)} hit(s)"))
    if sel.source_id is not None:
        title = session.scalar(select(Source.title).where(Source.id == sel.source_id))
        out.append(("Source", title or f"source {sel.source_id}"))
    if sel.excerpt_ids is not None:
        out.append(("Chosen excerpts", str(len(set(sel.excerpt_ids)))))
    if sel.source_filter:
        out.append(("Sources", ", ".join(f"{k} {v}" for k, v in sel.source_filter.items()
                                         if v not in (None, ""))))
    return out or [("Filters", "none: every coded excerpt")]


def _names(session: Session, model, ids: list[int]) -> list[str]:
    names = dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
    return [names.get(i, f"#{i}") for i in ids]
