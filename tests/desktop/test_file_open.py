"""macOS's file-open event (a .quire double-clicked in Finder) opens that project."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from desktop import file_open
from desktop.main_window import MainWindow
from tests.project_support import new_project


def test_a_file_open_event_opens_the_project(qtbot, tmp_path):
    first, second = tmp_path / "First.quire", tmp_path / "Second.quire"
    new_project(first).close()
    new_project(second).close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    app = QApplication.instance()
    handler = file_open.install(app, window)
    try:
        QApplication.sendEvent(app, QFileOpenEvent(str(first)))
        assert window.session is not None and window.session.project.path == first
        QApplication.sendEvent(app, QFileOpenEvent(QUrl.fromLocalFile(str(second))))
        assert window.session.project.path == second
    finally:
        app.removeEventFilter(handler)


def test_other_events_pass(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    handler = file_open.FileOpenFilter(window)
    assert not handler.eventFilter(window, QEvent(QEvent.Type.Show))
    assert window.session is None
