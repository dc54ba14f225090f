"""The table of an analysis result: the flat table, or one matrix layer as a grid.

A thin adapter over :class:`db.analysis.Result`; :meth:`ResultTableModel.keys` gives the
result's keys behind a cell, for the click-through.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from db.analysis import Result

ALIGN_NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ResultTableModel(QAbstractTableModel):
    """One analysis result as a table."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.result: Result | None = None
        self.layer: str | None = None
        self._head: list[str] = []
        self._rows: list[list[Any]] = []

    def set_result(self, result: Result | None, layer: str | None = None) -> None:
        """Show ``result``: a matrix layer when ``layer`` names one, else its table."""
        self.beginResetModel()
        self.result = result
        self.layer = layer if result is not None and layer in result.layers else None
        if result is None:
            self._head, self._rows = [], []
        elif self.layer is not None:
            self._head = [result.columns[0], *result.col_labels]
            self._rows = [[label, *values] for label, values in
                          zip(result.row_labels, result.layers[self.layer], strict=True)]
        else:
            self._head, self._rows = list(result.columns), [list(r) for r in result.rows]
        self.endResetModel()

    def keys(self, index: QModelIndex) -> tuple[Any, Any] | None:
        """The result's (row, column) keys behind a cell (column None for a table row)."""
        res = self.result
        if res is None or not index.isValid():
            return None
        if self.layer is None:
            return res.row_keys[index.row()], None
        if index.column() == 0:
            return None
        return res.matrix_rows[index.row()], res.matrix_cols[index.column() - 1]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._head)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._head[section] if section < len(self._head) else None
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:,.4g}" if isinstance(value, float) else (
                f"{value:,}" if isinstance(value, int) else str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return ALIGN_NUMBER
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None
