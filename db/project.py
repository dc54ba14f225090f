"""Creating, opening, migrating and closing a Quire project.

A project is one SQLite file (``name.quire``) in WAL mode with foreign keys on
(DESIGN.md rule 8), or a PostgreSQL database for teams. Its schema comes from the
Alembic migrations in ``db/migrations``: a file from an older Quire is backed up and
migrated when opened; a file from a newer Quire is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from db import __version__, jsontext, projectfile
from db.changes import install_change_log
from db.conflicts import stale_as_conflict
from db.errors import NewerProjectError, NotAProjectError, ProjectError, ReadOnlyProjectError
from db.failures import sqlite_error, translate_sqlite_errors, write_reason
from db.foreign import check_not_taguette
from db.migrations import foreign_keys_off
from db.models import ProjectInfo
from db.projectfile import APPLICATION_ID

SUFFIX = ".quire"
_MIGRATIONS = Path(__file__).parent / "migrations"
_SQLITE_MAGIC = b"SQLite format 3\x00"


class Project:
    """An open project: its engine, its session factory and its identity."""

    def __init__(self, engine: Engine, path: Path | None = None, read_only: str = ""):
        self.engine = engine
        self.path = path
        self.read_only = read_only  # why it is open for reading only ("": it is not)
        self.watch = projectfile.FileWatch.of(path) if path else None
        # One connection held for the project's life: it keeps the opened file reachable
        # (checkpoints, a copy saved elsewhere) even after its path went away.
        self._anchor = engine.raw_connection() if path else None
        if self.watch is not None:
            event.listen(engine, "commit", lambda _conn: self.watch.check())
            event.listen(engine, "handle_error", self._moved_error)
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        install_change_log(self.sessions)
        with self.sessions() as s:
            info = s.scalars(select(ProjectInfo)).first()
        if info is None:
            raise NotAProjectError(f"{self.label}: the file has no Quire project record")
        self.uuid, self.name = info.uuid, info.name

    def _moved_error(self, ctx) -> Exception | None:
        """A database error after the file went away is that, said plainly."""
        problem = self.watch.problem()
        return None if problem is None else self.watch.error(problem)

    @property
    def label(self) -> str:
        """How to name the project in messages: its file, or its database URL."""
        return str(self.path) if self.path else self.engine.url.render_as_string()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise.

        On a team project the transaction first takes the change-log lock, so writers
        commit one at a time, in change-log order, and never deadlock on it.
        """
        with self.sessions() as s, s.begin(), stale_as_conflict():
            if self.engine.dialect.name == "postgresql":
                from db.team.schema import lock_change_log

                lock_change_log(s.connection())
            yield s

    def file_problem(self) -> str | None:
        """None while the path still names the opened file, else what happened to it."""
        return self.watch.problem() if self.watch else None

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        """Copy recent commits from the journal into the file (even a moved one)."""
        if self.path is not None and not self.read_only:
            try:
                projectfile.checkpoint(self._anchor.driver_connection, mode)
            except sqlite3.Error as exc:
                raise sqlite_error(self.label, exc) from exc

    def save_copy(self, target: str | Path) -> Path:
        """Write the open project to a new file ``target`` (works when the opened file
        was moved or deleted); the open project is unchanged."""
        if self._anchor is None:
            raise ProjectError(f"{self.label}: only a project file can be saved as a copy")
        return projectfile.save_copy(self._anchor.driver_connection, Path(target))

    def close(self) -> None:
        """Checkpoint the journal into the file, then release the database.

        SQLite skips its own close-time checkpoint when the file was moved, which would
        leave the latest commits in a journal beside the old name."""
        try:
            self.checkpoint("TRUNCATE")
        except Exception:  # noqa: BLE001 - a failed checkpoint loses nothing; close anyway
            pass
        finally:
            if self._anchor is not None:
                self._anchor.close()
            self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _alembic_config():
    from alembic.config import Config  # Alembic loads only when a migration is due

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest schema revision this Quire knows."""
    return _scripts(str(_MIGRATIONS)).get_current_head()


@functools.cache
def _scripts(location: str):
    """The migration scripts (an Alembic ``ScriptDirectory``), read once (reading them was
    half the time of opening); Alembic loads only when a migration may be due."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*=\s*["\']?([^"\'\s]*)', re.M)


def _head_without_alembic() -> str | None:
    """The head revision read from the migration files' ``revision`` and
    ``down_revision`` lines (no import of Alembic); None if that is not clear-cut."""
    revisions, parents = set(), set()
    for f in (_MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(f.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision", "None"))
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe in WAL mode: a crash loses no commit
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _set_read_only_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=10000")


def sqlite_engine(path: Path, mode: str | None = None) -> Engine:
    """An engine on the SQLite file ``path`` with Quire's pragmas on every connection;
    read-only when the file or its folder cannot be written (``mode`` overrides)."""
    mode = mode or projectfile.open_mode(path)
    engine = create_engine(projectfile.sqlite_url(path, mode), json_serializer=jsontext.dumps)
    writes = mode in (projectfile.READ_WRITE, projectfile.CREATE)
    pragmas = _set_sqlite_pragmas if writes else _set_read_only_pragmas
    event.listen(engine, "connect", pragmas)
    return engine


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn, foreign_keys_off(conn), conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def create(path: str | Path, name: str | None = None) -> Project:
    """Create a new project file at ``path`` (``.quire`` is added when missing)."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    if path.exists():
        raise ProjectError(f"{path}: a file of that name already exists")
    if not path.parent.is_dir():
        raise ProjectError(f"{path}: the folder {path.parent} does not exist")
    engine = sqlite_engine(path, projectfile.CREATE)
    translate_sqlite_errors(engine, str(path))
    try:
        _initialise(engine, name or path.stem)
    except Exception:
        engine.dispose()
        path.unlink(missing_ok=True)  # a half-made project is no project
        raise
    return Project(engine, path)


def create_on(engine: Engine, name: str) -> Project:
    """Create the schema of a new project on an empty database (PostgreSQL for teams)."""
    _initialise(engine, name)
    return Project(engine)


def _initialise(engine: Engine, name: str) -> None:
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
    _upgrade(engine)
    with Session(engine) as s, s.begin():
        s.add(ProjectInfo(name=name, created_by_version=__version__))


def open(path: str | Path) -> Project:  # noqa: A001 - mirrors the menu item
    """Open the project file at ``path``, backing it up and migrating it if it is older."""
    path = Path(path)
    _check_is_sqlite(path)
    check_not_taguette(path)  # the one foreign file with a message of its own
    mode = projectfile.open_mode(path)
    if mode == projectfile.READ_WRITE:
        projectfile.check_leftover_journal(path)
    projectfile.check_is_quire(path, mode)
    reason = "" if mode == projectfile.READ_WRITE else projectfile.read_only_reason(path)
    engine = sqlite_engine(path, mode)
    translate_sqlite_errors(engine, str(path), reason)
    try:
        if reason:
            _refuse_upgrade_read_only(engine, path, reason)
        else:
            migrate(engine, backup_of=path)
            projectfile.stamp_application_id(engine)
        return Project(engine, path, read_only=reason)
    except Exception:
        engine.dispose()
        raise


def open_url(address: str, password: str | None = None) -> Project:
    """Open a team project on a PostgreSQL server (never migrated here: a schema older or
    newer than this Quire's is refused with a message saying what to do)."""
    from db.team.address import redact, server_engine, server_errors

    engine = server_engine(address, password)
    try:
        with server_errors(address):
            _check_server_schema(engine, redact(address))
            return Project(engine)
    except Exception:
        engine.dispose()
        raise


def _check_server_schema(engine: Engine, label: str) -> None:
    current, head = _current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        raise NotAProjectError(f"{label}: this database holds no Quire project "
                               "(create one with: quire server init)")
    if not _known_revision(current):
        raise NewerProjectError(f"{label}: this team project was upgraded by a newer version "
                                f"of Quire (schema {current}); update Quire to open it")
    raise ProjectError(f"{label}: this team project needs an upgrade to this version of "
                       "Quire; its owner can run: quire server upgrade")


def open_any(target: str | Path, password: str | None = None) -> Project:
    """Open a project file or, for a ``postgresql://`` address, a team project."""
    from db.team.address import is_server_address

    if is_server_address(str(target)):
        return open_url(str(target), password)
    return open(target)


def migrate(engine: Engine, backup_of: Path | None = None) -> Path | None:
    """Bring the schema to the head revision; returns the backup made first, if any."""
    current = _current_revision(engine)
    if current is not None and current == _head_without_alembic():
        return None  # the usual case, decided without loading Alembic
    head = head_revision()
    if current == head:
        return None
    label = str(backup_of) if backup_of else engine.url.render_as_string()
    if current is None and "project" not in inspect(engine).get_table_names():
        if inspect(engine).get_table_names():
            raise NotAProjectError(f"{label}: this database is not a Quire project")
    elif not _known_revision(current):
        raise NewerProjectError(
            f"{label}: this project was saved by a newer version of Quire "
            f"(schema {current}); update Quire to open it")
    backup = _backup(backup_of, current) if backup_of else None
    _upgrade(engine)
    return backup


def _known_revision(rev: str | None) -> bool:
    if rev is None:
        return True
    return any(r.revision == rev for r in _scripts(str(_MIGRATIONS)).walk_revisions())


def _refuse_upgrade_read_only(engine: Engine, path: Path, reason: str) -> None:
    if _current_revision(engine) != head_revision():
        raise ReadOnlyProjectError(
            f"{path}: this project comes from another version of Quire and must be "
            f"upgraded before it can be opened, but {reason}; nothing was changed")


def _backup(path: Path, revision: str | None) -> Path:
    """Copy the project file, consistently even in WAL mode, before migrating it.

    Written under a temporary name and renamed when complete: a failed backup (a full
    disk) leaves no file that looks like one, and stops the upgrade."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-{revision or 'empty'}-{stamp}{path.suffix}")
    partial = target.with_name(target.name + ".part")
    try:
        src, dst = sqlite3.connect(path), sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        why = write_reason(exc)
        raise ProjectError(f"{path}: this project must be upgraded to open it, but the "
                           f"backup made first could not be written ({why}); the project "
                           "was not upgraded or changed") from exc
    return target


def _check_is_sqlite(path: Path) -> None:
    if not path.exists():
        raise ProjectError(f"{path}: no such file")
    if path.is_dir():
        raise ProjectError(f"{path}: this is a folder, not a project file")
    with path.open("rb") as fh:
        magic = fh.read(16)
    if magic != _SQLITE_MAGIC:
        raise NotAProjectError(f"{path}: this file is not a Quire project")
