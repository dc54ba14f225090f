"""The Team pane (who is connected, who coded what; the owner's members and options) and
File ▸ Push to Server… / Take an Offline Copy…, against the real SCRAM test server."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from db import project
from db.models import Excerpt, Source
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from db.team import members
from tests.desktop.codebook_support import ARTIFACTS
from tests.desktop.process_support import make_project_file
from tests.desktop.team_support import answer_form, as_login, classroom


@pytest.fixture
def boxes(monkeypatch):
    shown: list = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, title, text, *_a, k=kind, **_kw:
                            shown.append((k, title, text)) or QMessageBox.StandardButton.Ok)
    return shown


@pytest.fixture
def window(shown_window):
    return shown_window


def _rows(tree) -> list[list[str]]:
    return [[tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
            for i in range(tree.topLevelItemCount())]


def _code_as(url, login, sid, code, start, end):
    with project.open_url(as_login(url, login)) as p, p.session() as s:
        me = ensure_coder(s, name=login).value
        code_span(s, source_id=sid, start=start, end=end, code_id=code, coder_id=me)


def test_the_team_pane_shows_who_is_here_and_who_coded_what(window, team, scram, qtbot,
                                                            monkeypatch, boxes):
    url, pgpass = team
    sid, code = classroom(url, pgpass, scram.port)
    _code_as(url, "sara", sid, code, 4, 10)
    _code_as(url, "sara", sid, code, 11, 17)
    _code_as(url, "omar", sid, code, 37, 50)
    assert window.open_project(url.replace("+psycopg", ""))
    pane = window.team.pane
    qtbot.waitUntil(pane.isVisible)
    with project.open_url(as_login(url, "omar")) as p:  # omar is in, too
        with p.sessions() as s:
            s.scalar(select(1))  # (his connection stays open, idle, in the pool)
        pane.refresh()
        here = _rows(pane.connected_tree)
    assert ["omar", "coder", "1"] in here and any(r[0] == "postgres" for r in here)
    assert _rows(pane.work_tree) == [["sara", "2", "2"], ["omar", "1", "1"]]
    assert pane.owner_box.isVisible()
    logins = {r[0]: r[1] for r in _rows(pane.members_tree)}
    assert logins["lena"] == "reader" and logins["sara"] == "coder"

    pane.login_edit.setText("kofi")
    pane.role_combo.setCurrentText("reader")
    pane.password_edit.setText("pw-kofi")
    pane.add_button.click()
    assert ["kofi", "reader", ""] in _rows(pane.members_tree) and boxes == []
    assert pane.password_edit.text() == ""
    pane.blind_check.click()  # a class exercise: coders see only their own
    assert pane.reveal_button.isEnabled()
    with project.open_url(as_login(url, "omar")) as p, p.sessions() as s:
        assert s.scalar(select(func.count(Excerpt.id))) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "team_pane_owner.png"))
    bar = pane.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())  # the owner's part: members and options
    assert window.team.dock.grab().save(str(ARTIFACTS / "team_pane_members.png"))
    pane.reveal_button.click()
    with project.open_url(as_login(url, "omar")) as p, p.sessions() as s:
        assert s.scalar(select(func.count(Excerpt.id))) == 3
    assert not pane.blind_check.isChecked() and not pane.reveal_button.isEnabled()
    pane.login_edit.setText("kofi")
    pane.remove_button.click()
    assert "kofi" not in {r[0] for r in _rows(pane.members_tree)}
    with project.open_url(url) as p, p.sessions() as s:
        assert "kofi" not in {m.login for m in members.members(s.connection())}


def test_a_refused_owner_action_is_a_sentence(window, team, scram, boxes, qtbot):
    url, pgpass = team
    classroom(url, pgpass, scram.port)
    assert window.open_project(url.replace("+psycopg", ""))
    pane = window.team.pane
    pane.login_edit.setText("x" * 70)
    pane.add_button.click()
    assert boxes == [("warning", "Team", "a login name has 1 to 63 characters")]


def test_push_a_file_then_take_an_offline_copy(window, scram, team, tmp_path, monkeypatch,
                                               boxes, qtbot):
    path, source_id, _water = make_project_file(tmp_path)
    assert window.open_project(path)
    assert window.team.action_push.isEnabled() and not window.team.action_pull.isEnabled()
    empty = scram.url(scram.new_database())
    answer_form(monkeypatch, empty)
    window.team.action_push.trigger()
    qtbot.waitUntil(lambda: len(boxes) == 1, timeout=30_000)
    kind, title, text = boxes[0]
    assert (kind, title) == ("information", "Push to Server") and "rows" in text
    assert "s3cret" not in text
    with project.open_url(empty) as p, p.sessions() as s:
        assert s.scalar(select(Source.title)) == "Raqqa" and p.name == path.stem

    assert window.open_project(empty.replace("+psycopg", ""))
    assert window.team.action_pull.isEnabled() and not window.team.action_push.isEnabled()
    copy = tmp_path / "train.quire"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    window.team.action_pull.trigger()
    qtbot.waitUntil(lambda: len(boxes) == 2, timeout=30_000)
    kind, title, text = boxes[1]
    assert (kind, title) == ("information", "Take an Offline Copy")
    assert str(copy) in text and "File ▸ Merge a Project…" in text
    with project.open(copy) as p, p.sessions() as s:
        assert s.scalar(select(Source.id)) == source_id  # identities kept
