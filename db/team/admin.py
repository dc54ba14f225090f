"""The owner's actions on a team project's server: create it, upgrade it, switch its
options. Each signs in as the given address's user, who needs the right to create
roles (a lab's administrator, or the server's superuser on a one-machine class server).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, select, update

from db import __version__
from db.models import ProjectInfo, new_uuid
from db.team import schema
from db.team.address import redact, server_engine, server_errors
from db.team.members import TeamError


@contextmanager
def _server(address: str, password: str | None) -> Iterator[Engine]:
    """An engine on the server for one action; failures become sentences."""
    engine = server_engine(address, password)
    try:
        with server_errors(address):
            yield engine
    finally:
        engine.dispose()


def init_project(address: str, *, name: str, password: str | None = None) -> str:
    """Create a team project in the empty database at ``address``: the schema (the same
    migrations as a file), the project record, roles, grants, policies and triggers.
    Returns the project's UUID."""
    from db import project

    with _server(address, password) as engine:
        if project._current_revision(engine) is not None:
            raise TeamError(f"{redact(address)}: this database already holds a Quire "
                            "project")
        project._upgrade(engine)
        with engine.begin() as conn:
            conn.execute(ProjectInfo.__table__.insert().values(
                uuid=new_uuid(), name=name, created_by_version=__version__, settings={}))
            schema.install(conn)
            return conn.execute(select(ProjectInfo.uuid)).scalar_one()


def refresh(engine: Engine) -> None:
    """Install roles, grants, policies and triggers again (after tables were added)."""
    with engine.begin() as conn:
        schema.install(conn)


def set_option(address: str, option: str, on: bool, password: str | None = None) -> None:
    """Switch a project option the server enforces: ``open_codebook`` (coders may
    change the codebook) or ``blind`` (coders see only their own coding)."""
    if option not in schema.SETTINGS:
        raise TeamError(f"options are {', '.join(schema.SETTINGS)}, not '{option}'")
    with _server(address, password) as engine, engine.begin() as conn:
        settings = dict(conn.execute(select(ProjectInfo.settings)).scalar_one() or {})
        settings[option] = bool(on)
        conn.execute(update(ProjectInfo).values(settings=settings))


def upgrade_project(address: str, *, backup: Path, password: str | None = None) -> Path:
    """Migrate a team project to this Quire's schema, after writing a local backup copy
    (a project file at the server's current schema). Returns the backup's path."""
    from db import project
    from db.team.transfer import backup_copy

    with _server(address, password) as engine:
        backup_copy(engine, backup)
        project._upgrade(engine)
        refresh(engine)
        return backup
