"""Every table of a Quire project (SQLAlchemy 2.0 declarative).

The model covers the whole mission: sources (articles and posts) in collections,
footnotes anchored in a source's text, a hierarchical codebook, excerpts and their
codings by coders, memos on anything, bibliographic references and citations, saved
searches, remembered column mappings, import batches and the change log that lets the
search index catch up (DESIGN.md rule 7). Every entity has a UUID (rule 11).

Positions (``start``, ``end``, ``offset``) are code-point indices into ``Source.text``,
half-open (rule 6). SQL stays portable between SQLite and PostgreSQL (rule 8).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_RANDOM = ((1 << 80) - 1) ^ (0xF << 76) ^ (0x3 << 62)  # the 74 random bits of a UUIDv7
_VERSION_7 = (0x7 << 76) | (0x2 << 62)  # its version (7) and variant (RFC) bits


def new_uuid() -> str:
    """A new UUID as the canonical lower-case string: version 7 (RFC 9562), the time in
    milliseconds then 74 random bits, so that rows made together sit together in the
    unique index on ``uuid`` (an import of a million sources appends to it instead of
    writing its pages at random)."""
    ms, rand = time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big")
    h = f"{ms << 80 | rand & _RANDOM | _VERSION_7:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as naive UTC, read back as aware UTC.

    SQLite has no time zones; storing UTC and re-attaching it on read gives the same
    values on SQLite and PostgreSQL.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; give a time zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


# Ids are never reused (SQLite's AUTOINCREMENT; PostgreSQL's sequences never reuse), so
# a row put back by undo can never take the place of a row someone else made since.
AUTOINCREMENT = {"sqlite_autoincrement": True}


def version_column() -> Mapped[int]:
    """A row's version: 1 when inserted, one more on every update. ORM updates bump it
    through ``version_id_col`` (refusing a stale update); Core ``update()`` statements
    through ``onupdate``, so that no bulk write can forget it."""
    return mapped_column(default=1, server_default="1",
                         onupdate=literal_column("version") + 1)


class Versioned:
    """A ``version`` column the ORM checks and bumps on every update (revision 0003)."""

    version: Mapped[int] = version_column()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class Entity(Versioned):
    """Columns every entity has: an integer key, a stable UUID and a version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)


class ProjectInfo(Versioned, Base):
    """One row: the project's identity and settings."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_version: Mapped[str] = mapped_column(String(40), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    __table_args__ = AUTOINCREMENT


source_collections = Table(
    "source_collections",
    Base.metadata,
    Column("source_id", ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("collection_id", ForeignKey("collections.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class ImportBatch(Entity, Base):
    """One run of the importer: what it was asked to load, so that it can be undone."""

    __tablename__ = "imports"
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    __table_args__ = AUTOINCREMENT


class Collection(Entity, Base):
    """A named set of sources; a source can belong to several. Collections nest."""

    __tablename__ = "collections"
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))
    sources: Mapped[list[Source]] = relationship(
        secondary=source_collections, back_populates="collections")
    __table_args__ = (UniqueConstraint("parent_id", "name"), AUTOINCREMENT)


class Source(Entity, Base):
    """An article or a post. ``text`` is canonical and never changes after import."""

    __tablename__ = "sources"
    kind: Mapped[str] = mapped_column(String(16))  # "article" | "post"
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int]  # len(text) in code points, kept for listing without loading text
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    file_name: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(40), default="")
    author: Mapped[str] = mapped_column(Text, default="")
    handle: Mapped[str] = mapped_column(String(200), default="")
    platform: Mapped[str] = mapped_column(String(40), default="")
    site_name: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(35), default="")
    published: Mapped[dt.datetime | None] = mapped_column(index=True)
    post_id: Mapped[str | None] = mapped_column(String(200))
    reply_to_id: Mapped[str] = mapped_column(String(200), default="")
    thread_id: Mapped[str] = mapped_column(String(200), default="")
    is_repost: Mapped[bool] = mapped_column(default=False)
    likes: Mapped[int | None]
    reposts: Mapped[int | None]
    replies: Mapped[int | None]
    views: Mapped[int | None]
    hashtags: Mapped[list[str]] = mapped_column(default=list)
    mentions: Mapped[list[str]] = mapped_column(default=list)
    links: Mapped[list[str]] = mapped_column(default=list)
    raw: Mapped[str | None] = mapped_column(Text)  # the original record, JSON text
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    csl: Mapped[dict[str, Any]] = mapped_column(default=dict)  # bibliographic data, CSL-JSON
    reference_id: Mapped[int | None] = mapped_column(
        ForeignKey("references.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id", ondelete="SET NULL"), index=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    collections: Mapped[list[Collection]] = relationship(
        secondary=source_collections, back_populates="sources")
    footnotes: Mapped[list[Footnote]] = relationship(
        back_populates="source", order_by="Footnote.offset", passive_deletes=True)
    __table_args__ = (
        UniqueConstraint("platform", "post_id"),
        CheckConstraint("kind in ('article', 'post')", name="kind"),
        Index("ix_sources_title", "title"),
        Index("ix_sources_author", "author"),
        AUTOINCREMENT,
    )


class Footnote(Entity, Base):
    """A note an article carries, anchored at its marker ``[offset, end)`` in the text."""

    __tablename__ = "footnotes"
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"),
                                           index=True)
    label: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    offset: Mapped[int]
    end: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16), default="footnote")  # or "endnote"
    source: Mapped[Source] = relationship(back_populates="footnotes")
    __table_args__ = (CheckConstraint("0 <= \"offset\" AND \"offset\" <= \"end\"",
                                      name="span"), AUTOINCREMENT)


class Coder(Entity, Base):
    """A person who codes; every excerpt and coding records one."""

    __tablename__ = "coders"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    color: Mapped[str] = mapped_column(String(9), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = AUTOINCREMENT


class Code(Entity, Base):
    """A code in the hierarchical codebook."""

    __tablename__ = "codes"
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"),
                                                  index=True)
    position: Mapped[int] = mapped_column(default=0)  # order among siblings
    color: Mapped[str] = mapped_column(String(9), default="#ffd54f")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    __table_args__ = (UniqueConstraint("parent_id", "name"), AUTOINCREMENT)


class Excerpt(Entity, Base):
    """A span ``[start, end)`` of a source, highlighted by a coder and maybe coded."""

    __tablename__ = "excerpts"
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"),
                                           index=True)
    start: Mapped[int]
    end: Mapped[int]
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"),
                                                 index=True)
    color: Mapped[str] = mapped_column(String(9), default="")  # a marker without a code
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (CheckConstraint("0 <= start AND start < \"end\"", name="span"),
                      AUTOINCREMENT)


class Coding(Entity, Base):
    """One code applied to one excerpt by one coder."""

    __tablename__ = "codings"
    excerpt_id: Mapped[int] = mapped_column(ForeignKey("excerpts.id", ondelete="CASCADE"),
                                            index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("excerpt_id", "code_id", "coder_id"), AUTOINCREMENT)


MEMO_TARGETS = ("project", "collection", "source", "code", "excerpt")
_NO_TARGET = ("collection_id IS NULL AND source_id IS NULL AND code_id IS NULL"
              " AND excerpt_id IS NULL")
MEMO_TARGET_CHECK = (
    f"(target = 'project' AND {_NO_TARGET} AND detached_from IS NULL)"
    " OR (target = 'collection' AND collection_id IS NOT NULL)"
    " OR (target = 'source' AND source_id IS NOT NULL)"
    " OR (target = 'code' AND code_id IS NOT NULL)"
    " OR (target = 'excerpt' AND excerpt_id IS NOT NULL)"
    f" OR (target <> 'project' AND {_NO_TARGET} AND detached_from IS NOT NULL)")


class Memo(Entity, Base):
    """A memo on the project, a collection, a source, a code or an excerpt.

    Exactly the foreign key named by ``target`` is set (none for the project). A memo
    whose target is deleted by Quire is kept as *orphaned*: every deletion is a restore,
    and restore clears the memo's key and records in ``detached_from`` what it was on
    (``db.restore``). A row deleted behind Quire's back (plain SQL) still takes its
    memos with it, through ON DELETE CASCADE, on any database.
    """

    __tablename__ = "memos"
    target: Mapped[str] = mapped_column(String(16))
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    excerpt_id: Mapped[int | None] = mapped_column(
        ForeignKey("excerpts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # What the memo was on ("excerpt 12 of 'Dawn'") once that was deleted; NULL while
    # the memo is attached. Not NULL means orphaned (revision 0002).
    detached_from: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint(MEMO_TARGET_CHECK, name="target"),
        AUTOINCREMENT,
    )


class Reference(Entity, Base):
    """A bibliographic reference (CSL-JSON), from a reference manager or made by hand."""

    __tablename__ = "references"
    key: Mapped[str] = mapped_column(String(200), unique=True)  # citation key
    csl: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = AUTOINCREMENT


class Citation(Entity, Base):
    """A footnote citation on an excerpt.

    It cites a reference, or the excerpt's own source when ``reference_id`` is empty, or
    carries an article's own footnote (``footnote_id``) that lies inside the excerpt.
    """

    __tablename__ = "citations"
    excerpt_id: Mapped[int] = mapped_column(ForeignKey("excerpts.id", ondelete="CASCADE"),
                                            index=True)
    reference_id: Mapped[int | None] = mapped_column(
        ForeignKey("references.id", ondelete="CASCADE"))
    footnote_id: Mapped[int | None] = mapped_column(
        ForeignKey("footnotes.id", ondelete="CASCADE"))
    locator_label: Mapped[str] = mapped_column(String(40), default="")  # page, paragraph...
    locator: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = AUTOINCREMENT


class SavedSearch(Entity, Base):
    """A named query with its options (fields, exact or stemmed...)."""

    __tablename__ = "saved_searches"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = AUTOINCREMENT


class ColumnMappingRow(Base):
    """A column mapping the user chose for a tabular file, remembered by its column set."""

    __tablename__ = "column_mappings"
    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    columns: Mapped[list[str]] = mapped_column(default=list)
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Change(Base):
    """The change log: a monotonically increasing sequence of what changed.

    The search index remembers the last ``seq`` it applied and catches up from there.
    """

    __tablename__ = "changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))  # table name
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(8))  # "upsert" | "delete"
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # who made it: on a team project the server's login (filled in by the server, revision
    # 0004); empty in a project file, where the history says whose steps they were
    author: Mapped[str | None] = mapped_column(String(63))
    __table_args__ = AUTOINCREMENT


class HistoryStep(Base):
    """One step of a coder's undo history (:mod:`db.history`), kept in the project.

    ``state`` holds the rows the next undo (or redo) puts back, ``expect`` the versions
    the rows it covers had when it was last done or undone (compressed JSON, never
    pickles: project files are mailed). ``coder_id`` is a plain integer, not a foreign
    key: a step outlives the coder rows that undoing it removes and redoing it restores.
    """

    __tablename__ = "history"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    coder_id: Mapped[int | None] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8))  # "done" | "undone" | "running"
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seq_first: Mapped[int | None]  # the change-log entries of its last doing or undoing
    seq_last: Mapped[int | None]
    size: Mapped[int] = mapped_column(default=0)  # bytes of state and expect
    state: Mapped[bytes] = mapped_column(LargeBinary)
    expect: Mapped[bytes] = mapped_column(LargeBinary)
    owner: Mapped[str] = mapped_column(String(200), default="")  # host/pid of a running task
    __table_args__ = AUTOINCREMENT
