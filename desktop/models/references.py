"""The Qt item model of the reference library, and the glue its dialogs share.

:class:`ReferenceTableModel` is a thin adapter over ``db.queries.citations.
reference_list``: one row per reference, its id in ``Qt.UserRole``, the whole row in
``ROW_ROLE``. The dialogs run operations through the session's runner
(``ProjectSession.run``), which keeps one as an undo step only when it changed something.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt

from db.ops.references import sources_matching
from desktop.models.memos import has_rtl, reading_cell_font
from desktop.models.rows import RowsTableModel
from desktop.models.sources import RTL_ROLE, is_rtl

if TYPE_CHECKING:
    from desktop.session import ProjectSession

ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the reference_list() row (UserRole + 1: RTL)
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # numbers for the counts, folded text otherwise
KEY, AUTHORS, TITLE, YEAR, TYPE, CITED, SOURCES = range(7)
HEADERS = ("Key", "Authors", "Title", "Year", "Type", "Cited", "Sources")
_FIELDS = {KEY: "key", AUTHORS: "authors", TITLE: "title", YEAR: "year", TYPE: "type"}


def suggested_sources(session: ProjectSession, csl: dict[str, Any]) -> list[tuple[int, str]]:
    """The sources without a reference that ``csl`` describes: ``(id, how matched)``."""
    with session.read() as s:
        return sources_matching(s, csl)


class ReferenceTableModel(RowsTableModel):
    """The references of the library, one row each (read in one query, then kept)."""

    headers = HEADERS

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
