"""Edit ▸ Undo and Redo, named after the step, and the Undo History list.

A thin view of the open project's history (:class:`desktop.undo.WindowHistory`): it
reads the steps' names, how many are done and whether Undo and Redo are possible, and
follows ``changed``. It knows nothing of how steps are kept, so it stays as it is when
the history moves into the core. With no project open the actions are disabled and the
list is empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMessageBox, QWidget

if TYPE_CHECKING:
    from desktop.undo import WindowHistory

OPENED = "<project opened>"
UNDONE = QColor("#8a8a8a")


class HistoryList(QListWidget):
    """The Undo History: the project as opened, then every step; the current one is
    selected and the steps taken back are grey. Clicking a row goes back (or forward)
    to it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._history: WindowHistory | None = None
        self.itemClicked.connect(self._on_item_clicked)

    def show_history(self, history: WindowHistory | None) -> None:
        """List ``history``'s steps (None: nothing)."""
        self._history = history
        self.blockSignals(True)
        self.clear()
        if history is not None:
            self._fill(history)
        self.blockSignals(False)

    def _fill(self, history: WindowHistory) -> None:
        done = history.index()
        for row, label in enumerate([OPENED, *history.labels()]):
            item = QListWidgetItem(label, self)
            if row > done:
                item.setForeground(QBrush(UNDONE))
        self.setCurrentRow(done)

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        if self._history is not None:
            self._history.go_to(self.row(item))


class UndoControls(QObject):
    """The window's Undo and Redo actions and its Undo History list."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        self.history: WindowHistory | None = None
        self.action_undo = QAction("Undo", window)
        self.action_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.action_undo.triggered.connect(self._on_undo_triggered)
        self.action_redo = QAction("Redo", window)
        self.action_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.action_redo.triggered.connect(self._on_redo_triggered)
        self.view = HistoryList(window)
        self._update()

    def set_history(self, history: WindowHistory | None) -> None:
        """Follow the open project's history (None: no project is open)."""
        if self.history is not None:
            self.history.changed.disconnect(self._update)
            self.history.refused.disconnect(self._on_history_refused)
        self.history = history
        if history is not None:
            history.changed.connect(self._update)
            history.refused.connect(self._on_history_refused)
        self._update()

    def _update(self) -> None:
        """Name the actions after the steps they would walk; list the steps."""
        h = self.history
        for action, verb, text, possible in (
                (self.action_undo, "Undo", h.undo_text() if h else "", h and h.can_undo()),
                (self.action_redo, "Redo", h.redo_text() if h else "", h and h.can_redo())):
            action.setText(f"{verb} {text}" if text else verb)
            action.setEnabled(bool(possible))
        self.view.show_history(h)

    def _on_undo_triggered(self) -> None:
        if self.history is not None:
            self.history.undo()

    def _on_redo_triggered(self) -> None:
        if self.history is not None:
            self.history.redo()

    def _on_history_refused(self, message: str) -> None:
        QMessageBox.warning(self._window, "Undo", message)

