"""The Search panel's concordance rows (KWIC): the hit between its contexts, fetched a
batch at a time as the table scrolls (``canFetchMore``/``fetchMore``), sortable by any
column (sorting first gathers every hit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from desktop.models.sources import RTL_ROLE, is_rtl

if TYPE_CHECKING:
    from db.search import KwicRow

SHOWN_CONTEXT = 50  # characters of context a cell shows


class KwicModel(QAbstractTableModel):
    """Concordance rows; Qt asks only for the visible ones, so 100,000 rows stay cheap."""

    HEADERS = ("Context", "Hit", "Context", "Title", "Author", "Date")
    _KEYS = (lambda r: _sides(r)[0][::-1].casefold(), lambda r: r.match.casefold(),
             lambda r: _sides(r)[1].casefold(), lambda r: (r.title or "").casefold(),
             lambda r: r.author.casefold(),
             lambda r: (r.published.isoformat() if r.published else "", r.hit.start))

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[KwicRow] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.more: Callable[[bool], None] | None = None  # asks the search for rows
        self.asked = False  # a batch was asked for and has not come yet

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more is not None and not self.asked

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.asked = True
            self.more(False)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2):
            side = Qt.AlignmentFlag.AlignRight if col == 0 else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignAbsolute)
        if role == RTL_ROLE:
            return is_rtl(r.match or r.right)
        if role == Qt.ItemDataRole.FontRole and col == 1:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.left}[{r.match}]{r.right}"
        if role == Qt.ItemDataRole.UserRole:
            return (r.hit.source_id, r.hit.start, r.hit.end)
        return None

    @staticmethod
    def _text(r: KwicRow, col: int) -> str:
        if col < 3:
            left, right = _sides(r)
            return (left, r.match, right)[col]
        if col == 3:
            return (r.title or "").replace("\n", " ")
        if col == 4:
            return r.author
        return r.published.date().isoformat() if r.published else ""

    def clear(self) -> None:
        """Forget every row."""
        self.beginResetModel()
        self.rows = []
        self.more, self.asked = None, False
        self.endResetModel()

    def append(self, rows: list[KwicRow]) -> None:
        """Add rows at the end (sorted again when gathering ends, see :meth:`resort`)."""
        self.asked = False
        if rows:
            n = len(self.rows)
            self.beginInsertRows(QModelIndex(), n, n + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._KEYS):
            return
        self._sort = (column, order)
        if self.more is not None:  # a sorted list needs every hit: gather the rest
            self.asked = True
            self.more(True)
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=self._KEYS[column],
                       reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def resort(self) -> None:
        """Apply the chosen sort to every row gathered."""
        if self._sort is not None:
            self.sort(*self._sort)

    def spans_in(self, source_id: int) -> list[tuple[int, int]]:
        """Every hit span in one source, in text order."""
        return sorted((r.hit.start, r.hit.end) for r in self.rows
                      if r.hit.source_id == source_id and r.hit.where in ("text", "coded"))


def _sides(r: KwicRow) -> tuple[str, str]:
    """What to show left and right of the hit: in a right-to-left hit the words before
    it sit on its right, so the line reads naturally in Arabic too. Only what a cell can
    show is kept (a glyph from a tall fallback font far out of view would still shift
    the line Qt draws); the tooltip has the whole context."""
    before, after = r.left[-SHOWN_CONTEXT:], r.right[:SHOWN_CONTEXT]
    return (after, before) if is_rtl(r.match or r.right) else (before, after)
