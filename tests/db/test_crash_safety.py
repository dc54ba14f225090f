"""A crash in the middle of an import leaves a valid project with the sources finished."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from db import project
from db.importing import CHUNK
from db.models import ImportBatch, Source

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "bench"))

import make_posts  # noqa: E402

from tests.project_support import new_project  # noqa: E402


def _count(path: Path) -> int:
    con = sqlite3.connect(path, timeout=10)
    try:
        return con.execute("select count(*) from sources").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def test_killing_an_import_keeps_whole_chunks(tmp_path):
    posts = tmp_path / "posts.jsonl"
    make_posts.write_jsonl(posts, 60000)
    path = tmp_path / "crash.quire"
    new_project(path).close()
    code = ("import sys; from desktop.cli import main; "
            "sys.exit(main(['import', sys.argv[1], sys.argv[2]]))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(posts)], cwd=ROOT)
    deadline = time.monotonic() + 120
    while _count(path) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with project.open(path) as proj, proj.sessions() as s:
        n = s.scalar(select(func.count()).select_from(Source))
        assert 0 < n < 60000 and n % CHUNK == 0  # whole chunks only
        with proj.engine.connect() as c:
            assert c.exec_driver_sql("pragma integrity_check").scalar() == "ok"
        batch = s.scalars(select(ImportBatch)).one()
        assert batch.finished_at is None  # the record shows the run never finished
        lengths = s.execute(select(Source.length, func.length(Source.text))).all()
        assert all(a == b for a, b in lengths)
    # After the restart, the killed import is still one step: `quire undo` removes it all.
    listed = _quire("imports", path)
    assert "NOT FINISHED" in listed.stdout and f"{n} source(s)" in listed.stdout
    undone = _quire("undo", path)
    assert undone.returncode == 0 and "undid: Import posts.jsonl" in undone.stdout, undone.stderr
    assert _count(path) == 0
    assert _quire("redo", path).returncode == 0 and _count(path) == n


def _quire(*argv) -> subprocess.CompletedProcess:
    code = "import sys; from desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *map(str, argv)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_importing_the_file_again_after_a_crash_adds_the_rest(tmp_path, monkeypatch):
    import db.importing
    from db.importing import import_paths

    posts = tmp_path / "posts.jsonl"
    make_posts.write_jsonl(posts, 500)
    monkeypatch.setattr(db.importing, "CHUNK", 100)
    calls = {"n": 0}

    def cancelled():  # stands in for the crash: stop after a few chunks
        calls["n"] += 1
        return calls["n"] > 3

    with new_project(tmp_path / "p.quire") as proj, proj.sessions() as s:
        first, _ = import_paths(s, [posts], cancelled=cancelled)
        again, _ = import_paths(s, [posts])
        total = s.scalar(select(func.count()).select_from(Source))
    assert first.cancelled and 0 < first.added < 500 and first.added % 100 == 0
    assert again.files[0].added == 500 - first.added
    assert again.files[0].duplicates == first.added
    assert total == 500
