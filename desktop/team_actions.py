"""Team projects in the window: File ▸ New/Open Team Project…, Push to Server…, Take
Offline Copy…, the Team pane, the connection in the status bar, and the member's role
shown on the editing actions.

A password is asked only when libpq found none, and kept in memory only (in the open
session's :class:`desktop.team_session.TeamState`); Recent remembers the address without
it. What the server refuses is said in a sentence; a reader's window offers no editing
and a coder's no codebook changes unless the owner allowed them, each disabled action
saying why in its tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu

from db import project
from db.errors import NotAProjectError
from db.team import admin, transfer
from db.team.address import ServerError, redact, server_engine, server_errors
from desktop import settings
from desktop.dialogs.team_connect import ask_address, ask_password, needs_password
from desktop.session import ProjectSession
from desktop.views.team import TeamPane
from desktop.widgets.feedback import run_in_dialog
from desktop.widgets.write_gate import WriteGate

MAX_TRIES = 3
# The server's notifications wake the watch at once; the poll is only a fallback.
TEAM_POLL_MS = 5000
MERGE_HINT = ("Work on the copy anywhere, offline. To bring that work back, open this "
              "team project and choose File ▸ Merge a Project… with the copy: you see a "
              "preview, and the merge is one step you can undo.")
LOST = "Lost the connection to the server; reconnecting… (nothing you did is lost)"
BACK = "Connected to the server again."


class TeamActions(QObject):
    """The team-project part of a main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.session: ProjectSession | None = None
        self.gate = WriteGate(self)
        self.pane = TeamPane(window)
        self.pane.message.connect(lambda text: window.statusBar().showMessage(text, 5000))
        self.dock = window.add_dock(self.pane, "Team", "team_dock",
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.status_label = QLabel(window)
        self.status_label.setContentsMargins(16, 0, 4, 0)
        make = window.make_action
        self.action_new = make("New &Team Project…", self._on_new_action_triggered)
        self.action_open = make("Open T&eam Project…", self._on_open_action_triggered)
        self.action_push = make("&Push to Server…", self._on_push_action_triggered)
        self.action_pull = make("Take an O&ffline Copy…", self._on_pull_action_triggered)
        self.action_pane = make("Team &Members…", self._on_pane_action_triggered)

    def fill_file_menu(self, file: QMenu) -> None:
        """The team actions, below opening projects."""
        file.addActions([self.action_new, self.action_open])

    def fill_server_menu(self, file: QMenu) -> None:
        """Moving a project between a file and a server, and the Team pane."""
        file.addActions([self.action_push, self.action_pull, self.action_pane])

    def project_actions(self) -> list[QAction]:
        """The actions that need an open project (of the right kind: see set_session)."""
        return [self.action_push, self.action_pull, self.action_pane]

    # -- opening -------------------------------------------------------------------------

    def open_team(self, address: str, create_name: str | None = None) -> bool:
        """Open (after creating it, with ``create_name``) the team project at ``address``,
        asking for a password when the server wants one; False if it did not open."""
        def attempt(password: str | None):
            if create_name is not None:
                admin.init_project(address, name=create_name, password=password)
            return project.open_url(address, password)

        title = "Could not create the team project" if create_name else \
            "Could not open the team project"
        opened = self.with_password(address, attempt, title)
        if opened is None:
            return False
        self.window.set_session(ProjectSession(opened, self.window, poll_ms=TEAM_POLL_MS))
        settings.add_recent(address)
        return True

    def with_password(self, address: str, attempt: Callable, title: str):
        """``attempt(password)``: first with what libpq finds, then with a password asked
        for (up to three times). Its result, or None after a refusal (said in a box)."""
        password, asked = None, 0
        while True:
            try:
                return attempt(password)
            except ServerError as exc:
                if not needs_password(str(exc)) or asked >= MAX_TRIES:
                    return self.window.show_error(title, exc)
                password = ask_password(address, self.window, again=password is not None)
                if password is None:
                    return None
                asked += 1
            except Exception as exc:  # noqa: BLE001 - every failure becomes a message
                return self.window.show_error(title, exc)

    def _on_new_action_triggered(self) -> None:
        dialog = ask_address("New Team Project", self.window, name=True, intro=(
            "Create a team project in an empty database on a PostgreSQL server (your lab's, "
            "or one started on a lab machine: see the README). You become its owner."))
        if dialog is not None:
            self.open_team(dialog.address(), create_name=dialog.project_name())

    def _on_open_action_triggered(self) -> None:
        dialog = ask_address("Open Team Project", self.window)
        if dialog is not None:
            self.open_team(dialog.address())

    # -- the open project ----------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Follow the newly opened project (None when it closes)."""
        self.session = session
        team = session.team if session is not None else None
        self.action_push.setEnabled(session is not None and team is None)
        self.action_pull.setEnabled(team is not None)
        self.action_pane.setEnabled(team is not None)
        self.pane.set_session(session)
        if team is None:
            self.gate.open_all()
            self.status_label.hide()
            return
        for menu in self.window.menuBar().findChildren(QMenu):
            menu.setToolTipsVisible(True)  # a greyed action says why (only those set one)
        team.changed.connect(self._on_team_changed)
        team.link.connection_changed.connect(self._on_link_connection_changed)
        self._show_dock()
        self._on_team_changed()

    def _show_dock(self) -> None:
        """Show the Team pane below the codebook, with room for the owner's part."""
        w = self.window
        if self.dock.isHidden():
            self.dock.show()
            w.resizeDocks([w.panes.codes_dock, self.dock],
                          [w.height() * 2 // 5, w.height() * 3 // 5], Qt.Orientation.Vertical)
            w.resizeDocks([self.dock], [max(self.dock.width(), 420)],
                          Qt.Orientation.Horizontal)

    def _on_team_changed(self) -> None:
        team = self.session.team if self.session is not None else None
        if team is None:
            return
        self.window.statusBar().addPermanentWidget(self.status_label)
        self.status_label.setText(team.describe())
        self.status_label.setStyleSheet("" if team.connected else "color: #b71c1c")
        self.status_label.show()
        self.gate.open_all()
        write = team.write_refusal()
        if write:
            self.gate.close(self.editing_targets(), write)
        elif team.codebook_refusal():
            self.gate.close(self.codebook_targets(), team.codebook_refusal())

    def _on_link_connection_changed(self, up: bool) -> None:
        self.window.statusBar().showMessage(BACK if up else LOST, 0 if not up else 5000)
        if up and self.session is not None:
            self.session.team.refresh(self.session)

    def editing_targets(self) -> list:
        """Every action and button that changes the project."""
        w, panes = self.window, self.window.panes
        return [w.action_import, w.action_delete, w.action_undo, w.action_redo,
                panes.action_merge, panes.action_import_qdpx, panes.action_code_hits,
                *panes.reader.coding_actions(), panes.memos.new_button,
                panes.memos.delete_button, panes.memos.actions_by_name["delete"],
                *self.codebook_targets()]

    def codebook_targets(self) -> list:
        """The actions and buttons that change the codebook."""
        panes = self.window.panes
        coding = panes.reader.coding.actions
        return [*panes.codes.actions_by_name.values(), panes.codes.new_button,
                panes.action_import_qdc, coding["in_vivo"]]

    # -- moving between a file and a server ----------------------------------------------

    def _on_push_action_triggered(self) -> None:
        session = self.session
        if session is None or session.team is not None:
            return
        dialog = ask_address("Push to Server", self.window, intro=(
            f"Copy {session.project.path.name} onto a team project: an empty database "
            "(the team project is created in it) or a new, empty team project. Every "
            "source, code and coding keeps its identity."))
        if dialog is None:
            return
        address, name = dialog.address(), session.project.name
        found = self.with_password(address, lambda pw: (_reachable(address, pw), pw),
                                   "Could not reach the server")
        if found is None:
            return
        password = found[1]
        session.project.checkpoint()
        local = session.project.path
        task = session.tasks.start("Pushing to the server", lambda progress, cancelled:
                                   _push(local, address, name, password, progress))
        run_in_dialog("Push to Server", task, self.window, failed="Could not push", finished=(
            lambda n: f"Pushed {local.name} ({n:,} rows) to {redact(address)}.\n\nThe team "
                      "opens it with File ▸ Open Team Project…"))

    def _on_pull_action_triggered(self) -> None:
        session = self.session
        if session is None or session.team is None:
            return
        start = str(Path(self.window._start_folder()) / f"{session.project.name} (copy).quire")
        path, _ = QFileDialog.getSaveFileName(self.window, "Take an Offline Copy", start,
                                              "Quire projects (*.quire)")
        if not path:
            return
        target, engine = Path(path), session.project.engine
        task = session.tasks.start("Taking an offline copy", lambda progress, cancelled:
                                   transfer.pull(engine, target, progress))
        run_in_dialog("Take an Offline Copy", task, self.window, failed="Could not take a copy",
                      finished=lambda n: f"Saved an offline copy at {target} ({n:,} rows)."
                                         f"\n\n{MERGE_HINT}")

    def _on_pane_action_triggered(self) -> None:
        self._show_dock()
        self.dock.raise_()


def _reachable(address: str, password: str | None) -> str:
    """"" when the server lets the user in with ``password`` (ServerError otherwise)."""
    engine = server_engine(address, password)
    try:
        with server_errors(address), engine.connect():
            return ""
    finally:
        engine.dispose()


def _push(local: Path, address: str, name: str, password: str | None, progress) -> int:
    """Create the team project if the database is empty, then copy ``local`` onto it
    (on the worker)."""
    try:
        target = project.open_url(address, password)
    except NotAProjectError:
        admin.init_project(address, name=name, password=password)
        target = project.open_url(address, password)
    with target:
        return transfer.push(local, target.engine, redact(address), progress)


def recent_text(target: Path | str) -> str:
    """How a recent project is listed: a file's name and folder, a team project's
    database and server."""
    if isinstance(target, Path):
        return f"{target.stem}  —  {target.parent}"
    rest = target.split("@", 1)[-1].split("?", 1)[0]
    server, _, database = rest.partition("/")
    return f"{database}  —  team project on {server}"
