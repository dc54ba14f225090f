"""How the window tells how work goes: long work with progress and Cancel, refusals.

:class:`TaskProgress` follows a :class:`desktop.tasks.Task` (an import, an export, a
merge, indexing, coding all hits...): the bar counts the steps the core reports (it is
busy until the core gives a count), the line under it says what is being done,
and Cancel asks the task to stop at its next check; what it finished is kept, or, for
an operation that cannot stop half-way, nothing changes. It shows itself while work
runs and hides when it ends. Work that is not a task (a search on its own thread) uses
:meth:`TaskProgress.start` and :meth:`TaskProgress.stop`. :class:`TaskDialog` is the
same in a small window, for menu actions with no dialog of their own. :func:`warn`
turns the runner's refusal into a warning box.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.tasks import Task

CANCELLING = "Cancelling… (what is finished is kept)"
_UNOWNED: set[QDialog] = set()  # progress windows without a parent, kept until they close


class TaskProgress(QWidget):
    """Progress and Cancel for one piece of long work at a time."""

    ended = Signal()  # the work followed finished, failed or was stopped

    def __init__(self, parent: QWidget | None = None, *, cancelling: str = CANCELLING,
                 compact: bool = False):
        super().__init__(parent)
        self._cancelling, self._compact = cancelling, compact
        self.task: Task | None = None
        self._cancel: Callable[[], None] | None = None
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.message)
        self.message.setVisible(not compact)  # compact: one line, the message in the bar
        if compact:
            self.bar.setMinimumWidth(240)
        self.hide()

    def follow(self, task: Task, message: str = "") -> Task:
        """Show ``task``'s progress until it ends; Cancel stops it."""
        self.task = task
        task.progressed.connect(self._on_task_progressed)
        task.finished.connect(self._on_task_ended)
        task.failed.connect(self._on_task_ended)
        self.start(message or task.label + "…", task.cancel)
        return task

    def start(self, message: str, cancel: Callable[[], None] | None = None) -> None:
        """Show busy work with ``message``; Cancel calls ``cancel`` (None: no Cancel)."""
        self._cancel = cancel
        self.bar.setRange(0, 0)
        self.bar.setFormat("%p%")
        self.cancel_button.setVisible(cancel is not None)
        self.cancel_button.setEnabled(True)
        self._say(message)
        self.show()

    def progressed(self, done: int, total: int, message: str = "") -> None:
        """A step: ``done`` of ``total``. A step without a total (0/0: inside the current
        file) or a count of one leaves the bar as it is: busy until there is a count."""
        if total > 1 or 0 < total <= done:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if message and not self.is_cancelling():
            self._say(message)

    def cancel(self) -> bool:
        """Ask the work to stop (the Cancel button); False when no work is shown (so a
        dialog's Escape can close it instead)."""
        if not self.is_running():
            return False
        if self._cancel is not None and self.cancel_button.isEnabled():
            self._cancel()
            self.cancel_button.setEnabled(False)
            self._say(self._cancelling)
        return True

    def _say(self, message: str) -> None:
        self.message.setText(message)
        if self._compact:
            self.bar.setFormat(message or "%p%")
            self.bar.setToolTip(message)

    def is_cancelling(self) -> bool:
        """Whether Cancel was pressed and the work has not ended yet."""
        return not self.isHidden() and not self.cancel_button.isEnabled()

    def is_running(self) -> bool:
        """Whether work is shown."""
        return not self.isHidden()

    def stop(self) -> None:
        """The work ended: hide."""
        self.task, self._cancel = None, None
        self.hide()
        self.ended.emit()

    def _on_task_progressed(self, done: int, total: int, message: str) -> None:
        if self.sender() is self.task:
            self.progressed(done, total, message)

    def _on_task_ended(self, *_outcome: object) -> None:
        if self.sender() is self.task:
            self.stop()


class TaskDialog(QDialog):
    """A small window following one task (a menu action with no dialog of its own);
    it closes when the task ends and says how it went."""

    def __init__(self, title: str, task: Task, parent: QWidget | None = None, *,
                 cancelling: str = CANCELLING):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.progress = TaskProgress(self, cancelling=cancelling)
        QVBoxLayout(self).addWidget(self.progress)
        self.progress.ended.connect(self.accept)
        self.progress.follow(task)

    def reject(self) -> None:
        """Escape or the window's close button: Cancel first (the window closes when
        the task has stopped)."""
        self.progress.cancel()


def run_in_dialog(title: str, task: Task, parent: QWidget | None, *,
                  finished: Callable[[object], str] | None = None,
                  failed: str = "", cancelling: str = CANCELLING) -> TaskDialog:
    """Follow ``task`` in a :class:`TaskDialog`; when it ends, say so in a message box:
    ``finished(result)`` gives the sentence for success, ``failed`` the title of the
    warning that carries the error (none after Cancel)."""
    dialog = TaskDialog(title, task, parent, cancelling=cancelling)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        _UNOWNED.add(dialog)
        dialog.finished.connect(lambda _result: _UNOWNED.discard(dialog))
    if finished is not None:
        task.finished.connect(lambda result: QMessageBox.information(
            parent, title, finished(result)))
    if failed:  # (a task stopped by Cancel has nothing to warn about)
        task.failed.connect(lambda exc, _trace: task.is_cancelled() or QMessageBox.warning(
            parent, failed, str(exc)))
    dialog.show()
    return dialog


def warn(parent: QWidget | None, title: str) -> Callable[[str], None]:
    """A ``refused`` handler for the runner: the reason in a warning box titled ``title``."""
    return lambda message: QMessageBox.warning(parent, title, message)
