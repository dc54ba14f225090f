"""One build or update of a project's index at a time, across threads and processes.

A lock file beside the index folder (``<uuid>.lock``) is held, with an operating-system
lock that dies with its process, for the whole of a rebuild or a catch-up. Whoever
comes second waits, saying so through ``progress`` and honouring ``cancelled``, and
then finds the index the first one left; after :data:`WAIT` seconds it gives up with
:class:`~db.errors.IndexBusyError`. The lock is reentrant in its thread (a catch-up
may turn into a rebuild).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.util.filelock import FileLock

from db.errors import IndexBusyError, IndexCancelled

WAIT = 15 * 60.0
"""Seconds to wait for another process's build before giving up."""

POLL = 0.2
WAITING = "Waiting for another Quire window or command to finish updating the search index"

_locks: dict[str, ProjectLock] = {}
_guard = threading.Lock()


class ProjectLock:
    """The lock of one index folder (one object per folder in a process)."""

    def __init__(self, path: Path):
        self.path = path.with_name(path.name + ".lock")
        self._thread_lock = threading.RLock()
        self._file: FileLock | None = None
        self._depth = 0

    @contextmanager
    def hold(self, progress, cancelled) -> Iterator[None]:
        """Hold the lock for the block, waiting (and saying so) while another holds it."""
        self._wait(lambda: self._thread_lock.acquire(timeout=POLL), progress, cancelled)
        try:
            if self._depth == 0:
                self._wait(self._take_file, progress, cancelled)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._file.release()
                    self._file = None
        finally:
            self._thread_lock.release()

    def _take_file(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path))
        if lock.acquire(blocking=False):
            self._file = lock
            return True
        time.sleep(POLL)
        return False

    def _wait(self, attempt, progress, cancelled) -> None:
        start = time.monotonic()
        said = False
        while not attempt():
            if cancelled():
                raise IndexCancelled("updating the search index was cancelled")
            if time.monotonic() - start > WAIT:
                raise IndexBusyError("another Quire window or command has been updating this "
                                     f"project's search index for {WAIT / 60:.0f} minutes; "
                                     "try again when it has finished")
            if not said:
                progress(0, 0, WAITING)
                said = True


def project_lock(index_path: Path) -> ProjectLock:
    """The lock of the index at ``index_path`` (the same object for the same folder)."""
    with _guard:
        return _locks.setdefault(str(index_path), ProjectLock(index_path))
