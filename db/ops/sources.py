"""Operations on sources: removing them, and removing what one import added."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.import_codes import made_rows
from db.models import Collection, ImportBatch, Source, source_collections
from db.ops import OpResult
from db.restore import remove
from db.state import Query

SOURCES = Source.__tablename__


def delete_sources(session: Session, *, source_ids: list[int]) -> OpResult:
    """Remove sources with everything anchored in them (footnotes, excerpts, codings,
    citations); the memos on them are kept as orphans (value = how many)."""
    ids = sorted(set(source_ids))
    return remove(session, keys={SOURCES: ids}, label=f"Remove {len(ids)} source(s)",
                  value=len(ids))


def import_cover(import_id: int) -> list[Query]:
    """What an import adds, found by its batch id: the batch, its sources with their
    footnotes and collection memberships, and the collections it created."""
    sources = Query(SOURCES, "import_id", import_id)
    return [Query("imports", "id", import_id), sources,
            Query("footnotes", "source_id", within=sources),
            Query("source_collections", "source_id", within=sources),
            Query("collections", "import_id", import_id)]


def remove_import(session: Session, *, import_id: int) -> OpResult:
    """Remove one import (finished or not): its sources with everything on them, the
    collections it created that hold nothing else, and its record (value = how many
    sources). Memos on them are kept as orphans."""
    if session.get(ImportBatch, import_id) is None:
        raise NotFoundError(f"no import with id {import_id}")
    ids = list(session.scalars(select(Source.id).where(Source.import_id == import_id)))
    keys = {"imports": [import_id], SOURCES: ids,
            Collection.__tablename__: _collections_emptied(session, import_id),
            **passages_made(session, import_id)}
    return remove(session, keys=keys, label=f"Remove import of {len(ids)} source(s)",
                  value=len(ids))


def passages_made(session: Session, import_id: int) -> dict[str, list[int]]:
    """The codes, excerpts and codings an import's coded passages made, still there."""
    batch = session.get(ImportBatch, import_id)
    return made_rows(session, (batch.report or {}).get("made") or {}) if batch else {}


def _collections_emptied(session: Session, import_id: int) -> list[int]:
    """Collections the import created that hold none but its own sources."""
    made = select(Collection.id).where(Collection.import_id == import_id)
    others = (select(source_collections.c.collection_id)
              .join(Source, Source.id == source_collections.c.source_id)
              .where(or_(Source.import_id.is_(None), Source.import_id != import_id)))
    return list(session.scalars(made.where(Collection.id.not_in(others))))


def import_batches(session: Session) -> list[tuple[ImportBatch, int]]:
    """Every import with the number of sources it still holds, newest first."""
    n = func.count(Source.id)
    q = (select(ImportBatch, n).outerjoin(Source, Source.import_id == ImportBatch.id)
         .group_by(ImportBatch.id).order_by(ImportBatch.id.desc()))
    return [(b, c) for b, c in session.execute(q)]
