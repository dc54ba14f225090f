"""Benchmarks of bringing in Taguette's work: a large Taguette project, and a highlight
table whose rows carry codes.

* A Taguette project of 200 articles (about 25 KB of HTML each, English and Arabic) with
  50 highlights each (10,000 highlights, 15,000 tag links), made by copying the real
  Taguette export in tests/db/exchange/taguette_files and filling its tables with plain
  SQL. Reference, in the same run: reading the same rows with plain SQL and writing the
  documents' HTML into a new SQLite table with an FTS5 index (what a naive import does).
* A highlight table of 10,000 posts, 20,000 rows (two codes each), imported with its
  code column mapped, against the same table imported without the code column (every
  repeated row then a duplicate).

Run with ``make bench``; prints one line per measurement (wall and CPU seconds, ratio
to the reference).
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent)]
FIXTURE = HERE.parent / "db" / "exchange" / "taguette_files" / "project.sqlite3"
DOCS = int(os.environ.get("QUIRE_BENCH_TAGUETTE_DOCS", "200"))
PER_DOC = 50
ROWS = int(os.environ.get("QUIRE_BENCH_HIGHLIGHT_ROWS", "10000"))
WORDS = ("water", "electricity", "return", "hope", "bridge", "river", "families", "strikes",
         "ماء", "كهرباء", "عودة", "أمل", "جسر", "نهر", "العائلات", "💧")


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90)))


def make_taguette(path: Path) -> None:
    """A copy of the real Taguette export, grown to DOCS documents and their highlights."""
    shutil.copyfile(FIXTURE, path)
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    tags = [t for (t,) in conn.execute("SELECT id FROM tags")]
    for d in range(DOCS):
        paras = [_paragraph(rng) for _ in range(40)]
        html = "\n".join(f"<p>{p}</p>" for p in paras)
        cur = conn.execute(
            "INSERT INTO documents (name, description, filename, created, project_id, "
            "text_direction, contents) VALUES (?, '', ?, '2026-01-01 00:00:00', 1, "
            "'LEFT_TO_RIGHT', ?)", (f"Document {d}", f"d{d}.html", html))
        text = "".join(paras[i] + ("\n" if i < len(paras) - 1 else "")
                       for i in range(len(paras)))
        size = len(text.encode("utf-8"))
        for _ in range(PER_DOC):
            a = rng.randrange(0, size - 400)
            hl = conn.execute("INSERT INTO highlights (document_id, start_offset, end_offset, "
                              "snippet) VALUES (?, ?, ?, '')", (cur.lastrowid, a,
                                                                a + rng.randint(20, 300)))
            for t in rng.sample(tags, rng.randint(1, 2)):
                conn.execute("INSERT INTO highlight_tags VALUES (?, ?)", (hl.lastrowid, t))
    conn.commit()
    conn.close()


def reference(taguette: Path, folder: Path) -> None:
    """Plain SQL: read the same rows and write the HTML into an FTS5-indexed table."""
    src = sqlite3.connect(f"{taguette.as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(folder / "ref.db")
    dst.execute("CREATE VIRTUAL TABLE docs USING fts5(name, body)")
    dst.executemany("INSERT INTO docs VALUES (?, ?)",
                    src.execute("SELECT name, contents FROM documents"))
    dst.execute("CREATE TABLE hl (doc, a, b, tag)")
    dst.executemany("INSERT INTO hl VALUES (?, ?, ?, ?)", src.execute(
        "SELECT h.document_id, h.start_offset, h.end_offset, t.tag_id FROM highlights h "
        "JOIN highlight_tags t ON t.highlight_id = h.id"))
    dst.commit()
    dst.close()
    src.close()


def make_table(path: Path) -> None:
    rng = random.Random(3)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "document", "tag", "content"])
        for i in range(ROWS):
            text = _paragraph(rng)[:200]
            for tag in rng.sample(["water", "hope", "émotion", "أمل", "politique/locale"], 2):
                w.writerow([i, f"Document {i % 50}", tag, text])


def timed(what: str, fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{what}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    return wall, cpu


def main() -> int:
    from db import project
    from db.exchange.taguette import import_taguette
    from db.importers.base import ColumnMapping, ReadOptions
    from db.importing import import_paths

    folder = Path(tempfile.mkdtemp(prefix="quire-bench-taguette-"))
    try:
        tg = folder / "big.sqlite3"
        make_taguette(tg)
        ref = timed("reference: plain SQL read + FTS5 write of the same Taguette rows",
                    lambda: reference(tg, folder))
        ours = timed(f"import-taguette: {DOCS} documents, {DOCS * PER_DOC} highlights",
                     lambda: import_taguette(tg, folder / "tg.quire"))
        print(f"  ratio to the reference: {ours[0] / ref[0]:.1f}x wall, "
              f"{ours[1] / max(ref[1], 1e-6):.1f}x CPU")
        table = folder / "highlights.csv"
        make_table(table)

        def load(name: str, mapping) -> None:
            with project.create(folder / name) as proj, proj.sessions() as s:
                import_paths(s, [table], coder="Bench",
                             options=ReadOptions(format="tabular", mapping=mapping))

        plain = timed(f"reference: the {ROWS * 2}-row table without its code column",
                      lambda: load("plain.quire", ColumnMapping(text="content", id="id")))
        coded = timed(f"the {ROWS * 2}-row table with its code column (one post per "
                      "highlight, all its codes)",
                      lambda: load("coded.quire",
                                   ColumnMapping(text="content", id="id", code="tag")))
        print(f"  ratio to the reference: {coded[0] / plain[0]:.1f}x wall, "
              f"{coded[1] / plain[1]:.1f}x CPU")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
