"""macOS: a ``.quire`` file double-clicked in Finder (or dropped on the Dock icon) arrives
as a file-open event, not as a command-line argument; this opens it in the window.

Installed on the application by :func:`desktop.app.run` before the event loop starts, so
the event that launched Quire (delivered at the first turn of the loop) is caught too.
On other systems the event never comes and the filter costs nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent


class FileOpenFilter(QObject):
    """Opens the project of every file-open event in ``window`` (a MainWindow)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file() or event.url().toLocalFile()
            if path:
                self.window.open_project(path)
                return True
        return super().eventFilter(watched, event)


def install(app, window) -> FileOpenFilter:
    """Handle file-open events for ``window`` from now on."""
    handler = FileOpenFilter(window)
    app.installEventFilter(handler)
    return handler
