"""What the index holds for a source, read from the project database in batches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Coding, Excerpt, Footnote, Memo, Source, source_collections
from db.search.schema import NO_DAY

_EPOCH = dt.date(1970, 1, 1)
_COLUMNS = (Source.id, Source.kind, Source.title, Source.text, Source.author, Source.handle,
            Source.platform, Source.language, Source.published)


def day_number(date: dt.date | dt.datetime | None) -> int:
    """Days since 1970-01-01 (UTC) of a date or an aware datetime; NO_DAY for None."""
    if date is None:
        return NO_DAY
    if isinstance(date, dt.datetime):
        date = date.astimezone(dt.UTC).date()
    return (date - _EPOCH).days


def all_source_ids(session: Session) -> list[int]:
    """Every source id of the project, ascending."""
    return list(session.scalars(select(Source.id).order_by(Source.id)))


def documents(session: Session, ids: list[int]) -> list[dict]:
    """The index documents of the sources ``ids`` (missing ones are left out)."""
    rows = session.execute(select(*_COLUMNS).where(Source.id.in_(ids))).all()
    extra = _Extras(session, [r.id for r in rows])
    return [_document(r, extra) for r in rows]


def batches(session: Session, ids: list[int], size: int = 500) -> Iterator[list[dict]]:
    """:func:`documents` for ``ids`` in batches of ``size``."""
    for i in range(0, len(ids), size):
        yield documents(session, ids[i:i + size])


class _Extras:
    """Footnotes, memos, codings and collections of a batch of sources, by source id."""

    def __init__(self, session: Session, ids: list[int]):
        self.notes: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.memos: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.codings: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self.excerpts: dict[int, set[int]] = defaultdict(set)
        self.collections: dict[int, list[int]] = defaultdict(list)
        if ids:
            self._load(session, ids)

    def _load(self, s: Session, ids: list[int]) -> None:
        q = select(Footnote.source_id, Footnote.id, Footnote.text).where(
            Footnote.source_id.in_(ids)).order_by(Footnote.offset)
        for sid, fid, text in s.execute(q):
            self.notes[sid].append((fid, text))
        for sid, eid in s.execute(select(Excerpt.source_id, Excerpt.id).where(
                Excerpt.source_id.in_(ids))):
            self.excerpts[sid].add(eid)
        q = select(Excerpt.source_id, Coding.id, Coding.code_id, Excerpt.id).join(
            Excerpt, Excerpt.id == Coding.excerpt_id).where(Excerpt.source_id.in_(ids))
        for sid, cid, code, eid in s.execute(q):
            self.codings[sid].append((cid, code, eid))
        self._load_memos(s, ids)
        q = select(source_collections.c.source_id, source_collections.c.collection_id).where(
            source_collections.c.source_id.in_(ids))
        for sid, coll in s.execute(q):
            self.collections[sid].append(coll)

    def _load_memos(self, s: Session, ids: list[int]) -> None:
        on_source = select(Memo.source_id, Memo.id, Memo.title, Memo.body).where(
            Memo.target == "source", Memo.source_id.in_(ids))
        on_excerpt = select(Excerpt.source_id, Memo.id, Memo.title, Memo.body).join(
            Excerpt, Excerpt.id == Memo.excerpt_id).where(
            Memo.target == "excerpt", Excerpt.source_id.in_(ids))
        for q in (on_source, on_excerpt):
            for sid, mid, title, body in s.execute(q):
                self.memos[sid].append((mid, f"{title}\n{body}".strip()))


def _document(r, x: _Extras) -> dict:
    notes, memos, codings = x.notes.get(r.id, []), x.memos.get(r.id, []), x.codings.get(r.id, [])
    has = [name for name, items in (("footnote", notes), ("memo", memos), ("code", codings))
           if items]
    owns = ([f"footnotes:{i}" for i, _ in notes] + [f"memos:{i}" for i, _ in memos]
            + [f"codings:{c}" for c, _, _ in codings]
            + [f"excerpts:{e}" for e in x.excerpts.get(r.id, ())])
    doc = {
        "src": str(r.id), "sid": r.id, "day": day_number(r.published), "kind": r.kind,
        "handle": (r.handle or "").lstrip("@").lower(), "platform": (r.platform or "").lower(),
        "lang": _languages(r.language), "has": " ".join(has),
        "code": " ".join(sorted({str(c) for _, c, _ in codings})),
        "collection": " ".join(map(str, x.collections.get(r.id, []))), "owns": " ".join(owns),
        "author": r.author or "", "body": r.text, "body_stem": r.text,
        "title": r.title or "", "title_stem": r.title or "",
    }
    if notes:
        doc["note"] = doc["note_stem"] = "\n\n".join(t for _, t in notes)
    if memos:
        doc["memo"] = doc["memo_stem"] = "\n\n".join(t for _, t in memos)
    return {k: v for k, v in doc.items() if v != ""}


def _languages(code: str) -> str:
    code = (code or "").strip().lower().replace("_", "-")
    if not code:
        return ""
    primary = code.split("-")[0]
    return code if primary == code else f"{code} {primary}"
