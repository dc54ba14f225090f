"""Running long core work off the GUI thread (DESIGN.md rule 5).

Core functions take ``progress`` and ``cancelled`` callables; :class:`TaskRunner` runs
them on a single worker thread, so database writes are serialized, and reports back
on the GUI thread through Qt signals.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Task(QObject):
    """One piece of background work: its signals, and a flag to ask it to stop."""

    progressed = Signal(int, int, str)  # done, total, message
    finished = Signal(object)  # the function's return value
    failed = Signal(object, str)  # the exception, its traceback

    def __init__(self, label: str):
        super().__init__()
        self.label = label
        self._cancel = threading.Event()
        self.done = False

    def cancel(self) -> None:
        """Ask the work to stop at its next check; what it finished is kept."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether Cancel was pressed (the ``cancelled`` callable given to the core)."""
        return self._cancel.is_set()


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any]):
        super().__init__()
        self.task, self.fn = task, fn

    def run(self) -> None:
        task = self.task
        try:
            result = self.fn(progress=task.progressed.emit, cancelled=task.is_cancelled)
        except Exception as exc:  # reported to the user, never lost
            task.done = True
            task.failed.emit(exc, traceback.format_exc())
        else:
            task.done = True
            task.finished.emit(result)


class TaskRunner(QObject):
    """A single background worker for the open project."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._tasks: list[Task] = []

    def start(self, label: str, fn: Callable[..., Any]) -> Task:
        """Queue ``fn(progress=..., cancelled=...)``; connect to the task's signals."""
        task = Task(label)
        self._tasks = [t for t in self._tasks if not t.done] + [task]
        self.pool.start(_Runnable(task, fn))
        return task

    def busy(self) -> bool:
        """Whether work is queued or running."""
        return any(not t.done for t in self._tasks)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (used at close and in tests)."""
        return self.pool.waitForDone(msecs)

    def cancel_all(self) -> None:
        """Ask every running task to stop."""
        for t in self._tasks:
            t.cancel()
