"""The open project as the window sees it: its database, undo stack and worker.

After every operation, undo or redo, :class:`ProjectSession` emits
``project_changed(changes, initiator)``; views decide for themselves what to redraw
(DESIGN.md rule 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.orm import Session

from db.changes import Changes
from db.ops import OpResult
from db.project import Project
from desktop.tasks import Task, TaskRunner
from desktop.undo import Operation, OperationCommand


class ProjectSession(QObject):
    """One open project: read sessions, undoable operations, background tasks."""

    project_changed = Signal(object, object)  # Changes, initiator
    coder_filter_changed = Signal(object)  # a set of coder ids to show, or None for all

    def __init__(self, project: Project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)
        self.coder_name = ""
        self._coder_id: int | None = None
        self.visible_coders: set[int] | None = None  # None: everyone's work is shown

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short-lived session for queries (SQLite's WAL lets reads run beside a write)."""
        with self.project.sessions() as s:
            yield s

    def execute(self, op: Operation) -> OpResult:
        """Run an operation in its own transaction; committed when it returns."""
        with self.project.session() as s:
            return op(s)

    def apply(self, op: Operation, *, label: str = "", initiator: object = None) -> OpResult:
        """Run ``op`` now as one undoable step and return its result.

        The operation runs first, in its own transaction; only when it succeeded is it
        put on the undo stack, so an operation the core refuses (it raises a
        ``QuireError``) leaves neither the project nor the undo history changed.
        """
        result = self.execute(op)
        if label:
            result.label = label
        self.adopt(result, initiator=initiator)
        return result

    def adopt(self, result: OpResult, *, initiator: object = None) -> None:
        """Put an operation that already ran (an import on the worker) on the undo stack.

        One that changed nothing (saving an untouched form) leaves no empty undo step.
        """
        if not result.changes:
            return
        self.undo_stack.push(OperationCommand(self, result, initiator=initiator))

    def announce(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view what changed."""
        self.project_changed.emit(changes, initiator)

    def set_coder(self, name: str) -> None:
        """Record everything coded from now on under ``name``."""
        self.coder_name, self._coder_id = name.strip(), None

    def coder_id(self) -> int:
        """The id of the current coder in this project, created on first use.

        Creating a coder record is bookkeeping, not a user action, so it is not undoable.
        """
        if self._coder_id is None:
            from db.ops.coders import ensure_coder

            self._coder_id = self.execute(
                lambda s: ensure_coder(s, name=self.coder_name or "me")).value
        return self._coder_id

    def show_coders(self, coder_ids: set[int] | None) -> None:
        """Show only these coders' excerpts in the Reader and the views (None: everyone)."""
        self.visible_coders = None if coder_ids is None else set(coder_ids)
        self.coder_filter_changed.emit(self.visible_coders)

    def start_task(self, label: str, fn: Callable[..., Any]) -> Task:
        """Run long core work, ``fn(session, progress=..., cancelled=...)``, on the worker."""

        def work(progress, cancelled):
            with self.project.sessions() as s:
                return fn(s, progress=progress, cancelled=cancelled)

        return self.tasks.start(label, work)

    def close(self) -> None:
        """Stop background work, then release the database."""
        self.tasks.cancel_all()
        self.tasks.wait()
        self.undo_stack.clear()
        self.project.close()
