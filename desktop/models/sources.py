"""Qt item models of the Sources pane: the source table and the collection tree.

Both are thin adapters over ``db.queries.sources``. The table is lazy: it counts the
matching sources, then reads pages of rows only when the view asks for them, so a
project of 100,000 posts opens as fast as one of ten (DESIGN.md, Style). Source and
collection ids travel in ``Qt.UserRole``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from sqlalchemy.exc import SQLAlchemyError

from db.queries import sources as queries

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

# The table's columns: the query key each shows, and its header.
COLUMNS = (("title", "Title"), ("author", "Author"), ("handle", "@handle"),
           ("platform", "Platform"), ("published", "Date"), ("kind", "Kind"),
           ("length", "Length"), ("footnotes", "Notes"))
NUMERIC = {"length", "footnotes"}
BIDI_KEYS = ("title", "author")  # the columns whose text may run right to left

# A custom role: True when a cell's text is right-to-left (Arabic, Hebrew...).
RTL_ROLE = Qt.ItemDataRole.UserRole + 1
# The collection id the "All sources" item carries (ids start at 1). An id, not None,
# so that every item answers Qt.UserRole with a value.
ALL_SOURCES = 0


def is_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strong character is RTL."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def local_time(value: dt.datetime | None) -> str:
    """A UTC datetime shown in the computer's time zone, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def platform_label(name: str) -> str:
    """A platform as people write it: "twitter" → "Twitter" (mixed case is kept)."""
    return name.capitalize() if name.islower() else name


class SourceTableModel(QAbstractTableModel):
    """The sources matching the current filters, one page of rows read at a time."""

    PAGE_SIZE = 500
    MAX_PAGES = 40  # pages kept in memory (20,000 rows); the oldest read is dropped

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._filters: dict[str, Any] = {"collection": None, "text": "", "platform": "",
                                         "kind": ""}
        self._sort, self._descending = "id", False
        self._rows = 0
        self.total = 0  # sources in the project, whatever the filters
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self.fetches = 0  # pages read from the database since the model was made

    # -- what the pane tells the model ------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Show all the sources of ``session`` (or nothing), following its changes."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
        self._session = session
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self._filters = dict.fromkeys(self._filters, "") | {"collection": None}
        self.refresh()

    def set_filters(self, **filters: Any) -> None:
        """Change some of the filters (collection, text, platform, kind) and re-read."""
        unknown = set(filters) - set(self._filters)
        if unknown:
            raise TypeError(f"unknown filters: {', '.join(sorted(unknown))}")
        if any(self._filters[k] != v for k, v in filters.items()):
            self._filters.update(filters)
            self.refresh()

    @property
    def filters(self) -> dict[str, Any]:
        """The filters in force (a copy)."""
        return dict(self._filters)

    def refresh(self) -> None:
        """Forget every row read so far and count again."""
        self.beginResetModel()
        self._pages.clear()
        self._rows, self.total = self._count()
        self.endResetModel()

    def _count(self) -> tuple[int, int]:
        if self._session is None:
            return 0, 0
        with self._session.read() as s:
            total = queries.count(s)
            active = {k: v for k, v in self._filters.items() if v not in (None, "")}
            return (queries.count(s, **active) if active else total), total

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched("sources", "collections"):
            self.refresh()

    # -- rows ------------------------------------------------------------------------

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The query row shown at ``row``, reading its page if needed."""
        if not 0 <= row < self._rows:
            return None
        number, at = divmod(row, self.PAGE_SIZE)
        rows = self._page(number)
        return rows[at] if at < len(rows) else None

    def source_id(self, row: int) -> int | None:
        """The id of the source shown at ``row``."""
        data = self.row_data(row)
        return data["id"] if data else None

    def row_of(self, source_id: int) -> int | None:
        """The row showing ``source_id`` (None: the filters hide it), looking in the pages
        read already, then reading pages in order (at most ``MAX_PAGES``)."""
        for number, rows in list(self._pages.items()):
            for at, row in enumerate(rows):
                if row["id"] == source_id:
                    return number * self.PAGE_SIZE + at
        pages = -(-self._rows // self.PAGE_SIZE)
        for number in range(min(pages, self.MAX_PAGES)):
            if number in self._pages:
                continue
            for at, row in enumerate(self._page(number)):
                if row["id"] == source_id:
                    return number * self.PAGE_SIZE + at
        return None

    def _page(self, number: int) -> list[dict[str, Any]]:
        rows = self._pages.get(number)
        if rows is None:
            try:
                rows = self._pages[number] = self._fetch(number)
            except SQLAlchemyError:  # a team project's server out of reach for a moment:
                return []  # blank rows, read again at the next paint
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return rows

    def _fetch(self, number: int) -> list[dict[str, Any]]:
        self.fetches += 1
        if self._session is None:
            return []
        filters = {k: v for k, v in self._filters.items() if v not in (None, "")}
        with self._session.read() as s:
            rows = queries.page(s, offset=number * self.PAGE_SIZE, limit=self.PAGE_SIZE,
                                sort=self._sort, descending=self._descending, snippets=True,
                                **filters)
        for r in rows:
            r["title"] = " ".join((r["title"] or r.pop("snippet") or "").split())
            r["rtl"] = {k for k in BIDI_KEYS if is_rtl(r[k] or "")}
        return rows

    # -- Qt's model interface --------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_data(index.row()) if index.isValid() else None
        if role == RTL_ROLE:  # always a bool: the delegate asks for it from Python
            return row is not None and COLUMNS[index.column()][0] in row["rtl"]
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(key, row)
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(key: str, row: dict[str, Any]) -> str:
        value = row[key]
        if key == "published":
            return local_time(value)
        if key == "handle":
            return f"@{value}" if value else ""
        if key == "platform":
            return platform_label(value or "")
        if key == "footnotes":
            return str(value) if value else ""
        return "" if value is None else str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column, in SQL; a column of -1 means import order."""
        key = COLUMNS[column][0] if 0 <= column < len(COLUMNS) else "id"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self.refresh()


class CollectionTreeModel(QStandardItemModel):
    """Collections as a tree under an "All sources" root, with their source counts.

    Collections are few, so the whole tree is built at once from one query.
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self.setHorizontalHeaderLabels(["Collection", "Sources"])

    def set_session(self, session: ProjectSession | None) -> None:
        """Show the collections of ``session`` (or none), following its changes."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
        self._session = session
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self.refresh()

    def refresh(self) -> None:
        """Read the collections again."""
        self.beginResetModel()
        self.blockSignals(True)  # one reset, not a signal per row
        try:
            self.removeRows(0, self.rowCount())
            self._build()
        finally:
            self.blockSignals(False)
        self.endResetModel()

    def _build(self) -> None:
        if self._session is None:
            return
        with self._session.read() as s:
            rows, total = queries.collection_tree(s), queries.count(s)
        root = self._row("All sources", ALL_SOURCES, total)
        self.appendRow(root)
        items = {r["id"]: self._row(r["name"], r["id"], r["count"]) for r in rows}
        for r in rows:
            parent = items.get(r["parent_id"], root)
            parent[0].appendRow(items[r["id"]])

    @staticmethod
    def _row(name: str, collection_id: int, count: int) -> list[QStandardItem]:
        label, number = QStandardItem(name), QStandardItem(f"{count:,}")
        for item in (label, number):
            item.setEditable(False)
            item.setData(collection_id, Qt.ItemDataRole.UserRole)
        number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return [label, number]

    def collection_id(self, index: QModelIndex) -> int | None:
        """The collection at ``index``; None for "All sources" (or no index)."""
        if not index.isValid():
            return None
        value = self.itemFromIndex(index.siblingAtColumn(0)).data(Qt.ItemDataRole.UserRole)
        return None if value == ALL_SOURCES else value

    def index_of(self, collection_id: int | None) -> QModelIndex:
        """The index of a collection (None: "All sources"); invalid when it is gone."""
        root = self.index(0, 0)
        if collection_id is None or not root.isValid():
            return root
        hits = self.match(root, Qt.ItemDataRole.UserRole, collection_id, 1,
                          Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return hits[0] if hits else QModelIndex()

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched("sources", "collections"):
            self.refresh()
