"""Building a whole index, on one core or on several.

Whoosh spends most of a build in Python, one posting at a time, so a large project is
split into contiguous ranges of sources and each range is indexed by its own process
into its own segment of the same (new, private) index folder; the parent then writes
one table of contents listing every segment. Processes are started with ``spawn``
(never ``fork``, which is unsafe in a threaded Qt application) and read the project
file themselves, so no documents travel between processes. Cancel is an event the
workers check between batches.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
from collections.abc import Callable
from pathlib import Path

from whoosh import index as windex
from whoosh.writing import PostingPool, SegmentWriter

from db.errors import IndexCancelled, SearchIndexError

PARALLEL_ABOVE = 20000
"""Projects with more sources than this are indexed by several processes."""

LIMIT_MB = 96


def default_procs(n_sources: int) -> int:
    """How many processes to build with: 2 for large projects on a multi-core machine."""
    return 2 if n_sources > PARALLEL_ABOVE and (mp.cpu_count() or 1) > 1 else 1


def unscored(writer):
    """``writer`` without per-term length statistics (they only serve ranking, which
    Quire does not do, and reading them costs a column lookup per posting)."""
    codec = getattr(writer, "codec", None)
    if codec is not None:
        codec.length_stats = False
    return writer


def add_all(writer, session, ids: list[int], progress: Callable[[int], None],
            cancelled: Callable[[], bool]) -> None:
    """Add the documents of sources ``ids`` to ``writer``, batch by batch."""
    from db.search.documents import batches

    for docs in batches(session, ids):
        if cancelled():
            raise IndexCancelled("building the search index was cancelled")
        for d in docs:
            writer.add_document(**d)
        progress(len(docs))


def _worker(folder: str, indexname: str, db_path: str, ids: list[int], done, stop, results):
    """Child process: index ``ids`` into a new segment and put it on ``results``."""
    import traceback

    try:
        results.put(("ok", _index_part(folder, indexname, db_path, ids, done, stop)))
    except IndexCancelled:
        results.put(("cancelled", None))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _index_part(folder: str, indexname: str, db_path: str, ids: list[int], done, stop):
    from sqlalchemy.orm import Session

    from db.project import sqlite_engine

    engine = sqlite_engine(Path(db_path))
    ix = windex.open_dir(folder, indexname=indexname)
    writer = unscored(SegmentWriter(ix, _lk=False, limitmb=LIMIT_MB, compound=False))
    # Whoosh names every writer's scratch folder alike; give each process its own.
    writer._tempstorage = ix.storage.temp_storage(f"{indexname}.{os.getpid()}.tmp")
    writer.pool = PostingPool(writer._tempstorage, writer.newsegment, limitmb=LIMIT_MB)
    try:
        with Session(engine) as session:
            add_all(writer, session, ids, done.put, stop.is_set)
        segment = writer._finalize_segment()
    except BaseException:
        writer.cancel()
        raise
    finally:
        engine.dispose()
    writer._tempstorage.destroy()
    return segment


def build_parallel(folder: Path, indexname: str, db_path: Path, ids: list[int], procs: int,
                   progress: Callable[[int], None], cancelled: Callable[[], bool]) -> None:
    """Index ``ids`` into the empty index at ``folder`` with ``procs`` processes."""
    ctx = mp.get_context("spawn")
    size = -(-len(ids) // procs)
    parts = [ids[i:i + size] for i in range(0, len(ids), size)]
    done, results, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=_worker, daemon=True, args=(
        str(folder), indexname, str(db_path), p, done, stop, results)) for p in parts]
    for w in workers:
        w.start()
    try:
        outcomes = _wait(workers, done, results, stop, progress, cancelled)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=30)
    _commit_segments(folder, indexname, outcomes)


def _wait(workers, done, results, stop, progress, cancelled) -> list:
    outcomes: list = []
    while len(outcomes) < len(workers):
        if cancelled():
            stop.set()
        _drain(done, progress)
        try:
            outcomes.append(results.get(timeout=0.2))
        except queue.Empty:
            if not any(w.is_alive() for w in workers) and results.empty():
                raise SearchIndexError("a search indexing process stopped "
                                       "unexpectedly") from None
    _drain(done, progress)
    return outcomes


def _drain(done, progress) -> None:
    while True:
        try:
            progress(done.get_nowait())
        except queue.Empty:
            return


def _commit_segments(folder: Path, indexname: str, outcomes: list) -> None:
    for status, value in outcomes:
        if status == "error":
            raise SearchIndexError(f"building the search index failed:\n{value}")
    if any(status == "cancelled" for status, _ in outcomes):
        raise IndexCancelled("building the search index was cancelled")
    from db.search.index import commit_safely

    ix = windex.open_dir(str(folder), indexname=indexname)
    writer = unscored(ix.writer())
    writer.segments.extend(value for _, value in outcomes)
    commit_safely(writer, merge=False)
