"""Operations: one user action is one function (DESIGN.md rule 2).

Each operation takes a SQLAlchemy ``Session`` and keyword-only plain values, never
commits, and returns an :class:`OpResult`: what changed and the operation that undoes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from db.changes import Changes


@dataclass
class OpResult:
    """What an operation changed, its inverse, and any value it returns to the caller."""

    changes: Changes
    inverse: Callable[[Session], OpResult]
    value: Any = None
    label: str = field(default="")


def bind(op: Callable[..., OpResult], **kwargs: Any) -> Callable[[Session], OpResult]:
    """``op`` with its keyword arguments filled in, ready to run on a session."""

    def run(session: Session) -> OpResult:
        return op(session, **kwargs)

    run.__name__ = getattr(op, "__name__", "operation")
    return run
