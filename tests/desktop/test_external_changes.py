"""The window notices what another process writes: a real `quire` run beside it."""

from __future__ import annotations

import pytest

from desktop.main_window import MainWindow
from desktop.watch import ELSEWHERE
from tests.desktop.codebook_support import ARTIFACTS
from tests.desktop.process_support import TEXT, quire

ARTICLE = "# Water after the battle\n\nThe pumping station was damaged in the fighting.\n"
SECONDS = 20_000  # the watch looks once a second; the other process needs time to start


@pytest.fixture
def window(qtbot, project_file):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(project_file[0])
    yield win
    win.close_project()


def test_another_process_writes_and_every_view_follows(window, project_file, qtbot, tmp_path):
    path, source_id, water = project_file
    window.show_span(source_id, 0, 0)
    panes = window.panes
    panes.excerpts.show_codes([water])
    heard = []
    window.session.project_changed.connect(lambda changes, who: heard.append((changes, who)))
    assert window.counts_label.text() == "1 source" and window.reader.excerpts() == []
    assert panes.excerpts.model.rowCount() == 0

    article = tmp_path / "water.md"
    article.write_text(ARTICLE, encoding="utf-8")
    start = TEXT.index("There is no water")
    quire(["import", str(path), str(article)],
          ["code", str(path), "--code", "Water", "--source", str(source_id),
           "--start", str(start), "--end", str(start + 17), "--coder", "Omar"])

    qtbot.waitUntil(lambda: window.counts_label.text() == "2 sources", timeout=SECONDS)
    qtbot.waitUntil(lambda: len(window.reader.excerpts()) == 1, timeout=SECONDS)
    qtbot.waitUntil(lambda: panes.excerpts.model.rowCount() == 1, timeout=SECONDS)
    assert window.reader.excerpts()[0]["coder"] == "Omar"
    assert panes.codes.model.row(water)["excerpts"] == 1
    assert {who for _, who in heard} == {ELSEWHERE}
    assert heard and any(c.touched("sources") for c, _ in heard)
    window.panes.codes_dock.show()
    ARTIFACTS.mkdir(exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "external_changes.png"))


def test_the_windows_own_writes_are_announced_once(window, project_file, qtbot):
    path, source_id, water = project_file
    session = window.session
    window.show_span(source_id, 0, 12)
    heard = []
    session.project_changed.connect(lambda changes, who: heard.append(who))
    assert window.reader.coding.apply_code(water)
    assert heard == [window.reader]
    assert session.watcher.poll().ids == {}  # the watch leaves the window's own write out
    session.history.undo()
    session.history.redo()
    assert session.watcher.poll().ids == {}
    assert heard == [window.reader, session.history, session.history]
