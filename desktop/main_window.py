"""The main window: the Reader in the middle, the Sources pane docked on the left.

It owns the open :class:`ProjectSession` (one at a time: opening or closing a project
closes the previous one), the menus, and the undo/redo actions of the open project.
With no project open it shows a welcome page instead of the Reader.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from db import __version__, project
from db.changes import Changes
from db.errors import NotFoundError, QuireError
from db.failures import os_sentence
from db.ops import bind
from db.ops.sources import delete_sources
from db.queries import sources as source_queries
from db.team.address import is_server_address
from desktop import settings
from desktop.analysis_pane import AnalysisPane
from desktop.dialogs import exchange
from desktop.dialogs.import_dialog import ImportDialog
from desktop.file_guard import FileGuard, open_refusal
from desktop.project_panes import ProjectPanes
from desktop.session import ProjectSession
from desktop.tasks import TaskRunner
from desktop.team_actions import TeamActions, recent_text
from desktop.views.guide import SHORTCUTS_TOPIC, open_guide
from desktop.views.reader import Reader
from desktop.views.sources import SourcesPane
from desktop.welcome import WelcomePage
from desktop.widgets.feedback import run_in_dialog, warn
from desktop.widgets.undo_controls import UndoControls

LAYOUT_KEY = "main_window"
DEFAULT_SIZE = (1280, 800)
SOURCES_SHARE = 0.40  # of the window's width, for the Sources pane until the user moves it
CODES_SHARE = 0.22  # and for the Codes pane
FILE_FILTER = "Quire projects (*.quire)"
TITLE = "Quire"
SLOW_DELETE = 200  # deleting more sources than this runs on the worker, with progress


class MainWindow(QMainWindow):
    """Quire's window: one open project, its sources, the reader and the menus."""

    project_opened = Signal(object)  # the new ProjectSession
    project_closed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: ProjectSession | None = None
        self._current_source: int | None = None
        self._import_dialog: QDialog | None = None
        self._dock_state = None  # the docks' layout while a project is open
        self._tasks = TaskRunner(self)  # work before a project is open (the sample)
        self.undo = UndoControls(self)
        self.file_guard = FileGuard(self)  # checkpoints; a moved, deleted or read-only file
        self._make_actions()
        self.reader = Reader(self)
        self.reader.set_import_action(self.action_import)
        self.welcome = WelcomePage([self.action_new, self.action_open, self.action_sample], self)
        self.welcome.recent_activated.connect(self.open_project)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.reader)
        self.setCentralWidget(self.pages)
        self._make_docks()
        self._make_menus()
        self._make_status_bar()
        self._restore_layout()
        self._show_welcome()

    # -- building ----------------------------------------------------------------------

    def make_action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        """An action of this window, triggering ``slot``, with an optional shortcut."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.action_new = self.make_action("&New Project…", self._on_new_action_triggered, "Ctrl+N")
        self.action_open = self.make_action("&Open Project…", self._on_open_action_triggered,
                                        "Ctrl+O")
        self.action_sample = self.make_action("Open the &Sample Project", self.open_sample)
        self.action_import = self.make_action("&Import…", self._on_import_action_triggered,
                                          "Ctrl+Shift+I")
        self.action_import_taguette = self.make_action(
            "Import &Taguette Project…", lambda: exchange.import_taguette_project(self))
        self.action_close = self.make_action("&Close Project", self.close_project, keys.Close)
        self.action_save_copy = self.make_action("Save a &Copy As…", self._on_save_copy)
        self.action_quit = self.make_action("&Quit", self.close, "Ctrl+Q")
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_undo, self.action_redo = self.undo.action_undo, self.undo.action_redo
        self.action_delete = self.make_action("&Delete Source(s)…",
                                              self._on_delete_action_triggered, keys.Delete)
        # Only while the Sources pane has focus: Delete in the reader must not remove sources.
        self.action_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action_about = self.make_action("&About Quire", self._on_about_action_triggered)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_guide = self.make_action("Quire &Guide", lambda: open_guide(self),
                                             QKeySequence.StandardKey.HelpContents)
        self.action_shortcuts = self.make_action(
            "&Keyboard Shortcuts", lambda: open_guide(self, SHORTCUTS_TOPIC))

    def _make_docks(self) -> None:
        self.sources = SourcesPane(self)
        self.sources.addAction(self.action_delete)
        self.sources.source_selected.connect(self._on_sources_source_selected)
        self.sources.selection_changed.connect(self._on_sources_selection_changed)
        self.sources.counts_changed.connect(self._on_sources_counts_changed)
        self.sources_dock = self.add_dock(self.sources, "Sources", "sources_dock",
                                          Qt.DockWidgetArea.LeftDockWidgetArea)
        self.history = self.undo.view
        self.history_dock = self.add_dock(self.history, "Undo History", "history_dock",
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        self.history_dock.hide()
        self.panes = ProjectPanes(self)
        self.analysis = AnalysisPane(self)
        self.team = TeamActions(self)
        self.welcome.add_action(self.team.action_open)

    def add_dock(self, widget: QWidget, title: str, name: str,
                 area: Qt.DockWidgetArea) -> QDockWidget:
        """Dock ``widget`` (named ``name`` so its place is remembered); View menu toggles it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.action_new, self.action_open])
        self.team.fill_file_menu(file)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file.addActions([self.action_sample, self.action_import, self.action_import_taguette])
        self.panes.fill_file_menu(file)
        file.addSeparator()
        self.team.fill_server_menu(file)
        file.addSeparator()
        file.addActions([self.action_save_copy, self.action_close, self.action_quit])
        edit = bar.addMenu("&Edit")
        edit.addActions([self.action_undo, self.action_redo])
        edit.addSeparator()
        edit.addAction(self.action_delete)
        edit.addSeparator()
        self.panes.fill_menus(edit, bar.addMenu("&Code"), bar.addMenu("&Notes"))
        self.analysis.fill_menu(bar.addMenu("&Analysis"))
        self.view_menu = bar.addMenu("&View")
        for dock in self.findChildren(QDockWidget):
            self.view_menu.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.action_guide, self.action_shortcuts])
        help_menu.addSeparator()
        help_menu.addAction(self.action_about)

    def _make_status_bar(self) -> None:
        self.counts_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.counts_label)

    # -- opening and closing projects --------------------------------------------------

    def open_project(self, path: str | Path) -> bool:
        """Open the project file ``path`` (or a team project's ``postgresql://`` address)
        instead of the current one; False if it failed."""
        if is_server_address(str(path)):
            return self.team.open_team(str(path))
        try:
            proj = project.open(Path(path))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            if open_refusal(self, Path(path), exc):
                return self.open_project(path)
            self.show_error(f"Could not open {Path(path).name}", exc)
            return False
        self.set_session(ProjectSession(proj, self))
        settings.add_recent(proj.path)
        return True

    def create_project(self, path: str | Path) -> bool:
        """Create a project file at ``path`` and open it; False if it failed."""
        try:
            proj = project.create(Path(path))
        except Exception as exc:  # noqa: BLE001
            self.show_error("Could not create the project", exc)
            return False
        self.set_session(ProjectSession(proj, self))
        settings.add_recent(proj.path)
        return True

    def open_sample(self) -> None:
        """Open the bundled sample project, building it in the background the first time."""
        self.action_sample.setEnabled(False)
        self.statusBar().showMessage("Preparing the sample project…")
        task = self._tasks.start("Preparing the sample project", _ensure_sample)
        task.finished.connect(self._on_sample_task_finished)
        task.failed.connect(self._on_sample_task_failed)

    def _on_sample_task_finished(self, path: Path) -> None:
        self.statusBar().clearMessage()
        self.action_sample.setEnabled(True)
        self.open_project(path)

    def _on_sample_task_failed(self, exc: BaseException, _traceback: str) -> None:
        self.statusBar().clearMessage()
        self.action_sample.setEnabled(True)
        self.show_error("Could not prepare the sample project", exc)

    def close_project(self) -> None:
        """Close the open project (if any) and show the welcome page."""
        if self.session is None:
            return
        self.file_guard.project_closing()
        self._dock_state = self.saveState()
        self._close_project_dialogs()
        session, self.session = self.session, None
        self.team.set_session(None)  # first: the views then disable what they need
        self.sources.set_session(None)
        self.panes.set_session(None)
        self.analysis.set_session(None)
        self._show_source(None)
        self.undo.set_history(None)
        session.project_changed.disconnect(self._on_session_project_changed)
        session.close()
        session.deleteLater()
        self._show_welcome()
        self.project_closed.emit()

    def set_session(self, session: ProjectSession) -> None:
        """Show ``session``'s project (the previous one closes first)."""
        self.close_project()
        self.session = session
        session.project_changed.connect(self._on_session_project_changed)
        self.undo.set_history(session.history)
        self.sources.set_session(session)
        self.panes.set_session(session)
        self.analysis.set_session(session)
        reader = session.team is not None and session.team.role == "reader"
        ro = " (read-only)" if session.project.read_only or reader else ""
        self.setWindowTitle(f"{TITLE} — {session.project.name}{ro}")
        self.pages.setCurrentWidget(self.reader)
        self._show_docks()
        self._enable_project_actions(True)
        self.team.set_session(session)
        self.file_guard.project_opened()
        self.project_opened.emit(session)

    def _show_welcome(self) -> None:
        self.setWindowTitle(TITLE)
        self.welcome.show_recent(settings.recent_targets())
        self.pages.setCurrentWidget(self.welcome)
        for dock in self.findChildren(QDockWidget):
            dock.hide()
            dock.toggleViewAction().setEnabled(False)
        self.counts_label.clear()
        self._enable_project_actions(False)

    def _show_docks(self) -> None:
        for dock in self.findChildren(QDockWidget):
            dock.toggleViewAction().setEnabled(True)
        if self._dock_state is None or not self.restoreState(self._dock_state):
            self.sources_dock.show()
            for dock in self.panes.default_docks():
                dock.show()
            docks = [self.sources_dock, *self.panes.default_docks()]
            widths = [int(self.width() * SOURCES_SHARE)] + [int(self.width() * CODES_SHARE)] * (
                len(docks) - 1)
            self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)
        if self.sources_dock.isHidden() and self.history_dock.isHidden():
            self.sources_dock.show()  # never leave the reader alone with no way to pick

    def _enable_project_actions(self, enabled: bool) -> None:
        for action in (self.action_import, self.action_close, self.action_save_copy,
                       *self.panes.project_actions(), *self.analysis.project_actions(),
                       *self.team.project_actions()):
            action.setEnabled(enabled)
        self.action_delete.setEnabled(enabled and bool(self.sources.selected_ids()))

    # -- menu actions ------------------------------------------------------------------

    def _start_folder(self) -> str:
        return str(settings.start_folder())  # the machine's defaults may set it

    def _on_new_action_triggered(self) -> None:
        start = str(Path(self._start_folder()) / "Untitled.quire")
        path, _ = QFileDialog.getSaveFileName(self, "New Project", start, FILE_FILTER)
        if path:
            self.create_project(path)

    def _on_open_action_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Project", self._start_folder(),
                                              FILE_FILTER)
        if path:
            self.open_project(path)

    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_targets():
            action = self.recent_menu.addAction(recent_text(path))
            action.setData(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _on_import_action_triggered(self) -> None:
        if self.session is None:
            return
        if self._import_dialog is not None:  # one at a time: bring it forward
            self._import_dialog.raise_()
            self._import_dialog.activateWindow()
            return
        self._import_dialog = ImportDialog(self.session, self)
        self._import_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._import_dialog.finished.connect(self._on_import_dialog_finished)
        self._import_dialog.open()

    def _on_save_copy(self) -> None:
        if self.session is not None:
            self.file_guard.save_copy(reopen=self.session.project.file_problem() is not None)

    def _on_import_dialog_finished(self, _result: int) -> None:
        self._import_dialog = None

    def _close_project_dialogs(self) -> None:
        """A dialog working on the project goes with it; a running import is cancelled."""
        dialog, self._import_dialog = self._import_dialog, None
        if dialog is None:
            return
        dialog.finished.disconnect(self._on_import_dialog_finished)
        dialog.cancel_import()
        dialog.hide()
        dialog.deleteLater()

    def _on_delete_action_triggered(self) -> None:
        ids = self.sources.selected_ids()
        if self.session is None or not ids or not self._confirm_delete(ids):
            return
        label = "Delete source" if len(ids) == 1 else f"Delete {len(ids):,} sources"
        step = self.session.run(bind(delete_sources, source_ids=ids),
                                label=label, initiator=self, slow=len(ids) > SLOW_DELETE,
                                refused=warn(self, "Delete Sources"))
        if step.task is not None:
            run_in_dialog(f"Deleting {len(ids):,} sources", step.task, self,
                          cancelling="Cancelling… (nothing will be deleted)")

    def _confirm_delete(self, ids: list[int]) -> bool:
        what = "this source" if len(ids) == 1 else f"these {len(ids):,} sources"
        answer = QMessageBox.question(
            self, "Delete Sources",
            f"Delete {what} with the excerpts, codings and memos anchored in them?\n\n"
            "Edit ▸ Undo brings them back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _on_about_action_triggered(self) -> None:
        QMessageBox.about(self, "About Quire", about_html())

    def show_span(self, source_id: int, start: int, end: int) -> None:
        """Show a source in the Reader with ``[start, end)`` selected and in view."""
        if source_id != self._current_source:
            self._show_source(source_id)
        if self._current_source == source_id and end > start:
            self.reader.select_span(start, end)
            self.reader.scroll_to(start)

    # -- what the panes and the session report -----------------------------------------

    def _on_sources_source_selected(self, source_id: int) -> None:
        self._show_source(source_id)

    def _on_sources_selection_changed(self) -> None:
        self.action_delete.setEnabled(self.session is not None
                                      and self.sources.table.selectionModel().hasSelection())

    def _on_sources_counts_changed(self, shown: int, total: int) -> None:
        self.panes.sources_filtered(self.sources.model.filters if shown < total else None)
        noun = "source" if total == 1 else "sources"
        text = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun} shown"
        self.counts_label.setText(text)
        self.reader.show_project_empty(total == 0)

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if self._current_source in changes.ids.get("sources", ()):
            self._show_source(self._current_source)  # changed or gone

    def _show_source(self, source_id: int | None) -> None:
        """Load one source into the reader (None, or a source that is gone: nothing)."""
        detail = None
        if source_id is not None and self.session is not None:
            try:
                with self.session.read() as s:
                    detail = source_queries.detail(s, source_id)
            except NotFoundError:
                source_id = None
        self._current_source = source_id
        self.reader.show_source(detail)
        self.sources.show_source(source_id)  # the Sources pane follows the Reader
        self.panes.source_shown(source_id)

    # -- messages, layout, closing -----------------------------------------------------

    def show_error(self, title: str, exc: BaseException) -> None:
        """Tell the user what went wrong in words, never with a traceback."""
        if isinstance(exc, OSError):
            text = os_sentence(exc)
        elif isinstance(exc, QuireError):
            text = str(exc)
        else:
            text = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        QMessageBox.warning(self, title, text)

    def _restore_layout(self) -> None:
        geometry, state = settings.layout(LAYOUT_KEY)
        if not (geometry and self.restoreGeometry(geometry)):
            self.resize(*DEFAULT_SIZE)
        self._dock_state = state or None

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout, then close the project."""
        state = self.saveState() if self.session is not None else self._dock_state
        settings.save_layout(LAYOUT_KEY, self.saveGeometry(), state or self.saveState())
        self.close_project()
        self._tasks.cancel_all()
        self._tasks.wait()
        super().closeEvent(event)


def about_html() -> str:
    """The About box: the version and the components' versions (as ``quire --version
    --verbose`` prints them, with the Qt actually loaded), and where the notices are."""
    from PySide6.QtCore import qVersion

    from desktop.about import components, notices_path

    rows = "".join(f"<tr><td>{escape(name)}</td><td>&nbsp;&nbsp;{escape(version)}</td></tr>"
                   for name, version in components(qVersion()))
    notices = notices_path()
    where = (f"<p>Third-party licences: <code>{escape(str(notices))}</code></p>"
             if notices else "")
    return (f"<h3>Quire {__version__}</h3><p>An offline workbench for qualitative research "
            "on articles and social-media posts.</p>"
            "<p>Licensed under the GNU GPL, version 3 or later.</p>"
            f"<p>Built on:</p><table>{rows}</table>{where}")


def _ensure_sample(progress=None, cancelled=None) -> Path:
    """Build (once) and locate the sample project; runs on the worker."""
    from db import sample  # imported late: it pulls in every importer

    return sample.ensure_sample_project()
