"""Helpers of the team-window tests: a class on the SCRAM test server, the address form
filled as a person would, and a window on a team project."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from sqlalchemy.engine import make_url

from db import project
from db.ops.codes import create_code
from db.team import members
from desktop.dialogs.team_connect import TeamAddressDialog
from tests.db.coding_support import add_source
from tests.postgres_support import allow

TEXT = "The convoy reached the camp at dawn. Nobody spoke. The water ran out by noon."
SECRET = "Sesame-7-Nadia"  # nadia's password: not in .pgpass, asked for by the window


def as_login(url: str, login: str) -> str:
    """The team project's address for another member (no password in it)."""
    return url.replace("postgresql+psycopg://postgres@", f"postgresql://{login}@")


def classroom(url: str, pgpass, port: int) -> tuple[int, int]:
    """One source and the code Arrival; sara and omar code, lena reads, and nadia codes
    but must type her password. Returns (source id, code id)."""
    with project.open_url(url) as p, p.session() as s:
        sid = add_source(s, TEXT)
        code = create_code(s, name="Arrival").value
    with project.open_url(url) as p, p.engine.begin() as conn:
        for login, role in (("sara", "coder"), ("omar", "coder"), ("lena", "reader"),
                            ("nadia", "coder")):
            password = SECRET if login == "nadia" else f"pw-{login}"
            members.add_member(conn, login=login, role=role, password=password)
    for login in ("sara", "omar", "lena"):
        allow(pgpass, port, login, f"pw-{login}")
    return sid, code


def answer_form(monkeypatch, url: str, login: str | None = None, name: str = "") -> list:
    """Make the address form fill itself with ``url`` (as ``login``) and be accepted;
    the list collects the dialogs shown."""
    shown: list = []
    parsed = make_url(url)

    def exec_(dialog: TeamAddressDialog) -> int:
        dialog.host_edit.setText(parsed.host)
        dialog.port_spin.setValue(parsed.port)
        dialog.database_edit.setText(parsed.database)
        dialog.user_edit.setText(login or parsed.username)
        if dialog.name_edit is not None:
            dialog.name_edit.setText(name)
        shown.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TeamAddressDialog, "exec", exec_)
    return shown


def answer_password(monkeypatch, password: str | None) -> list:
    """Make the password question answer ``password`` (None: Cancel); the list collects
    the questions asked."""
    asked: list = []

    def get_text(_parent, title, label, _echo):
        asked.append(label)
        return (password or "", password is not None)

    monkeypatch.setattr("desktop.dialogs.team_connect.QInputDialog.getText", get_text)
    return asked
