"""New project files for the tests: one migrated project made per test run, then copied.

Running every migration for every test took much of the suite's time (revision 0003
recreates every table on SQLite); a copy of a migrated file, given its own UUID and
name, is the same project as :func:`db.project.create` makes, in a fraction of the time.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from db import project

_TEMPLATE: list[Path] = []


def _template() -> Path:
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="quire-template-"))
        atexit.register(shutil.rmtree, folder, True)
        project.create(folder / "template.quire").close()
        _TEMPLATE.append(folder / "template.quire")
    return _TEMPLATE[0]


def new_project_file(path: str | Path, name: str | None = None) -> Path:
    """A new, empty project file at ``path`` (named after the file unless ``name``)."""
    path = Path(path)
    src, dst = sqlite3.connect(_template()), sqlite3.connect(path)
    try:
        src.backup(dst)
        dst.execute("UPDATE project SET uuid = ?, name = ?", (str(uuid.uuid4()),
                                                              name or path.stem))
        dst.commit()
    finally:
        src.close()
        dst.close()
    return path


def new_project(path: str | Path, name: str | None = None) -> project.Project:
    """A new, empty project at ``path``, open."""
    return project.open(new_project_file(path, name))
