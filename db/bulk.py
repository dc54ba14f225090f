"""Many rows into one table through the driver's ``executemany``, on SQLite and PostgreSQL.

SQLAlchemy's Core ``insert(table), rows`` builds and processes the parameters of every
row in Python, column by column; an import of 100,000 posts spent a third of its time
there. :func:`insert_rows` does the same work once per table: the columns' Python-side
defaults (``default=new_uuid``, ``default=list``...) and the dialect's bind processors
(JSON serialised once per value, datetimes stored as the dialect stores them) are taken
from the SQLAlchemy table, so the rows written are the ones Core would write, and the
statement runs on the session's own connection, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

_NOTHING = object()


@dataclass(frozen=True)
class _Plan:
    sql: str
    given: tuple[str, ...]  # the columns the rows name, first in the statement
    defaults: tuple[Callable[[], Any], ...]  # then those filled by their default
    process: tuple[tuple[int, Callable[[Any], Any]], ...]  # the dialect's bind processors


_PLANS: dict[tuple[str, str, frozenset[str]], _Plan] = {}


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts by column key, all naming the same columns) into ``table``
    in one ``executemany``.

    As with Core, the columns written are those the rows name and those with a
    Python-side default (called for every row); the others are left to the database (an
    autoincrement key, a server default). Keys that name no column are ignored.
    """
    if not rows:
        return
    conn = session.connection()
    plan = _plan(conn.dialect, table, frozenset(rows[0]))
    conn.exec_driver_sql(plan.sql, _params(plan, rows))


def _params(plan: _Plan, rows: list[dict[str, Any]]) -> list[tuple]:
    """The rows as the driver takes them. A value that the rows share (the same object,
    like a chunk's time) goes through its column's processor once."""
    last: list[tuple[Any, Any]] = [(_NOTHING, None)] * len(plan.process)
    out = []
    for row in rows:
        values = [row[k] for k in plan.given]
        values += [default() for default in plan.defaults]
        for j, (i, process) in enumerate(plan.process):
            value, (seen, done) = values[i], last[j]
            if value is not seen:
                done = process(value)
                last[j] = value, done
            values[i] = done
        out.append(tuple(values))
    return out


def _plan(dialect: Dialect, table: Table, keys: frozenset[str]) -> _Plan:
    key = (dialect.name, table.fullname, keys)
    if key not in _PLANS:
        given = [c for c in table.columns if c.key in keys]
        filled = [c for c in table.columns if c.key not in keys and _default(c) is not None]
        cols = given + filled
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in cols)}) "
               f"VALUES ({', '.join(mark for _ in cols)})")
        processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
        _PLANS[key] = _Plan(sql, tuple(c.key for c in given),
                            tuple(_default(c) for c in filled),
                            tuple((i, p) for i, p in enumerate(processors) if p is not None))
    return _PLANS[key]


def _default(column) -> Callable[[], Any] | None:
    """The column's Python-side default as a function of nothing (None if it has none)."""
    d = column.default
    if d is None or d.is_sequence or d.is_clause_element:
        return None
    if d.is_callable:
        return lambda: d.arg(None)  # SQLAlchemy wraps it to take an execution context
    return lambda: d.arg
