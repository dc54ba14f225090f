"""A team project's server goes away under an open window and comes back: the window
says so, refuses actions clearly meanwhile, reconnects by itself, and nothing it had
been told was done is lost. A server of its own, since this test stops it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from db import project
from db.models import Excerpt
from db.ops.codes import create_code
from db.team.admin import init_project
from desktop.main_window import MainWindow
from desktop.team_actions import BACK, LOST
from desktop.team_session import OFFLINE
from tests.db.coding_support import add_source
from tests.desktop.team_support import TEXT
from tests.postgres_support import Cluster, server_binaries

pytestmark = pytest.mark.skipif(server_binaries() is None, reason="no PostgreSQL server")


@pytest.fixture(scope="module")
def own_server():
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


def _stop(cluster: Cluster) -> None:
    cluster._run("pg_ctl", "-D", str(cluster.data), "-m", "fast", "-w", "stop")


def _start(cluster: Cluster) -> None:
    opts = (f"-p {cluster.port} -k {cluster.data} -c listen_addresses=127.0.0.1 "
            "-c fsync=off")
    cluster._run("pg_ctl", "-D", str(cluster.data), "-o", opts, "-l",
                 str(cluster.data / "log"), "-w", "start")


@pytest.fixture
def address(own_server):
    url = own_server.url(own_server.new_database())
    init_project(url, name="Faults")
    with project.open_url(url) as p, p.session() as s:
        sid = add_source(s, TEXT)
        code = create_code(s, name="Arrival").value
    return url.replace("+psycopg", ""), sid, code


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_project()


def _excerpts(url: str) -> int:
    with project.open_url(url) as p, p.sessions() as s:
        return s.scalar(select(func.count(Excerpt.id)))


def test_a_stopped_server_is_said_refused_and_survived(window, own_server, address, qtbot):
    url, sid, code = address
    assert window.open_project(url)
    session, team = window.session, window.session.team
    qtbot.waitUntil(lambda: team.link._last is True, timeout=5000)
    window.show_span(sid, 4, 10)
    assert window.reader.coding.apply_code(code)  # acknowledged: the window showed it
    window.show_span(sid, 11, 18)
    # (a view's deferred reading done first: one that falls in the outage is said in the
    # status bar by the window's message hook, which the test's own hook replaces)
    qtbot.waitUntil(lambda: not window.panes.memos._timer.isActive(), timeout=3000)
    _stop(own_server)
    try:
        qtbot.waitUntil(lambda: not team.connected, timeout=5000)
        assert window.statusBar().currentMessage() == LOST
        assert "not connected" in window.team.status_label.text()
        refused = []
        step = session.run(lambda s: None, label="Code", refused=refused.append)
        assert step.refused == OFFLINE and refused == [OFFLINE + "."]
        assert not window.reader.coding.apply_code(code)
    finally:
        _start(own_server)
    qtbot.waitUntil(lambda: team.connected, timeout=20_000)
    assert window.statusBar().currentMessage() == BACK
    assert _excerpts(url) == 1  # what was acknowledged is there
    assert window.reader.coding.apply_code(code)  # and the window works again
    assert _excerpts(url) == 2


def test_a_restarted_server_is_reconnected_without_a_word_lost(window, own_server, address,
                                                                qtbot):
    url, sid, code = address
    assert window.open_project(url)
    team = window.session.team
    qtbot.waitUntil(lambda: team.link._last is True, timeout=5000)
    window.show_span(sid, 4, 10)
    assert window.reader.coding.apply_code(code)
    qtbot.waitUntil(lambda: not window.panes.memos._timer.isActive(), timeout=3000)
    own_server.restart()
    qtbot.waitUntil(lambda: team.link._last is False, timeout=5000)
    qtbot.waitUntil(lambda: team.connected, timeout=20_000)
    window.show_span(sid, 11, 18)
    assert window.reader.coding.apply_code(code)  # the pool's dead links were replaced
    assert _excerpts(url) == 2
