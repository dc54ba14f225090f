"""Building a whole index, on one core or on several, in bounded memory.

A build reads the sources in date order and gives each the next document number;
:class:`~db.search.segment.Accumulator` gathers their postings and spills sorted runs
when its budget is reached; :func:`~db.search.segment.write_segment` merges the runs
into one segment. A large project is split into contiguous ranges of sources, each
tokenized by its own process, and a last process merges every run into the one
segment (so the window's process never spends minutes in Python holding the GIL).

Processes are started with ``spawn`` (never ``fork``, which is unsafe in a threaded Qt
application) and read the project file themselves, so no documents travel between
processes. Every process checks, between batches, that it was not cancelled and that
the process that started it is still alive, and stops if not: nothing outlives a
killed window or command.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections.abc import Callable, Sequence
from pathlib import Path

from whoosh import index as windex

from db.errors import IndexCancelled, SearchIndexError
from db.search.documents import batches
from db.search.schema import COLUMNS, build_schema
from db.search.segment import (
    Accumulator,
    column_file,
    read_columns,
    read_runs,
    remove_runs,
    run_files,
    write_segment,
)

PARALLEL_ABOVE = 150_000
"""Projects with more sources than this are indexed by several processes (below it,
starting and merging processes costs more CPU time than the second core saves)."""

Progress = Callable[[int], None]
Cancelled = Callable[[], bool]


def default_procs(n_sources: int) -> int:
    """How many processes to build with: 2 for large projects on a multi-core machine."""
    return 2 if n_sources > PARALLEL_ABOVE and (mp.cpu_count() or 1) > 1 else 1


def add_documents(acc: Accumulator, session, ids: Sequence[int], progress: Progress,
                  cancelled: Cancelled) -> None:
    """Add the sources ``ids`` to ``acc``, in that order, batch by batch."""
    docnum = acc.count
    for docs in batches(session, ids):
        if cancelled():
            raise IndexCancelled("building the search index was cancelled")
        for d in docs:
            acc.add(docnum, d)
            docnum += 1
        acc.check()
        progress(len(docs))


def commit_segments(folder: Path, indexname: str, segments: list) -> None:
    """Make ``segments`` the index at ``folder`` (a new table of contents)."""
    from db.search.index import commit_safely

    ix = windex.open_dir(str(folder), indexname=indexname)
    writer = ix.writer()
    writer.segments.extend(segments)
    commit_safely(writer, merge=False)


def build_here(folder: Path, indexname: str, session, ids: Sequence[int], progress: Progress,
               cancelled: Cancelled) -> None:
    """Build the index at the new folder ``folder`` in this process."""
    schema = build_schema()
    ix = windex.create_in(str(folder), schema, indexname=indexname)
    acc = Accumulator(folder, "part0")
    add_documents(acc, session, ids, progress, cancelled)
    runs = run_files(acc)
    try:
        segments = [write_segment(ix.storage, indexname, schema, read_runs(runs),
                                  acc.column_pieces(), acc.count)] if ids else []
    finally:
        remove_runs(runs)
    commit_segments(folder, indexname, segments)


# --- several processes ------------------------------------------------------------------

def _parent_gone() -> bool:
    parent = mp.parent_process()
    return parent is not None and not parent.is_alive()


def _stopped(stop) -> bool:
    return stop.is_set() or _parent_gone()


def _tokenize_part(folder: str, db_path: str, ids: Sequence[int], name: str, *, done, stop):
    """Child process: postings of ``ids`` as run files, columns as column files; returns
    the run files and the number of documents."""
    from sqlalchemy.orm import Session

    from db.project import sqlite_engine

    engine = sqlite_engine(Path(db_path))
    try:
        acc = Accumulator(Path(folder), name, spill_columns=True)
        with Session(engine) as session:
            add_documents(acc, session, ids, done.put, lambda: _stopped(stop))
        runs = run_files(acc)
    finally:
        engine.dispose()
    return [str(p) for p in runs], acc.count


def _merge_parts(folder: str, indexname: str, parts: list, *, done, stop) -> None:
    """Child process: merge every part's runs into one segment and commit it; ``parts``
    names each part and gives its run files and number of documents."""
    ix = windex.open_dir(folder, indexname=indexname)
    runs, base = [], 0
    for _name, paths, count in parts:
        runs += read_runs([Path(p) for p in paths], offset=base, stop=lambda: _stopped(stop))
        base += count
    names = [name for name, _, _ in parts]
    try:
        segment = write_segment(ix.storage, indexname, ix.schema, runs,
                                read_columns(Path(folder), names), base)
    finally:
        remove_runs([Path(p) for _, paths, _ in parts for p in paths]
                    + [column_file(Path(folder), n, k) for n in names for k in COLUMNS])
    commit_segments(Path(folder), indexname, [segment] if base else [])


_JOBS = {"tokenize": _tokenize_part, "merge": _merge_parts}


def _child(kind: str, key: int, args: tuple, done, stop, results) -> None:
    """Entry point of a build process: run the job, put its outcome on ``results``."""
    import traceback

    try:
        results.put((key, "ok", _JOBS[kind](*args, done=done, stop=stop)))
    except IndexCancelled:
        results.put((key, "cancelled", None))
    except BaseException:
        results.put((key, "error", traceback.format_exc()))


def build_parallel(folder: Path, indexname: str, db_path: Path, ids: Sequence[int], procs: int,
                   progress: Progress, cancelled: Cancelled) -> None:
    """Build the index at the new folder ``folder`` with ``procs`` tokenizing processes
    and one merging process."""
    windex.create_in(str(folder), build_schema(), indexname=indexname)
    size = -(-len(ids) // procs)
    jobs = [("tokenize", (str(folder), str(db_path), ids[i:i + size], f"part{k}"))
            for k, i in enumerate(range(0, len(ids), size))]
    outcomes = _run_children(jobs, progress, cancelled)
    parts = [(f"part{k}", *value) for k, _, value in outcomes]
    _run_children([("merge", (str(folder), indexname, parts))], progress, cancelled)


def _run_children(jobs: list, progress: Progress, cancelled: Cancelled) -> list:
    ctx = mp.get_context("spawn")
    done, results, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    children = [ctx.Process(target=_child, args=(kind, k, args, done, stop, results),
                            daemon=True, name=f"quire-index-{kind}")
                for k, (kind, args) in enumerate(jobs)]
    for c in children:
        c.start()
    try:
        outcomes = _wait(children, done, results, stop, progress, cancelled)
    finally:
        stop.set()
        for c in children:
            c.join(timeout=30)
            if c.is_alive():
                c.kill()
    for _k, status, value in outcomes:
        if status == "error":
            raise SearchIndexError(f"building the search index failed:\n{value}")
    if any(status == "cancelled" for _, status, _ in outcomes):
        raise IndexCancelled("building the search index was cancelled")
    return sorted(outcomes, key=lambda o: o[0])


def _wait(children, done, results, stop, progress, cancelled) -> list:
    outcomes: list = []
    while len(outcomes) < len(children):
        if cancelled():
            stop.set()
        _drain(done, progress)
        try:
            outcomes.append(results.get(timeout=0.2))
        except queue.Empty:
            if not any(c.is_alive() for c in children) and results.empty():
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
