"""Failures from outside (disk, file system, SQLite) turned into typed errors in words.

The engine of every project translates SQLite's errors as they happen
(:func:`translate_sqlite_errors`), so every caller, window or command line, gets a
:class:`~db.errors.ProjectError` that names the file, says what happened and what was
kept, instead of a driver traceback. :func:`os_reason` does the same for the files
Quire writes itself (exports, backups, the search cache).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext

from db.errors import (
    DamagedProjectError,
    DiskFullError,
    ProjectError,
    ReadOnlyProjectError,
)

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in words (the disk is full, read-only...)."""
    if exc.errno in _FULL:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file is in the way where a folder is needed"
    return exc.strerror or str(exc)


def write_reason(exc: OSError | sqlite3.Error) -> str:
    """Why a file (a backup, a copy) could not be written, from the OS or from SQLite."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    name = getattr(exc, "sqlite_errorname", "") or ""
    return "the disk is full" if name == "SQLITE_FULL" or "disk is full" in str(exc) \
        else str(exc)


def os_sentence(exc: OSError) -> str:
    """One sentence for a file Quire could not use: which file, and why."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{os_reason(exc)}"


def sqlite_error(label: str, exc: BaseException, read_only_reason: str = "") -> Exception:
    """The typed error for SQLite's ``exc`` on the project ``label`` (``exc`` itself when
    it is not a failure from outside)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return DiskFullError(f"{label}: the disk is full, so the last change was not saved; "
                             "everything saved before it is kept. Free some space and try "
                             "again")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        why = f" ({read_only_reason})" if read_only_reason else ""
        return ReadOnlyProjectError(f"{label}: the project is open for reading only{why}; "
                                    "nothing was changed")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or _damaged(text):
        return DamagedProjectError(f"{label}: the project file is damaged ({text}); Quire "
                                   "has not written to it. Restore it from a backup copy")
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and _no_room_beside(label):
        return sqlite_error(label, sqlite3.OperationalError("database or disk is full"))
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return ProjectError(f"{label}: the disk could not be read or written ({text}); the "
                            "last change was not saved, everything saved before it is kept")
    return exc if isinstance(exc, Exception) else ProjectError(f"{label}: {text}")


def _no_room_beside(label: str) -> bool:
    """Whether the disk holding the project file ``label`` is (nearly) full: SQLite says
    only "disk I/O error" when its journal index cannot grow."""
    try:
        st = os.statvfs(Path(label).parent)
    except (OSError, ValueError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def _damaged(text: str) -> bool:
    return "malformed" in text or "file is not a database" in text


def translate_sqlite_errors(engine: Engine, label: str, read_only_reason: str = "") -> None:
    """Make ``engine`` raise typed errors for the failures :func:`sqlite_error` knows."""

    def handle(ctx: ExceptionContext):
        exc = ctx.original_exception
        if not isinstance(exc, sqlite3.Error):
            return None
        typed = sqlite_error(label, exc, read_only_reason)
        return None if typed is exc else typed

    event.listen(engine, "handle_error", handle)


def unreadable_reason(exc: BaseException) -> str:
    """Why a file could not be read, for an error no reader foresaw (a bug or a hostile
    file), in words: the report names the file, this says the problem."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to read (hundreds of levels or more)"
    if isinstance(exc, UnicodeError):
        return f"it holds text that is not valid Unicode ({getattr(exc, 'reason', exc)})"
    if isinstance(exc, MemoryError):
        return "it is too large to read in the memory this computer has"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"it could not be read ({type(exc).__name__}{': ' if first else ''}{first[:200]})"
