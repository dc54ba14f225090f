"""Undo for everything: one generic command that keeps an operation's inverse.

Operations live in ``db/ops`` and return an ``OpResult`` with their inverse
(DESIGN.md rules 2 and 4). The session runs an operation first and only then pushes an
:class:`OperationCommand` holding the result, so a refused operation never reaches the
stack. Each undo or redo runs the operation it holds and keeps that one's inverse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand
from sqlalchemy.orm import Session

from db.ops import OpResult

if TYPE_CHECKING:
    from desktop.session import ProjectSession

Operation = Callable[[Session], OpResult]


class OperationCommand(QUndoCommand):
    """An undoable step around an operation that has already run."""

    def __init__(self, session: ProjectSession, done: OpResult, *, initiator: object = None):
        super().__init__(done.label)
        self._session, self._initiator = session, initiator
        self._done: OpResult | None = done
        self._next: Operation = done.inverse

    def redo(self) -> None:
        if self._done is not None:  # QUndoStack.push calls redo: the operation already ran
            done, self._done = self._done, None
            self._session.announce(done.changes, self._initiator)
            return
        self._swap()

    def undo(self) -> None:
        self._swap()

    def _swap(self) -> None:
        result = self._session.execute(self._next)
        self._next = result.inverse
        self._session.announce(result.changes, self._initiator)
