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
for rows that are gone), deletes their documents, writes the present ones as a new
segment and commits in batches; the stamp advances after each commit.

One build or update per project at a time, across processes (:mod:`db.search.lock`):
a second window or command waits, saying so, and then finds the index the first one
built. Searches read through *views* (a reader and its segments) kept in a small pool
and replaced when the stamp changes, so a search costs no index opening.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import uuid as uuidlib
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as windex

from db.errors import IndexBusyError, IndexCancelled, SearchIndexError
from db.models import Change, Source
from db.resources import cache_dir
from db.search.build import build_here, build_parallel, default_procs
from db.search.catchup import affected_sources, rewrite
from db.search.leaves import Leaf, leaves
from db.search.lock import project_lock
from db.search.schema import VERSION

STAMP = "quire-index.json"
INDEXNAME = "MAIN"
CHANGES_PER_BATCH = 5000
REBUILD_ABOVE = 20000  # a catch-up touching more sources than this rebuilds instead
WRITE_TIMEOUT = 5.0
_POOL = 2  # idle views kept per index

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


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


class View:
    """An open reader of the index and its segments, for one search at a time."""

    def __init__(self, ix, key):
        self.key = key
        self.reader = ix.reader()
        self.leaves: list[Leaf] = leaves(self.reader)

    def close(self) -> None:
        """Close the reader's files."""
        with contextlib.suppress(Exception):
            self.reader.close()


class SearchIndex:
    """The search index of one open project."""

    def __init__(self, project, root: Path | None = None):
        self.project = project
        self.path = root if root is not None else index_dir(project.uuid)
        self._ix = None
        self._lock = project_lock(self.path)
        self._views: list[View] = []
        self._views_guard = threading.Lock()
        self._stamp_file = os.fspath(self.path / STAMP)  # stat-ed twice a search

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

    def _stamp_key(self):
        try:
            st = os.stat(self._stamp_file)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

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

    # --- opening and reading -------------------------------------------------------------

    def is_open(self) -> bool:
        """Whether the index is open and usable for searching."""
        return self._ix is not None

    def _open(self) -> None:
        self._drop_views()
        try:
            self._ix = windex.open_dir(str(self.path), indexname=INDEXNAME)
        except Exception as exc:  # unpickling, missing files, bad data: all mean rebuild
            self._ix = None
            raise SearchIndexError(f"the search index cannot be opened ({exc})") from exc

    def close(self) -> None:
        """Forget the open index (views handed out stay valid until released)."""
        self._ix = None
        self._drop_views()

    def _drop_views(self) -> None:
        with self._views_guard:
            views, self._views = self._views, []
        for v in views:
            v.close()

    def mark_broken(self) -> None:
        """Called when reading the index failed: the next :meth:`ensure` rebuilds it."""
        self.close()
        with contextlib.suppress(OSError):
            (self.path / STAMP).unlink()

    def acquire(self) -> View:
        """A view of the current index for one search; give it back with :meth:`release`."""
        ix, key = self._ix, self._stamp_key()
        if ix is None:
            raise SearchIndexError("the search index is not ready yet")
        with self._views_guard:
            while self._views:
                view = self._views.pop()
                if view.key == key:
                    return view
                view.close()
        try:
            return View(ix, key)
        except Exception as exc:
            self.mark_broken()
            raise SearchIndexError(f"the search index cannot be read ({exc})") from exc

    def release(self, view: View) -> None:
        """Take back a view :meth:`acquire` gave (kept for the next search if current)."""
        with self._views_guard:
            if view.key == self._stamp_key() and len(self._views) < _POOL:
                self._views.append(view)
                return
        view.close()

    # --- keeping it current -------------------------------------------------------------

    def ensure(self, session: Session, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> str:
        """Open the index, rebuilding or catching it up as needed; says what was done."""
        progress, cancelled = progress or _nothing, cancelled or _never
        with self._lock.hold(progress, cancelled):
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
        view = self.acquire()
        try:
            indexed = view.reader.doc_count()
        finally:
            self.release(view)
        return indexed != session.scalar(select(func.count(Source.id)))

    def pending(self, session: Session) -> int:
        """How many change-log entries the index has not applied yet."""
        seq = int((self.stamp() or {}).get("last_seq", 0))
        return session.scalar(select(func.count()).where(Change.seq > seq)) or 0

    def rebuild(self, session: Session, progress: Progress | None = None,
                cancelled: Cancelled | None = None, procs: int | None = None) -> int:
        """Build the index anew from the database; returns the number of sources."""
        from db.search.documents import ordered_source_ids

        progress, cancelled = progress or _nothing, cancelled or _never
        with self._lock.hold(progress, cancelled):
            session.rollback()  # one read snapshot from here to the end
            last = session.execute(select(Change.seq, Change.at).order_by(
                Change.seq.desc()).limit(1)).first()
            ids = ordered_source_ids(session)
            tmp = self.path.with_name(self.path.name + ".building")
            shutil.rmtree(tmp, ignore_errors=True)  # a crashed build's leftovers
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

    def _build_into(self, tmp: Path, session: Session, ids: Sequence[int], progress: Progress,
                    cancelled: Cancelled, procs: int | None) -> None:
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
        else:
            build_here(tmp, INDEXNAME, session, ids, count, cancelled)

    def _swap_in(self, tmp: Path) -> None:
        self.close()
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
        with self._lock.hold(progress, cancelled):
            if self._ix is None:
                raise SearchIndexError("the search index is not open")
            session.rollback()  # see the newest committed changes
            applied = 0
            while rows := self._next_changes(session):
                if cancelled():
                    raise IndexCancelled("updating the search index was cancelled")
                view = self.acquire()
                try:
                    sids = affected_sources(session, view.leaves, rows)
                finally:
                    self.release(view)
                if len(sids) > REBUILD_ABOVE:
                    self.rebuild(session, progress, cancelled)
                    return applied + len(rows)
                rewrite(self._writer(), session, sids, self.path)
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

    def _writer(self):
        try:
            return self._ix.writer(timeout=WRITE_TIMEOUT)
        except windex.LockError:
            raise IndexBusyError("another Quire window or command is updating the "
                                 "search index; try again in a moment") from None
