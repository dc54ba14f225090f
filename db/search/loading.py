"""What locating hits needs from the database, for one batch of matching sources.

One query for the sources (a huge source's text is left in the database: its context
is read a window at a time), and only what the query needs besides: footnotes for
words that may be in them, memos for ``memo:``, coded passages for ``code:``.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Coding, Excerpt, Footnote, Memo, Source
from db.search.documents import HUGE, memo_text, published_time
from db.search.query import Meta, Node, Pattern, Phrase, Words, walk
from db.search.spans import Doc

# ids per IN list: a batch in one query (SQLite allows 32,766 parameters since 3.32, 999
# before)
_CHUNK = 30_000 if sqlite3.sqlite_version_info >= (3, 32) else 900


def needs_of(tree: Node) -> set[str]:
    """What besides the sources' rows locating this query's hits needs."""
    needs = set()
    for n in walk(tree):
        if isinstance(n, Words | Pattern | Phrase) and n.field in ("text", "note"):
            needs.add("notes")
        if isinstance(n, Words | Pattern | Phrase) and n.field == "memo":
            needs.add("memos")
        if isinstance(n, Meta) and n.field == "code":
            needs.add("regions")
    return needs


def _sources_sql(mark: str, n: int) -> str:
    """The sources' rows for ``n`` ids (``mark``: the driver's placeholder). Plain SQL on
    the driver's cursor: for a first screen of 50 rows, SQLAlchemy's statement setup
    cost as much as the query (DESIGN: SQL text only where it is measured to matter)."""
    return (f"SELECT id, CASE WHEN length > {HUGE} THEN NULL ELSE text END, title, author, "
            f"published, length FROM {Source.__tablename__} "
            f"WHERE id IN ({', '.join([mark] * n)})")


def source_rows(session: Session, sids: list[int]) -> dict[int, tuple]:
    """``(id, text or None if huge, title, author, published, length)`` of the sources
    ``sids`` that still exist, by id."""
    rows: dict[int, tuple] = {}
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor = conn.connection.cursor()
    try:
        for i in range(0, len(sids), _CHUNK):
            chunk = sids[i:i + _CHUNK]
            cursor.execute(_sources_sql(mark, len(chunk)), chunk)
            rows.update({r[0]: r for r in cursor.fetchall()})
    finally:
        cursor.close()
    return rows


def doc_of(session: Session, row: tuple) -> Doc:
    """A source's row (:func:`source_rows`) as a :class:`Doc`."""
    sid, body, title, author, published, length = row
    doc = Doc(sid, body, title or "", author or "", published_time(published), length)
    if body is None:
        doc.window = _window_reader(session, sid)
    return doc


def load_docs(session: Session, sids: list[int], needs: set[str],
              codes: dict[int, set[int]]) -> dict[int, Doc]:
    """The sources ``sids`` (those that still exist), with what ``needs`` names."""
    docs = {sid: doc_of(session, r) for sid, r in source_rows(session, sids).items()}
    if docs and "notes" in needs:
        _load_notes(session, docs)
    if docs and "memos" in needs:
        _load_memos(session, docs)
    if docs and "regions" in needs:
        _load_regions(session, docs, set().union(*codes.values()) if codes else set())
    return docs


def _window_reader(session: Session, sid: int):
    def window(start: int, size: int) -> str:
        q = select(func.substr(Source.text, start + 1, size)).where(Source.id == sid)
        return session.scalar(q) or ""

    return window


def _load_notes(session: Session, docs: dict[int, Doc]) -> None:
    q = select(Footnote.source_id, Footnote.id, Footnote.offset, Footnote.end,
               Footnote.label, Footnote.text).where(Footnote.source_id.in_(list(docs))) \
        .order_by(Footnote.offset, Footnote.id)
    for r in session.execute(q):
        _listed(docs[r.source_id], "footnotes").append(tuple(r)[1:])


def _load_memos(session: Session, docs: dict[int, Doc]) -> None:
    ids = list(docs)
    on_source = select(Memo.source_id, Memo.id, Memo.title, Memo.body).where(
        Memo.target == "source", Memo.source_id.in_(ids)).order_by(Memo.id)
    for sid, mid, title, body in session.execute(on_source):
        _listed(docs[sid], "memos").append((mid, None, memo_text(title, body)))
    on_excerpt = select(Excerpt.source_id, Memo.id, Memo.title, Memo.body, Excerpt.start,
                        Excerpt.end).join(Excerpt, Excerpt.id == Memo.excerpt_id).where(
        Memo.target == "excerpt", Excerpt.source_id.in_(ids)).order_by(Memo.id)
    for sid, mid, title, body, s, e in session.execute(on_excerpt):
        _listed(docs[sid], "memos").append((mid, (s, e), memo_text(title, body)))


def _load_regions(session: Session, docs: dict[int, Doc], codes: set[int]) -> None:
    q = select(Excerpt.source_id, Coding.code_id, Excerpt.start, Excerpt.end).join(
        Coding, Coding.excerpt_id == Excerpt.id).where(
        Excerpt.source_id.in_(list(docs)), Coding.code_id.in_(codes))
    for sid, code, s, e in session.execute(q):
        doc = docs[sid]
        if doc.regions is None:
            doc.regions = {}
        doc.regions.setdefault(code, []).append((s, e))


def _listed(doc: Doc, name: str) -> list:
    """``doc``'s footnotes or memos as a list to add to (an empty tuple until then)."""
    if not isinstance(got := getattr(doc, name), list):
        got = []
        setattr(doc, name, got)
    return got


def collection_members(session: Session, collection: int) -> set[int]:
    """Source ids in a collection or any collection under it."""
    from db.queries.excerpts import members

    return set(session.scalars(members(session, collection)))
