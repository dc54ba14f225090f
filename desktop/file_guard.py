"""Watching the open project's file for the window: checkpoints, a moved or deleted
file, a leftover journal, a read-only project, and failures no view caught.

The core notices a file moved or deleted under the open project (before every commit
and here, every few seconds) and refuses to write; this module tells the researcher
once and offers to save the open project elsewhere (SQLite's backup API, from the
still-open connection, so nothing is lost even when the file was deleted), then opens
that copy. While open, the journal is checkpointed into the file every minute.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.exc import DBAPIError

from db import projectfile
from db.errors import DamagedProjectError, ProjectFileMovedError, QuireError
from desktop.undo import refusal_text

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

CHECK_MS = 3_000
CHECKPOINT_EVERY = 20  # checks, so about once a minute
FILE_FILTER = "Quire projects (*.quire)"


class FileGuard(QObject):
    """Checks the open project's file on a timer; offers Save a Copy when it went."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self._warned = False
        self._ticks = 0
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check)

    def project_opened(self) -> None:
        """Start watching the window's project; say so if it is read-only."""
        self._warned, self._ticks = False, 0
        self.timer.start()
        project = self.window.session.project
        if project.read_only:
            self.window.statusBar().showMessage(
                f"Opened for reading only: {project.read_only}. Nothing can be changed.")

    def project_closing(self) -> None:
        """Before the project closes: offer to save it elsewhere if its file went."""
        self.timer.stop()
        self.check(closing=True)

    def check(self, closing: bool = False) -> None:
        """Checkpoint now and then; warn (once) when the file was moved or deleted."""
        session = self.window.session
        if session is None:
            return
        problem = session.project.file_problem()
        self._ticks += 1
        if problem is None and self._ticks % CHECKPOINT_EVERY == 0:
            # one that cannot run now runs at close; nothing is lost
            with contextlib.suppress(QuireError):
                session.project.checkpoint("PASSIVE")
        if problem is not None and (closing or not self._warned):
            self._warned = True
            self.offer_copy(session.project.watch.error(problem), closing)

    def offer_copy(self, error: QuireError, closing: bool = False) -> None:
        """Tell what happened to the file and offer to save the open project elsewhere."""
        box = self.message(error, closing)
        box.exec()
        if box.clickedButton() is box.buttons()[0]:
            self.save_copy(reopen=not closing)

    def message(self, error: QuireError, closing: bool = False) -> QMessageBox:
        """The warning about the file, its first button saving a copy."""
        name = self.window.session.project.path.name if self.window.session else ""
        box = QMessageBox(QMessageBox.Icon.Warning, "Project File Moved or Deleted",
                          f"The project file “{name}” is no longer where it was opened.",
                          parent=self.window)
        box.setInformativeText(str(error))
        box.addButton("Save a Copy As…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Close Without Saving" if closing else "Later",
                      QMessageBox.ButtonRole.RejectRole)
        return box

    def save_copy(self, reopen: bool = True) -> Path | None:
        """Ask where, write the open project there, and (``reopen``) continue in it."""
        session = self.window.session
        if session is None:
            return None
        start = str(session.project.path.with_name(session.project.path.stem + " copy.quire"))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save a Copy As", start, FILE_FILTER)
        if not path:
            return None
        target = Path(path).with_suffix(".quire")
        try:
            session.project.save_copy(target)
        except QuireError as exc:
            self.window.show_error("The copy was not saved", exc)
            return None
        if reopen:
            self.window.open_project(target)
        return target


def open_refusal(window: QWidget, path: Path, exc: BaseException) -> bool:
    """For a project refused because of a leftover journal: ask to set it aside (it is
    kept, renamed) and say whether to try opening again."""
    if not isinstance(exc, DamagedProjectError) or not projectfile.leftover_journal(path):
        return False
    answer = QMessageBox.question(
        window, "Leftover Journal", f"{exc}.\n\nSet {projectfile.journal(path).name} aside "
        "(renamed, not deleted) and open the project as it is in its file?",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    if answer != QMessageBox.StandardButton.Open:
        return False
    projectfile.set_journal_aside(path)
    return True


def install_message_hook(window: MainWindow) -> None:
    """Show a failure no view caught as a message box, not a traceback on the console:
    a core error says what happened in a sentence (a full disk, a read-only file)."""
    previous = sys.excepthook

    def hook(kind, exc, tb):
        if isinstance(exc, ProjectFileMovedError):  # a view read after the file went:
            window.file_guard.check()  # told once, with the offer to save a copy
        elif isinstance(exc, QuireError | OSError):
            window.show_error("Quire", exc)
        elif isinstance(exc, DBAPIError) and window.session and window.session.team:
            # a view read while the team project's server was out of reach: the status
            # bar says so already, and the view reads again when it comes back
            window.statusBar().showMessage(refusal_text(exc), 5000)
        else:
            previous(kind, exc, tb)

    sys.excepthook = hook
