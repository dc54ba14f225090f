"""Building undoable operations out of smaller ones, for rows rowstate does not cover.

:mod:`db.ops.rowstate` restores the coding tables (codes, excerpts, codings, memos,
citations) exactly. References and the bibliographic columns of sources are outside
it; these three steps give them the same exactness, each returning its own inverse:
:func:`set_values` (columns of existing rows), :func:`delete_rows` and
:func:`insert_rows` (whole rows, captured in a :class:`db.snapshot.Snapshot` with their
ids and UUIDs). :func:`sequence` runs steps as one operation; its inverse runs their
inverses in reverse order, and the inverse of that redoes them, with the same keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.ops import OpResult, bind
from db.snapshot import Snapshot

Step = Callable[[Session], OpResult]
_CHUNK = 900


def sequence(session: Session, *, steps: Sequence[Step], label: str = "",
             value: Any = None) -> OpResult:
    """Run ``steps`` in order as one operation (value: ``value``)."""
    done = Changes()
    inverses: list[Step] = []
    for step in steps:
        result = step(session)
        done.merge(result.changes)
        inverses.append(result.inverse)
    session.expire_all()
    inverse = bind(sequence, steps=inverses[::-1], label=label, value=value)
    return OpResult(done, inverse, value=value, label=label)


def set_values(session: Session, *, table: Table, values: dict[int, dict[str, Any]],
               label: str = "") -> OpResult:
    """Set columns of rows by id (``{id: {column: value}}``); the inverse sets them back."""
    ids = sorted(values)
    columns = sorted({c for v in values.values() for c in v})
    old = _current(session, table, ids, columns)
    for cols in {tuple(sorted(v)) for v in values.values()}:
        rows = [{"v_id": i, **{f"v_{c}": values[i][c] for c in cols}}
                for i in ids if tuple(sorted(values[i])) == cols]
        stmt = update(table).where(table.c.id == bindparam("v_id")).values(
            {c: bindparam(f"v_{c}") for c in cols})
        session.execute(stmt, rows)
    changes.log(session, table.name, ids)
    session.expire_all()
    back = {i: {c: old[i][c] for c in values[i]} for i in ids if i in old}
    return OpResult(Changes().add(table.name, ids),
                    bind(set_values, table=table, values=back, label=label), label=label)


def _current(session: Session, table: Table, ids: list[int],
             columns: list[str]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        q = select(table.c.id, *(table.c[c] for c in columns)).where(
            table.c.id.in_(ids[i:i + _CHUNK]))
        out.update({r[0]: dict(zip(columns, r[1:], strict=True)) for r in session.execute(q)})
    return out


def delete_rows(session: Session, *, table: Table, ids: Sequence[int],
                label: str = "") -> OpResult:
    """Delete rows by id, keeping them whole for the inverse (which inserts them again)."""
    ids = sorted(set(ids))
    snap = Snapshot()
    for i in range(0, len(ids), _CHUNK):
        snap.capture(session, table, table.c.id.in_(ids[i:i + _CHUNK]))
    for i in range(0, len(ids), _CHUNK):
        session.execute(delete(table).where(table.c.id.in_(ids[i:i + _CHUNK])))
    changes.log(session, table.name, ids, changes.DELETE)
    session.expire_all()
    return OpResult(Changes().add(table.name, ids),
                    bind(insert_rows, snapshot=snap, label=label), label=label)


def insert_rows(session: Session, *, snapshot: Snapshot, label: str = "") -> OpResult:
    """Insert again rows that :func:`delete_rows` removed, with their ids and UUIDs."""
    done = snapshot.restore(session)
    steps = [bind(delete_rows, table=table, ids=sorted(done.ids.get(table.name, ())),
                  label=label) for table, _, _ in snapshot.parts]
    return OpResult(done, bind(sequence, steps=steps[::-1], label=label), label=label)
