"""The files listed in the Import dialog: their detected formats and tables' mappings.

Plain Python (no widgets), so the dialog only draws what these functions decide.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from db import importers
from db.errors import ImportFileError
from db.mappings import remembered_mapping

TABULAR = "tabular"
ERROR, ATTENTION = "error", "attention"


@dataclass
class FileEntry:
    """One file in the list: its detected format, or why none fits; a table's mapping."""

    path: Path
    shown: str
    detected: str = ""  # importer name; "" when no importer recognises the file
    reason: str = ""  # why it will be skipped
    columns: list[str] | None = None  # a table's columns, once read
    mapping: dict = field(default_factory=dict)
    problem: str = ""  # why a table's columns could not be read

    def format(self, forced: str) -> str:
        """The format the file will be read as: the one forced, or the one detected."""
        return forced or self.detected

    def is_table(self, forced: str) -> bool:
        """Whether the file is read as a table whose columns are known."""
        return self.format(forced) == TABULAR and self.columns is not None


def new_entry(path: Path, given: Path) -> FileEntry:
    """An entry for ``path``, found in (or given as) ``given``, with its detected format."""
    shown = str(path.relative_to(given)) if given.is_dir() else path.name
    detected, reason = detect_format(path)
    return FileEntry(path, shown, detected, reason)


def detect_format(path: Path) -> tuple[str, str]:
    """The name of the importer for ``path``, or "" and the reason none fits."""
    try:
        return importers.detect(path).name, ""
    except ImportFileError as exc:
        return "", exc.reason
    except OSError as exc:
        return "", f"cannot be read ({exc.strerror or exc})"


def format_label(name: str) -> str:
    """The label a researcher sees for an importer name."""
    try:
        return importers.by_name(name).label
    except KeyError:
        return name


def load_table(entry: FileEntry, forced: str,
               read: Callable[[], AbstractContextManager[Session]]) -> None:
    """Read a table's columns and pick its mapping: remembered, or else suggested."""
    if entry.format(forced) != TABULAR or entry.columns is not None:
        return
    from db.importers.tabular import preview, suggest_mapping

    try:
        entry.columns = preview(entry.path, rows=0)[0]
    except (ImportFileError, OSError, ValueError) as exc:
        entry.problem = getattr(exc, "reason", None) or str(exc)
        return
    with read() as s:
        remembered = remembered_mapping(s, entry.columns)
    suggested = suggest_mapping(entry.columns)
    mapping = remembered or (asdict(suggested) if suggested else {})
    # A remembered mapping may spell a column differently (the signature ignores case).
    entry.mapping = {k: v for k, v in mapping.items() if k == "platform" or v in entry.columns}


def entry_status(entry: FileEntry, forced: str) -> tuple[str, str]:
    """What the list says about a file, and whether that is an ERROR, needs ATTENTION or
    is fine ("")."""
    if not entry.format(forced):
        return f"will be skipped: {entry.reason}", ERROR
    label = format_label(entry.format(forced)) + (" (chosen)" if forced else "")
    if entry.format(forced) == TABULAR:
        if entry.problem:
            return f"{label}: {entry.problem}", ERROR
        if not entry.mapping.get("text"):
            return f"{label}: choose the Text column", ATTENTION
    return label, ""
