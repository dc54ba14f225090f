"""The reference the search benchmarks compare Quire with: SQLite FTS5 on the same posts.

:func:`load` is what a careful script would do with a twarc2 export: parse each page,
keep the fields Quire keeps (text, author, handle, language, date, metrics, the raw
tweet), insert them into one table in batches, then build an external-content FTS5
index over text, author and handle (``unicode61 remove_diacritics 2``). Posts go in
in date order, so ``ORDER BY rowid`` is date order, which lets FTS5 answer a first
screen without sorting: the fastest form of each query, so the ratios are honest.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE posts(id INTEGER PRIMARY KEY, post_id TEXT, text TEXT, author TEXT, handle TEXT,
                   lang TEXT, published TEXT, likes INTEGER, reposts INTEGER, raw TEXT);
CREATE INDEX posts_published ON posts(published);
CREATE VIRTUAL TABLE fts USING fts5(text, author, handle, content='posts', content_rowid='id',
                                    tokenize='unicode61 remove_diacritics 2');
"""


def _rows(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line)
            users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
            for t in page.get("data", []):
                u = users.get(t.get("author_id"), {})
                m = t.get("public_metrics", {})
                yield (t["id"], t["text"], u.get("name", ""), u.get("username", ""),
                       t.get("lang", ""), t.get("created_at", ""), m.get("like_count"),
                       m.get("retweet_count"), json.dumps(t, ensure_ascii=False))


def connect(db: Path) -> sqlite3.Connection:
    """A connection set up as Quire sets up its own (WAL, normal sync)."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def load(jsonl: Path, db: Path, batch: int = 2000) -> int:
    """Parse ``jsonl`` into a new database at ``db`` and index it with FTS5."""
    con = connect(db)
    con.executescript(SCHEMA)
    insert = ("INSERT INTO posts(post_id, text, author, handle, lang, published, likes, "
              "reposts, raw) VALUES (?,?,?,?,?,?,?,?,?)")
    rows, n = [], 0
    for r in _rows(jsonl):
        rows.append(r)
        if len(rows) >= batch:
            con.executemany(insert, rows)
            n, rows = n + len(rows), []
    con.executemany(insert, rows)
    n += len(rows)
    con.commit()
    con.execute("INSERT INTO fts(rowid, text, author, handle) "
                "SELECT id, text, author, handle FROM posts")
    con.commit()
    con.close()
    return n


FIRST_SCREEN = ("SELECT rowid, highlight(fts, 0, char(2), char(3)) FROM fts WHERE fts MATCH ? "
                "ORDER BY rowid LIMIT 50")
ALL_HITS = "SELECT rowid, highlight(fts, 0, char(2), char(3)) FROM fts WHERE fts MATCH ?"
DATE_SCREEN = ("SELECT id, text FROM posts WHERE published >= ? AND published < ? "
               "ORDER BY published LIMIT 50")


def first_screen(con: sqlite3.Connection, match: str) -> int:
    """The first 50 matching posts in date order, highlighted; how many there were."""
    if match.startswith("date:"):
        lo, hi = match[5:].split("..")
        return len(con.execute(DATE_SCREEN, (lo, hi)).fetchall())
    return len(con.execute(FIRST_SCREEN, (match,)).fetchall())


def all_hits(con: sqlite3.Connection, match: str) -> int:
    """Every matching post highlighted; returns how many highlighted terms there were."""
    return sum(text.count("\x02") for _, text in con.execute(ALL_HITS, (match,)))
