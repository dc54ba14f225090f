"""Where a team project lives: the server's address, asked in a form, and its password,
asked only when libpq found none (``.pgpass``, a service file, ``PGPASSWORD``).

The form builds a ``postgresql://USER@HOST:PORT/DATABASE`` address (with the TLS mode
and a root certificate as libpq options); it never holds a password. A password typed
at connect time is returned to the caller, who keeps it in memory only.
"""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url

from db.team.address import redact

TLS_MODES = (("prefer", "Use TLS if the server offers it (libpq's default)"),
             ("require", "Require TLS"),
             ("verify-ca", "Require TLS and check the server's certificate"),
             ("verify-full", "Require TLS, check the certificate and the host name"),
             ("disable", "Never use TLS (a trusted local network only)"))
PASSWORD_HINT = ("No password is asked here: Quire uses your .pgpass file, a service "
                 "file or PGPASSWORD, or asks when it connects, and keeps it only in "
                 "memory until the project closes.")
NEEDS_PASSWORD = ("no password supplied", "password authentication failed")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class TeamAddressDialog(QDialog):
    """Host, port, database, user and TLS options of a team project (``name``: also the
    name of a project to create)."""

    def __init__(self, title: str, parent: QWidget | None = None, *, name: bool = False,
                 address: str = "", intro: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.host_edit = QLineEdit("localhost", self)
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.database_edit = QLineEdit(self)
        self.user_edit = QLineEdit(_login(), self)
        self.tls_combo = QComboBox(self)
        for mode, text in TLS_MODES:
            self.tls_combo.addItem(text, mode)
        self.cert_edit = QLineEdit(self)
        self.cert_edit.setPlaceholderText("(the system's certificates)")
        self.name_edit = QLineEdit(self) if name else None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out(intro)
        if address:
            self.set_address(address)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._on_field_changed)
        self._on_field_changed()

    def _lay_out(self, intro: str) -> None:
        form = QFormLayout()
        if self.name_edit is not None:
            self.name_edit.setPlaceholderText("as the team will see it")
            form.addRow("Project &name:", self.name_edit)
        form.addRow("&Server (host):", self.host_edit)
        form.addRow("&Port:", self.port_spin)
        form.addRow("&Database:", self.database_edit)
        form.addRow("&User (your login):", self.user_edit)
        form.addRow("&TLS:", self.tls_combo)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._on_browse_clicked)
        cert = QHBoxLayout()
        cert.addWidget(self.cert_edit, 1)
        cert.addWidget(browse)
        form.addRow("Root certificate:", cert)
        column = QVBoxLayout(self)
        if intro:
            column.addWidget(self._note(intro))
        column.addLayout(form)
        column.addWidget(self._note(PASSWORD_HINT))
        column.addWidget(self.buttons)

    def _note(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        return label

    def address(self) -> str:
        """The address typed, as a ``postgresql://`` URL without a password."""
        query = {}
        if self.tls_combo.currentData() != "prefer":
            query["sslmode"] = self.tls_combo.currentData()
        if self.cert_edit.text().strip():
            query["sslrootcert"] = self.cert_edit.text().strip()
        url = URL.create("postgresql", username=self.user_edit.text().strip() or None,
                         host=self.host_edit.text().strip() or None,
                         port=self.port_spin.value(),
                         database=self.database_edit.text().strip(), query=query)
        return url.render_as_string(hide_password=False)

    def set_address(self, address: str) -> None:
        """Fill the form from an address (its password, if any, is left out)."""
        url = make_url(redact(address))
        self.host_edit.setText(url.host or "")
        self.port_spin.setValue(url.port or 5432)
        self.database_edit.setText(url.database or "")
        self.user_edit.setText(url.username or "")
        mode = self.tls_combo.findData(url.query.get("sslmode", "prefer"))
        self.tls_combo.setCurrentIndex(max(mode, 0))
        self.cert_edit.setText(str(url.query.get("sslrootcert", "")))

    def project_name(self) -> str:
        """The name for a new project (the database's name when none was typed)."""
        typed = self.name_edit.text().strip() if self.name_edit is not None else ""
        return typed or self.database_edit.text().strip()

    def _on_field_changed(self, *_args: object) -> None:
        ok = all(e.text().strip() for e in (self.host_edit, self.database_edit))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Root Certificate", "",
                                              "Certificates (*.crt *.pem *.cer);;All files (*)")
        if path:
            self.cert_edit.setText(path)


def ask_address(title: str, parent: QWidget | None = None, **kw) -> TeamAddressDialog | None:
    """Show the form; the accepted dialog (read ``address()``), or None."""
    dialog = TeamAddressDialog(title, parent, **kw)
    return dialog if dialog.exec() == QDialog.DialogCode.Accepted else None


def needs_password(message: str) -> bool:
    """Whether the server's refusal means: a (right) password is needed."""
    return any(part in message for part in NEEDS_PASSWORD)


def ask_password(address: str, parent: QWidget | None = None, again: bool = False) -> str | None:
    """Ask for the password of ``address`` (None: the user cancelled)."""
    text = (f"The server did not accept the password for\n{redact(address)}.\nTry again:"
            if again else f"Password for\n{redact(address)}:")
    password, ok = QInputDialog.getText(parent, "Server Password", text,
                                        QLineEdit.EchoMode.Password)
    return password if ok else None
