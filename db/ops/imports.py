"""Importing files as one user action: the window's Import dialog runs this operation.

It remembers the column mappings the user chose, then imports (committing in chunks,
so that Cancel keeps what finished: DESIGN.md rule 2), and returns one
:class:`~db.ops.OpResult` whose inverse removes everything it added; its value is the
:class:`~db.importing.ImportReport`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from db.history import Recorder
from db.importers.base import ReadOptions
from db.importing import import_paths
from db.mappings import remember_mapping
from db.ops import OpResult


def import_files(session: Session, *, paths: Iterable[str | Path],
                 mappings: Iterable[tuple[list[str], dict]] = (), collection: str = "",
                 options: ReadOptions | None = None, coder: str = "",
                 progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 recorder: Recorder | None = None) -> OpResult:
    """Remember each table's ``(columns, mapping)``, then import ``paths`` (files and
    folders) into the project; ``recorder`` records it as a history step from its first
    commit."""
    for columns, mapping in mappings:
        remember_mapping(session, columns=columns, mapping=mapping)
    return import_paths(session, paths, collection=collection, options=options,
                        coder=coder, progress=progress, cancelled=cancelled,
                        recorder=recorder)[1]
