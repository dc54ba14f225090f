"""Qt item models of the Coded excerpts view: the retrieved excerpts, and a code checklist.

:class:`ExcerptListModel` is a thin adapter over ``db.queries.excerpts.retrieve``: one
row per excerpt, the excerpt id in ``Qt.UserRole``, its ``(source_id, start, end)`` in
``SPAN_ROLE`` and the whole query row in ``ROW_ROLE`` for the delegate that draws it.
:class:`CheckableCodes` puts tick boxes on the codebook's tree (``CodeTreeModel``) to
choose which codes to retrieve.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.models.codes import NAME, CodeTreeModel
from desktop.models.sources import is_rtl

SPAN_ROLE = Qt.ItemDataRole.UserRole + 1  # (source_id, start, end)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the retrieve() row, a dict
RTL_ROLE = Qt.ItemDataRole.UserRole + 3  # True when the excerpt reads right to left


def headline_parts(row: dict[str, Any]) -> list[str]:
    """Where an excerpt comes from: its source's title, author (and @handle), date."""
    title = " ".join((row.get("title") or "").split())
    author = row.get("author") or ""
    handle = row.get("handle") or ""
    who = f"{author} (@{handle})" if author and handle else author or (f"@{handle}" if handle
                                                                      else "")
    date = (row.get("published") or "")[:10]
    return [part for part in (title, who, date) if part]


def headline(row: dict[str, Any]) -> str:
    """The parts of :func:`headline_parts` as one line."""
    return " · ".join(headline_parts(row))


def isolated_headline(row: dict[str, Any]) -> str:
    """The headline to draw left to right, each part isolated (Unicode FSI...PDI), so an
    Arabic title does not turn the line around and a date stays 2018-05-02."""
    return "\u200e" + " · ".join(f"\u2068{part}\u2069" for part in headline_parts(row))


def as_text(row: dict[str, Any]) -> str:
    """An excerpt as plain text for the clipboard: the quotation, then where it is from."""
    codes = ", ".join(c["name"] for c in row.get("codes") or [])
    return f"“{row['text']}”\n— {headline(row)}" + (f" [{codes}]" if codes else "")


class ExcerptListModel(QAbstractListModel):
    """Excerpts retrieved by code, one row each (read in one query, then kept)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show these ``retrieve`` rows."""
        self.beginResetModel()
        self._rows = rows
        for row in rows:
            row["rtl"] = is_rtl(row["text"])
        self.endResetModel()

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The query row shown at ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[dict[str, Any]]:
        """Every row shown."""
        return list(self._rows)

    def source_count(self) -> int:
        """How many sources the excerpts come from."""
        return len({r["source_id"] for r in self._rows})

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_data(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row["text"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return headline(row)
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if role == SPAN_ROLE:
            return (row["source_id"], row["start"], row["end"])
        if role == ROW_ROLE:
            return row
        if role == RTL_ROLE:
            return row["rtl"]
        return None


class CheckableCodes(QIdentityProxyModel):
    """The code tree with a tick box on each code (only the name column, never edited)."""

    checked_changed = Signal()

    def __init__(self, codes: CodeTreeModel, parent: QObject | None = None):
        super().__init__(parent)
        self.codes = codes
        self._checked: set[int] = set()
        self.setSourceModel(codes)

    def checked(self) -> list[int]:
        """The ticked codes that still exist, in codebook order."""
        return [r["id"] for r in self.codes.rows() if r["id"] in self._checked]

    def set_checked(self, code_ids) -> None:
        """Tick exactly ``code_ids``."""
        self._checked = set(code_ids)
        self._changed_all()
        self.checked_changed.emit()

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == NAME:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == NAME:
            code_id = self.codes.code_id(self.mapToSource(index))
            return (Qt.CheckState.Checked if code_id in self._checked
                    else Qt.CheckState.Unchecked)
        return super().data(index, role)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != NAME:
            return False
        code_id = self.codes.code_id(self.mapToSource(index))
        if code_id is None:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        (self._checked.add if on else self._checked.discard)(code_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True

    def _changed_all(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        rows = self.rowCount(parent)
        if rows:
            self.dataChanged.emit(self.index(0, NAME, parent), self.index(rows - 1, NAME, parent),
                                  [Qt.ItemDataRole.CheckStateRole])
            for row in range(rows):
                self._changed_all(self.index(row, NAME, parent))
