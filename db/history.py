"""The undo history: every coder's steps, kept in the project (DESIGN.md rule 4).

:func:`run` runs an operation and records it as a step in the same transaction; the
step keeps what the operation's inverse puts back (a :class:`db.state.State`) and the
versions its rows had afterwards. :func:`undo` and :func:`redo` restore a step's state
(:func:`db.restore.restore`) after checking that none of its rows changed since (else
ConflictError, nothing changed), then keep what was there instead, so the next redo or
undo is again a restore. The history is in the project file, so undo survives closing
and reopening, and the window, ``quire undo`` and (on a team project) every person share
one history in which each coder undoes and redoes only their own steps; a new step
clears that coder's redo tail. It is bounded: the last :data:`MAX_STEPS` steps of each
coder within :data:`MAX_BYTES`, oldest dropped first, the step just used always kept.

Long tasks that commit in chunks (an import) are recorded when they start, covering
their rows by query (:class:`Recorder`), and completed when they end, so a task killed
half-way is still there after a restart, to be undone as one step. Nothing here commits:
the caller owns the transaction.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.conflicts import stale_as_conflict
from db.errors import HistoryError
from db.models import Change, Coder, HistoryStep, utcnow
from db.ops import OpResult
from db.restore import restore
from db.state import State, Versions, versions, versions_from_bytes, versions_to_bytes

DONE, UNDONE, RUNNING = "done", "undone", "running"
MAX_STEPS = 100  # per coder
MAX_BYTES = 64 * 2**20  # per coder: an undone import of 100,000 posts fits (README)
Operation = Callable[[Session], OpResult]


@dataclass
class Entry:
    """One step as the Undo History view and ``quire history`` show it."""

    id: int
    uuid: str
    coder_id: int | None
    coder: str
    label: str
    status: str  # done | undone | running (a long task still running, or killed)
    created_at: Any
    changed_at: Any
    size: int
    seq_first: int | None
    seq_last: int | None

    def to_dict(self) -> dict[str, Any]:
        """As plain JSON-ready values."""
        out = asdict(self)
        out["created_at"], out["changed_at"] = (self.created_at.isoformat(),
                                                self.changed_at.isoformat())
        return out


# --- doing -----------------------------------------------------------------------------------

def run(session: Session, op: Operation, *, coder_id: int | None, label: str = "") -> OpResult:
    """Run ``op`` and record it as ``coder_id``'s newest step, in the caller's
    transaction. An operation that changed nothing leaves no step."""
    first = _last_seq(session)
    with stale_as_conflict():
        result = op(session)
        session.flush()
    if label:
        result.label = label
    if result.changes and not result.recorded:
        if result.before is None:
            raise TypeError(f"operation '{result.label}' cannot be undone (no 'before')")
        _clear_redo(session, coder_id)
        step = HistoryStep(coder_id=coder_id, label=result.label, status=DONE,
                           seq_first=first + 1)
        _store(session, step, result.before)
        session.add(step)
        session.flush()
        _trim(session, coder_id, keep=step.id)
    return result


def undo(session: Session, *, coder_id: int | None) -> OpResult | None:
    """Undo ``coder_id``'s newest step (None when there is none). ConflictError, with
    nothing changed, if any of its rows changed since; HistoryError if it is a long task
    still running."""
    step = _newest(session, coder_id, (DONE, RUNNING))
    if step is None:
        return None
    if step.status == RUNNING:
        _check_stopped(step)
    return _swap(session, step, UNDONE)


def redo(session: Session, *, coder_id: int | None) -> OpResult | None:
    """Redo ``coder_id``'s most recently undone step (None when there is none)."""
    step = session.scalar(select(HistoryStep).where(
        _of(coder_id), HistoryStep.status == UNDONE).order_by(HistoryStep.id).limit(1))
    return None if step is None else _swap(session, step, DONE)


def _swap(session: Session, step: HistoryStep, status: str) -> OpResult:
    target = State.from_bytes(step.state)
    if step.status == RUNNING:  # killed before it finished: its rows were inserted fresh
        expect = _fresh(versions(session, target.all_keys(session)))
    else:
        expect = versions_from_bytes(step.expect)
    first = _last_seq(session)
    with stale_as_conflict():
        result = restore(session, target=target, expect=expect, label=step.label)
    step.status, step.changed_at, step.seq_first = status, utcnow(), first + 1
    _store(session, step, result.before)
    session.flush()
    _trim(session, step.coder_id, keep=step.id)
    return result


def _fresh(found: Versions) -> Versions:
    """What rows a task inserted look like when nobody changed them: at version 1."""
    return {t: {k: ([v[0], 1, None] if v else v) for k, v in rows.items()}
            for t, rows in found.items()}


def _store(session: Session, step: HistoryStep, state: State) -> None:
    """Keep ``state`` (what the next undo or redo puts back) and the versions its rows
    have now (what that undo or redo expects to find)."""
    step.state = state.to_bytes()
    step.expect = versions_to_bytes(versions(session, state.all_keys(session)))
    step.size = len(step.state) + len(step.expect)
    step.seq_last = _last_seq(session)


# --- long tasks ------------------------------------------------------------------------------

class Recorder:
    """Records a long task that commits in chunks (an import) as one step: running from
    :meth:`started` (in the task's first commit) until :meth:`finished` (in its last)."""

    def __init__(self, coder_id: int | None):
        self.coder_id = coder_id
        self.step_id: int | None = None

    def started(self, session: Session, before: State, label: str) -> None:
        """The task has begun: ``before`` covers (by query) every row it will add."""
        step = HistoryStep(coder_id=self.coder_id, label=label, status=RUNNING,
                           seq_first=_last_seq(session) + 1, owner=_owner())
        _store(session, step, before)
        session.add(step)
        session.flush()
        self.step_id = step.id

    def finished(self, session: Session, result: OpResult) -> None:
        """The task has ended (or was cancelled, keeping what it finished)."""
        step = session.get(HistoryStep, self.step_id)
        if not result.changes:
            session.delete(step)
            return
        _clear_redo(session, self.coder_id)  # only now: a task may change nothing
        step.label, step.status, step.owner = result.label, DONE, ""
        _store(session, step, step_state(step))
        session.flush()
        _trim(session, self.coder_id, keep=step.id)


def step_state(step: HistoryStep) -> State:
    """The state a step keeps."""
    return State.from_bytes(step.state)


def _owner() -> str:
    return f"{platform.node()}/{os.getpid()}"


def _check_stopped(step: HistoryStep) -> None:
    """HistoryError unless the task of a running step is known to have stopped."""
    host, _, pid = step.owner.rpartition("/")
    if host == platform.node() and not _alive(int(pid or 0)):
        return
    where = f"process {pid}" if host == platform.node() else f"on {host or '?'}"
    raise HistoryError(f"'{step.label}' has not finished and may still be running ({where});"
                       " let it finish or cancel it first (an import that was killed can "
                       "also be removed with `quire imports PROJECT --remove ID`)")


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (True when that cannot be told)."""
    if pid == os.getpid() or os.name != "posix":  # os.kill(pid, 0) kills on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


# --- reading ---------------------------------------------------------------------------------

ANYONE: Any = object()


def entries(session: Session, *, coder_id: Any = ANYONE) -> list[Entry]:
    """The steps of one coder (default: everyone's), oldest first."""
    q = (select(HistoryStep, Coder.name).outerjoin(Coder, Coder.id == HistoryStep.coder_id)
         .order_by(HistoryStep.id))
    if coder_id is not ANYONE:
        q = q.where(_of(coder_id))
    return [Entry(s.id, s.uuid, s.coder_id, name or "", s.label, s.status, s.created_at,
                  s.changed_at, s.size, s.seq_first, s.seq_last)
            for s, name in session.execute(q)]


def next_undo(session: Session, *, coder_id: int | None) -> Entry | None:
    """The step :func:`undo` would undo, if any (for the menu item's text)."""
    step = _newest(session, coder_id, (DONE, RUNNING))
    return None if step is None else _entry(session, step.id)


def next_redo(session: Session, *, coder_id: int | None) -> Entry | None:
    """The step :func:`redo` would redo, if any."""
    found = [e for e in entries(session, coder_id=coder_id) if e.status == UNDONE]
    return found[0] if found else None


def _entry(session: Session, step_id: int) -> Entry:
    return next(e for e in entries(session) if e.id == step_id)


# --- bookkeeping -----------------------------------------------------------------------------

def _of(coder_id: int | None):
    col = HistoryStep.coder_id
    return col.is_(None) if coder_id is None else col == coder_id


def _newest(session: Session, coder_id: int | None, statuses: tuple[str, ...]):
    return session.scalar(select(HistoryStep).where(
        _of(coder_id), HistoryStep.status.in_(statuses)).order_by(HistoryStep.id.desc())
        .limit(1))


def _last_seq(session: Session) -> int:
    return session.scalar(select(func.max(Change.seq))) or 0


def _clear_redo(session: Session, coder_id: int | None) -> None:
    """A new step: the coder's undone steps can no longer be redone."""
    session.execute(delete(HistoryStep).where(_of(coder_id), HistoryStep.status == UNDONE))


def _trim(session: Session, coder_id: int | None, keep: int) -> None:
    """Keep the coder's history within MAX_STEPS and MAX_BYTES: drop the oldest done
    steps first, then the far end of the redo tail; never ``keep`` or a running step."""
    rows = session.execute(select(HistoryStep.id, HistoryStep.status, HistoryStep.size).where(
        _of(coder_id), HistoryStep.status != RUNNING).order_by(HistoryStep.id)).all()
    count, total = len(rows), sum(r.size for r in rows)
    order = [r for r in rows if r.status == DONE] + [r for r in reversed(rows)
                                                       if r.status == UNDONE]
    drop = []
    for r in order:
        if (count <= MAX_STEPS and total <= MAX_BYTES) or r.id == keep:
            continue
        drop.append(r.id)
        count, total = count - 1, total - r.size
    if drop:
        session.execute(delete(HistoryStep).where(HistoryStep.id.in_(drop)))
