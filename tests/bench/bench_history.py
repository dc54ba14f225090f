"""Benchmarks of the undo history: undoing and redoing an import of 100,000 posts.

Measured: the time (wall and CPU) of undoing the import (every source removed, the rows
kept in the project's history for redo) and of redoing it, the size of the undone step
as stored in the project (what the history's byte budget must hold), and peak memory.
The reference, measured in the same run on a copy of the same project: plain SQL
deleting the same rows, and inserting them back from a copy of the tables.
Target: the undone step fits the history's per-coder budget (db.history.MAX_BYTES).
Run with ``.venv/bin/python tests/bench/bench_history.py`` (QUIRE_BENCH_POSTS=N for
another size); exits 1 if the target is missed.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]
from child import run_child  # noqa: E402

N = int(os.environ.get("QUIRE_BENCH_POSTS", "100000"))


def _timed(fn) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _history(workdir: Path) -> dict:
    """Child process: import N posts as a step, undo it, redo it."""
    import make_posts
    from sqlalchemy import select

    from db import history, project
    from db.importing import import_paths
    from db.models import HistoryStep
    from tests.project_support import new_project_file

    posts = workdir / "posts.jsonl"
    make_posts.write_jsonl(posts, N)
    path = new_project_file(workdir / "bench.quire")
    with project.open(path) as proj:
        with proj.session() as s:
            coder = history_coder(s)
        with proj.sessions() as s:
            import_paths(s, [posts], recorder=history.Recorder(coder))
        _copy(path, workdir / "reference.quire")

        def swap(fn):
            with proj.session() as s:
                return fn(s, coder_id=coder)

        undone, undo_s, undo_cpu = _timed(lambda: swap(history.undo))
        with proj.sessions() as s:
            size = s.scalar(select(HistoryStep.size))
        _, redo_s, redo_cpu = _timed(lambda: swap(history.redo))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"undo_s": undo_s, "undo_cpu": undo_cpu, "redo_s": redo_s, "redo_cpu": redo_cpu,
            "step_mb": size / 2**20, "peak_mb": peak, "removed": len(undone.changes.ids.get(
                "sources", ())), "export_mb": posts.stat().st_size / 2**20,
            "file_mb": path.stat().st_size / 2**20}


def _copy(path: Path, to: Path) -> None:
    src, dst = sqlite3.connect(path), sqlite3.connect(to)
    src.backup(dst)
    src.close()
    dst.close()


def history_coder(s) -> int:
    from db.ops.coders import ensure_coder

    return ensure_coder(s, name="bench").value


def _reference(workdir: Path) -> dict:
    """Plain SQL on a copy: delete the imported rows, then insert them back."""
    con = sqlite3.connect(workdir / "reference.quire")
    con.execute("PRAGMA foreign_keys=ON")
    tables = ("sources", "footnotes", "source_collections")
    for t in tables:
        con.execute(f"CREATE TEMP TABLE keep_{t} AS SELECT * FROM {t}")
    (_, delete_s, delete_cpu) = _timed(lambda: (con.execute("DELETE FROM sources"),
                                                con.commit()))
    (_, insert_s, insert_cpu) = _timed(lambda: ([con.execute(
        f"INSERT INTO {t} SELECT * FROM keep_{t}") for t in tables], con.commit()))
    con.close()
    return {"delete_s": delete_s, "delete_cpu": delete_cpu, "insert_s": insert_s,
            "insert_cpu": insert_cpu}


def _child(args: list[str]) -> dict:
    return run_child(__file__, *args)


def main() -> int:
    """Run the measurements and compare with the target."""
    from db.history import MAX_BYTES

    with tempfile.TemporaryDirectory(prefix="quire-bench-") as tmp:
        h = _child(["history", tmp])
        ref = _child(["reference", tmp])
    print(f"undo an import of {h['removed']:,} posts ({h['export_mb']:.0f} MB export, "
          f"{h['file_mb']:.0f} MB project): {h['undo_s']:.1f} s, {h['undo_cpu']:.1f} s CPU "
          f"(plain SQL delete: {ref['delete_s']:.1f} s, {ref['delete_cpu']:.1f} s CPU; "
          f"x{h['undo_cpu'] / max(ref['delete_cpu'], 1e-3):.0f} CPU)")
    print(f"redo it: {h['redo_s']:.1f} s, {h['redo_cpu']:.1f} s CPU (plain SQL insert from "
          f"a copy: {ref['insert_s']:.1f} s, {ref['insert_cpu']:.1f} s CPU; "
          f"x{h['redo_cpu'] / max(ref['insert_cpu'], 1e-3):.0f} CPU)")
    print(f"the undone step in the project: {h['step_mb']:.1f} MB (budget "
          f"{MAX_BYTES / 2**20:.0f} MB per coder); peak memory {h['peak_mb']:.0f} MB")
    return 1 if h["step_mb"] * 2**20 > MAX_BYTES else 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        what, workdir = sys.argv[1], Path(sys.argv[2])
        print(json.dumps(_history(workdir) if what == "history" else _reference(workdir)))
    else:
        sys.exit(main())
