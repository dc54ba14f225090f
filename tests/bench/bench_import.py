"""Benchmarks of the foundation: loading 100,000 posts, and showing them.

Targets (issue 2): loading 100,000 posts from JSONL or CSV takes <= 30 s with peak memory
<= 500 MB (search indexing not included); the Sources pane shows that project in <= 1 s.
Each measurement runs in its own process so that peak memory (ru_maxrss) is its own.
Run with ``make bench``; prints one line per measurement and exits 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]
from child import run_child  # noqa: E402

N = int(os.environ.get("QUIRE_BENCH_POSTS", "100000"))


def _load(kind: str, workdir: Path) -> dict:
    """Child process: generate the export, then time loading it into a new project."""
    import make_posts

    from db import project
    from db.importing import import_paths

    src = workdir / f"posts.{kind}"
    (make_posts.write_jsonl if kind == "jsonl" else make_posts.write_csv)(src, N)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with project.create(workdir / f"{kind}.quire") as proj, proj.sessions() as s:
        report, _ = import_paths(s, [src])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"what": f"load {N} posts from {kind}", "seconds": round(seconds, 2),
            "peak_mb": round(peak / 1024), "before_mb": round(base_rss / 1024),
            "added": report.added, "file_mb": round(src.stat().st_size / 2**20, 1)}


def _pane(workdir: Path) -> dict:
    """Child process: open the 100k project and time the Sources pane's first screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from db import project
    from desktop.session import ProjectSession
    from desktop.views.sources import SourcesPane

    app = QApplication([])
    start = time.perf_counter()
    session = ProjectSession(project.open(workdir / "jsonl.quire"))
    pane = SourcesPane()
    pane.set_session(session)
    pane.resize(900, 700)
    pane.show()
    app.processEvents()
    rows = pane.table.model().rowCount()
    seconds = time.perf_counter() - start
    session.close()
    return {"what": f"Sources pane shows {rows} posts", "seconds": round(seconds, 3)}


def _child(args: list[str]) -> dict:
    return run_child(__file__, *args)


def main() -> int:
    """Run every measurement and compare with the targets."""
    targets = {"jsonl": (30, 500), "csv": (30, 500)}
    failed = False
    with tempfile.TemporaryDirectory(prefix="quire-bench-") as tmp:
        for kind, (secs, mb) in targets.items():
            r = _child(["load", kind, tmp])
            failed |= r["seconds"] > secs or r["peak_mb"] > mb or r["added"] != N
            print(f"{r['what']} ({r['file_mb']} MB file): {r['seconds']} s, "
                  f"peak {r['peak_mb']} MB (target <= {secs} s, <= {mb} MB)")
        r = _child(["pane", "-", tmp])
        failed |= r["seconds"] > 1.0
        print(f"{r['what']}: {r['seconds']} s (target <= 1 s)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        what, kind, workdir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
        print(json.dumps(_load(kind, workdir) if what == "load" else _pane(workdir)))
    else:
        sys.exit(main())
