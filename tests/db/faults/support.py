"""What the fault-injection tests share: a project with work in it, a record of what it
holds, and the faults themselves (a small full disk, read-only files and folders).

The full disk is a real one: a tmpfs of a few hundred kilobytes mounted for the test
(this needs root or CAP_SYS_ADMIN, as in CI; elsewhere those tests are skipped, saying
why). A real file system fails every writer the same way (SQLite's C code, Python's
own writes, libraries), which a monkeypatched ``write`` could not. Read-only files are
made read-only for an unprivileged user: root ignores file modes, so as root the block
runs with the effective uid of ``nobody``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import project
from db.importing import import_paths
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.ops.memos import create_memo

ARTICLE = ("Aid convoys reached Raqqa in October.\n\nوصلت قوافل المساعدات إلى الرقة "
           "في تشرين الأول.\n\nFamilies returned to the old city. 🌿\n")
NOBODY = 65534


def filled_project(folder: Path, articles: int = 3) -> Path:
    """A project in ``folder`` with articles, a code, a coded excerpt and a memo."""
    path = folder / "study.quire"
    files = folder / "articles"
    files.mkdir()
    for i in range(articles):
        (files / f"article{i}.txt").write_text(f"Article {i}\n\n{ARTICLE}", encoding="utf-8")
    with project.create(path) as proj, proj.sessions() as s:
        import_paths(s, [files])
    with project.open(path) as proj, proj.session() as s:
        code = create_code(s, name="Return").value
        excerpt = code_span(s, source_id=1, start=0, end=20, code_id=code, coder_id=None)
        create_memo(s, target="excerpt", target_id=excerpt.value, title="Note",
                    body="If a<b and c>d then more")
    return path


TABLES = ("sources", "footnotes", "codes", "excerpts", "codings", "memos", "collections",
          "imports")


def holdings(path: Path) -> dict[str, int]:
    """Row counts of the tables that hold a researcher's work, after an integrity check
    (read-only: the file is not changed)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def assert_kept(path: Path, before: dict[str, int], **grown: int) -> None:
    """Nothing in ``before`` was lost; tables named in ``grown`` may hold that many more."""
    after = holdings(path)
    for table, count in before.items():
        assert count <= after[table] <= count + grown.get(table, 0), (table, count, after)


def _can_mount() -> bool:
    return os.geteuid() == 0


@contextlib.contextmanager
def small_disk(size_kb: int) -> Iterator[Path]:
    """A real file system of ``size_kb`` KB (tmpfs), mounted for the block."""
    if not _can_mount():
        pytest.skip("mounting a small tmpfs to fill needs root (CI runs as root)")
    mount = Path(tempfile.mkdtemp(prefix="quire-disk-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=1777",
                           "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        mount.rmdir()


def fill(disk: Path, leave_kb: int = 0) -> Path:
    """Fill ``disk`` until only about ``leave_kb`` KB are free; the filler file."""
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - leave_kb * 1024
    with open(filler, "ab") as fh, contextlib.suppress(OSError):
        fh.write(b"\0" * max(free, 0))
    return filler


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block as a user whom file modes bind (``nobody`` when this is root)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def shared_folder() -> Path:
    """A fresh folder that ``nobody`` may use too (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="quire-faults-"))
    folder.chmod(0o777)
    return folder
