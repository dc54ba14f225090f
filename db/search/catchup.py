"""Catching an index up with the change log: which sources changed, and rewriting them.

A change names a row; :func:`affected_sources` maps it to the sources whose documents
it may change, through the database for rows that exist and through the index's
``owns`` field (and ``collection``/``code``) for rows that are gone. :func:`rewrite`
marks those sources' documents deleted and writes what the database holds now as a new
segment, in date order, through the same bulk writer as a whole build; small segments
are merged by Whoosh when enough of them pile up, never the large ones.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.reading import SegmentReader

from db.models import Coding, Excerpt, Footnote, Memo, Source, source_collections
from db.search.documents import documents
from db.search.leaves import Leaf, segment_sids
from db.search.segment import Accumulator, read_runs, remove_runs, run_files, write_segment

SMALL = 5000
"""Segments with fewer documents than this are merged when :data:`PILE` of them exist."""

PILE = 6

_OWNER_QUERIES = {
    Footnote.__tablename__: lambda ids: select(Footnote.source_id).where(Footnote.id.in_(ids)),
    Excerpt.__tablename__: lambda ids: select(Excerpt.source_id).where(Excerpt.id.in_(ids)),
    Coding.__tablename__: lambda ids: select(Excerpt.source_id).join(
        Coding, Coding.excerpt_id == Excerpt.id).where(Coding.id.in_(ids)),
    Memo.__tablename__: lambda ids: select(func.coalesce(Memo.source_id, Excerpt.source_id))
    .outerjoin(Excerpt, Excerpt.id == Memo.excerpt_id).where(Memo.id.in_(ids)),
    "collections": lambda ids: select(source_collections.c.source_id).where(
        source_collections.c.collection_id.in_(ids)),
}


def affected_sources(session: Session, leaf_list: list[Leaf], rows: list) -> set[int]:
    """The sources whose documents the change-log ``rows`` may have changed."""
    by_entity: dict[str, set[int]] = {}
    for r in rows:
        by_entity.setdefault(r.entity, set()).add(r.entity_id)
    sids = set(by_entity.get(Source.__tablename__, ()))
    for entity, ids in by_entity.items():
        sids |= _sources_of(session, leaf_list, entity, sorted(ids))
    return sids


def _sources_of(session: Session, leaf_list: list[Leaf], entity: str, ids: list[int]
                ) -> set[int]:
    out: set[int] = set()
    if entity in _OWNER_QUERIES:
        for chunk in _chunks(ids):
            out |= {s for s in session.scalars(_OWNER_QUERIES[entity](chunk)) if s}
    field, prefix = {"collections": ("collection", ""), "codes": ("code", "")}.get(
        entity, ("owns", f"{entity}:"))
    indexed: set[int] = set()
    for leaf in leaf_list:
        for i in ids:
            p = leaf.postings(field, f"{prefix}{i}")
            if p is not None:
                indexed.update(leaf.sids[d] for d in p.all_ids() if d not in leaf.deleted)
    if entity == "collections":  # only members that joined or left need rewriting
        return out ^ indexed
    return out | indexed


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def rewrite(writer, session: Session, sids: set[int], folder: Path) -> None:
    """Replace the documents of ``sids`` with what the database holds now, and commit
    ``writer`` (a Whoosh writer of the index, which it always closes)."""
    from db.search.index import cancel_safely, commit_safely

    try:
        _delete(writer, sids)
        segment = _new_segment(writer, session, sids, folder)
        if segment is not None:
            writer.segments.append(segment)
    except BaseException:
        cancel_safely(writer)
        raise
    commit_safely(writer, mergetype=merge_small)


def _delete(writer, sids: set[int]) -> None:
    base = 0
    for seg in list(writer.segments):
        found = segment_sids(writer.storage, writer.schema, seg)
        for d, sid in enumerate(found):
            if sid in sids and not seg.is_deleted(d):
                writer.delete_document(base + d)
        base += seg.doc_count_all()


def _new_segment(writer, session: Session, sids: set[int], folder: Path):
    docs = sorted(documents(session, sorted(sids)), key=lambda d: (d.when, d.sid))
    if not docs:
        return None
    acc = Accumulator(folder, f"catchup-{os.getpid()}")
    for n, d in enumerate(docs):
        acc.add(n, d)
    runs = run_files(acc)
    try:
        return write_segment(writer.storage, writer.indexname, writer.schema, read_runs(runs),
                             acc.column_pieces(), acc.count)
    finally:
        remove_runs(runs)


def merge_small(writer, segments: list) -> list:
    """Whoosh merge policy: merge the small segments once :data:`PILE` of them exist."""
    small = [s for s in segments if s.doc_count_all() < SMALL]
    if len(small) < PILE:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [s for s in segments if s not in small]
