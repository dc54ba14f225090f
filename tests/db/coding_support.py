"""Helpers of the coding tests: sources to code, database dumps, undo round trips."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Change, Citation, Code, Coder, Coding, Excerpt, Memo, Source
from db.ops import OpResult
from db.text import text_hash

TABLES = (Coder, Code, Excerpt, Coding, Memo, Citation)


def add_source(session: Session, text: str, **meta) -> int:
    """A source with ``text`` (an article unless ``kind`` says otherwise); its id."""
    meta.setdefault("kind", "article")
    src = Source(text=text, length=len(text), text_hash=text_hash(text), **meta)
    session.add(src)
    session.flush()
    return src.id


def dump(proj, tables=TABLES) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (by default those coding touches), by id: every column but
    the version, which goes up with every write, undo and redo included."""
    with proj.sessions() as s:
        return {m.__tablename__: [tuple(r) for r in s.execute(
            select(*(c for c in m.__table__.columns if c.name != "version"))
            .order_by(m.__table__.c.id))] for m in tables}


def run(proj, op: Callable[[Session], OpResult]) -> OpResult:
    """Run ``op`` in its own committed transaction, as the desktop does."""
    with proj.session() as s:
        return op(s)


def changelog_size(proj) -> int:
    """How many entries the change log has."""
    with proj.sessions() as s:
        return s.scalar(select(func.count()).select_from(Change))


def round_trip(proj, op: Callable[[Session], OpResult],
               tables=TABLES) -> tuple[OpResult, OpResult]:
    """Do, undo, redo and undo again, checking the database each time; (do, undo) results.

    Undo must restore every row exactly; redo must give back exactly the rows the
    operation made (same ids, UUIDs, timestamps); each step must log to the change log.
    """
    before = dump(proj, tables)
    done = run(proj, op)
    after = dump(proj, tables)
    assert after != before, "the operation changed nothing"
    logged = changelog_size(proj)
    undone = run(proj, done.inverse)
    assert dump(proj, tables) == before
    assert changelog_size(proj) > logged
    redone = run(proj, undone.inverse)
    assert dump(proj, tables) == after
    again = run(proj, redone.inverse)
    assert dump(proj, tables) == before
    for result in (undone, redone, again):
        assert result.changes, "an undo or redo must say what it changed"
    assert set(undone.changes.ids) <= {m.__tablename__ for m in tables}
    return done, undone


def unchanged(proj, op: Callable[[Session], OpResult], error: type[Exception],
              tables=TABLES) -> str:
    """Run ``op`` expecting ``error``; check that nothing changed; the error's message."""
    before, logged = dump(proj, tables), changelog_size(proj)
    try:
        run(proj, op)
    except error as exc:
        message = str(exc)
    else:
        raise AssertionError(f"{error.__name__} was not raised")
    assert dump(proj, tables) == before and changelog_size(proj) == logged
    return message
