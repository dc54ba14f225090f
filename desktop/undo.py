"""The window's undo history: the one place that knows how steps are kept.

:class:`WindowHistory` is what the session's runner and the Edit menu talk to: the
runner runs an operation through :meth:`WindowHistory.perform` inside its transaction
and hands the result to :meth:`WindowHistory.recorded` after the commit; Undo, Redo and
the Undo History view read :meth:`labels`, :meth:`index`, :meth:`can_undo` and follow
``changed`` (:mod:`desktop.widgets.undo_controls`), and call :meth:`undo`,
:meth:`redo` and :meth:`go_to`.

Today the steps live in a ``QUndoStack`` of this window (each holding the inverse of
the operation it recorded). When the project history moves into the core
(``db.history``, stored in the project, personal per coder), only this module
changes: ``perform`` becomes the core's ``run`` (recording in the same transaction),
``undo``/``redo``/``go_to`` run the core's ``undo``/``redo`` in a session transaction
and announce what they restored, ``labels``/``index`` read its ``entries``, and
:meth:`refresh` (called when another process changed the project) re-reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.errors import QuireError
from db.ops import OpResult

if TYPE_CHECKING:
    from desktop.session import ProjectSession

Operation = Callable[[Session], OpResult]
# What the core or the machine may refuse, said in a sentence (not a traceback).
REFUSALS = (QuireError, OSError, OperationalError)


class WindowHistory(QObject):
    """The undoable steps of the open project, as the window shows and walks them."""

    changed = Signal()  # the steps, the current one or whether Undo is possible changed
    refused = Signal(str)  # an undo or redo could not be done: why

    def __init__(self, session: ProjectSession):
        super().__init__(session)
        self._session = session
        self._stack = QUndoStack(self)
        self._stack.indexChanged.connect(self._on_stack_changed)
        session.tasks.writing_changed.connect(self._on_stack_changed)

    # -- recording (the session's runner) ----------------------------------------------

    def perform(self, session: Session, op: Operation, label: str = "") -> OpResult:
        """Run ``op`` in the runner's transaction; named ``label`` (else its own label)."""
        result = op(session)
        if label:
            result.label = label
        return result

    def recorded(self, result: OpResult, initiator: object = None) -> None:
        """Keep a committed operation as one step (one that changed nothing is not)."""
        if result.changes:
            self._stack.push(_Step(self._session, self, result, initiator))

    # -- walking -----------------------------------------------------------------------

    def can_undo(self) -> bool:
        """Whether Undo is possible now (not while the worker is writing)."""
        return self._stack.canUndo() and not self._session.tasks.writing()

    def can_redo(self) -> bool:
        """Whether Redo is possible now."""
        return self._stack.canRedo() and not self._session.tasks.writing()

    def undo(self) -> None:
        """Take back the last step done."""
        if self.can_undo():
            self._stack.undo()

    def redo(self) -> None:
        """Do again the last step taken back."""
        if self.can_redo():
            self._stack.redo()

    def go_to(self, index: int) -> None:
        """Undo or redo until ``index`` steps are done."""
        if not self._session.tasks.writing():
            self._stack.setIndex(index)

    # -- reading -----------------------------------------------------------------------

    def labels(self) -> list[str]:
        """Every step's name, oldest first (done ones, then those taken back)."""
        return [self._stack.text(i) for i in range(self._stack.count())]

    def index(self) -> int:
        """How many of :meth:`labels` are done."""
        return self._stack.index()

    def count(self) -> int:
        """How many steps there are."""
        return self._stack.count()

    def undo_text(self) -> str:
        """The name of the step Undo would take back ("" when none)."""
        return self._stack.undoText() if self._stack.canUndo() else ""

    def redo_text(self) -> str:
        """The name of the step Redo would do again ("" when none)."""
        return self._stack.redoText() if self._stack.canRedo() else ""

    def refresh(self) -> None:
        """Another process changed the project. This window's own steps are unchanged
        (the core history, shared with the CLI, will be read again here)."""
        self.changed.emit()

    def clear(self) -> None:
        """Forget every step (the project is closing)."""
        self._stack.clear()

    def _on_stack_changed(self, *_args: object) -> None:
        self.changed.emit()


class _Step(QUndoCommand):
    """One step: an operation that has already run, and the inverse that undoes it."""

    def __init__(self, session: ProjectSession, history: WindowHistory, done: OpResult,
                 initiator: object):
        super().__init__(done.label)
        self._session, self._history, self._initiator = session, history, initiator
        self._pushed = False  # QUndoStack.push calls redo: the operation already ran
        self._next: Operation = done.inverse

    def redo(self) -> None:
        if self._pushed:
            self._swap("redo")
        self._pushed = True

    def undo(self) -> None:
        self._swap("undo")

    def _swap(self, verb: str) -> None:
        """Run the inverse in its own transaction; keep the inverse of that."""
        try:
            with self._session.transaction() as s:
                result = self._next(s)
        except REFUSALS as exc:
            self.setObsolete(True)  # the stack lets go of a step that cannot be walked
            self._history.refused.emit(f"Could not {verb} “{self.text()}”: {exc}")
            return
        self._next = result.inverse
        self._session.announce(result.changes, self._initiator)
