"""Listing and showing sources, as plain dictionaries ready for JSON or a table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.models import Collection, Footnote, Source, source_collections
from db.queries.quotes import quoted_passages

# The columns a source list shows, in order; the Sources pane and the CLI share them.
LIST_COLUMNS = ("id", "kind", "title", "author", "handle", "platform", "published", "length",
                "footnotes")


def _footnote_count():
    """How many footnotes the source of the enclosing query carries (correlated)."""
    return (select(func.count(Footnote.id)).where(Footnote.source_id == Source.id)
            .scalar_subquery())


SORTABLE = {"id": Source.id, "title": Source.title, "author": Source.author,
            "handle": Source.handle, "platform": Source.platform,
            "published": Source.published, "length": Source.length, "kind": Source.kind,
            "footnotes": _footnote_count()}
# How many characters of an untitled source's text a list shows in place of a title.
SNIPPET_CHARS = 160


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 with offset (UTC), or None."""
    return value.isoformat() if value else None


def collection_id(session: Session, name: str) -> int:
    """The id of the top-level collection called ``name``."""
    cid = session.scalar(select(Collection.id).where(Collection.name == name))
    if cid is None:
        raise NotFoundError(f"no collection named '{name}'")
    return cid


def filtered(collection: int | None = None, text: str = "", platform: str = "",
             kind: str = "") -> Select:
    """A select of source ids matching the filters (collection, words in title/author)."""
    q = select(Source.id)
    if collection is not None:
        q = q.join(source_collections, source_collections.c.source_id == Source.id).where(
            source_collections.c.collection_id == collection)
    for word in text.split():
        like = f"%{word}%"
        q = q.where(Source.title.ilike(like) | Source.author.ilike(like)
                    | Source.handle.ilike(like))
    if platform:
        q = q.where(Source.platform == platform)
    if kind:
        q = q.where(Source.kind == kind)
    return q


def count(session: Session, **filters: Any) -> int:
    """How many sources match ``filters`` (see :func:`filtered`)."""
    return session.scalar(select(func.count()).select_from(filtered(**filters).subquery()))


def page(session: Session, *, offset: int = 0, limit: int = 200, sort: str = "id",
         descending: bool = False, snippets: bool = False,
         **filters: Any) -> list[dict[str, Any]]:
    """One page of the source list as rows of :data:`LIST_COLUMNS` (text not loaded).

    With ``snippets``, each row also has ``snippet``: the start of the text of a source
    without a title (a post), so that a list has something to show for it. A negative
    ``limit`` means every row (portable: PostgreSQL refuses SQLite's ``LIMIT -1``).
    """
    key = SORTABLE[sort]
    order = (key.desc(), Source.id.desc()) if descending else (key.asc(), Source.id.asc())
    ids = (filtered(**filters).order_by(*order).offset(offset)
           .limit(limit if limit >= 0 else None).subquery())
    cols = [Source.id, Source.uuid, Source.kind, Source.title, Source.author, Source.handle,
            Source.platform, Source.published, Source.length,
            _footnote_count().label("footnotes")]
    if snippets:  # CASE keeps the database from reading the text of titled articles
        cols.append(case((Source.title == "", func.substr(Source.text, 1, SNIPPET_CHARS)),
                         else_="").label("snippet"))
    q = select(*cols).join(ids, ids.c.id == Source.id).order_by(*order)
    return [dict(r._mapping) for r in session.execute(q)]


def platforms(session: Session) -> list[str]:
    """The platforms sources came from, sorted (for a filter menu)."""
    q = select(Source.platform).where(Source.platform != "").distinct() \
        .order_by(Source.platform)
    return list(session.scalars(q))


def collections_of(session: Session, source_ids: list[int]) -> dict[int, list[str]]:
    """Collection names per source id."""
    q = (select(source_collections.c.source_id, Collection.name)
         .join(Collection, Collection.id == source_collections.c.collection_id)
         .where(source_collections.c.source_id.in_(source_ids)).order_by(Collection.name))
    out: dict[int, list[str]] = {}
    for sid, name in session.execute(q):
        out.setdefault(sid, []).append(name)
    return out


def listing(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """Every matching source with its collections, for the ``sources`` command."""
    rows = page(session, limit=-1, **filters)
    colls = collections_of(session, [r["id"] for r in rows]) if len(rows) < 30000 else {}
    for r in rows:
        r["published"] = iso(r["published"])
        r["collections"] = colls.get(r["id"], [])
    return rows


def detail(session: Session, source_id: int) -> dict[str, Any]:
    """Everything about one source: text, metadata, footnotes with marker offsets."""
    src = session.get(Source, source_id)
    if src is None:
        raise NotFoundError(f"no source with id {source_id}")
    meta = {c: getattr(src, c) for c in (
        "id", "uuid", "kind", "title", "author", "handle", "platform", "site_name", "url",
        "language", "post_id", "reply_to_id", "thread_id", "is_repost", "likes", "reposts",
        "replies", "views", "hashtags", "mentions", "links", "file_name", "format", "length")}
    meta["published"] = iso(src.published)
    meta["collections"] = collections_of(session, [src.id]).get(src.id, [])
    meta["footnotes"] = [{"id": f.id, "label": f.label, "text": f.text, "offset": f.offset,
                          "end": f.end, "kind": f.kind} for f in src.footnotes]
    meta["quotes"] = quoted_passages(session, src)
    meta["extra"] = dict(src.extra or {})
    meta["text"] = src.text
    meta["offset_unit"] = "unicode code points"
    return meta


def collection_tree(session: Session) -> list[dict[str, Any]]:
    """Every collection with its parent and source count, ordered by name."""
    n = (select(func.count()).where(source_collections.c.collection_id == Collection.id)
         .scalar_subquery())
    q = select(Collection.id, Collection.name, Collection.parent_id, n.label("count")) \
        .order_by(Collection.name)
    return [dict(r._mapping) for r in session.execute(q)]


def text_of(session: Session, source_id: int) -> str:
    """The text of one source; raises NotFoundError when there is no such source."""
    text = session.scalar(select(Source.text).where(Source.id == source_id))
    if text is None:
        raise NotFoundError(f"no source with id {source_id}")
    return text


def ids(session: Session, **filters: Any) -> list[int]:
    """The ids of every source matching ``filters`` (see :func:`filtered`), in id order."""
    active = {k: v for k, v in filters.items() if v not in (None, "")}
    return list(session.scalars(filtered(**active).order_by(Source.id)))
