"""Noticing what other processes wrote to a project, through the change log.

Every write appends to the ``changes`` table, a monotonically increasing ``seq``
(:mod:`db.changes`). A window that wants to follow writes made elsewhere (``quire
code …`` in a terminal, a second window) asks :func:`last_seq` now and then -- one
indexed read -- and only when it moved reads the new entries with
:func:`changes_since`, leaving out its own.

Its own entries are known exactly: :meth:`OwnWrites.bracket` marks every transaction
of a session. A transaction takes the lock that orders writers of the change log as it
begins -- on SQLite the write lock (an update that matches nothing), on PostgreSQL the
team project's change-log lock (:func:`db.team.schema.lock_change_log`) -- and notes the
last ``seq``; just before it commits it notes the last ``seq`` again. Nobody else
writes the log while the lock is held, so every entry in between is this process's.
The range is recorded before the commit makes the entries visible (and dropped if the
transaction rolls back), so a poll never sees them first.
"""

from __future__ import annotations

import threading

from sqlalchemy import event, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.changes import Changes
from db.models import Change, ProjectInfo
from db.team.schema import lock_change_log

_START = "quire_own_start"
_RANGE = "quire_own_range"
_COMMITTED = "quire_own_committed"
_LOCK = text(f"UPDATE {ProjectInfo.__tablename__} SET id = id WHERE 1 = 0")


def last_seq(session: Session) -> int:
    """The newest entry of the change log (0 for none)."""
    return session.scalar(select(func.max(Change.seq))) or 0


class OwnWrites:
    """The change-log entries this process wrote, as ``(after, upto]`` ranges of ``seq``.

    Thread-safe: the window's worker writes too.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ranges: list[tuple[int, int]] = []

    def bracket(self, session: Session) -> Session:
        """Record every transaction ``session`` commits as this process's own."""
        event.listen(session, "after_begin", self._on_after_begin)
        event.listen(session, "before_commit", self._on_before_commit)
        event.listen(session, "after_commit", self._on_after_commit)
        event.listen(session, "after_rollback", self._on_after_rollback)
        return session

    def covers(self, seq: int) -> bool:
        """Whether entry ``seq`` was written by this process."""
        with self._lock:
            return any(after < seq <= upto for after, upto in self._ranges)

    def forget_upto(self, seq: int) -> None:
        """Drop the ranges that end at or before ``seq`` (they have been looked at)."""
        with self._lock:
            self._ranges = [r for r in self._ranges if r[1] > seq]

    def _on_after_begin(self, session: Session, _transaction, connection) -> None:
        if connection.dialect.name == "postgresql":
            lock_change_log(connection)  # as Project.session does: writers in log order
        else:
            connection.execute(_LOCK)  # take the write lock now: nobody writes in between
        session.info[_START] = connection.execute(select(func.max(Change.seq))).scalar() or 0

    def _on_before_commit(self, session: Session) -> None:
        session.flush()
        after, upto = session.info.pop(_START, None), last_seq(session)
        if after is not None and upto > after:
            with self._lock:
                self._ranges.append((after, upto))
            session.info[_RANGE] = (after, upto)

    def _on_after_commit(self, session: Session) -> None:
        written = session.info.pop(_RANGE, None)  # committed: it stays recorded
        if written is not None:
            session.info.setdefault(_COMMITTED, []).append(written)

    def _on_after_rollback(self, session: Session) -> None:
        session.info.pop(_START, None)
        written = session.info.pop(_RANGE, None)
        if written is not None:
            with self._lock:
                self._ranges = [r for r in self._ranges if r != written]


def committed_changes(session: Session) -> Changes:
    """What the transactions of a bracketed ``session`` committed (a long operation that
    commits in chunks, then fails: what it kept). Empty if the log cannot be read."""
    found = Changes()
    try:
        for after, upto in session.info.get(_COMMITTED, ()):
            q = select(Change.entity, Change.entity_id).where(
                Change.seq > after, Change.seq <= upto)
            for entity, entity_id in session.execute(q):
                found.add(entity, [entity_id])
    except SQLAlchemyError:
        return Changes()
    return found


def changes_since(session: Session, after: int, own: OwnWrites | None = None
                  ) -> tuple[Changes, int]:
    """What others changed after entry ``after`` (leaving out ``own`` entries), and the
    newest entry read. Cheap when nothing moved: one indexed read."""
    top = last_seq(session)
    if top <= after:
        return Changes(), after
    q = select(Change.seq, Change.entity, Change.entity_id).where(
        Change.seq > after, Change.seq <= top)
    found = Changes()
    for seq, entity, entity_id in session.execute(q):
        if own is None or not own.covers(seq):
            found.add(entity, [entity_id])
    if own is not None:
        own.forget_upto(top)
    return found, top
