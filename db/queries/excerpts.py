"""Excerpts as the Reader paints them and the Coded excerpts view retrieves them.

Texts are cut in SQL (``substr`` counts characters, i.e. code points, on SQLite and
PostgreSQL alike), so retrieving from many long articles never loads their whole text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from db.errors import CodingError, NotFoundError
from db.models import Code, Coder, Coding, Collection, Excerpt, Source, source_collections
from db.queries.codes import SEP
from db.queries.sources import iso

MODES = ("any", "all")
_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
_CHUNK = 900


def for_source(session: Session, source_id: int,
               coder_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """The excerpts of one source in reading order, with their codes: what the Reader paints.

    Each row: id, uuid, start, end, color, coder_id, coder (name), version (what an edit
    passes as ``expected_version``), codes (a list of {id, name, color}). With
    ``coder_ids``, only those coders' excerpts.
    """
    coders = None if coder_ids is None else list(coder_ids)
    q = (select(Excerpt.id, Excerpt.uuid, Excerpt.start, Excerpt.end, Excerpt.color,
                Excerpt.coder_id, Coder.name, Excerpt.version)
         .outerjoin(Coder, Coder.id == Excerpt.coder_id)
         .where(Excerpt.source_id == source_id)
         .order_by(Excerpt.start, Excerpt.end, Excerpt.id))
    if coders is not None:
        q = q.where(Excerpt.coder_id.in_(coders))
    out = {eid: {"id": eid, "uuid": uuid, "start": s, "end": e, "color": color,
                 "coder_id": who, "coder": name or "", "version": version, "codes": []}
           for eid, uuid, s, e, color, who, name, version in session.execute(q)}
    for eid, cid, name, color in session.execute(_codes_in(source_id, coders)):
        codes = out[eid]["codes"]
        if not codes or codes[-1]["id"] != cid:  # two coders' codings of one code: once
            codes.append({"id": cid, "name": name, "color": color})
    return list(out.values())


def _codes_in(source_id: int, coders: list[int] | None):
    """A select of (excerpt id, code id, name, colour) for the excerpts of a source."""
    q = (select(Coding.excerpt_id, Code.id, Code.name, Code.color)
         .join(Code, Code.id == Coding.code_id)
         .join(Excerpt, Excerpt.id == Coding.excerpt_id)
         .where(Excerpt.source_id == source_id).order_by(Code.name, Code.id))
    return q if coders is None else q.where(Excerpt.coder_id.in_(coders))


def retrieve(session: Session, *, code_ids: Iterable[int] | None, mode: str = "any",
             collection_id: int | None = None, coder_ids: Iterable[int] | None = None,
             date_from: dt.date | dt.datetime | str | None = None,
             date_to: dt.date | dt.datetime | str | None = None,
             context: int = 0, excerpt_ids: Iterable[int] | None = None
             ) -> list[dict[str, Any]]:
    """Coded excerpts of ``code_ids`` (None: every excerpt, highlights included).

    ``mode`` "any": excerpts with any of the codes; "all": excerpts with one of the codes
    whose text is also coded with each of the others (on the same excerpt or on an
    overlapping one in the same source). ``collection_id`` includes its sub-collections;
    ``date_from``/``date_to`` bound the source's publication date (a date includes its
    whole day). Each row: id, uuid, source_id, kind, title, author, handle, platform,
    published (ISO), start, end, text, color, coder_id, coder, created_at, codes (list of
    {id, name, color, path}), and ``before``/``after``: up to ``context`` characters on
    each side. Ordered by publication date (undated last), source, position.
    ``excerpt_ids`` limits the result to those excerpts (e.g. the ones just made).
    """
    if mode not in MODES:
        raise CodingError(f"unknown mode '{mode}'; use 'any' or 'all'")
    coders = None if coder_ids is None else list(coder_ids)
    q = _base(max(0, int(context)))
    if code_ids is not None:
        codes = list(code_ids)
        if not codes:
            return []
        q = q.where(_has_code(codes))
        if mode == "all":
            q = q.where(*[_overlapped_by(k, coders) for k in codes])
    if coders is not None:
        q = q.where(Excerpt.coder_id.in_(coders))
    if collection_id is not None:
        q = q.where(Excerpt.source_id.in_(members(session, collection_id)))
    q = dated(q, date_from, date_to)
    rows = [_row(r) for r in _execute(session, q, excerpt_ids)]
    _attach_codes(session, rows)
    return rows


def _execute(session: Session, q, excerpt_ids: Iterable[int] | None) -> list[Any]:
    if excerpt_ids is None:
        return list(session.execute(q))
    ids, out = sorted(set(excerpt_ids)), []
    for i in range(0, len(ids), _CHUNK):
        out += session.execute(q.where(Excerpt.id.in_(ids[i:i + _CHUNK]))).all()
    if len(ids) > _CHUNK:  # each chunk came in order; put them in order together
        out.sort(key=lambda r: (r.published is None, r.published or _EPOCH, r.source_id,
                                r.start, r.end, r.id))
    return out


def _base(context: int):
    text = func.substr(Source.text, Excerpt.start + 1, Excerpt.end - Excerpt.start)
    if context:
        first = case((Excerpt.start > context, Excerpt.start - context), else_=0)
        before = func.substr(Source.text, first + 1, Excerpt.start - first)
        after = func.substr(Source.text, Excerpt.end + 1, context)
    else:
        before = after = literal("")
    return (select(Excerpt.id, Excerpt.uuid, Excerpt.source_id, Source.kind, Source.title,
                   Source.author, Source.handle, Source.platform, Source.published,
                   Excerpt.start, Excerpt.end, text.label("text"), Excerpt.color,
                   Excerpt.coder_id, Coder.name.label("coder"), Excerpt.created_at,
                   before.label("before"), after.label("after"))
            .join(Source, Source.id == Excerpt.source_id)
            .outerjoin(Coder, Coder.id == Excerpt.coder_id)
            .order_by(case((Source.published.is_(None), 1), else_=0), Source.published,
                      Source.id, Excerpt.start, Excerpt.end, Excerpt.id))


def _has_code(codes: list[int]):
    return exists().where(Coding.excerpt_id == Excerpt.id, Coding.code_id.in_(codes))


def _overlapped_by(code_id: int, coders: list[int] | None):
    """Some excerpt coded ``code_id`` in the same source overlaps this one."""
    other, coding = aliased(Excerpt), aliased(Coding)
    cond = and_(coding.excerpt_id == other.id, coding.code_id == code_id,
                other.source_id == Excerpt.source_id,
                other.start < Excerpt.end, Excerpt.start < other.end)
    if coders is not None:
        cond = and_(cond, other.coder_id.in_(coders))
    return exists().where(cond)


def members(session: Session, collection_id: int):
    """A select of the sources in a collection or any collection below it."""
    rows = session.execute(select(Collection.id, Collection.parent_id)).all()
    ids, grew = {collection_id}, True
    while grew:
        more = {r.id for r in rows if r.parent_id in ids} - ids
        ids |= more
        grew = bool(more)
    return select(source_collections.c.source_id).where(
        source_collections.c.collection_id.in_(sorted(ids)))


def dated(q, date_from, date_to):
    """``q`` (selecting from ``Source``) limited to sources published in the range."""
    return q.where(*date_conditions(date_from, date_to))


def date_conditions(date_from, date_to) -> list:
    """Conditions on ``Source.published`` from ``date_from`` to ``date_to`` (either may be
    None; a date, or a ``YYYY-MM-DD`` string, includes its whole day)."""
    out = []
    if date_from is not None:
        out.append(Source.published >= _moment(date_from, False))
    if date_to is not None:
        end = _moment(date_to, True)
        out.append(Source.published < end if _is_day(date_to) else Source.published <= end)
    return out


def _is_day(value) -> bool:
    if isinstance(value, str):
        return len(value.strip()) == 10
    return not isinstance(value, dt.datetime)


def _moment(value, day_end: bool) -> dt.datetime:
    """A date, datetime or ISO string as an aware datetime (a day's end: the next day)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()) if _is_day(value) \
                else dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise CodingError(f"'{value}' is not a date; write it as YYYY-MM-DD") from None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), dt.UTC) + dt.timedelta(days=day_end)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _row(r) -> dict[str, Any]:
    d = dict(r._mapping)
    d["published"] = iso(d["published"])
    d["created_at"] = iso(d["created_at"])
    d["coder"] = d["coder"] or ""
    d["codes"] = []
    return d


def _attach_codes(session: Session, rows: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in rows}
    paths = _paths(session)
    ids = sorted(by_id)
    for i in range(0, len(ids), _CHUNK):
        q = (select(Coding.excerpt_id, Code.id, Code.name, Code.color)
             .join(Code, Code.id == Coding.code_id)
             .where(Coding.excerpt_id.in_(ids[i:i + _CHUNK])).order_by(Code.name, Code.id))
        for eid, cid, name, color in session.execute(q):
            codes = by_id[eid]["codes"]
            if not codes or codes[-1]["id"] != cid:
                codes.append({"id": cid, "name": name, "color": color, "path": paths[cid]})


def _paths(session: Session) -> dict[int, str]:
    rows = {cid: (name, parent) for cid, name, parent in
            session.execute(select(Code.id, Code.name, Code.parent_id))}
    out: dict[int, str] = {}

    def path(cid: int) -> str:
        if cid not in out:
            name, parent = rows[cid]
            out[cid] = name if parent is None else f"{path(parent)}{SEP}{name}"
        return out[cid]

    for cid in rows:
        path(cid)
    return out


def coders(session: Session) -> list[dict[str, Any]]:
    """Every coder with how many excerpts and codings they made, by name."""
    n_ex = select(func.count(Excerpt.id)).where(Excerpt.coder_id == Coder.id).scalar_subquery()
    n_co = select(func.count(Coding.id)).where(Coding.coder_id == Coder.id).scalar_subquery()
    q = select(Coder.id, Coder.uuid, Coder.name, Coder.color, n_ex.label("excerpts"),
               n_co.label("codings")).order_by(Coder.name)
    return [dict(r._mapping) for r in session.execute(q)]


def coder_id(session: Session, name: str) -> int:
    """The id of the coder called ``name`` (spacing normalized); NotFoundError if none."""
    found = session.scalar(select(Coder.id).where(Coder.name == " ".join(name.split())))
    if found is None:
        raise NotFoundError(f"no coder named '{name}'")
    return found
