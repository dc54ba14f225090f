"""The team flow in a real window on a real X server (run by test_team_xvfb.py under
Xvfb): File ▸ Open Team Project… with the form and the password prompt answered as a
person would (typing into the shown dialogs), coding, and a teammate's coding arriving.
Prints what it saw as JSON; saves screenshots of the dialogs and the window.

python -m tests.desktop.team_xvfb_flow OWNER_URL SOURCE_ID CODE_ID ARTIFACTS
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from db import project
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from desktop.app import application
from desktop.dialogs.team_connect import TeamAddressDialog
from desktop.main_window import MainWindow
from tests.desktop.team_support import SECRET, as_login


def _type(edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    QTest.keyClicks(edit, text)


class Person:
    """Answers the dialogs the window shows, as they come up."""

    def __init__(self, url: str, artifacts: Path):
        from sqlalchemy.engine import make_url

        self.url, self.artifacts, self.seen = make_url(url), artifacts, []
        self.timer = QTimer(interval=100)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, TeamAddressDialog) and "form" not in self.seen:
            self.seen.append("form")
            _type(modal.host_edit, self.url.host)
            modal.port_spin.setValue(self.url.port)
            _type(modal.database_edit, self.url.database)
            _type(modal.user_edit, "nadia")
            QApplication.processEvents()
            modal.grab().save(str(self.artifacts / "team_open_dialog.png"))
            modal.accept()
        elif isinstance(modal, QInputDialog) and "password" not in self.seen:
            self.seen.append("password")
            edit = modal.findChild(QLineEdit)
            QTest.keyClicks(edit, SECRET)
            QApplication.processEvents()
            modal.grab().save(str(self.artifacts / "team_password.png"))
            modal.accept()


def _wait(condition, seconds: float) -> float:
    start = time.monotonic()
    while not condition() and time.monotonic() - start < seconds:
        QApplication.processEvents()
        time.sleep(0.01)
    return time.monotonic() - start


def main(url: str, sid: int, code: int, artifacts: Path) -> dict:
    app, _ = application([])
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    person = Person(url, artifacts)
    window.team.action_open.trigger()  # the form, then the password prompt
    person.timer.stop()
    team = window.session.team
    _wait(lambda: team.link._last is True, 5)
    window.show_span(sid, 4, 10)
    mine = window.reader.coding.apply_code(code)
    with project.open_url(as_login(url, "omar")) as p, p.session() as s:
        omar = ensure_coder(s, name="omar").value
        code_span(s, source_id=sid, start=37, end=50, code_id=code, coder_id=omar)
    latency = _wait(lambda: len(window.reader.excerpts()) == 2, 3)
    _wait(lambda: False, 0.3)
    window.grab().save(str(artifacts / "team_window_live.png"))
    seen = {"platform": app.platformName(), "dialogs": person.seen, "mine": mine,
            "login": team.login, "role": team.role, "latency": latency,
            "coders": sorted(e["coder"] for e in window.reader.excerpts()),
            "status": window.team.status_label.text()}
    window.close()
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))))
