"""The project file on disk: how to open it, whether it is still there, its journal.

SQLite keeps a project's recent commits in ``name.quire-wal`` until a checkpoint copies
them into the file. Three things can go wrong around that, and this module guards them:

* the file is moved, renamed or deleted while open: SQLite then skips its close-time
  checkpoint, so :func:`checkpoint` is run explicitly, and :class:`FileWatch` notices
  (device and inode, checked before every commit and at close) and says where the open
  file is now, when the system can tell;
* a leftover ``-wal`` (a crash, or a file moved away while open) sits beside a copy that
  was put back under the old name: replaying it would damage the copy, so
  :func:`check_leftover_journal` checks the pair read-only before anything opens it
  for writing, and refuses with a message;
* the file or its folder is read-only: :func:`open_mode` opens it for reading only.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from db.errors import (
    DamagedProjectError,
    NotAProjectError,
    ProjectError,
    ProjectFileMovedError,
)
from db.failures import sqlite_error, write_reason
from db.walcheck import journal_mismatch

READ_WRITE, READ_ONLY, IMMUTABLE, CREATE = "rw", "ro", "immutable", "rwc"
# SQLite's header field for the application that owns a file ("QUIR"): a file with
# another id, or with none and without Quire's tables, is never written to.
APPLICATION_ID = 0x51554952
_SHM_DEAD_MAN_BYTE = 128  # every connection holds a read lock here (SQLite's unix VFS)


def journal(path: Path, kind: str = "wal") -> Path:
    """The ``-wal`` (or ``-shm``) file beside ``path``."""
    return path.with_name(f"{path.name}-{kind}")


# -- identity --------------------------------------------------------------------------

@dataclass(frozen=True)
class FileWatch:
    """The device and inode of the file a project was opened from, to notice a move."""

    path: Path
    dev: int
    ino: int

    @classmethod
    def of(cls, path: Path) -> FileWatch:
        """Remember what ``path`` names now."""
        st = os.stat(path)
        return cls(path, st.st_dev, st.st_ino)

    def problem(self) -> str | None:
        """None while ``path`` still names the opened file, else what happened, in words."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return "was moved, renamed or deleted"
        except OSError as exc:
            return f"can no longer be reached ({exc.strerror or exc})"
        if (st.st_dev, st.st_ino) != (self.dev, self.ino):
            return "was replaced by another file"
        return None

    def now_at(self) -> str | None:
        """Where the opened file is now: a path, "" if it was deleted, None if unknown.

        Linux names the files a process holds open in ``/proc/self/fd``; elsewhere the
        answer is unknown."""
        fds = Path("/proc/self/fd")
        if not fds.is_dir():
            return None
        for fd in _listdir(fds):
            try:
                st = os.stat(fds / fd)
                target = os.readlink(fds / fd)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (self.dev, self.ino):
                return "" if st.st_nlink == 0 or target.endswith(" (deleted)") else target
        return None

    def check(self) -> None:
        """Raise :class:`ProjectFileMovedError` if ``path`` no longer names the file."""
        problem = self.problem()
        if problem is not None:
            raise self.error(problem)

    def error(self, problem: str) -> ProjectFileMovedError:
        """The error saying what happened to the file and that nothing more is written."""
        where = self.now_at()
        if where == "":
            problem = "was deleted"
        elif where:
            problem = f"was moved to {where}"
        return ProjectFileMovedError(
            f"{self.path}: the project file {problem} while open. Nothing more was written "
            "to it; save the open project elsewhere to keep working", now_at=where or None)


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


# -- opening ---------------------------------------------------------------------------

def writable(path: Path) -> bool:
    """Whether this process may write ``path`` (by its effective user, where the system
    can tell)."""
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def open_mode(path: Path) -> str:
    """How to open ``path``: read-write, read-only (file or folder not writable, the
    journal usable), or immutable (a read-only folder where no journal can be made)."""
    if writable(path.parent):
        return READ_WRITE if writable(path) else READ_ONLY
    wal = journal(path)
    if wal.exists() and wal.stat().st_size and journal(path, "shm").exists():
        return READ_ONLY  # recent commits are only in the journal: read them with it
    if wal.exists() and wal.stat().st_size:
        raise ProjectError(
            f"{path}: the folder is read-only and the file's latest changes are still in "
            f"{wal.name}, which cannot be read without writing beside it; copy the folder "
            "somewhere writable and open the copy. Nothing was changed")
    return IMMUTABLE


def sqlite_url(path: Path, mode: str) -> str:
    """The SQLAlchemy URL opening ``path`` in ``mode``. Only CREATE may make the file: a
    connection opened after the project file went away fails instead of silently
    starting an empty database under its name."""
    flag = "immutable=1" if mode == IMMUTABLE else f"mode={mode}"
    return f"sqlite:///file:{uri_path(path)}?{flag}&uri=true"


def uri_path(path: Path) -> str:
    """``path`` as the path part of a SQLite ``file:`` URI."""
    from urllib.parse import quote

    return quote(str(path.resolve()), safe="/")


def read_only_reason(path: Path) -> str:
    """Why ``path`` opens read-only, in words."""
    if not writable(path.parent):
        return f"its folder {path.parent} is read-only"
    return "the file is read-only"


# -- whose file it is ------------------------------------------------------------------

def check_is_quire(path: Path, mode: str) -> None:
    """Refuse, before anything is written, a SQLite file that is not Quire's: another
    application's id, or none (projects made before Quire set it) and no Quire tables."""
    flag = "immutable=1" if mode == IMMUTABLE else "mode=ro"
    uri = f"file:{uri_path(path)}?{flag}"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise sqlite_error(str(path), exc) from exc
    if app_id != APPLICATION_ID and (app_id or not {"project", "alembic_version"} <= tables):
        raise NotAProjectError(f"{path}: this is a database of another program, not a "
                               "Quire project; Quire has not changed it")


def stamp_application_id(engine: Engine) -> None:
    """Mark a project made before Quire set its application id (a header field)."""
    with engine.begin() as conn:
        if conn.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


# -- the journal -----------------------------------------------------------------------

def leftover_journal(path: Path) -> bool:
    """True if a non-empty ``-wal`` beside ``path`` is used by no open connection.

    A journal in use is live (another window or command has the project open); a
    leftover one comes from a crash (harmless: SQLite replays it) or from a file moved
    away while open, the copy now here being another one (replaying would damage it).
    Only Linux can tell the two apart here (``/proc/locks``); elsewhere this says False.
    """
    wal = journal(path)
    if not wal.exists() or wal.stat().st_size == 0:
        return False
    shm = journal(path, "shm")
    if not shm.exists():
        return True
    locks = Path("/proc/locks")
    if not locks.exists():
        return False
    st = shm.stat()
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino} "
    try:
        text = locks.read_text()
    except OSError:
        return False
    return not any(key in line and f" {_SHM_DEAD_MAN_BYTE} " in line
                   for line in text.splitlines())


def check_leftover_journal(path: Path) -> None:
    """Refuse a file whose leftover journal does not belong to it (checked read-only).

    A leftover journal that fits (after a crash) is left for SQLite to replay."""
    if not leftover_journal(path):
        return
    problem = (journal_mismatch(path, journal(path))
               or _integrity_check(f"file:{uri_path(path)}?mode=ro"))
    if problem is None:
        return
    raise DamagedProjectError(
        f"{path}: the leftover file {journal(path).name} beside it does not belong to this "
        f"copy of the project (replaying it would damage it: {problem}). Quire has not "
        f"changed either file; open it again after moving {journal(path).name} aside "
        "(the window offers to do this)")


def _integrity_check(uri: str) -> str | None:
    """None if SQLite's integrity check (indexes compared with their tables, not only the
    quick check's page structure) passes on ``uri``, else its first complaint."""
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = con.execute("PRAGMA integrity_check(1)").fetchall()
        answer = rows[0][0] if rows else "no answer"
        return None if answer == "ok" else answer.splitlines()[-1]
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        con.close()


def set_journal_aside(path: Path) -> Path:
    """Rename the leftover journal beside ``path`` (kept, never deleted); returns its new
    name. Its stale ``-shm`` index is renamed with it."""
    wal = journal(path)
    stamp = 1
    while (target := wal.with_name(f"{wal.name}.set-aside-{stamp}")).exists():
        stamp += 1
    os.rename(wal, target)
    shm = journal(path, "shm")
    if shm.exists():
        os.rename(shm, target.with_name(target.name.replace("-wal.", "-shm.")))
    return target


# -- writing out -----------------------------------------------------------------------

def checkpoint(con: sqlite3.Connection, mode: str = "TRUNCATE") -> bool:
    """Copy the journal's commits into the project file; True if all of them went.

    TRUNCATE (at close) also empties the journal; PASSIVE (while open) never waits."""
    busy, _log, _done = con.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return not busy


def save_copy(con: sqlite3.Connection, target: Path) -> Path:
    """Write the open project, as ``con`` sees it, to a new file ``target``.

    Uses SQLite's backup API from a connection opened before, so it works when the
    opened file was moved or deleted since."""
    if target.exists():
        raise ProjectError(f"{target}: a file of that name already exists")
    partial = target.with_name(target.name + ".part")
    try:
        dst = sqlite3.connect(partial)
        try:
            con.backup(dst)
        finally:
            dst.close()
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        why = write_reason(exc)
        raise ProjectError(f"{target}: the copy could not be written ({why}); the open "
                           "project is unchanged") from exc
    return target

