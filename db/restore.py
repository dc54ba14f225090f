"""Putting rows back exactly: the one restore behind every undo, redo and deletion.

Every operation captures the rows it will touch before it writes (a
:class:`db.state.State`), and its inverse is :func:`restore` of that state. Restore
first captures the same rows as they are now, so its own inverse (the redo) is a restore
too, and undo → redo → undo is symmetric by construction: the same ids, UUIDs, positions
and timestamps, never look-alikes with new keys.

Restore works by diff, in an order that neither breaks a foreign key nor cascades: rows
of leaf tables that must go are deleted first; unique names of rows about to change or
go are parked on their UUIDs; missing rows are inserted, parents first; changed rows are
updated in place (deleting and re-inserting would cascade); memos on rows about to go
are kept as orphans (never cascaded away, whoever deletes); then the other rows that
must go are deleted, children first. Every write is logged to the change log.

Restore never touches what it does not cover: a row that would be deleted with a row it
removes (an excerpt someone made since on a source it takes out) or a row it needs that
is gone (the source of an excerpt it puts back) refuses it with a :class:`ConflictError`
before anything is written; given the versions its rows had when the step was last done
(``expect``), it also refuses when any of them changed since. Deleting (:func:`remove`)
and editing columns (:func:`change`) are restores to a computed target, so they share
all of this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.conflicts import named_by
from db.errors import ConflictError
from db.ops import OpResult, bind
from db.queries.memos import TARGET_COLUMNS, target_label
from db.state import (
    BY_NAME,
    TABLES,
    Key,
    State,
    Versions,
    absent,
    capture,
    chunks,
    encode_row,
    key_clause,
    key_columns,
    key_of,
    read_rows,
    versions,
)

MEMOS = "memos"
SHOWN = 6  # problems named in a refusal
_UNKNOWN = object()  # a key the expectation does not know (a query found a new row)
NOUNS = {"project": "the project record", "imports": "import", "source_collections":
         "collection membership", "saved_searches": "saved search"}
# (child table, its column, ON DELETE) for every foreign key pointing at a table
CHILDREN: dict[str, list[tuple[Table, str, str | None]]] = {t.name: [] for t in TABLES}
for _t in TABLES:
    for _fk in _t.foreign_keys:
        CHILDREN[_fk.column.table.name].append((_t, _fk.parent.name, _fk.ondelete))
LEAVES = tuple(t.name for t in TABLES if not CHILDREN[t.name])


def noun(table: str, key: Key) -> str:
    """How a row is named in a message: "excerpt 12", "collection membership (3, 1)"."""
    return f"{NOUNS.get(table, table.removesuffix('s'))} {key}"


# --- the operation result of a restore -----------------------------------------------------

def undoable(done: Changes, before: State, label: str = "", value: Any = None) -> OpResult:
    """An operation's result whose inverse puts ``before`` back."""
    return OpResult(done, bind(restore, target=before, label=label), value=value, label=label,
                    before=before)


def no_op(session: Session | None = None, *, label: str = "", value: Any = None) -> OpResult:
    """The result of an operation that changed nothing (its inverse changes nothing)."""
    return undoable(Changes(), State(), label, value)


def combine(results: Sequence[OpResult], label: str = "", value: Any = None) -> OpResult:
    """Operations that already ran, in this order, as one step: their changes, and one
    inverse that puts back every row as it was before the first of them touched it."""
    before, done = State(), Changes()
    for result in results:
        done.merge(result.changes)
        before.merge(result.before if result.before is not None else State())
    return undoable(done, before, label, value)


def compose(session: Session, *, steps: Sequence[Callable[[Session], OpResult]],
            label: str = "", value: Any = None) -> OpResult:
    """Run ``steps`` in order as one operation (:func:`combine`)."""
    return combine([step(session) for step in steps], label, value)


# --- restore ---------------------------------------------------------------------------------

@dataclass
class _Plan:
    inserts: dict[str, set[Key]] = field(default_factory=dict)
    updates: dict[str, set[Key]] = field(default_factory=dict)
    deletes: dict[str, set[Key]] = field(default_factory=dict)
    detach: set[int] = field(default_factory=set)  # memos kept as orphans

    def writes(self, table: str) -> set[Key]:
        return self.inserts.get(table, set()) | self.updates.get(table, set())


def restore(session: Session, *, target: State, expect: Versions | None = None,
            label: str = "") -> OpResult:
    """Make the rows ``target`` covers exactly what they were in it.

    With ``expect`` (the versions the rows had when the step was last applied), refuse
    with ConflictError if any of them changed since. The inverse restores what was there.
    """
    session.flush()
    keys = target.all_keys(session)
    current = versions(session, keys)
    if expect is not None:
        _refuse(label, conflicts(current, expect,
                                 lambda table, key: named_by(session, table, key)))
    plan = _plan(session, target, keys, current)
    _refuse(label, _dependents(session, plan, keys) + _missing_parents(session, target, plan))
    now = capture(session, keys).covering(*target.queries)
    if plan.detach:
        now.merge(capture(session, {MEMOS: plan.detach}))
    try:
        done = _apply(session, target, plan)
    except IntegrityError as exc:  # a name or identity someone else took since
        raise ConflictError(f"{label or 'This step'} cannot be applied: it clashes with a "
                            f"change made since ({exc.orig}). Nothing was changed.") from exc
    session.expire_all()  # ORM objects of this session may hold the old values
    return undoable(done, now, label)


def _refuse(label: str, problems: list[str]) -> None:
    if not problems:
        return
    shown = "; ".join(problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    raise ConflictError(f"{label or 'This step'} would overwrite what was done since: "
                        f"{shown}{more}. Nothing was changed.", problems)


def conflicts(current: Versions, expect: Versions,
              who: Callable[[str, Key], tuple[str, str]] | None = None) -> list[str]:
    """What differs between the rows now and what they were expected to be; ``who``
    names a row and says by whom it was changed ("code 4 “Fear”", " by sara"), if known.

    Rows are compared by UUID and content, not by version: a version goes up on every
    write, also when undoing another step puts back exactly what this one left. An
    expectation without a fingerprint (a task killed before it finished) expects the
    version its rows were inserted with.
    """
    out = []
    for table in sorted(set(current) | set(expect)):
        now, was = current.get(table, {}), expect.get(table, {})
        for key in sorted(set(now) | set(was), key=str):
            what = _difference(now.get(key), was.get(key, _UNKNOWN))
            if what:
                named = who and isinstance(key, int) and len(out) < SHOWN  # no flood
                name, by = who(table, key) if named else (noun(table, key), "")
                out.append(f"{name} {what.replace(' since', ' since' + by, 1)}")
    return out


def _difference(now: list | None, was: Any) -> str:
    if was is _UNKNOWN or was is None:
        return "" if now is None else "was added since"
    if now is None:
        return "was deleted since"
    if not was:  # a membership: being there is all there is to it
        return ""
    same = now[1] == was[1] if was[2] is None else now[2] == was[2]
    return "" if now[0] == was[0] and same else f"was changed since (version {now[1]})"


def _plan(session: Session, target: State, keys: dict[str, set[Key]],
          current: Versions) -> _Plan:
    plan = _Plan()
    for name, covered in keys.items():
        now = {k for k, v in current[name].items() if v is not None}
        want = target.present(name) & covered
        plan.inserts[name] = want - now
        plan.deletes[name] = now - want
        plan.updates[name] = _changed(session, target, name, want & now)
    return plan


def _changed(session: Session, target: State, name: str, both: set[Key]) -> set[Key]:
    """The keys among ``both`` whose row now differs from the target (version aside)."""
    out: set[Key] = set()
    if not both:
        return out
    table = BY_NAME[name]
    skip = [i for i, c in enumerate(table.columns) if c.name == "version"]
    for chunk in target.rows(name):
        wanted = {key_of(table, r): r for r in chunk if key_of(table, r) in both}
        for part in read_rows(session, table, list(wanted)):
            for row in part:
                key = key_of(table, row)
                a, b = encode_row(table, row), encode_row(table, wanted[key])
                if [v for i, v in enumerate(a) if i not in skip] != \
                        [v for i, v in enumerate(b) if i not in skip]:
                    out.add(key)
    return out


def _child_rows(session: Session, child: Table, column: str, parents: set[Key]):
    """``(child key, parent key)`` of the rows of ``child`` whose ``column`` is in
    ``parents``."""
    cols = [child.c[c] for c in key_columns(child)]
    for part in chunks(sorted(parents)):
        for r in session.execute(select(*cols, child.c[column]).where(
                child.c[column].in_(part))):
            yield (r[0] if len(cols) == 1 else tuple(r[:-1])), r[-1]


def _dependents(session: Session, plan: _Plan, keys: dict[str, set[Key]]) -> list[str]:
    """Rows the deletions would take or change that the step does not cover (memos,
    which are kept as orphans instead, go to ``plan.detach``)."""
    problems = []
    for name, gone in plan.deletes.items():
        for child, column, _ in CHILDREN[name] if gone else ():
            for key, parent in _child_rows(session, child, column, gone):
                if key in keys.get(child.name, ()):
                    continue
                if child.name == MEMOS:
                    plan.detach.add(key)
                else:
                    problems.append(f"{noun(child.name, key)} (on {noun(name, parent)}) "
                                    "was made or moved there since")
    return problems


def _missing_parents(session: Session, target: State, plan: _Plan) -> list[str]:
    """Rows the step would write that point at rows that are gone (or going)."""
    problems = []
    for table in TABLES:
        writes = plan.writes(table.name)
        fks = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        needed: dict[str, set[Key]] = {}
        for chunk in target.rows(table.name) if writes and fks else ():
            for row in chunk:
                if key_of(table, row) in writes:
                    for col, parent in fks:
                        if row[col] is not None:
                            needed.setdefault(parent, set()).add(row[col])
        for parent, ids in needed.items():
            gone = ids - _existing(session, parent, ids) - plan.inserts.get(parent, set())
            gone |= ids & plan.deletes.get(parent, set())
            problems += [f"{noun(parent, k)} was deleted since" for k in sorted(gone)]
    return problems


def _existing(session: Session, name: str, ids: set[Key]) -> set[Key]:
    table = BY_NAME[name]
    return {r[0] for part in chunks(sorted(ids))
            for r in session.execute(select(table.c.id).where(table.c.id.in_(part)))}


# --- writing ---------------------------------------------------------------------------------

def _apply(session: Session, target: State, plan: _Plan) -> Changes:
    done = Changes()
    for name in LEAVES:  # first, so that no row put back collides with one going
        _delete(session, name, plan.deletes.get(name, set()), done)
    _detach(session, plan.detach, done)  # while what they are on still has its name
    for table in TABLES:
        _park(session, table, plan.updates.get(table.name, set())
              | plan.deletes.get(table.name, set()))
    for table in TABLES:
        _insert(session, target, table, plan.inserts.get(table.name, set()), done)
    for table in TABLES:
        _update(session, target, table, plan.updates.get(table.name, set()), done)
    for table in reversed(TABLES):  # after the updates moved survivors out of the way
        if table.name not in LEAVES:
            _delete(session, table.name, plan.deletes.get(table.name, set()), done)
    return done


def _parked_columns(table: Table) -> list[str]:
    """Text columns of a unique constraint other than the UUID (names, keys, post ids)."""
    return sorted({c.name for u in table.constraints if isinstance(u, UniqueConstraint)
                   for c in u.columns if isinstance(c.type, String | Text) and c.name != "uuid"})


def _park(session: Session, table: Table, keys: set[Key]) -> None:
    """Give rows about to change or go a unique temporary name (their UUID), so that a
    row put back never collides, even for a moment, with one about to move away."""
    cols = _parked_columns(table)
    if not keys or not cols or "uuid" not in table.c:
        return
    for part in chunks(sorted(keys)):
        session.execute(update(table).where(key_clause(table, part))
                        .values({c: table.c.uuid for c in cols}))


def _insert(session: Session, target: State, table: Table, keys: set[Key],
            done: Changes) -> None:
    if not keys:
        return
    batches = ([r for r in chunk if key_of(table, r) in keys]
               for chunk in target.rows(table.name))  # a chunk at a time
    if _self_parent(table):  # codes, collections: few, and parents must come first
        batches = iter([_parents_first(table, [r for b in batches for r in b])])
    for rows in batches:
        for r in rows:
            if "version" in r:
                r["version"] += 1  # a row put back is never at a version it had before
        if rows:
            session.execute(insert(table), rows)
    _log(session, done, table, keys)


def _self_parent(table: Table) -> str | None:
    """The column pointing at the same table (a code's parent), if any."""
    return next((fk.parent.name for fk in table.foreign_keys if fk.column.table is table), None)


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """Order rows so that each comes after its parent (when both are inserted)."""
    col = _self_parent(table)
    pending = {r["id"]: r for r in rows}
    out: list[dict] = []
    while pending:
        ready = [r for r in pending.values() if r[col] not in pending]
        if not ready:
            raise ValueError(f"rows of {table.name} form a cycle")
        for r in ready:
            del pending[r["id"]]
        out += ready
    return out


def _update(session: Session, target: State, table: Table, keys: set[Key],
            done: Changes) -> None:
    if not keys:
        return
    pk = key_columns(table)
    cols = [c.name for c in table.columns if c.name not in pk and c.name != "version"]
    stmt = update(table).where(*(table.c[k] == bindparam(f"k_{k}") for k in pk)).values(
        {c: bindparam(f"v_{c}") for c in cols})
    for chunk in target.rows(table.name):
        rows = [{**{f"k_{k}": r[k] for k in pk}, **{f"v_{c}": r[c] for c in cols}}
                for r in chunk if key_of(table, r) in keys]
        if rows:
            session.execute(stmt, rows)  # the version goes up through its onupdate
    _log(session, done, table, keys)


def _detach(session: Session, memo_ids: set[int], done: Changes) -> None:
    """Keep these memos as orphans: their key cleared, what they were on recorded."""
    table = BY_NAME[MEMOS]
    rows = []
    for part in chunks(sorted(memo_ids)):
        for r in session.execute(select(table).where(table.c.id.in_(part))):
            column = TARGET_COLUMNS[r.target]
            label = target_label(session, r.target, getattr(r, column))
            rows.append({"k_id": r.id, "v_from": label or f"a deleted {r.target}",
                         **{f"v_{c}": None for c in TARGET_COLUMNS.values()}})
    if rows:
        session.execute(update(table).where(table.c.id == bindparam("k_id")).values(
            detached_from=bindparam("v_from"),
            **{c: bindparam(f"v_{c}") for c in TARGET_COLUMNS.values()}), rows)
        _log(session, done, table, memo_ids)


def _delete(session: Session, name: str, keys: set[Key], done: Changes) -> None:
    if not keys:
        return
    table = BY_NAME[name]
    for part in chunks(sorted(keys)):
        session.execute(delete(table).where(key_clause(table, part)))
    _log(session, done, table, keys, changes.DELETE)


def _log(session: Session, done: Changes, table: Table, keys: Iterable[Key],
         action: str = changes.UPSERT) -> None:
    """Log the rows written; a membership is logged as a change of its source."""
    if "id" not in table.c:
        fk = next(fk for fk in table.foreign_keys if fk.parent.name == key_columns(table)[0])
        table, keys, action = fk.column.table, {k[0] for k in keys}, changes.UPSERT
    ids = sorted(keys)
    changes.log(session, table.name, ids, action)
    done.add(table.name, ids)


# --- deleting and editing as restores ------------------------------------------------------

def remove(session: Session, *, keys: Mapping[str, Iterable[Key]], label: str = "",
           value: Any = None) -> OpResult:
    """Delete rows with everything ON DELETE CASCADE would take with them, clearing the
    references that are SET NULL, and keeping the memos on all of it as orphans."""
    gone = _closure(session, keys)
    target = absent(gone).merge(_nulled(session, gone))
    result = restore(session, target=target, label=label)
    result.value = value
    return result


def _closure(session: Session, keys: Mapping[str, Iterable[Key]]) -> dict[str, set[Key]]:
    """``keys`` and every row that cascades from them (memos aside)."""
    out: dict[str, set[Key]] = {}
    todo = [(t, set(k)) for t, k in keys.items()]
    while todo:
        name, new = todo.pop()
        new -= out.get(name, set())
        if not new:
            continue
        out.setdefault(name, set()).update(new)
        for child, column, ondelete in CHILDREN[name]:
            if ondelete == "CASCADE" and child.name != MEMOS:
                todo.append((child.name, {k for k, _ in _child_rows(session, child, column,
                                                                     new)}))
    return out


def _nulled(session: Session, gone: dict[str, set[Key]]) -> State:
    """The rows that point at ``gone`` through a SET NULL key, with that key cleared."""
    cleared: dict[str, dict[Key, set[str]]] = {}
    for name, keys in gone.items():
        for child, column, ondelete in CHILDREN[name]:
            if ondelete == "SET NULL":
                for key, _ in _child_rows(session, child, column, keys):
                    if key not in gone.get(child.name, ()):
                        cleared.setdefault(child.name, {}).setdefault(key, set()).add(column)
    return _edited(session, {t: {k: dict.fromkeys(cols) for k, cols in rows.items()}
                             for t, rows in cleared.items()})


def _edited(session: Session, values: Mapping[str, Mapping[Key, Mapping[str, Any]]]) -> State:
    """The current rows named by ``values`` ({table: {key: {column: value}}}), edited."""
    state = State()
    for name, edits in values.items():
        table = BY_NAME[name]
        rows = [r for part in read_rows(session, table, edits) for r in part]
        for r in rows:
            r.update(edits[key_of(table, r)])
        if rows:
            state.add_rows(name, [encode_row(table, r) for r in rows])
    return state


def change(session: Session, *, table: str, values: Mapping[Key, Mapping[str, Any]],
           label: str = "", value: Any = None) -> OpResult:
    """Set columns of rows (``{key: {column: value}}``) of ``table``."""
    result = restore(session, target=_edited(session, {table: values}), label=label)
    result.value = value
    return result
