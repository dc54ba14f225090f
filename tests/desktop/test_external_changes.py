"""The window notices what another process writes: a real `quire` run beside it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from db import project
from db.models import Source
from db.ops.codes import create_code
from db.text import text_hash
from desktop.main_window import MainWindow
from desktop.watch import ELSEWHERE
from tests.desktop.codebook_support import ARTIFACTS

TEXT = "Families returned to Raqqa. There is no water and no electricity in the city."
ARTICLE = "# Water after the battle\n\nThe pumping station was damaged in the fighting.\n"
ROOT = Path(__file__).resolve().parents[2]
SECONDS = 20_000  # the watch looks once a second; the other process needs time to start


def quire(*commands: list[str]) -> None:
    """Run ``quire`` commands one after the other in another Python process."""
    script = ("import sys\nfrom desktop.cli import main\n"
              + "".join(f"assert main({c!r}) == 0\n" for c in commands))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def project_file(tmp_path) -> tuple[Path, int, int]:
    """A project with one source and the code Water; their ids."""
    path = tmp_path / "Shared.quire"
    with project.create(path) as proj, proj.session() as s:
        src = Source(kind="article", title="Raqqa", text=TEXT, length=len(TEXT),
                     text_hash=text_hash(TEXT), published=dt.datetime(2018, 3, 1, tzinfo=dt.UTC))
        s.add(src)
        s.flush()
        return path, src.id, create_code(s, name="Water").value


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
    assert session.watcher.poll().ids == {} and heard == [window.reader] * 3
