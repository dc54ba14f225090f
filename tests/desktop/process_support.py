"""Helpers of the desktop tests that run `quire` in another process beside a window."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from db import project
from db.models import Source
from db.ops.codes import create_code
from db.text import text_hash

TEXT = "Families returned to Raqqa. There is no water and no electricity in the city."
ROOT = Path(__file__).resolve().parents[2]


def quire(*commands: list[str]) -> None:
    """Run ``quire`` commands one after the other in another Python process."""
    script = ("import sys\nfrom desktop.cli import main\n"
              + "".join(f"assert main({c!r}) == 0\n" for c in commands))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def make_project_file(tmp_path: Path) -> tuple[Path, int, int]:
    """A project with one source and the code Water; their ids."""
    path = tmp_path / "Shared.quire"
    with project.create(path) as proj, proj.session() as s:
        src = Source(kind="article", title="Raqqa", text=TEXT, length=len(TEXT),
                     text_hash=text_hash(TEXT), published=dt.datetime(2018, 3, 1, tzinfo=dt.UTC))
        s.add(src)
        s.flush()
        return path, src.id, create_code(s, name="Water").value
