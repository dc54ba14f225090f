"""The Alembic migrations of a Quire project (run by :mod:`db.project`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection


@contextmanager
def foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while migrations recreate tables, on again afterwards.

    Recreating a table drops it, and dropping a parent table with foreign keys on
    deletes its children through ON DELETE CASCADE (SQLite's documented behaviour);
    ``migrations/env.py`` checks every foreign key before the migration commits. The
    pragma has no effect inside a transaction, hence the commits around it.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
    try:
        yield
    finally:
        if sqlite:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
