"""Who is coding: the first-run name prompt and Preferences.

Every excerpt and coding records its coder (issue 4, "Coders"). The name is asked once,
at first run, and kept in the user's settings (``desktop.settings``); Preferences change
it. Whose work the views show is :class:`desktop.widgets.coder_filter.CoderFilter`.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import settings

if TYPE_CHECKING:
    from desktop.session import ProjectSession

MAX_NAME = 200  # as the core allows (db.ops.coders)


def _guess_name() -> str:
    """The login name, as a suggestion only."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password file
        return ""


class CoderNameDialog(QDialog):
    """Ask the coder's name: what every excerpt and coding will record."""

    def __init__(self, name: str = "", parent: QWidget | None = None, *, first_run=True):
        super().__init__(parent)
        self.setWindowTitle("Welcome to Quire" if first_run else "Coder Name")
        text = QLabel("Everything you highlight and code is recorded under your name, so "
                      "that a team's work can be told apart and compared. You can change "
                      "it later in Preferences." if first_run else
                      "The name recorded on what you code from now on.", self)
        text.setWordWrap(True)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setPlaceholderText("Your name or initials")
        self.name_edit.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        form = QFormLayout()
        form.addRow("Your &name:", self.name_edit)
        column = QVBoxLayout(self)
        column.addWidget(text)
        column.addLayout(form)
        column.addWidget(self.buttons)
        self._on_name_edit_text_changed(name)

    def name(self) -> str:
        """The name typed, tidied."""
        return " ".join(self.name_edit.text().split())

    def _on_name_edit_text_changed(self, _text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name()))


def ask_coder_name(parent: QWidget | None = None) -> str:
    """Ask the coder's name and keep it in the settings; "" if the user declined.

    Declining stores nothing, so the question comes again next time.
    """
    dialog = CoderNameDialog(settings.coder_name() or _guess_name(), parent)
    if not dialog.exec() or not dialog.name():
        return ""
    settings.set_coder_name(dialog.name())
    return dialog.name()


def ensure_coder_name(parent: QWidget | None = None) -> str:
    """The coder's name from the settings, asked first if it was never given (unless the
    machine's defaults turn the question off or lock the name: desktop.site_defaults)."""
    if settings.ask_coder_name():
        return ask_coder_name(parent) or settings.coder_name()
    return settings.coder_name()


class PreferencesDialog(QDialog):
    """The user's preferences (for now, the coder's name)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(420)
        self.name_edit = QLineEdit(settings.coder_name(), self)
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setPlaceholderText("Your name or initials")
        locked = settings.is_locked("coder_name")
        self.name_edit.setReadOnly(locked)
        hint = QLabel("Set for every user of this computer by its administrator." if locked
                      else "Recorded on everything you highlight and code from now on; what "
                      "was coded before keeps the name it was coded under.", self)
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Coder name:", self.name_edit)
        form.addRow("", hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addStretch(1)
        column.addWidget(self.buttons)

    def coder_name(self) -> str:
        """The coder name typed, tidied."""
        return " ".join(self.name_edit.text().split())

    def _on_name_edit_text_changed(self, _text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.coder_name()))

    def save(self, session: ProjectSession | None = None) -> None:
        """Keep the preferences; the open project codes under the new name from now on."""
        settings.set_coder_name(self.coder_name())
        if session is not None:
            session.set_coder(self.coder_name())


def edit_preferences(session: ProjectSession | None, parent: QWidget | None = None) -> bool:
    """Show Preferences; True if the user changed and saved them."""
    dialog = PreferencesDialog(parent)
    if not dialog.exec():
        return False
    changed = dialog.coder_name() != settings.coder_name()
    dialog.save(session)
    return changed
