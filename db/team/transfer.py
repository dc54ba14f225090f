"""Copying a whole project between a file and a server, keeping every id and UUID.

``push`` puts a project file on an empty team project; ``pull`` takes a local copy of
a team project (for fieldwork or a train), which can later be merged back with the
ordinary merge, because identities (UUIDs) are kept. ``backup`` writes such a copy at
the server's own schema revision, before an upgrade. Rows are copied table by table,
parents first, in chunks, through SQLAlchemy Core; PostgreSQL's sequences are then
moved past the copied ids so new rows never reuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, func, insert, select, text

from db.models import Base, ProjectInfo
from db.team.members import TeamError

CHUNK = 2000
_SKIP = {"alembic_version"}
Progress = Callable[[int, int, str], None]


def _tables(metadata: MetaData) -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in _SKIP]


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def ensure_empty(engine: Engine, label: str) -> None:
    """TeamError unless the project at ``engine`` holds nothing but its project record."""
    for table in _tables(Base.metadata):
        if table.name != ProjectInfo.__tablename__ and _count(engine, table):
            raise TeamError(f"{label} already holds a project's work ({table.name}); push "
                            "only into a new, empty team project (or merge into this one)")


def copy_rows(src: Engine, dst: Engine, tables: list[Table],
              progress: Progress | None = None) -> int:
    """Copy every row of ``tables`` from ``src`` to ``dst`` (replacing the project row);
    one transaction on ``dst``. Returns how many rows were copied."""
    total = 0
    with src.connect() as read, dst.begin() as write:
        write.execute(ProjectInfo.__table__.delete())
        for n, table in enumerate(tables, 1):
            for rows in _chunks(read, table):
                write.execute(insert(table), rows)
                total += len(rows)
            if progress:
                progress(n, len(tables), table.name)
        if dst.dialect.name == "postgresql":
            _move_sequences(write, tables)
    return total


def _chunks(conn, table: Table):
    """The rows of ``table`` in chunks; a table whose rows point at each other (codes and
    collections nest) comes whole, parents before children."""
    parent = _self_reference(table)
    result = conn.execution_options(stream_results=True).execute(select(table))
    if parent is None:
        while rows := result.mappings().fetchmany(CHUNK):
            yield [dict(r) for r in rows]
        return
    rows = [dict(r) for r in result.mappings()]
    if rows:
        yield _parents_first(rows, parent)


def _self_reference(table: Table) -> str | None:
    for fk in table.foreign_keys:
        if fk.column.table is table:
            return fk.parent.name
    return None


def _parents_first(rows: list[dict], parent: str) -> list[dict]:
    by_id = {r["id"]: r for r in rows}
    placed: set = set()
    out: list[dict] = []

    def place(row: dict, depth: int = 0) -> None:
        if row["id"] in placed or depth > len(rows):
            return
        up = by_id.get(row[parent])
        if up is not None:
            place(up, depth + 1)
        placed.add(row["id"])
        out.append(row)

    for row in rows:
        place(row)
    return out


def _move_sequences(conn, tables: list[Table]) -> None:
    """Set each table's id sequence past the largest copied id."""
    for table in tables:
        key = next((c for c in table.primary_key.columns if c.autoincrement is not False
                    and len(table.primary_key.columns) == 1), None)
        if key is None:
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": f'"{table.name}"', "c": key.name}).scalar()
        if seq:
            conn.execute(text(f"SELECT setval('{seq}', coalesce((SELECT max(\"{key.name}\") "
                              f"FROM \"{table.name}\"), 0) + 1, false)"))


def push(local: Path, server: Engine, label: str, progress: Progress | None = None) -> int:
    """Copy the project file ``local`` onto the empty team project at ``server``."""
    from db import project

    ensure_empty(server, label)
    with project.open(local) as src:
        return copy_rows(src.engine, server, _tables(Base.metadata), progress)


def pull(server: Engine, local: Path, progress: Progress | None = None) -> int:
    """Take a local copy (a new project file ``local``) of the team project at ``server``:
    everything the signed-in member may read."""
    from db import project

    with project.create(local) as dst:
        return copy_rows(server, dst.engine, _tables(Base.metadata), progress)


def backup_copy(server: Engine, local: Path) -> Path:
    """Write the team project at ``server`` to a new project file ``local`` at the
    server's current schema revision (before an upgrade); Quire opens and migrates it
    like any older file."""
    from db import project

    if local.exists():
        raise TeamError(f"{local}: a file of that name already exists")
    from db import projectfile

    revision = project._current_revision(server)
    engine = project.sqlite_engine(local, projectfile.CREATE)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id={projectfile.APPLICATION_ID}")
        project._upgrade(engine, revision)
        source = MetaData()
        source.reflect(server)
        copy_rows(server, engine, _tables(source))
    finally:
        engine.dispose()
    return local
