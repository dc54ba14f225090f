"""Running long core work off the GUI thread (DESIGN.md rule 5).

Core functions take ``progress`` and ``cancelled`` callables; :class:`TaskRunner` runs
them on a single worker thread, so database writes are serialized, and reports back
on the GUI thread through Qt signals. A task that writes says so: until the GUI thread
has heard that it ended, :meth:`TaskRunner.writing` is true, and the session's runner
queues further writes behind it instead of writing on the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Task(QObject):
    """One piece of background work: its signals, and a flag to ask it to stop.

    ``finished`` and ``failed`` are emitted on the GUI thread, from its event loop: a
    caller that connects to them right after starting the task never misses the end,
    however quickly the work is done.
    """

    progressed = Signal(int, int, str)  # done, total, message
    finished = Signal(object)  # the function's return value
    failed = Signal(object, str)  # the exception, its traceback
    _ended = Signal(object, object)  # from the worker: the value, or (exception, traceback)

    def __init__(self, label: str, writes: bool = False):
        super().__init__()
        self.label, self.writes = label, writes
        self._cancel = threading.Event()
        self.done = False
        self._ended.connect(self._on_ended)  # queued: it runs on this object's thread

    def _on_ended(self, value: object, error: object) -> None:
        self.done = True
        if error is None:
            self.finished.emit(value)
        else:
            self.failed.emit(*error)

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
            task._ended.emit(None, (exc, traceback.format_exc()))
        else:
            task._ended.emit(result, None)


class TaskRunner(QObject):
    """A single background worker for the open project."""

    writing_changed = Signal(bool)  # whether a writing task is queued or running

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._tasks: list[Task] = []
        self._writes = 0  # writing tasks whose end the GUI thread has not heard yet

    def start(self, label: str, fn: Callable[..., Any], *, writes: bool = False) -> Task:
        """Queue ``fn(progress=..., cancelled=...)``; connect to the task's signals.
        ``writes``: the work writes to the project (see :meth:`writing`)."""
        task = Task(label, writes)
        self._tasks = [t for t in self._tasks if not t.done] + [task]
        if writes:
            self._writes += 1
            if self._writes == 1:
                self.writing_changed.emit(True)
            task.finished.connect(self._on_write_task_ended)
            task.failed.connect(self._on_write_task_ended)
        self.pool.start(_Runnable(task, fn))
        return task

    def _on_write_task_ended(self, *_outcome: object) -> None:
        self._writes -= 1
        if self._writes == 0:
            self.writing_changed.emit(False)

    def busy(self) -> bool:
        """Whether work is queued or running."""
        return any(not t.done for t in self._tasks)

    def writing(self) -> bool:
        """Whether a writing task is queued or running (or has ended, but the GUI thread
        has not yet heard so): a write now must queue behind it."""
        return self._writes > 0

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (used at close and in tests)."""
        return self.pool.waitForDone(msecs)

    def cancel_all(self) -> None:
        """Ask every running task to stop."""
        for t in self._tasks:
            t.cancel()
