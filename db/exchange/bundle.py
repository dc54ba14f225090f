"""A whole project as plain values, keyed by UUID: what exchange reads, writes and merges.

A :class:`Bundle` is what REFI-QDA import produces, what REFI-QDA export writes, and
what :mod:`db.merge` puts into an open project. Every reference between entities is a
UUID (a REFI-QDA GUID), never a database id, so a bundle read from one project can be
merged into another. :func:`read_project` reads a Quire project into one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import ImportCancelled
from db.models import (
    Code,
    Coder,
    Coding,
    Collection,
    Excerpt,
    Footnote,
    Memo,
    ProjectInfo,
    Source,
    source_collections,
)

# Source columns a bundle carries besides kind, title and text (REFI-QDA keeps the
# first group as variables; a Quire project gives all of them).
META_FIELDS = ("author", "handle", "platform", "site_name", "url", "language", "published",
               "post_id", "reply_to_id", "thread_id", "is_repost", "likes", "reposts",
               "replies", "views", "hashtags", "mentions", "links")
QUIRE_FIELDS = ("file_name", "format", "raw", "extra", "csl", "added_at")

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


@dataclass
class BCoder:
    """A person who coded (a REFI-QDA User)."""

    uuid: str
    name: str
    color: str = ""


@dataclass
class BCode:
    """A code; ``parent`` is its parent's UUID (None at the top)."""

    uuid: str
    name: str
    parent: str | None = None
    color: str = ""
    description: str = ""
    coder: str | None = None
    created_at: dt.datetime | None = None


@dataclass
class BCollection:
    """A collection of sources (a REFI-QDA Set of sources)."""

    uuid: str
    name: str
    parent: str | None = None
    description: str = ""


@dataclass
class BFootnote:
    """A note an article carries at ``[offset, end)`` of its text (Quire to Quire only)."""

    uuid: str
    label: str
    text: str
    offset: int
    end: int
    kind: str = "footnote"


@dataclass
class BSource:
    """An article or a post with its canonical text and metadata."""

    uuid: str
    kind: str
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)  # META_FIELDS and QUIRE_FIELDS
    collections: list[str] = field(default_factory=list)
    footnotes: list[BFootnote] = field(default_factory=list)


@dataclass
class BCoding:
    """One code on an excerpt by one coder."""

    uuid: str
    code: str
    coder: str | None = None
    created_at: dt.datetime | None = None


@dataclass
class BExcerpt:
    """A span ``[start, end)`` (code points of the canonical text) of a source."""

    uuid: str
    source: str
    start: int
    end: int
    coder: str | None = None
    color: str = ""
    created_at: dt.datetime | None = None
    codings: list[BCoding] = field(default_factory=list)


@dataclass
class BMemo:
    """A memo on the project or on the entity ``about`` (a UUID) of kind ``target``."""

    uuid: str
    target: str
    about: str | None = None
    title: str = ""
    body: str = ""
    coder: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    detached_from: str | None = None


@dataclass
class Bundle:
    """Everything to exchange; codes and collections come parents first."""

    name: str = ""
    origin: str = ""
    coders: list[BCoder] = field(default_factory=list)
    codes: list[BCode] = field(default_factory=list)
    collections: list[BCollection] = field(default_factory=list)
    sources: list[BSource] = field(default_factory=list)
    excerpts: list[BExcerpt] = field(default_factory=list)
    memos: list[BMemo] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # what the reader could not take
    notes: list[str] = field(default_factory=list)  # how the reader read what it took
    project_uuid: str = ""
    description: str = ""  # the project's description, for a project made from the bundle

    def counts(self) -> dict[str, int]:
        """How many of each kind of entity the bundle holds."""
        return {"coders": len(self.coders), "codes": len(self.codes),
                "collections": len(self.collections), "sources": len(self.sources),
                "excerpts": len(self.excerpts),
                "codings": sum(len(e.codings) for e in self.excerpts),
                "memos": len(self.memos)}


def _quiet(*_args) -> None:
    return None


def read_project(session: Session, *, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> Bundle:
    """The whole project of ``session`` as a bundle (what export writes, merge reads)."""
    progress, cancelled = progress or _quiet, cancelled or (lambda: False)
    info = session.scalars(select(ProjectInfo)).first()
    b = Bundle(name=info.name if info else "", project_uuid=info.uuid if info else "")
    uuids = _uuid_maps(session)
    b.coders = [BCoder(c.uuid, c.name, c.color) for c in session.scalars(
        select(Coder).order_by(Coder.id))]
    b.codes = _codes(session, uuids)
    b.collections = _collections(session, uuids)
    progress(0, 3, "Reading sources")
    b.sources = _sources(session, uuids, cancelled)
    progress(1, 3, "Reading excerpts")
    b.excerpts = _excerpts(session, uuids)
    progress(2, 3, "Reading memos")
    b.memos = _memos(session, uuids)
    return b


def _uuid_maps(session: Session) -> dict[str, dict[int, str]]:
    """id -> uuid for every table that others refer to."""
    return {m.__tablename__: dict(session.execute(select(m.id, m.uuid)).all())
            for m in (Coder, Code, Collection, Source, Excerpt)}


def _codes(session: Session, uuids: dict) -> list[BCode]:
    from db.queries.codes import code_tree

    coders = uuids["coders"]
    rows = {c.id: c for c in session.scalars(select(Code))}
    return [BCode(r["uuid"], r["name"], uuids["codes"].get(r["parent_id"]), r["color"],
                  r["description"], coders.get(rows[r["id"]].coder_id),
                  rows[r["id"]].created_at) for r in code_tree(session)]


def _collections(session: Session, uuids: dict) -> list[BCollection]:
    rows = list(session.scalars(select(Collection).order_by(Collection.id)))
    by_id = {c.id: c for c in rows}
    out: list[BCollection] = []
    done: set[int] = set()

    def visit(c: Collection) -> None:
        if c.id in done:
            return
        if c.parent_id in by_id:
            visit(by_id[c.parent_id])
        done.add(c.id)
        out.append(BCollection(c.uuid, c.name, uuids["collections"].get(c.parent_id),
                               c.description))

    for c in rows:
        visit(c)
    return out


def _sources(session: Session, uuids: dict, cancelled: Cancelled) -> list[BSource]:
    members: dict[int, list[str]] = {}
    for sid, cid in session.execute(select(source_collections)):
        members.setdefault(sid, []).append(uuids["collections"][cid])
    notes: dict[int, list[BFootnote]] = {}
    for f in session.scalars(select(Footnote).order_by(Footnote.offset, Footnote.id)):
        notes.setdefault(f.source_id, []).append(
            BFootnote(f.uuid, f.label, f.text, f.offset, f.end, f.kind))
    out = []
    for s in session.scalars(select(Source).order_by(Source.id)).yield_per(500):
        if cancelled():
            raise ImportCancelled()
        meta = {f: getattr(s, f) for f in (*META_FIELDS, *QUIRE_FIELDS)}
        out.append(BSource(s.uuid, s.kind, s.title, s.text, meta,
                           sorted(members.get(s.id, [])), notes.get(s.id, [])))
    return out


def _excerpts(session: Session, uuids: dict) -> list[BExcerpt]:
    coders, codes = uuids["coders"], uuids["codes"]
    out = {e.id: BExcerpt(e.uuid, uuids["sources"][e.source_id], e.start, e.end,
                          coders.get(e.coder_id), e.color, e.created_at)
           for e in session.scalars(select(Excerpt).order_by(Excerpt.source_id, Excerpt.start,
                                                            Excerpt.id))}
    for c in session.scalars(select(Coding).order_by(Coding.id)):
        out[c.excerpt_id].codings.append(BCoding(c.uuid, codes[c.code_id],
                                                 coders.get(c.coder_id), c.created_at))
    return list(out.values())


_MEMO_KEYS = {"collection": ("collection_id", "collections"),
              "source": ("source_id", "sources"), "code": ("code_id", "codes"),
              "excerpt": ("excerpt_id", "excerpts")}


def _memos(session: Session, uuids: dict) -> list[BMemo]:
    out = []
    for m in session.scalars(select(Memo).order_by(Memo.id)):
        about = None
        if m.target in _MEMO_KEYS:
            column, table = _MEMO_KEYS[m.target]
            about = uuids[table].get(getattr(m, column))
        out.append(BMemo(m.uuid, m.target, about, m.title, m.body,
                         uuids["coders"].get(m.coder_id), m.created_at, m.updated_at,
                         m.detached_from))
    return out
