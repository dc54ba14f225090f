"""The Team pane of a team project: who is connected, who coded what, and for the owner
the members, their roles and the options the server enforces.

It reads again when the project changes (``project_changed``: a teammate's coding moves
the counts), when the member's standing changes, and every few seconds while shown
(people come and go without writing anything). The owner's actions are server
administration, not project data: they are not steps of the undo history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from db.errors import QuireError
from db.team import admin, members, presence
from db.team.schema import CHANNEL, ROLES

if TYPE_CHECKING:
    from desktop.session import ProjectSession

REFRESH_MS = 5000
BLIND = "Coders see only their own codings until revealed (a class exercise)"
OPEN_CODEBOOK = "Coders may change the codebook"


def _tree(parent: QWidget, headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setMinimumHeight(60)
    tree.setMaximumHeight(110)  # a few rows; more scroll
    return tree


class TeamPane(QWidget):
    """Who is on the team project, and (for its owner) the members and options."""

    message = Signal(str)  # a sentence for the status bar

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self.who_label = QLabel(self)
        self.who_label.setWordWrap(True)
        self.connected_tree = _tree(self, ["Connected now", "Role", "Connections"])
        self.work_tree = _tree(self, ["Coder", "Excerpts", "Codings"])
        self.owner_box = self._make_owner_box()
        inner = QWidget(self)
        self.scroll = scroll = QScrollArea(self)  # a short dock scrolls, never clips
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        column = QVBoxLayout(inner)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.who_label)
        column.addWidget(self.connected_tree)
        column.addWidget(QLabel("Who coded what:", self))
        column.addWidget(self.work_tree)
        column.addWidget(self.owner_box, 1)
        column.addStretch(0)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.set_session(None)

    def _make_owner_box(self) -> QGroupBox:
        box = QGroupBox("Members (you own this project)", self)
        self.members_tree = _tree(box, ["Login", "Role", "Connected"])
        self.members_tree.setMinimumHeight(110)
        self.login_edit = QLineEdit(box)
        self.login_edit.setPlaceholderText("login")
        self.role_combo = QComboBox(box)
        self.role_combo.addItems(list(ROLES))
        self.role_combo.setCurrentText("coder")
        self.password_edit = QLineEdit(box)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password (new login)")
        self.add_button = QPushButton("Add / Change Role", box)
        self.remove_button = QPushButton("Remove", box)
        self.codebook_check = QCheckBox(OPEN_CODEBOOK, box)
        self.blind_check = QCheckBox(BLIND, box)
        self.reveal_button = QPushButton("Reveal Everyone's Codings", box)
        self._connect_owner_box()
        row = QHBoxLayout()
        for widget in (self.login_edit, self.role_combo, self.password_edit):
            row.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column = QVBoxLayout(box)
        column.addWidget(self.members_tree, 1)
        column.addLayout(row)
        column.addLayout(buttons)
        column.addWidget(self.codebook_check)
        column.addWidget(self.blind_check)
        column.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _connect_owner_box(self) -> None:
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.codebook_check.clicked.connect(
            lambda on: self._set_option("open_codebook", on))
        self.blind_check.clicked.connect(lambda on: self._set_option("blind", on))
        self.reveal_button.clicked.connect(lambda: self._set_option("blind", False))
        self.members_tree.currentItemChanged.connect(self._on_members_current_changed)

    # -- the session ---------------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Show the team of ``session``'s project (None, or a project file: nothing)."""
        if self._session is not None and self._session.team is not None:
            self._session.project_changed.disconnect(self._on_project_changed)
            self._session.team.changed.disconnect(self.refresh)
        self._session = session if session is not None and session.team is not None else None
        if self._session is not None:
            self._session.project_changed.connect(self._on_project_changed)
            self._session.team.changed.connect(self.refresh)
            self._timer.start()
        else:
            self._timer.stop()
        self.refresh()

    def refresh(self) -> None:
        """Read who is connected, who coded what and (for the owner) the members."""
        team = self._session.team if self._session is not None else None
        self.owner_box.setVisible(team is not None and team.is_owner())
        for tree in (self.connected_tree, self.work_tree, self.members_tree):
            tree.clear()
        if team is None:
            self.who_label.setText("A team project's members show here.")
            return
        self.who_label.setText(f"Signed in as <b>{team.login}</b> ({team.role or 'no role'})"
                               + ("" if team.connected else " — <b>not connected</b>"))
        try:
            self._fill(team)
        except SQLAlchemyError:
            self.who_label.setText(self.who_label.text() + "<br>The server cannot be "
                                   "reached now; this list will come back with it.")

    def _fill(self, team) -> None:
        with self._session.read() as s:
            conn = s.connection()
            here = presence.connected(conn)
            work = presence.coded_by(s)
            people = members.members(conn) if team.is_owner() else []
        roles = {m.login: m.role for m in people}
        for p in here:
            role = roles.get(p.login, team.role if p.login == team.login else "")
            QTreeWidgetItem(self.connected_tree, [p.login, role, str(p.connections)])
        for w in work:
            QTreeWidgetItem(self.work_tree, [w.coder, f"{w.excerpts:,}", f"{w.codings:,}"])
        for m in people:
            QTreeWidgetItem(self.members_tree,
                            [m.login, m.role, "yes" if m.connected else ""])
        self.codebook_check.setChecked(team.options.get("open_codebook", False))
        self.blind_check.setChecked(team.options.get("blind", False))
        self.reveal_button.setEnabled(team.options.get("blind", False))

    def _on_project_changed(self, _changes: object, _initiator: object) -> None:
        if self.isVisible():
            self.refresh()

    def _on_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()

    # -- the owner's actions -------------------------------------------------------------

    def _on_members_current_changed(self, item: QTreeWidgetItem | None, *_args) -> None:
        if item is not None:
            self.login_edit.setText(item.text(0))
            self.role_combo.setCurrentText(item.text(1))

    def _on_add_button_clicked(self) -> None:
        login, role = self.login_edit.text().strip(), self.role_combo.currentText()
        password = self.password_edit.text() or None
        if self._administer(lambda conn: members.add_member(conn, login=login, role=role,
                                                             password=password)):
            self.password_edit.clear()
            self.message.emit(f"{login} is now a {role} of this project.")

    def _on_remove_button_clicked(self) -> None:
        login = self.login_edit.text().strip()
        if login and self._administer(lambda conn: members.remove_member(conn, login=login)):
            self.message.emit(f"{login} no longer has a role on this project.")

    def _administer(self, action) -> bool:
        """Run one owner's action on the server; a refusal is a sentence."""
        try:
            with self._session.project.engine.begin() as conn:
                action(conn)
        except (QuireError, SQLAlchemyError) as exc:
            self._warn(exc)
            return False
        self.refresh()
        return True

    def _set_option(self, option: str, on: bool) -> None:
        team = self._session.team
        try:
            admin.set_option(team.address, option, on, password=team.password)
            with self._session.project.engine.begin() as conn:  # wake every window
                conn.execute(text("SELECT pg_notify(:c, '')"), {"c": CHANNEL})
        except (QuireError, SQLAlchemyError) as exc:
            self._warn(exc)
        team.refresh(self._session)

    def _warn(self, exc: BaseException) -> None:
        from desktop.undo import refusal_text

        QMessageBox.warning(self, "Team", refusal_text(exc))
