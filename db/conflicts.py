"""Two people changing the same thing at the same moment: the later change is refused.

Every entity row has a ``version`` (1 when inserted, one more on every write). A caller
that shows a row (the window, a command) keeps the version it showed and passes it to
the operation that edits the row (``expected_version``); :func:`check_version` then
locks the row and refuses, with an :class:`EditConflictError` naming the row, who
changed it and when, if it moved on since, so that nothing is ever overwritten silently.
The caller rereads the row (the error says which) and shows the fresh state.

Without an expected version the ORM still refuses a stale write (``version_id_col``: an
``UPDATE ... WHERE version = <the version read>`` that finds no row), which
:func:`stale_as_conflict` turns into the same kind of error. Undo and redo follow the
same rule through :func:`db.restore.restore`, naming who changed what with
:func:`who_changed`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.errors import ConflictError, NotAllowedError, NotFoundError
from db.models import Base, Change, Coder, HistoryStep

NOUNS = {"codes": "code", "excerpts": "excerpt", "memos": "memo", "citations": "citation",
         "references": "reference", "sources": "source", "collections": "collection",
         "coders": "coder", "saved_searches": "saved search", "project": "project record"}


class EditConflictError(ConflictError):
    """Someone else changed the row since the caller read it; nothing was changed.

    ``table`` and ``row_id`` name the row (reread it to show the fresh state; ``row_id``
    is still set when the row was deleted), ``seen`` is the version the caller had,
    ``version`` the version now (None: deleted), ``by`` who changed it last, if known.
    """

    def __init__(self, message: str, *, table: str, row_id: Any, seen: int | None,
                 version: int | None, by: str | None):
        super().__init__(message, [message])
        self.table, self.row_id, self.seen = table, row_id, seen
        self.version, self.by = version, by


# --- who ---------------------------------------------------------------------------------------

def last_change(session: Session, table: str, row_id: Any) -> Change | None:
    """The newest change-log entry of a row (None if the log has none)."""
    return session.scalar(select(Change).where(Change.entity == table,
                                               Change.entity_id == row_id)
                          .order_by(Change.seq.desc()).limit(1))


def who_changed(session: Session, table: str, row_id: Any) -> str | None:
    """Who last changed a row, when that can be known: on a team project the server
    records the login with every change; in a project file the coder whose history step
    covers the change (None when neither tells)."""
    change = last_change(session, table, row_id)
    if change is None:
        return None
    if change.author:
        return change.author
    return session.scalar(
        select(Coder.name).join(HistoryStep, HistoryStep.coder_id == Coder.id)
        .where(HistoryStep.seq_first <= change.seq, HistoryStep.seq_last >= change.seq)
        .order_by(HistoryStep.seq_last).limit(1))


def named_by(session: Session, table: str, row_id: Any) -> tuple[str, str]:
    """A row's name for a message ("code 4 “Fear”", or "code 4" when it is gone) and
    who changed it last (" by sara", or "" when unknown)."""
    model = next((m.class_ for m in Base.registry.mappers
                  if m.local_table.name == table), None)
    row = session.get(model, row_id) if model is not None else None
    noun = NOUNS.get(table, table)
    name = f"{noun} {row_id}"
    if row is not None and (label := _name_of(session, table, row)):
        name = f"{name} {label}"
    who = who_changed(session, table, row_id)
    return name, f" by {who}" if who else ""


def _name_of(session: Session, table: str, row: Any) -> str:
    """The quoted name or title of a row ("" when it has none)."""
    text = getattr(row, "title", None) or getattr(row, "name", None)
    if table == "memos" and not text:
        from db.queries.memos import snippet

        text = snippet(row.body, 5)
    if table == "codes":
        from db.queries.codes import code_path

        text = code_path(session, row.id)
    return f"“{text}”" if text else ""


# --- checking ----------------------------------------------------------------------------------

def versions_of(session: Session, table: str, ids: list[Any]) -> dict[Any, int]:
    """The version of each of ``ids`` in ``table`` now (rows that are gone are left out):
    what a view keeps beside the rows it shows, to pass as ``expected_version``."""
    found = Base.metadata.tables[table]
    out: dict[Any, int] = {}
    for i in range(0, len(ids), 500):
        rows = session.execute(select(found.c.id, found.c.version)
                               .where(found.c.id.in_(ids[i:i + 500])))
        out.update((row_id, version) for row_id, version in rows)
    return out


def describe(session: Session, table: str, row: Any) -> str:
    """How the row reads in a message: "code “Violence › Threats”", "memo “Dawn”"."""
    from db.queries.memos import target_label

    noun = NOUNS.get(table, table)
    if table in ("codes", "excerpts", "sources", "collections"):
        return target_label(session, noun, row.id) or f"{noun} {row.id}"
    name = _name_of(session, table, row)
    return f"{noun} {name}" if name else f"{noun} {row.id}"


def editable(session: Session, get: Callable[[Session, Any], Any], table: str, row_id: Any,
             expected: int | None) -> Any:
    """The row an operation edits, from ``get(session, row_id)``, checked to be still at
    the version the caller saw (:func:`check_version`); one deleted since is a conflict
    too (without ``expected``, ``get``'s NotFoundError)."""
    try:
        row = get(session, row_id)
    except NotFoundError:
        if expected is None:
            raise
        raise gone(table, row_id, expected) from None
    check_version(session, row, expected)
    return row


def check_version(session: Session, row: Any, expected: int | None) -> None:
    """Refuse (EditConflictError) when ``row`` is no longer at version ``expected``, the
    version the caller saw; None checks nothing. The row is read again with a lock, so
    no one can change it between this check and the caller's commit."""
    if expected is None:
        return
    table, row_id = row.__tablename__, row.id
    _lock(session, row)
    try:
        session.refresh(row)
    except InvalidRequestError:  # deleted since this session read it
        raise gone(table, row_id, expected) from None
    if row.version == expected:
        return
    who = who_changed(session, table, row_id)
    when = last_change(session, table, row_id)
    at = f" at {when.at.astimezone():%H:%M:%S}" if when is not None else ""  # local time
    what = describe(session, table, row)
    raise EditConflictError(
        f"{what[0].upper()}{what[1:]} was changed{f' by {who}' if who else ''}{at}, after "
        f"you last saw it (version {expected}, now {row.version}); nothing was changed. "
        "Look at it again and redo your change if it is still needed.",
        table=table, row_id=row_id, seen=expected, version=row.version, by=who)


def _lock(session: Session, row: Any) -> None:
    """Lock ``row`` for this transaction by writing its version unchanged: a row lock on
    PostgreSQL, the write lock on SQLite (whose reads take none), so that the version
    read next is the newest committed one and stays so until the commit."""
    table = row.__table__
    locked = session.execute(update(table).where(table.c.id == row.id)
                             .values(version=table.c.version)).rowcount
    if not locked and session.scalar(select(table.c.id).where(table.c.id == row.id)):
        raise NotAllowedError(f"You may read {describe(session, table.name, row)} but not "
                              "change it: your role on this team project does not allow it "
                              "(ask the project's owner); nothing was changed.")


def gone(table: str, row_id: Any, expected: int | None) -> EditConflictError:
    """The error for a row that someone deleted after the caller saw it."""
    noun = NOUNS.get(table, table)
    return EditConflictError(
        f"{noun[0].upper()}{noun[1:]} {row_id} was deleted after you last saw it; nothing "
        "was changed.", table=table, row_id=row_id, seen=expected, version=None, by=None)


_TABLE = re.compile(r"on table '([^']+)'")


@contextmanager
def stale_as_conflict() -> Iterator[None]:
    """Turn the ORM's refusal of a stale update (the row's version moved on between
    reading and writing it: someone else changed it) into a ConflictError."""
    try:
        yield
    except StaleDataError as exc:
        found = _TABLE.search(str(exc))
        noun = NOUNS.get(found.group(1), found.group(1)) if found else "row"
        raise ConflictError(f"Someone else changed this {noun} while you were changing it; "
                            "nothing was changed. Look at it again and redo your change.",
                            [str(exc)]) from exc
