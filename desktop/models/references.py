"""The Qt item model of the reference library, and the glue its dialogs share.

:class:`ReferenceTableModel` is a thin adapter over ``db.queries.citations.
reference_list``: one row per reference, its id in ``Qt.UserRole``, the whole row in
``ROW_ROLE``. :func:`apply_changes` runs an operation as one undoable step only when it
changed something, so saving an untouched form leaves no empty step on the undo stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from db.errors import QuireError
from desktop.models.memos import has_rtl, reading_cell_font
from desktop.models.sources import RTL_ROLE, is_rtl
from desktop.steps import Step

if TYPE_CHECKING:
    from desktop.session import ProjectSession
    from desktop.undo import Operation

ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the reference_list() row (UserRole + 1: RTL)
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # numbers for the counts, folded text otherwise
KEY, AUTHORS, TITLE, YEAR, TYPE, CITED, SOURCES = range(7)
HEADERS = ("Key", "Authors", "Title", "Year", "Type", "Cited", "Sources")
_FIELDS = {KEY: "key", AUTHORS: "authors", TITLE: "title", YEAR: "year", TYPE: "type"}


def apply_changes(session: ProjectSession, op: Operation, *, label: str = "",
                  initiator: object = None) -> Step:
    """Run ``op``; put it on the undo stack only if it changed something (``Step`` says
    how it went, with the core's reason when it refused)."""
    try:
        result = session.execute(op)
    except QuireError as exc:
        return Step(refused=str(exc))
    if result.changes:
        if label:
            result.label = label
        session.adopt(result, initiator=initiator)
    return Step(value=result.value)


def suggested_sources(session: ProjectSession, csl: dict[str, Any]) -> list[tuple[int, str]]:
    """The sources without a reference that ``csl`` describes, as the core matches them
    at import (same DOI or URL, else one source with the same title): (id, "url"...)."""
    try:  # the core's own index of unlinked sources (no public query for it yet)
        from db.ops.references import _unlinked_sources
    except ImportError:
        return []
    with session.read() as s:
        return _unlinked_sources(s).find(csl or {})


class ReferenceTableModel(QAbstractTableModel):
    """The references of the library, one row each (read in one query, then kept)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show these ``reference_list`` rows."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The query row shown at ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, reference_id: int) -> int:
        """The row of reference ``reference_id`` (-1 when it is not shown)."""
        return next((i for i, r in enumerate(self._rows) if r["id"] == reference_id), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_data(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return _sort_key(row, column)
        if role == RTL_ROLE:  # always a bool: the delegate asks for it from Python
            return column in (AUTHORS, TITLE) and is_rtl(_display(row, column))
        if role == Qt.ItemDataRole.FontRole and column in (AUTHORS, TITLE) and \
                has_rtl(_display(row, column)):
            return reading_cell_font()
        if role == Qt.ItemDataRole.ToolTipRole and column in (TITLE, AUTHORS):
            return _display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (CITED, SOURCES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _display(row: dict[str, Any], column: int) -> str:
    if column in _FIELDS:
        return str(row.get(_FIELDS[column]) or "")
    if column == CITED:
        return str(row["citations"]) if row["citations"] else ""
    return str(len(row["sources"])) if row["sources"] else ""


def _sort_key(row: dict[str, Any], column: int) -> Any:
    if column == CITED:
        return row["citations"]
    if column == SOURCES:
        return len(row["sources"])
    return _display(row, column).casefold()
