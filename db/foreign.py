"""Recognising a Taguette project before Quire writes anything to it.

Opening a project sets SQLite pragmas and may migrate the schema, both of which change
the file; :func:`db.projectfile.check_is_quire` refuses any other program's database
first. A Taguette project (the peer most often met, whose files end in ``.sqlite3``) is
told apart before that, so that its message says how to bring it in:
:func:`check_not_taguette`, which :func:`db.project.open` calls, reads only the file's
header and, through a read-only connection, its table names.

Taguette marks the files it creates with the SQLite ``application_id`` 0x54677474
("Tgtt"); files from before it did are recognised by their tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.errors import NotAProjectError

TAGUETTE_APPLICATION_ID = 0x54677474  # "Tgtt", in the SQLite header of Taguette's files
TAGUETTE_TABLES = frozenset({"projects", "documents", "tags", "highlights",
                             "highlight_tags"})
_HEADER = 100  # bytes of the SQLite file header; the application id is at offset 68
_MAGIC = b"SQLite format 3\x00"


class TaguetteFileError(NotAProjectError):
    """The file is a Taguette project: it can be imported, not opened."""


def is_sqlite(path: Path) -> bool:
    """Whether ``path`` is a SQLite database file (by its first bytes)."""
    with Path(path).open("rb") as fh:
        return fh.read(len(_MAGIC)) == _MAGIC


def application_id(path: Path) -> int:
    """The ``application_id`` in the header of the SQLite file ``path`` (0 when unset)."""
    with Path(path).open("rb") as fh:
        header = fh.read(_HEADER)
    return int.from_bytes(header[68:72], "big") if len(header) == _HEADER else 0


def table_names(path: Path) -> set[str]:
    """The tables of the SQLite file ``path``, read without writing anything to it (none
    when it cannot be read)."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error:
        return set()
    finally:
        conn.close()
    return {name for (name,) in rows}


def is_taguette(path: Path) -> bool:
    """Whether the SQLite file ``path`` is a Taguette database (a project export or a
    Taguette installation's own database)."""
    found = application_id(path)
    if found:  # another program's mark (Quire's among them) settles it
        return found == TAGUETTE_APPLICATION_ID
    return table_names(path) >= TAGUETTE_TABLES


def check_not_taguette(path: Path) -> None:
    """:class:`TaguetteFileError`, before anything is written, for a Taguette file."""
    if is_taguette(path):
        raise TaguetteFileError(
            f"{path}: this is a Taguette project, not a Quire project: use File ▸ Import "
            "Taguette Project (or `quire import-taguette`) to bring it into Quire; it was "
            "left as it was")
