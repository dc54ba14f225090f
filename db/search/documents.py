"""What the index holds for a source, read from the project database in batches.

Sources are read in date order (:func:`ordered_source_ids`), the order the index keeps
them in. A source longer than :data:`HUGE` characters is never loaded whole: its text
is read and analyzed a window at a time (:meth:`IndexDoc.windows`), so indexing a 200 MB
article needs no more memory than a few megabytes of text.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import String, bindparam, case, func, select, type_coerce
from sqlalchemy.orm import Session

from db.models import Coding, Excerpt, Footnote, Memo, Source, source_collections
from db.search.schema import NO_TIME

HUGE = 2_000_000
"""Characters above which a source's text is read and analyzed in windows."""

WINDOW = 1_000_000
"""Characters in a window of a huge text (extended to the next white space)."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_COLUMNS = (Source.id, Source.kind, Source.title, Source.author, Source.handle,
            Source.platform, Source.language, type_coerce(Source.published, String).label(
                "published"), Source.length)
_SPACE = re.compile(r"\s")
_SOURCES = select(*_COLUMNS, case((Source.length > HUGE, None), else_=Source.text).label(
    "text")).where(Source.id.in_(bindparam("ids", expanding=True)))


def when_number(published: dt.datetime | None) -> int:
    """Microseconds since 1970 (UTC) of an aware datetime; NO_TIME for None."""
    if published is None:
        return NO_TIME
    delta = published - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def day_bounds(lo: dt.date | None, hi: dt.date | None) -> tuple[int, int]:
    """The ``when`` numbers of the first and last microsecond of days ``lo`` to ``hi``."""
    first = when_number(dt.datetime(lo.year, lo.month, lo.day, tzinfo=dt.UTC)) if lo \
        else NO_TIME + 1
    last = when_number(dt.datetime(hi.year, hi.month, hi.day, tzinfo=dt.UTC)
                       + dt.timedelta(days=1)) - 1 if hi else 2**63 - 1
    return first, last


def ordered_source_ids(session: Session) -> array:
    """Every source id of the project in date order (undated first, then by id), 8
    bytes an id (a list of a million ids would take 36 MB, in every process it goes to)."""
    q = select(Source.id).order_by(Source.published.asc().nulls_first(), Source.id)
    return array("q", session.connection().execute(q).scalars())


@dataclass(slots=True)
class IndexDoc:
    """One source as the index sees it."""

    sid: int
    when: int
    texts: dict[str, str]
    keywords: dict[str, list[str]]
    length: int = 0
    session: Session | None = field(default=None, repr=False)

    def windows(self) -> Iterator[tuple[int, str]]:
        """The body as ``(offset, text)`` windows that end at white space."""
        if "body" in self.texts:
            yield 0, self.texts["body"]
            return
        at = 0
        while at < self.length:
            chunk = self._read(at, WINDOW + 4096)
            m = _SPACE.search(chunk, min(WINDOW, len(chunk)))
            cut = m.start() + 1 if m and at + len(chunk) < self.length else len(chunk)
            yield at, chunk[:cut]
            at += cut

    def _read(self, at: int, size: int) -> str:
        q = select(func.substr(Source.text, at + 1, size)).where(Source.id == self.sid)
        return self.session.scalar(q) or ""


def documents(session: Session, ids: list[int], extras: set[str] | None = None
              ) -> list[IndexDoc]:
    """The index documents of the sources ``ids``, in that order (missing ones left out).

    ``extras`` names the tables worth asking (see :func:`present_extras`); all if None.
    """
    rows = {r.id: r for r in session.connection().execute(_SOURCES, {"ids": ids})}
    extra = _Extras(session, list(rows), _EXTRA_TABLES if extras is None else extras)
    return [_document(rows[i], extra, session) for i in ids if i in rows]


_EXTRA_TABLES = {"footnotes", "memos", "codings", "excerpts", "collections"}


def present_extras(session: Session) -> set[str]:
    """Which of footnotes, memos, excerpts, codings and collection memberships the
    project has any of (a batch of sources need not ask for the others)."""
    tables = {"footnotes": Footnote.id, "memos": Memo.id, "excerpts": Excerpt.id,
              "codings": Coding.id, "collections": source_collections.c.source_id}
    return {name for name, col in tables.items()
            if session.scalar(select(col).limit(1)) is not None}


def batches(session: Session, ids: Sequence[int], size: int = 500
            ) -> Iterator[list[IndexDoc]]:
    """:func:`documents` for ``ids`` in batches of ``size``."""
    extras = present_extras(session)
    for i in range(0, len(ids), size):
        yield documents(session, list(ids[i:i + size]), extras)


class _Extras:
    """Footnotes, memos, codings and collections of a batch of sources, by source id."""

    def __init__(self, session: Session, ids: list[int], tables: set[str]):
        self.notes: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.memos: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.codings: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self.excerpts: dict[int, set[int]] = defaultdict(set)
        self.collections: dict[int, list[int]] = defaultdict(list)
        if ids:
            self._load(session, ids, tables)

    def _load(self, s: Session, ids: list[int], tables: set[str]) -> None:
        if "footnotes" in tables:
            q = select(Footnote.source_id, Footnote.id, Footnote.text).where(
                Footnote.source_id.in_(ids)).order_by(Footnote.offset, Footnote.id)
            for sid, fid, text in s.execute(q):
                self.notes[sid].append((fid, text))
        if "excerpts" in tables:
            for sid, eid in s.execute(select(Excerpt.source_id, Excerpt.id).where(
                    Excerpt.source_id.in_(ids))):
                self.excerpts[sid].add(eid)
        if "codings" in tables:
            q = select(Excerpt.source_id, Coding.id, Coding.code_id, Excerpt.id).join(
                Excerpt, Excerpt.id == Coding.excerpt_id).where(Excerpt.source_id.in_(ids))
            for sid, cid, code, eid in s.execute(q):
                self.codings[sid].append((cid, code, eid))
        if "memos" in tables:
            self._load_memos(s, ids)
        if "collections" in tables:
            q = select(source_collections.c.source_id, source_collections.c.collection_id
                       ).where(source_collections.c.source_id.in_(ids))
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
                self.memos[sid].append((mid, memo_text(title, body)))


def memo_text(title: str, body: str) -> str:
    """What the index holds of a memo (its title and body as one text)."""
    return f"{title}\n{body}".strip()


NOTE_GLUE = "\n\n"
"""What joins a source's footnotes (or memos) into the one text the index holds."""


def _document(r, x: _Extras, session: Session) -> IndexDoc:
    sid = r.id
    texts = {"title": r.title, "author": r.author}
    if r.text is not None:
        texts["body"] = r.text
    keywords = {"kind": [r.kind], "handle": [(r.handle or "").lstrip("@").lower()],
                "platform": [(r.platform or "").lower()], "lang": _languages(r.language)}
    if sid in x.notes or sid in x.memos or sid in x.codings or sid in x.excerpts:
        _add_notes(sid, x, texts, keywords)
    if sid in x.collections:
        keywords["collection"] = [str(c) for c in x.collections[sid]]
    return IndexDoc(sid, when_number(published_time(r.published)),
                    {k: v for k, v in texts.items() if v},
                    {k: v for k, v in keywords.items() if v and v != [""]}, r.length,
                    session if r.text is None else None)


def _add_notes(sid: int, x: _Extras, texts: dict, keywords: dict) -> None:
    notes, memos, codings = x.notes.get(sid, []), x.memos.get(sid, []), x.codings.get(sid, [])
    keywords["has"] = [name for name, items in (("footnote", notes), ("memo", memos),
                                                ("code", codings)) if items]
    keywords["owns"] = ([f"footnotes:{i}" for i, _ in notes] + [f"memos:{i}" for i, _ in memos]
                        + [f"codings:{c}" for c, _, _ in codings]
                        + [f"excerpts:{e}" for e in x.excerpts.get(sid, ())])
    keywords["code"] = sorted({str(c) for _, c, _ in codings})
    texts["note"] = NOTE_GLUE.join(t for _, t in notes)
    texts["memo"] = NOTE_GLUE.join(t for _, t in memos)


def published_time(value) -> dt.datetime | None:
    """A stored publication time (naive UTC; a string on SQLite) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):  # naive UTC as SQLite holds it (replace() is 8x slower)
        return dt.datetime.fromisoformat(value + "+00:00")
    return value.replace(tzinfo=dt.UTC)


def _languages(code: str) -> list[str]:
    code = (code or "").strip().lower().replace("_", "-")
    if not code:
        return []
    primary = code.split("-")[0]
    return [code] if primary == code else [code, primary]
