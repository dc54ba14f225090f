"""Operations on sources: removing them (and undoing that), and undoing an import."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.models import (
    Citation,
    Coding,
    Collection,
    Excerpt,
    Footnote,
    ImportBatch,
    Memo,
    Source,
    source_collections,
)
from db.ops import OpResult, bind
from db.snapshot import Snapshot


def delete_sources(session: Session, *, source_ids: list[int]) -> OpResult:
    """Remove sources with everything anchored in them (footnotes, excerpts, memos...)."""
    snap, ids = _capture_sources(session, source_ids)
    for chunk in _chunks(ids):
        session.execute(delete(Source).where(Source.id.in_(chunk)))
    changes.log(session, Source.__tablename__, ids, changes.DELETE)
    done = Changes().add(Source.__tablename__, ids)
    return OpResult(done, bind(restore, snapshot=snap), value=len(ids),
                    label=f"Remove {len(ids)} source(s)")


def restore(session: Session, *, snapshot: Snapshot) -> OpResult:
    """Put back rows captured by a deletion, with their original ids and UUIDs."""
    done = snapshot.restore(session)
    ids = sorted(done.ids.get(Source.__tablename__, ()))
    return OpResult(done, bind(delete_sources, source_ids=ids), value=len(ids), label="Restore")


def remove_import(session: Session, *, import_id: int) -> OpResult:
    """Undo an import: remove the sources it added and the collections it created."""
    ids = list(session.scalars(select(Source.id).where(Source.import_id == import_id)))
    snap, _ = _capture_sources(session, ids)
    empty = _collections_emptied(session, import_id, ids)
    snap.capture(session, Collection.__table__, Collection.id.in_(empty))
    for chunk in _chunks(ids):
        session.execute(delete(Source).where(Source.id.in_(chunk)))
    session.execute(delete(Collection).where(Collection.id.in_(empty)))
    changes.log(session, Source.__tablename__, ids, changes.DELETE)
    changes.log(session, Collection.__tablename__, empty, changes.DELETE)
    done = Changes().add(Source.__tablename__, ids).add(Collection.__tablename__, empty)
    return OpResult(done, bind(restore, snapshot=_reorder(snap)), value=len(ids),
                    label=f"Remove import of {len(ids)} source(s)")


def _collections_emptied(session: Session, import_id: int, source_ids: list[int]) -> list[int]:
    """Collections the import created that hold none but its own sources."""
    made = select(Collection.id).where(Collection.import_id == import_id)
    others = (select(source_collections.c.collection_id)
              .join(Source, Source.id == source_collections.c.source_id)
              .where(or_(Source.import_id.is_(None), Source.import_id != import_id)))
    return list(session.scalars(made.where(Collection.id.not_in(others))))


def _reorder(snap: Snapshot) -> Snapshot:
    """Collections must be re-inserted before the memberships that point at them."""
    coll = [p for p in snap.parts if p[0].name == Collection.__tablename__]
    rest = [p for p in snap.parts if p[0].name != Collection.__tablename__]
    return Snapshot(parts=coll + rest)


def _capture_sources(session: Session, source_ids: list[int]) -> tuple[Snapshot, list[int]]:
    snap = Snapshot()
    ids: list[int] = []
    for chunk in _chunks(sorted(set(source_ids))):
        ids += snap.capture(session, Source.__table__, Source.id.in_(chunk))
    for chunk in _chunks(ids):
        _capture_dependents(session, snap, chunk)
    return snap, ids


def _capture_dependents(session: Session, snap: Snapshot, ids: list[int]) -> None:
    excerpts = select(Excerpt.id).where(Excerpt.source_id.in_(ids))
    snap.capture(session, source_collections, source_collections.c.source_id.in_(ids))
    snap.capture(session, Footnote.__table__, Footnote.source_id.in_(ids))
    snap.capture(session, Excerpt.__table__, Excerpt.source_id.in_(ids))
    snap.capture(session, Coding.__table__, Coding.excerpt_id.in_(excerpts))
    snap.capture(session, Citation.__table__, Citation.excerpt_id.in_(excerpts))
    snap.capture(session, Memo.__table__,
                 or_(Memo.source_id.in_(ids), Memo.excerpt_id.in_(excerpts)))


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    """Split id lists so that no statement exceeds SQLite's bound-parameter limit."""
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def import_batches(session: Session) -> list[tuple[ImportBatch, int]]:
    """Every import with the number of sources it still holds, newest first."""
    n = func.count(Source.id)
    q = (select(ImportBatch, n).outerjoin(Source, Source.import_id == ImportBatch.id)
         .group_by(ImportBatch.id).order_by(ImportBatch.id.desc()))
    return [(b, c) for b, c in session.execute(q)]
