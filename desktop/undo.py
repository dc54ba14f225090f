"""Undo for everything: one generic command that runs an operation and keeps its inverse.

Operations live in ``db/ops`` and return an ``OpResult`` with their inverse
(DESIGN.md rules 2 and 4). :class:`OperationCommand` runs the operation (or adopts one
already run, such as an import done on the worker), and swaps in the inverse each time
it is undone or redone.
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
    """An undoable step: run an operation, remember how to take it back."""

    def __init__(self, session: ProjectSession, op: Operation | None = None, *,
                 label: str = "", done: OpResult | None = None, initiator: object = None):
        super().__init__(label or (done.label if done else ""))
        self._session, self._initiator = session, initiator
        self._next: Operation | None = op
        self._already = done

    def redo(self) -> None:
        if self._already is not None:  # the first redo of an operation that already ran
            result, self._already = self._already, None
            self._next = result.inverse
            self._session.announce(result.changes, self._initiator)
            return
        self._swap()

    def undo(self) -> None:
        self._swap()

    def _swap(self) -> None:
        result = self._session.execute(self._next)
        if not self.text():
            self.setText(result.label)
        self._next = result.inverse
        self._session.announce(result.changes, self._initiator)
