"""The page the main window shows with no project open: start buttons, recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.team_actions import recent_text


class WelcomePage(QWidget):
    """What the window shows with no project open: start buttons and recent projects."""

    recent_activated = Signal(str)  # the path (or team address) of a recent project

    def __init__(self, actions: list[QAction], parent: QWidget | None = None):
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.addStretch(2)
        title = QLabel("<h1>Quire</h1><p>Read, search and code collections of "
                       "articles and social-media posts.</p>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(title)
        column.addSpacing(12)
        for action in actions:
            column.addWidget(self._button(action), 0, Qt.AlignmentFlag.AlignHCenter)
        self._column, self._next = column, column.count()
        column.addSpacing(16)
        self.recent = QListWidget(self)
        self.recent.setFixedSize(520, 150)
        self.recent.setToolTip("Double-click a project to open it")
        self.recent.itemActivated.connect(self._on_recent_item_activated)
        self.recent_label = QLabel("Recent projects", self)
        column.addWidget(self.recent_label, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.recent, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)

    def add_action(self, action: QAction) -> None:
        """One more start button, below the others."""
        self._column.insertWidget(self._next, self._button(action), 0,
                                  Qt.AlignmentFlag.AlignHCenter)
        self._next += 1

    def _button(self, action: QAction) -> QPushButton:
        button = QPushButton(action.text().replace("&", ""), self)
        button.setMinimumWidth(260)
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        return button

    def show_recent(self, paths: list[Path | str]) -> None:
        """List the recent projects (the path or address of each in ``Qt.UserRole``)."""
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(recent_text(path), self.recent)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.recent.setVisible(bool(paths))
        self.recent_label.setVisible(bool(paths))

    def _on_recent_item_activated(self, item: QListWidgetItem) -> None:
        self.recent_activated.emit(item.data(Qt.ItemDataRole.UserRole))
