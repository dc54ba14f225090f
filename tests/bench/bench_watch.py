"""Benchmarks of the window's runner and its watch on other processes' writes.

With a change log of 200,000 entries: the watch's poll when nothing moved
(``db.watch.last_seq``, once a second in the window) against the same query in plain
sqlite3; reading 2,000 entries another process wrote (``changes_since``) against a plain
``SELECT`` of them; and one coding written through the session's runner (bracketed
transaction, undo step, announcement) against the bare operation in a plain transaction.
Targets: a poll <= 1 ms; 2,000 new entries <= 50 ms; the runner's overhead <= 5 ms per
action (wall; the machine is shared, so the CPU medians are printed too). Exits 1 if a
target is missed.
Run with ``.venv/bin/python tests/bench/bench_watch.py``.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent.parent)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert  # noqa: E402

from db import project  # noqa: E402
from db.models import Change, Source  # noqa: E402
from db.ops import bind  # noqa: E402
from db.ops.codes import create_code  # noqa: E402
from db.ops.coding import code_span  # noqa: E402
from db.text import text_hash  # noqa: E402
from db.watch import OwnWrites, changes_since, last_seq  # noqa: E402

LOG = 200_000
NEW = 2_000
TARGETS_MS = {"poll": 1.0, "read new": 50.0}
OVERHEAD_MS = 5.0  # what the runner may add to an action (bracket, undo step, announcement)
TEXT = " ".join(f"word{i} water" for i in range(5_000))


def timed(fn, runs: int) -> tuple[float, float]:
    """Median wall and median CPU milliseconds of ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def build(path: Path):
    proj = project.create(path)
    with proj.session() as s:
        s.execute(insert(Change), [{"entity": "sources", "entity_id": i, "action": "upsert"}
                                   for i in range(LOG)])
        src = Source(kind="article", text=TEXT, length=len(TEXT), text_hash=text_hash(TEXT))
        s.add(src)
        s.flush()
        return proj, src.id, create_code(s, name="Water").value


def bench_poll(proj) -> list[tuple[str, float, ...]]:
    own, raw = OwnWrites(), sqlite3.connect(proj.path)
    with proj.sessions() as s:
        seen = last_seq(s)
        poll = timed(lambda: changes_since(s, seen, own), 200)
    plain = timed(lambda: raw.execute("SELECT max(seq) FROM changes").fetchone(), 200)
    with project.open(proj.path) as other, other.session() as s:  # another process writes
        s.execute(insert(Change), [{"entity": "codes", "entity_id": i, "action": "upsert"}
                                   for i in range(NEW)])
    with proj.sessions() as s:
        new = timed(lambda: changes_since(s, seen, None), 20)
    rows = timed(lambda: raw.execute("SELECT seq, entity, entity_id FROM changes WHERE seq > ?",
                                     (seen,)).fetchall(), 20)
    raw.close()
    return [("poll", *poll, *plain), ("read new", *new, *rows)]


def bench_runner(proj, source_id: int, code_id: int) -> list[tuple[str, float, ...]]:
    from PySide6.QtWidgets import QApplication

    from desktop.session import ProjectSession

    QApplication.instance() or QApplication([])
    session = ProjectSession(proj, poll_ms=0)
    spans = iter(range(0, 40_000, 7))

    def op():
        start = next(spans)
        return bind(code_span, source_id=source_id, start=start, end=start + 5,
                    code_id=code_id, coder_id=None)

    def bare():
        with proj.session() as s:
            op()(s)

    base, run = [], []
    for _ in range(60):  # interleaved, so that the machine's load falls on both alike
        base.append(timed(bare, 1))
        run.append(timed(lambda: session.run(op(), label="Apply code"), 1))
    session.close()
    return [("one action through the runner", *_medians(run), *_medians(base))]


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proj, source_id, code_id = build(Path(tmp) / "bench.quire")
        figures = [*bench_poll(proj), *bench_runner(proj, source_id, code_id)]
    missed = []
    for what, ms, cpu, ref_ms, ref_cpu in figures:
        print(f"{what}: {ms:.3f} ms wall, {cpu:.3f} ms CPU (median); plain reference "
              f"{ref_ms:.3f} ms wall, {ref_cpu:.3f} ms CPU: {ms / ref_ms:.1f}x wall")
        if ms > TARGETS_MS.get(what, ref_ms + OVERHEAD_MS):
            missed.append(what)
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
