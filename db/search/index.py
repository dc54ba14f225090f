"""The index of one project: where it lives, when it may be opened, rebuilding, catching up.

The index is a cache of the project database (DESIGN.md rule 7). It lives in
``cache_dir()/index/<project uuid>/`` and is opened only when the stamp file we wrote
there (``quire-index.json``) names this project, this schema version, and the SHA-256 of
the exact table of contents Whoosh would unpickle. Anything else -- no stamp, another
version, another project, a TOC we did not write, a change log that went another way
(a copy of the project edited elsewhere), a Whoosh error while opening -- means the
folder is thrown away and rebuilt from the database. An index that came with a
project file is therefore never opened: nothing outside our cache folder is read, and
a planted TOC fails the hash check before Whoosh sees it.

Catching up reads the change log after the stamp's ``last_seq``, maps each change to
the sources it touches (through the database, and through the index's ``owns`` field
for rows that are gone), rewrites those documents and commits in batches; the stamp
advances after each commit. One writer at a time: a lock per folder in this process,
Whoosh's file lock across processes, and every commit either finishes or is cancelled
with the lock released (:func:`commit_safely`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import uuid as uuidlib
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as windex

from db.errors import IndexBusyError, IndexCancelled, SearchIndexError
from db.models import Change, Coding, Excerpt, Footnote, Memo, Source, source_collections
from db.resources import cache_dir
from db.search.build import add_all, build_parallel, default_procs, unscored
from db.search.documents import all_source_ids, batches
from db.search.schema import VERSION, build_schema

STAMP = "quire-index.json"
INDEXNAME = "MAIN"
CHANGES_PER_BATCH = 5000
REBUILD_ABOVE = 20000  # a catch-up touching more sources than this rebuilds instead
WRITE_TIMEOUT = 5.0

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

_folder_locks: dict[str, threading.RLock] = {}
_folder_locks_guard = threading.Lock()


def _folder_lock(path: Path) -> threading.RLock:
    with _folder_locks_guard:
        return _folder_locks.setdefault(str(path), threading.RLock())


def index_dir(project_uuid: str) -> Path:
    """The folder of a project's index, from a validated UUID (never a path from a file)."""
    try:
        key = str(uuidlib.UUID(str(project_uuid)))
    except ValueError:
        raise SearchIndexError(f"the project id {project_uuid!r} is not a UUID") from None
    return cache_dir() / "index" / key


def commit_safely(writer, **kwargs) -> None:
    """Commit ``writer``; on any failure cancel it, release its lock, and re-raise."""
    try:
        writer.commit(**kwargs)
    except BaseException:
        cancel_safely(writer)
        raise


def cancel_safely(writer) -> None:
    """Cancel ``writer`` and make sure its write lock is released, whatever state it is in."""
    # Cleaning up after a failure that is already being raised: nothing here may mask it.
    with contextlib.suppress(Exception):
        if not getattr(writer, "is_closed", False):
            writer.cancel()
    lock = getattr(writer, "writelock", None)
    if lock is not None and getattr(lock, "fd", None) is not None:
        with contextlib.suppress(Exception):
            lock.release()


def _toc_files(path: Path) -> list[Path]:
    return sorted(path.glob(f"_{INDEXNAME}_*.toc"),
                  key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def _toc_hash(path: Path) -> str:
    tocs = _toc_files(path)
    return hashlib.sha256(tocs[-1].read_bytes()).hexdigest() if tocs else ""


def _nothing(*_args) -> None:
    return None


def _never() -> bool:
    return False


class SearchIndex:
    """The search index of one open project."""

    def __init__(self, project, root: Path | None = None):
        self.project = project
        self.path = root if root is not None else index_dir(project.uuid)
        self._ix = None
        self._lock = _folder_lock(self.path)

    # --- the stamp ----------------------------------------------------------------------

    def stamp(self) -> dict | None:
        """The stamp we wrote with the index, or None when missing or unreadable."""
        try:
            data = json.loads((self.path / STAMP).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_stamp(self, last_seq: int, last_at: str) -> None:
        data = {"format": 1, "schema": VERSION, "project": self.project.uuid,
                "last_seq": last_seq, "last_at": last_at, "toc": _toc_hash(self.path)}
        tmp = self.path / (STAMP + ".tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.path / STAMP)

    def problem(self) -> str:
        """Why the index cannot be opened as it is ('' if it can), without opening it."""
        stamp = self.stamp()
        if stamp is None:
            return "missing"
        if stamp.get("schema") != VERSION or stamp.get("format") != 1:
            return "built by another version of Quire"
        if stamp.get("project") != self.project.uuid:
            return "built for another project"
        if not stamp.get("toc") or stamp.get("toc") != _toc_hash(self.path):
            return "damaged or not written by Quire"
        return ""

    def _diverged(self, session: Session, stamp: dict) -> bool:
        """Whether the change log no longer contains the change the stamp ends at."""
        seq = int(stamp.get("last_seq", 0))
        if seq == 0:
            return False
        at = session.scalar(select(Change.at).where(Change.seq == seq))
        return at is None or at.isoformat() != stamp.get("last_at")

    # --- opening ------------------------------------------------------------------------

    def is_open(self) -> bool:
        """Whether the index is open and usable for searching."""
        return self._ix is not None

    def _open(self) -> None:
        try:
            self._ix = windex.open_dir(str(self.path), indexname=INDEXNAME)
        except Exception as exc:  # unpickling, missing files, bad data: all mean rebuild
            self._ix = None
            raise SearchIndexError(f"the search index cannot be opened ({exc})") from exc

    def close(self) -> None:
        """Forget the open index (readers handed out stay valid until closed)."""
        self._ix = None

    def mark_broken(self) -> None:
        """Called when reading the index failed: the next :meth:`ensure` rebuilds it."""
        self._ix = None
        with contextlib.suppress(OSError):
            (self.path / STAMP).unlink()

    def reader(self):
        """A new Whoosh reader of the current index (close it, or use ``with``)."""
        ix = self._ix
        if ix is None:
            raise SearchIndexError("the search index is not ready yet")
        try:
            return ix.reader()
        except Exception as exc:
            self.mark_broken()
            raise SearchIndexError(f"the search index cannot be read ({exc})") from exc

    # --- keeping it current -------------------------------------------------------------

    def ensure(self, session: Session, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> str:
        """Open the index, rebuilding or catching it up as needed; says what was done."""
        with self._lock:
            reason = self.problem()
            if not reason:
                try:
                    self._open()
                    self._count_differs(session)  # reads the segments: a damaged one fails
                except SearchIndexError:
                    reason = "damaged"
            if not reason and self._diverged(session, self.stamp() or {}):
                reason = "out of step with the project"
            if reason:
                self.rebuild(session, progress, cancelled)
                return f"rebuilt ({reason})"
            try:
                applied = self.catch_up(session, progress, cancelled)
            except (IndexBusyError, IndexCancelled):
                raise
            except Exception:  # a segment damaged on disk: the database has everything
                self.rebuild(session, progress, cancelled)
                return "rebuilt (damaged)"
            if self._count_differs(session):
                self.rebuild(session, progress, cancelled)
                return "rebuilt (out of step with the project)"
            return f"up to date ({applied} change(s) applied)"

    def _count_differs(self, session: Session) -> bool:
        with self.reader() as r:
            indexed = r.doc_count()
        return indexed != session.scalar(select(func.count(Source.id)))

    def pending(self, session: Session) -> int:
        """How many change-log entries the index has not applied yet."""
        seq = int((self.stamp() or {}).get("last_seq", 0))
        return session.scalar(select(func.count()).where(Change.seq > seq)) or 0

    def rebuild(self, session: Session, progress: Progress | None = None,
                cancelled: Cancelled | None = None, procs: int | None = None) -> int:
        """Build the index anew from the database; returns the number of sources."""
        progress, cancelled = progress or _nothing, cancelled or _never
        with self._lock:
            session.rollback()  # one read snapshot from here to the end
            last = session.execute(select(Change.seq, Change.at).order_by(
                Change.seq.desc()).limit(1)).first()
            ids = all_source_ids(session)
            tmp = self.path.with_name(self.path.name + ".building")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            try:
                self._build_into(tmp, session, ids, progress, cancelled, procs)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            finally:
                session.rollback()
            self._swap_in(tmp)
            self._write_stamp(last.seq if last else 0, last.at.isoformat() if last else "")
            self._open()
            progress(len(ids), len(ids), f"Search index built: {len(ids)} source(s)")
            return len(ids)

    def _build_into(self, tmp: Path, session: Session, ids: list[int], progress: Progress,
                    cancelled: Cancelled, procs: int | None) -> None:
        ix = windex.create_in(str(tmp), build_schema(), indexname=INDEXNAME)
        done = [0]

        def count(n: int) -> None:
            done[0] += n
            message = f"Indexing sources: {done[0]} of {len(ids)}"
            if done[0] >= len(ids):
                message = "Saving the search index"
            progress(done[0], len(ids), message)

        progress(0, len(ids), "Building the search index")
        procs = default_procs(len(ids)) if procs is None else procs
        if procs > 1 and self.project.path is not None:
            build_parallel(tmp, INDEXNAME, self.project.path, ids, procs, count, cancelled)
            return
        w = unscored(ix.writer(limitmb=128, compound=False))
        try:
            add_all(w, session, ids, count, cancelled)
        except BaseException:
            cancel_safely(w)
            raise
        commit_safely(w)

    def _swap_in(self, tmp: Path) -> None:
        self._ix = None
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(tmp, self.path)
        shutil.rmtree(old, ignore_errors=True)

    def catch_up(self, session: Session, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> int:
        """Apply the change log since the stamp; returns how many entries were applied."""
        progress, cancelled = progress or _nothing, cancelled or _never
        with self._lock:
            if self._ix is None:
                raise SearchIndexError("the search index is not open")
            session.rollback()  # see the newest committed changes
            applied = 0
            while rows := self._next_changes(session):
                if cancelled():
                    raise IndexCancelled("updating the search index was cancelled")
                sids = self._affected(session, rows)
                if len(sids) > REBUILD_ABOVE:
                    self.rebuild(session, progress, cancelled)
                    return applied + len(rows)
                self._rewrite(session, sids)
                self._write_stamp(rows[-1].seq, rows[-1].at.isoformat())
                applied += len(rows)
                progress(applied, applied, f"Search index: {applied} change(s) applied")
            session.rollback()
            return applied

    def _next_changes(self, session: Session) -> list:
        seq = int((self.stamp() or {}).get("last_seq", 0))
        q = (select(Change.seq, Change.at, Change.entity, Change.entity_id)
             .where(Change.seq > seq).order_by(Change.seq).limit(CHANGES_PER_BATCH))
        return session.execute(q).all()

    def _affected(self, session: Session, rows: list) -> set[int]:
        by_entity: dict[str, set[int]] = {}
        for r in rows:
            by_entity.setdefault(r.entity, set()).add(r.entity_id)
        sids = set(by_entity.get(Source.__tablename__, ()))
        with self.reader() as reader:
            for entity, ids in by_entity.items():
                sids |= _sources_of(session, reader, entity, sorted(ids))
        return sids

    def _rewrite(self, session: Session, sids: set[int]) -> None:
        """Replace the documents of ``sids`` with what the database holds now."""
        ordered = sorted(sids)
        w = self._writer()
        try:
            present: set[int] = set()
            for docs in batches(session, ordered):
                for d in docs:
                    present.add(d["sid"])
                    w.update_document(**d)
            for sid in set(ordered) - present:
                w.delete_by_term("src", str(sid))
        except BaseException:
            cancel_safely(w)
            raise
        commit_safely(w)

    def _writer(self):
        try:
            return unscored(self._ix.writer(timeout=WRITE_TIMEOUT))
        except windex.LockError:
            raise IndexBusyError("another Quire window or command is updating the "
                                 "search index; try again in a moment") from None


# --- which sources a change touches ------------------------------------------------------

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


def _sources_of(session: Session, reader, entity: str, ids: list[int]) -> set[int]:
    """Sources whose documents may change because rows ``ids`` of ``entity`` changed."""
    out: set[int] = set()
    if entity in _OWNER_QUERIES:
        for chunk in _chunks(ids):
            out |= {s for s in session.scalars(_OWNER_QUERIES[entity](chunk)) if s}
    field, prefix = {"collections": ("collection", ""), "codes": ("code", "")}.get(
        entity, ("owns", f"{entity}:"))
    indexed = set()
    for i in ids:
        indexed |= set(_postings_sids(reader, field, f"{prefix}{i}"))
    if entity == "collections":  # only members that joined or left need rewriting
        return out ^ indexed
    return out | indexed


def _postings_sids(reader, field: str, term: str) -> Iterable[int]:
    from db.search.leaves import leaves

    for leaf in leaves(reader):
        yield from leaf.sids_of(leaf.reader_postings(field, term))


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]
