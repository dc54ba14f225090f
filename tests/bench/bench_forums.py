"""Benchmark: a 5,000-post forum thread saved as 250 pages imports in <= 10 s (issue 20).

The pages are vBulletin 4 thread pages built by tests/db/importers/forum_pages.py (20
posts each, every third quoting the one before, with signatures, user titles and a
footer time zone), padded with the inline style and script a saved page carries (about
70 KB a page, like real ones). References measured in the same run: parsing the same
pages with lxml alone, and loading the same post texts into SQLite FTS5 (one commit per
page, as the import does). Prints wall and CPU seconds and the ratios; exits 1 when the
target is missed. Run with ``make bench``.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent)]

PAGES = int(os.environ.get("QUIRE_BENCH_PAGES", "250"))
PER_PAGE = 20
TARGET = 10.0
_PADDING = ("<style>" + ".postbit .userinfo { margin: 0 4px; padding: 2px; }\n" * 600
            + "</style><script>" + "vBulletin.register_control('vB_Popup', 'x');\n" * 500
            + "</script>")


def write_pages(folder: Path) -> list[Path]:
    """The thread's pages, as a browser would have saved them."""
    from tests.db.importers import forum_pages as fp

    paths = []
    for page in range(1, PAGES + 1):
        posts = fp.thread_posts(PER_PAGE, start=(page - 1) * PER_PAGE + 1)
        html = fp.vbulletin4(posts, page=page).replace("</head>", _PADDING + "</head>", 1)
        path = folder / f"showthread.php-t-7-page-{page}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def _timed(fn) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def import_thread(folder: Path, paths: list[Path]) -> tuple[int, float, float]:
    """Import every page into a new project: sources added, wall and CPU seconds."""
    from db import project
    from db.importing import import_paths

    with project.create(folder / "forum.quire") as proj, proj.sessions() as s:
        (report, _), wall, cpu = _timed(lambda: import_paths(s, paths))
        with proj.sessions() as check:
            from db.models import Source
            texts = [t for (t,) in check.query(Source.text).all()]
    return report.added, wall, cpu, texts


def parse_only(paths: list[Path]) -> tuple[float, float]:
    """Reference: decoding and parsing the same pages with lxml, nothing else."""
    from lxml import html

    def run():
        for p in paths:
            html.document_fromstring(p.read_bytes().decode("utf-8"))

    _, wall, cpu = _timed(run)
    return wall, cpu


def fts5_load(folder: Path, texts: list[str]) -> tuple[float, float]:
    """Reference: the same post texts into SQLite FTS5, one commit per page."""
    db = sqlite3.connect(folder / "fts.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE VIRTUAL TABLE posts USING fts5(body)")

    def run():
        for i in range(0, len(texts), PER_PAGE):
            db.executemany("INSERT INTO posts(body) VALUES (?)",
                           [(t,) for t in texts[i:i + PER_PAGE]])
            db.commit()

    _, wall, cpu = _timed(run)
    db.close()
    return wall, cpu


def main() -> int:
    """Build the pages, time the import and the references, print the figures."""
    with tempfile.TemporaryDirectory(prefix="quire-bench-forums-") as tmp:
        folder = Path(tmp)
        paths = write_pages(folder)
        size = sum(p.stat().st_size for p in paths) / 2**20
        added, wall, cpu, texts = import_thread(folder, paths)
        p_wall, p_cpu = parse_only(paths)
        f_wall, f_cpu = fts5_load(folder, texts)
    n = PAGES * PER_PAGE
    print(f"import of a {n}-post thread saved as {PAGES} pages ({size:.1f} MB): "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU, {added} posts (target <= {TARGET:.0f} s)")
    print(f"  reference, lxml parsing alone: {p_wall:.2f} s wall, {p_cpu:.2f} s CPU "
          f"(import / parsing = {wall / p_wall:.1f}x)")
    print(f"  reference, FTS5 load of the same posts: {f_wall:.2f} s wall, {f_cpu:.2f} s CPU "
          f"(import / FTS5 = {wall / f_wall:.1f}x)")
    return 0 if wall <= TARGET and added == n else 1


if __name__ == "__main__":
    sys.exit(main())
