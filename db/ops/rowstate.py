"""Exact undo and redo for coding operations, by putting a few rows back as they were.

A coding operation touches a known set of rows (codes, excerpts, codings, the memos and
citations that hang on them). It captures them in a :class:`RowState` before it writes,
adds the ids of the rows it creates, and its inverse is :func:`restore` of that state.
:func:`restore` first captures the same rows as they are now, so its own inverse (the
redo) puts back exactly what the operation made: the same ids, UUIDs, positions,
colours and timestamps, never a look-alike with new keys.

Rows present in both states are updated in place (deleting and re-inserting an excerpt
would cascade to its memos and citations); rows only in the target are inserted,
parents first; rows absent from the target are deleted, leaves first. Every write is
logged to the change log (:mod:`db.changes`) for the search index.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.models import Citation, Code, Coder, Coding, Excerpt, Memo
from db.ops import OpResult, bind

# Parents before children: the order of inserts (deletes go the other way).
TABLES: tuple[Table, ...] = tuple(m.__table__ for m in (
    Coder, Code, Excerpt, Coding, Citation, Memo))
_BY_NAME = {t.name: t for t in TABLES}
_LEAVES = (Memo.__tablename__, Citation.__tablename__, Coding.__tablename__)
_CHUNK = 900  # below SQLite's bound-parameter limit

Rows = dict[int, tuple]


@dataclass
class RowState:
    """Some rows of some tables at one moment. An id in ``keys`` without a row is absent."""

    keys: dict[str, set[int]] = field(default_factory=dict)
    blob: bytes = b""  # {table: {id: row tuple}}, pickled and compressed

    def include(self, table: str, ids: Iterable[int]) -> RowState:
        """Also cover ``ids`` of ``table`` (rows created after the capture: absent here)."""
        self.keys.setdefault(table, set()).update(ids)
        return self

    def rows(self) -> dict[str, Rows]:
        """The captured rows, by table and id."""
        return pickle.loads(zlib.decompress(self.blob)) if self.blob else {}  # our own bytes


def capture(session: Session, keys: dict[str, Iterable[int]]) -> RowState:
    """The current values of the rows ``keys`` names (table name -> ids)."""
    session.flush()
    state = RowState()
    found: dict[str, Rows] = {}
    for name, ids in keys.items():
        state.include(name, ids)
        found[name] = _read(session, _BY_NAME[name], sorted(state.keys[name]))
    state.blob = zlib.compress(pickle.dumps(found), 1)
    return state


def _read(session: Session, table: Table, ids: list[int]) -> Rows:
    out: Rows = {}
    for i in range(0, len(ids), _CHUNK):
        q = select(*table.columns).where(table.c.id.in_(ids[i:i + _CHUNK]))
        out.update({r.id: tuple(r) for r in session.execute(q)})
    return out


def restore(session: Session, *, target: RowState, label: str = "") -> OpResult:
    """Put the rows ``target`` covers back as they were; the inverse puts them back again."""
    now = capture(session, target.keys)
    done = _apply(session, now.rows(), target.rows(), target.keys)
    session.expire_all()  # ORM objects of this session may hold the old values
    return OpResult(done, bind(restore, target=now, label=label), label=label)


def no_op(session: Session, *, label: str = "", value=None) -> OpResult:
    """An operation that changes nothing (the inverse of an operation that did nothing)."""
    return OpResult(Changes(), bind(no_op, label=label, value=value), value=value, label=label)


@dataclass
class _Diff:
    inserted: dict[str, list[tuple]] = field(default_factory=dict)
    updated: dict[str, list[tuple]] = field(default_factory=dict)
    deleted: dict[str, list[int]] = field(default_factory=dict)


def _diff(now: dict[str, Rows], want: dict[str, Rows], keys: dict[str, set[int]]) -> _Diff:
    d = _Diff()
    for name, ids in keys.items():
        have, need = now.get(name, {}), want.get(name, {})
        d.inserted[name] = [need[i] for i in sorted(ids) if i in need and i not in have]
        d.updated[name] = [need[i] for i in sorted(ids)
                           if i in need and i in have and need[i] != have[i]]
        d.deleted[name] = [i for i in sorted(ids) if i in have and i not in need]
    return d


def _apply(session: Session, now: dict[str, Rows], want: dict[str, Rows],
           keys: dict[str, set[int]]) -> Changes:
    d = _diff(now, want, keys)
    done = Changes()
    for name in _LEAVES:  # first, so that no re-inserted row collides with them
        _delete(session, name, d.deleted.get(name, []), done)
    _park_codes(session, d)
    for table in TABLES:
        _insert(session, table, d.inserted.get(table.name, []), done)
    for table in TABLES:
        _update(session, table, d.updated.get(table.name, []), done)
    for table in reversed(TABLES):  # after the updates moved survivors out of the way
        if table.name not in _LEAVES:
            _delete(session, table.name, d.deleted.get(table.name, []), done)
    return done


def _park_codes(session: Session, d: _Diff) -> None:
    """Give codes about to change or go a unique temporary name (their UUID).

    A code put back under its old parent must not collide, even for a moment, with a
    sibling of the same name that is itself about to move away or be renamed.
    """
    name = Code.__tablename__
    at = _id_index(Code.__table__)
    ids = [r[at] for r in d.updated.get(name, [])] + d.deleted.get(name, [])
    for i in range(0, len(ids), _CHUNK):
        session.execute(update(Code.__table__).where(Code.__table__.c.id.in_(ids[i:i + _CHUNK]))
                        .values(name=Code.__table__.c.uuid))


def _id_index(table: Table) -> int:
    return [c.name for c in table.columns].index("id")


def _insert(session: Session, table: Table, rows: list[tuple], done: Changes) -> None:
    if not rows:
        return
    cols = [c.name for c in table.columns]
    dicts = [dict(zip(cols, r, strict=True)) for r in rows]
    if table.name == Code.__tablename__:
        dicts = _parents_first(dicts)
    session.execute(insert(table), dicts)
    _record(session, done, table.name, [r["id"] for r in dicts])


def _parents_first(rows: list[dict]) -> list[dict]:
    """Order code rows so that each comes after its parent (when both are inserted)."""
    pending = {r["id"]: r for r in rows}
    out: list[dict] = []
    while pending:
        ready = [r for r in pending.values() if r["parent_id"] not in pending]
        if not ready:
            raise ValueError("codes form a cycle")
        for r in ready:
            del pending[r["id"]]
        out += ready
    return out


def _update(session: Session, table: Table, rows: list[tuple], done: Changes) -> None:
    if not rows:
        return
    cols = [c.name for c in table.columns]
    stmt = update(table).where(table.c.id == bindparam("v_id")).values(
        {c: bindparam(f"v_{c}") for c in cols if c != "id"})
    session.execute(stmt, [{f"v_{c}": v for c, v in zip(cols, r, strict=True)} for r in rows])
    _record(session, done, table.name, [r[_id_index(table)] for r in rows])


def _delete(session: Session, name: str, ids: list[int], done: Changes) -> None:
    if not ids:
        return
    table = _BY_NAME[name]
    for i in range(0, len(ids), _CHUNK):
        session.execute(delete(table).where(table.c.id.in_(ids[i:i + _CHUNK])))
    _record(session, done, name, ids, changes.DELETE)


def _record(session: Session, done: Changes, name: str, ids: list[int],
            action: str = changes.UPSERT) -> None:
    changes.log(session, name, ids, action)
    done.add(name, ids)
