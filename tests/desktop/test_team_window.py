"""Team projects in the window, against a real PostgreSQL server that asks for passwords:
opening one from the form or from Recent, passwords kept out of settings and logs,
roles shown on the actions and enforced by the server, live updates, conflicts."""

from __future__ import annotations

import logging
import time

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from db import project
from db.models import Code, Excerpt
from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import rename_code
from db.ops.coding import code_span
from db.resources import config_dir
from desktop import settings
from desktop.team_session import CLOSED_CODEBOOK, READER
from desktop.watch import ELSEWHERE
from tests.desktop.process_support import make_project_file
from tests.desktop.team_support import (
    SECRET,
    answer_form,
    answer_password,
    as_login,
    classroom,
)


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes recorded instead of shown: (kind, title, text)."""
    shown: list = []
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, title, text, *_a, k=kind, **_kw:
                            shown.append((k, title, text)) or QMessageBox.StandardButton.Ok)
    return shown


@pytest.fixture
def world(team, scram):
    url, pgpass = team
    sid, code = classroom(url, pgpass, scram.port)
    return url, sid, code


@pytest.fixture
def window(shown_window, monkeypatch):
    monkeypatch.setattr("desktop.team_actions.TEAM_POLL_MS", 60_000)  # the listener's job
    return shown_window


def _open_as(window, monkeypatch, url, login):
    answer_form(monkeypatch, url, login)
    window.team.action_open.trigger()
    assert window.session is not None and window.session.team is not None
    return window.session


def test_open_team_project_asks_a_password_once_and_never_keeps_it(
        window, world, monkeypatch, boxes, caplog, capfd):
    url, sid, _code = world
    caplog.set_level(logging.DEBUG)
    asked = answer_password(monkeypatch, SECRET)
    session = _open_as(window, monkeypatch, url, "nadia")
    assert len(asked) == 1 and "nadia@127.0.0.1" in asked[0] and SECRET not in asked[0]
    team = session.team
    assert (team.login, team.role) == ("nadia", "coder")
    assert session.coder_name == "nadia"  # the login is the coder
    assert window.windowTitle() == "Quire — Class of 2026"
    assert "nadia (coder)" in window.team.status_label.text()
    window.show_span(sid, 4, 10)
    assert window.reader.coding.apply_code(_code_id(session, "Arrival"))
    window.close_project()

    recent = settings.recent_targets()
    assert recent[0] == as_login(url, "nadia").replace("postgresql+psycopg", "postgresql")
    assert "team project on 127.0.0.1" in window.welcome.recent.item(0).text()
    asked.clear()
    window.welcome.recent_activated.emit(recent[0])  # Recent asks again: nothing was kept
    assert len(asked) == 1 and window.session.team.login == "nadia"
    with window.session.read() as s:
        assert s.scalar(select(Excerpt.start)) == 4
    window.close_project()
    settings.settings().sync()
    stored = "".join(p.read_text(errors="replace") for p in config_dir().rglob("*")
                     if p.is_file())
    out, err = capfd.readouterr()
    assert "nadia" in stored and SECRET not in stored
    assert SECRET not in caplog.text + out + err + repr(boxes)


def test_a_wrong_or_cancelled_password_is_a_sentence(window, world, monkeypatch, boxes):
    url, *_ = world
    asked = answer_password(monkeypatch, "not-it")
    answer_form(monkeypatch, url, "nadia")
    window.team.action_open.trigger()
    assert window.session is None and len(asked) == 3  # asked, then asked again
    assert "did not accept" in asked[1]
    kind, title, text = boxes[-1]
    assert title == "Could not open the team project"
    assert "password authentication failed" in text and "not-it" not in text
    assert "Traceback" not in text
    answer_password(monkeypatch, None)
    window.team.action_open.trigger()  # Cancel: nothing opens, nothing more is said
    assert window.session is None and len(boxes) == 1


def test_new_team_project_creates_and_opens_it(window, scram, team, monkeypatch, boxes):
    url, _ = team
    empty = scram.url(scram.new_database())
    answer_form(monkeypatch, empty, name="Fieldwork 2027")
    window.team.action_new.trigger()
    assert boxes == []
    session = window.session
    assert session.project.name == "Fieldwork 2027" and session.team.role == "owner"
    assert window.team.dock.isVisible() and window.team.pane.owner_box.isVisible()


def test_a_readers_window_is_read_only_and_the_server_agrees(window, world, monkeypatch,
                                                             boxes, tmp_path):
    url, sid, code = world
    session = _open_as(window, monkeypatch, url, "lena")
    assert window.windowTitle().endswith("(read-only)")
    window.show_span(sid, 4, 10)
    in_vivo = window.reader.coding.actions["in_vivo"]
    for action in (in_vivo, window.reader.coding.actions["quick_code"],
                   window.panes.codes.actions_by_name["new"], window.action_import):
        assert not action.isEnabled() and action.toolTip().startswith(READER[:30])
    assert not window.panes.memos.new_button.isEnabled()
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert edit.toolTipsVisible()  # the reason shows on the greyed menu item too
    step = session.run(bind(ensure_coder, name="lena"), label="try")
    assert step.refused and step.message.startswith("You are a reader")
    # the server refuses too, whatever the window offers (a sentence, not a traceback)
    session.team.role = "coder"
    step = session.run(bind(code_span, source_id=sid, start=0, end=3, code_id=code,
                            coder_id=None), label="Code")
    assert "The server refused: permission denied" in step.message
    assert "INSERT" not in step.message and "Traceback" not in step.message
    window.close_project()  # a project file opened next offers everything again
    assert not in_vivo.isEnabled() and not in_vivo.toolTip().startswith(READER[:30])
    assert not window.team.gate.is_held(window.action_import)
    path, source_id, _water = make_project_file(tmp_path)
    assert window.open_project(path)
    window.show_span(source_id, 0, 6)
    assert in_vivo.isEnabled()
    assert not window.panes.codes.actions_by_name["new"].toolTip().startswith(READER[:30])


def test_a_coder_changes_the_codebook_only_when_the_owner_allows(window, world, monkeypatch,
                                                                 qtbot, boxes):
    url, sid, code = world
    session = _open_as(window, monkeypatch, url, "sara")
    window.show_span(sid, 4, 10)
    codes = window.panes.codes
    assert not codes.actions_by_name["rename"].isEnabled()
    assert codes.actions_by_name["rename"].toolTip() == CLOSED_CODEBOOK
    assert window.reader.coding.actions["quick_code"].isEnabled()  # coding is hers
    step = session.run(bind(rename_code, code_id=code, name="Arrivals"), label="Rename")
    assert step.message == CLOSED_CODEBOOK + "."
    assert window.reader.coding.apply_code(code)
    from db.team.admin import set_option

    set_option(url, "open_codebook", True)
    with project.open_url(url) as p, p.engine.begin() as conn:
        conn.exec_driver_sql("SELECT pg_notify('quire_changes', '')")
    qtbot.waitUntil(lambda: codes.actions_by_name["rename"].toolTip() != CLOSED_CODEBOOK,
                    timeout=3000)
    assert session.run(bind(rename_code, code_id=code, name="Arrivals"), label="Rename").ok


def test_a_teammates_coding_shows_in_every_view_within_a_second(window, world, monkeypatch,
                                                                qtbot):
    url, sid, code = world
    session = _open_as(window, monkeypatch, url, "sara")
    window.show_span(sid, 0, 0)
    window.panes.excerpts.show_codes([code])
    heard = []
    session.project_changed.connect(lambda changes, who: heard.append(who))
    qtbot.waitUntil(lambda: session.team.link._last is True, timeout=5000)  # listening
    with project.open_url(as_login(url, "omar")) as p, p.session() as s:
        omar = ensure_coder(s, name="omar").value
        code_span(s, source_id=sid, start=37, end=50, code_id=code, coder_id=omar)
    committed = time.monotonic()
    qtbot.waitUntil(lambda: len(window.reader.excerpts()) == 1, timeout=1000)
    qtbot.waitUntil(lambda: window.panes.excerpts.model.rowCount() == 1, timeout=1000)
    qtbot.waitUntil(lambda: window.panes.codes.model.row(code)["excerpts"] == 1, timeout=1000)
    assert time.monotonic() - committed < 1.0
    assert window.reader.excerpts()[0]["coder"] == "omar" and heard == [ELSEWHERE]


def test_a_conflict_is_a_message_and_the_view_shows_the_fresh_state(window, world,
                                                                    monkeypatch, boxes):
    url, sid, code = world
    session = _open_as(window, monkeypatch, url, "postgres")
    assert session.run(bind(rename_code, code_id=code, name="Arrivals"), label="Rename").ok
    session.team.link.notified.disconnect()  # the teammate's change is not heard yet
    with project.open_url(url) as p, p.session() as s:  # another window of the owner's
        rename_code(s, code_id=code, name="Arrival at camp")
    assert window.panes.codes.model.row(code)["name"] == "Arrivals"
    refused = []
    session.history.refused.connect(refused.append)
    session.history.undo()  # would overwrite the newer name: refused by the core
    assert len(refused) == 1 and refused[0].startswith("Could not undo “Rename")
    assert boxes == [("warning", "Undo", refused[0])] and "Traceback" not in refused[0]
    assert window.panes.codes.model.row(code)["name"] == "Arrival at camp"  # fresh state
    with session.read() as s:
        assert s.scalar(select(Code.name).where(Code.id == code)) == "Arrival at camp"


def _code_id(session, name):
    with session.read() as s:
        return s.scalar(select(Code.id).where(Code.name == name))


def test_a_coders_views_follow_the_owner_hiding_and_revealing(window, world, monkeypatch,
                                                               qtbot):
    from db.team.admin import set_option

    url, sid, code = world
    with project.open_url(as_login(url, "omar")) as p, p.session() as s:
        omar = ensure_coder(s, name="omar").value
        code_span(s, source_id=sid, start=37, end=50, code_id=code, coder_id=omar)
    session = _open_as(window, monkeypatch, url, "sara")
    window.show_span(sid, 4, 10)
    assert window.reader.coding.apply_code(code)
    assert sorted(e["coder"] for e in window.reader.excerpts()) == ["omar", "sara"]
    for blind, coders in ((True, ["sara"]), (False, ["omar", "sara"])):
        set_option(url, "blind", blind)
        with project.open_url(url) as p, p.engine.begin() as conn:  # as the Team pane does
            conn.exec_driver_sql("SELECT pg_notify('quire_changes', '')")
        qtbot.waitUntil(lambda c=coders: sorted(e["coder"] for e in window.reader.excerpts())
                        == c, timeout=2000)
        assert session.team.options["blind"] is blind
