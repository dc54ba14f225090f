"""Operations: one user action is one function (DESIGN.md rule 2).

Each operation takes a SQLAlchemy ``Session`` and keyword-only plain values, never
commits, and returns an :class:`OpResult`: what changed, the rows as they were before
(``before``, a :class:`db.state.State`) and the operation that undoes it, which is
always :func:`db.restore.restore` of ``before`` (made by :func:`db.restore.undoable`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from db.changes import Changes

if TYPE_CHECKING:
    from db.state import State


@dataclass
class OpResult:
    """What an operation changed, its inverse, and any value it returns to the caller.

    ``before`` is what the history records: the rows the inverse puts back.
    ``recorded``: a long task recorded its own history step as it ran
    (:class:`db.history.Recorder`), so :func:`db.history.run` records none.
    """

    changes: Changes
    inverse: Callable[[Session], OpResult]
    value: Any = None
    label: str = field(default="")
    before: State | None = None
    recorded: bool = False


def bind(op: Callable[..., OpResult], **kwargs: Any) -> Callable[..., OpResult]:
    """``op`` with its keyword arguments filled in, ready to run on a session. Keywords
    given when it runs (a long operation's ``progress`` and ``cancelled``) are passed on."""

    def run(session: Session, **more: Any) -> OpResult:
        return op(session, **kwargs, **more)

    run.__name__ = getattr(op, "__name__", "operation")
    return run
