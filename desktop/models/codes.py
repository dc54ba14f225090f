"""The Qt item model of the codebook: codes as a tree, with colour swatches and counts.

A thin adapter over ``db.queries.codes.code_tree``: one query builds the whole tree
(1,000 codes in a few milliseconds). When only counts, names or colours changed, the
items are updated in place so the view keeps its expanded branches, selection and
scroll position; when codes moved, came or went, the tree is rebuilt. Code ids travel
in ``Qt.UserRole``.

The model never changes the project itself: renaming in place, creating a code in a
new row, and dropping a code or a span on the tree are reported as signals, which the
Codes pane turns into undoable operations (DESIGN.md rules 2-4).

Descriptions are kept as Markdown sections; see :func:`parse_description`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel

from db.descriptions import SECTIONS, parse_description
from db.queries import codes as queries
from db.queries.memos import memo_counts

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

CODE_MIME = "application/x-quire-code"  # a code id as ASCII digits
SPAN_MIME = "application/x-quire-span"  # "source_id,start,end" as ASCII

NAME, EXCERPTS, SOURCES = range(3)
HEADERS = ("Code", "Excerpts", "Sources")
ROW_KEYS = ("name", "color", "description", "path", "excerpts", "sources", "memos")

PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # "Parent/Child"
COLOR_ROLE = Qt.ItemDataRole.UserRole + 2  # "#rrggbb"
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 3  # the description, Markdown
PARENT_ROLE = Qt.ItemDataRole.UserRole + 4  # the parent code's id, or None at the top
PENDING_ROLE = Qt.ItemDataRole.UserRole + 5  # True on the row of a code being created
FAVOURITE_ROLE = Qt.ItemDataRole.UserRole + 6  # its number key in the Reader (1-9), or 0
MEMO_ROLE = Qt.ItemDataRole.UserRole + 7  # how many memos are written on the code

# Which project tables the tree shows something of.
WATCHED = ("codes", "codings", "excerpts", "sources", "coders", "memos")

_SWATCHES: dict[str, QIcon] = {}


def swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square of ``color`` with a darker rim (cached per colour)."""
    key = f"{color}/{size}"
    icon = _SWATCHES.get(key)
    if icon is None:
        fill = QColor(color) if QColor.isValidColorName(color) else QColor("#bdbdbd")
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(fill.darker(150))
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(1.5, 1.5, size - 3, size - 3), 3, 3)
        painter.end()
        icon = _SWATCHES[key] = QIcon(pixmap)
    return icon


def code_mime(code_id: int) -> QMimeData:
    """What dragging a code carries."""
    mime = QMimeData()
    mime.setData(CODE_MIME, QByteArray(str(code_id).encode("ascii")))
    return mime


def span_mime(source_id: int, start: int, end: int) -> QMimeData:
    """What dragging a span of a source's text carries (code points, half-open)."""
    mime = QMimeData()
    mime.setData(SPAN_MIME, QByteArray(f"{source_id},{start},{end}".encode("ascii")))
    return mime


def read_code(mime: QMimeData) -> int | None:
    """The code id a drag carries, or None."""
    values = _ints(mime, CODE_MIME)
    return values[0] if values and len(values) == 1 else None


def read_span(mime: QMimeData) -> tuple[int, int, int] | None:
    """The ``(source_id, start, end)`` a drag carries, or None."""
    values = _ints(mime, SPAN_MIME)
    return (values[0], values[1], values[2]) if values and len(values) == 3 else None


def _ints(mime: QMimeData, kind: str) -> list[int] | None:
    if not mime.hasFormat(kind):
        return None
    try:
        return [int(v) for v in bytes(mime.data(kind).data()).decode("ascii").split(",")]
    except (UnicodeDecodeError, ValueError):
        return None


class CodeTreeModel(QStandardItemModel):
    """The codebook of the open project: name (with swatch), excerpts, sources."""

    rename_requested = Signal(int, str)  # code id, the name typed in place
    create_requested = Signal(object, str)  # parent id (None: top level), the name typed
    move_requested = Signal(int, object, int)  # code id, new parent id or None, position
    span_dropped = Signal(int, int, int, int)  # code id, source id, start, end
    refreshed = Signal()  # the codebook was read again (rebuilt or updated in place)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._rows: dict[int, dict[str, Any]] = {}
        self._items: dict[int, list[QStandardItem]] = {}
        self._shape: list[tuple[int, int | None]] = []
        self.builds = 0  # how many times the tree was built from scratch
        self.setHorizontalHeaderLabels(list(HEADERS))
        for column in (EXCERPTS, SOURCES):
            self.setHeaderData(column, Qt.Orientation.Horizontal,
                               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                               Qt.ItemDataRole.TextAlignmentRole)

    # -- what the pane tells the model --------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Show the codebook of ``session`` (or nothing), following its changes."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
        self._session = session
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self._rebuild(self._read())

    def refresh(self) -> None:
        """Read the codebook again: update in place, or rebuild if codes moved."""
        rows = self._read()
        if [(r["id"], r["parent_id"]) for r in rows] == self._shape:
            self._update(rows)
            self.refreshed.emit()
        else:
            self._rebuild(rows)

    def _read(self) -> list[dict[str, Any]]:
        if self._session is None:
            return []
        with self._session.read() as s:  # counts follow the coder filter
            rows = queries.code_tree(s, coder_ids=self._session.visible_coders)
            memos = memo_counts(s, "code", [r["id"] for r in rows])
        for row in rows:
            row["memos"] = memos.get(row["id"], 0)
        return rows

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched(*WATCHED):
            self.refresh()

    # -- building ----------------------------------------------------------------------

    def _rebuild(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.blockSignals(True)  # one reset, not a signal per row
        try:
            self.removeRows(0, self.rowCount())
            self._build(rows)
        finally:
            self.blockSignals(False)
        self.endResetModel()
        self.builds += 1
        self.refreshed.emit()

    def _build(self, rows: list[dict[str, Any]]) -> None:
        """Make every row detached, hang children on parents, then add the top level."""
        self._rows = {r["id"]: r for r in rows}
        self._items = {r["id"]: self._make_row(r) for r in rows}
        self._shape = [(r["id"], r["parent_id"]) for r in rows]
        top: list[list[QStandardItem]] = []
        for r in rows:  # depth-first by position: siblings arrive in order
            parent = self._items.get(r["parent_id"])
            if parent is None:
                top.append(self._items[r["id"]])
            else:
                parent[NAME].appendRow(self._items[r["id"]])
        for items in top:
            self.invisibleRootItem().appendRow(items)

    def _make_row(self, row: dict[str, Any]) -> list[QStandardItem]:
        items = [QStandardItem() for _ in HEADERS]
        for item in items:
            item.setData(row["id"], Qt.ItemDataRole.UserRole)
        for column in (EXCERPTS, SOURCES):
            items[column].setTextAlignment(Qt.AlignmentFlag.AlignRight
                                           | Qt.AlignmentFlag.AlignVCenter)
        self._fill(items, row)
        return items

    @staticmethod
    def _fill(items: list[QStandardItem], row: dict[str, Any]) -> None:
        name = items[NAME]
        name.setText(row["name"])
        name.setIcon(swatch(row["color"]))
        name.setData(row["path"], PATH_ROLE)
        name.setData(row["color"], COLOR_ROLE)
        name.setData(row["description"], DESCRIPTION_ROLE)
        name.setData(row["parent_id"], PARENT_ROLE)
        name.setData(row.get("memos", 0), MEMO_ROLE)
        name.setToolTip(_tooltip(row))
        items[EXCERPTS].setText(f"{row['excerpts']:,}")
        items[SOURCES].setText(f"{row['sources']:,}")

    def _update(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            old = self._rows.get(row["id"])
            if old is None or any(old[k] != row[k] for k in ROW_KEYS):
                self._fill(self._items[row["id"]], row)
            self._rows[row["id"]] = row

    # -- looking things up -------------------------------------------------------------

    def code_id(self, index: QModelIndex) -> int | None:
        """The code at ``index`` (any column); None for no index or a row being created."""
        if not index.isValid():
            return None
        return index.siblingAtColumn(NAME).data(Qt.ItemDataRole.UserRole)

    def index_of(self, code_id: int | None, column: int = NAME) -> QModelIndex:
        """The index of a code; invalid when there is no such code."""
        items = self._items.get(code_id) if code_id is not None else None
        return items[column].index() if items else QModelIndex()

    def row(self, code_id: int) -> dict[str, Any] | None:
        """The ``code_tree`` row of a code (id, name, path, colour, counts...)."""
        return self._rows.get(code_id)

    def rows(self) -> list[dict[str, Any]]:
        """Every code, depth-first in codebook order."""
        return [self._rows[code_id] for code_id, _parent in self._shape]

    def subtree(self, code_id: int) -> list[int]:
        """A code and all its descendants."""
        found, children = [code_id], {}
        for cid, parent in self._shape:
            children.setdefault(parent, []).append(cid)
        for cid in found:
            found.extend(children.get(cid, ()))
        return found

    def set_favourites(self, keys: dict[int, int]) -> None:
        """Mark favourite codes with their number key (``{code id: key}``)."""
        for code_id, items in self._items.items():
            key = keys.get(code_id, 0)
            if items[NAME].data(FAVOURITE_ROLE) != key:
                items[NAME].setData(key, FAVOURITE_ROLE)

    def favourite_key(self, code_id: int) -> int:
        """The number key of a favourite code; 0 when it is not a favourite."""
        items = self._items.get(code_id)
        return (items[NAME].data(FAVOURITE_ROLE) or 0) if items else 0

    # -- a code being created in place --------------------------------------------------

    def add_pending(self, parent_id: int | None) -> QModelIndex:
        """An empty row at the end of ``parent_id``'s children, to type a new name in."""
        self.drop_pending()
        items = [QStandardItem() for _ in HEADERS]
        items[NAME].setData(True, PENDING_ROLE)
        items[NAME].setData(parent_id, PARENT_ROLE)
        parent = self._items.get(parent_id) if parent_id is not None else None
        (parent[NAME] if parent else self.invisibleRootItem()).appendRow(items)
        return items[NAME].index()

    def pending_index(self) -> QModelIndex:
        """The row of the code being created, if any."""
        hits = self.match(self.index(0, NAME), PENDING_ROLE, True, 1,
                          Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return hits[0] if hits else QModelIndex()

    def drop_pending(self) -> None:
        """Remove the row of the code being created (typing it was finished or given up)."""
        index = self.pending_index()
        if index.isValid():
            self.removeRow(index.row(), index.parent())

    # -- Qt's model interface ----------------------------------------------------------

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        flags = base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.siblingAtColumn(NAME).data(PENDING_ROLE):
            return flags | Qt.ItemFlag.ItemIsEditable if index.column() == NAME else flags
        flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == NAME else flags

    def setData(self, index: QModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Typing a name in place asks for a rename or a creation; nothing changes here."""
        if role != Qt.ItemDataRole.EditRole or index.column() != NAME:
            return super().setData(index, value, role)
        name = str(value).strip()
        if index.data(PENDING_ROLE):
            if name:  # an empty new row is simply given up
                self.create_requested.emit(index.data(PARENT_ROLE), name)
            return False
        code_id = self.code_id(index)
        if code_id is not None and " ".join(str(value).split()) != index.data():
            self.rename_requested.emit(code_id, str(value))
        return False

    def mimeTypes(self) -> list[str]:
        return [CODE_MIME, SPAN_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = {self.code_id(i) for i in indexes} - {None}
        return code_mime(ids.pop()) if len(ids) == 1 else QMimeData()

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def canDropMimeData(self, data: QMimeData, _action: Qt.DropAction, row: int, _column: int,
                        parent: QModelIndex) -> bool:
        """A code drops anywhere (the core validates); a span only onto a code."""
        if read_code(data) is not None:
            return True
        return (read_span(data) is not None and row < 0
                and self.code_id(parent) is not None)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex) -> bool:
        """Report the drop; the pane runs the operation after the drag has finished."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        code_id, span = read_code(data), read_span(data)
        if code_id is not None:
            self.move_requested.emit(code_id, *self._drop_place(code_id, row, parent))
        elif span is not None:
            self.span_dropped.emit(self.code_id(parent), *span)
        return True

    def _drop_place(self, code_id: int, row: int, parent: QModelIndex) -> tuple[int | None, int]:
        """The parent and position a code dropped at ``row`` under ``parent`` ends up at."""
        parent_id = self.code_id(parent)
        siblings = [cid for cid, pid in self._shape if pid == parent_id]
        if row < 0:  # dropped onto a code (or the empty space): its last child
            return parent_id, len([c for c in siblings if c != code_id])
        if code_id in siblings and siblings.index(code_id) < row:
            row -= 1  # the code leaves its old place first
        return parent_id, row


def _tooltip(row: dict[str, Any]) -> str:
    """The code's path and its description, as rich text."""
    memos = row.get("memos", 0)
    note = f"<p>✎ {memos} memo{'s' if memos != 1 else ''} (right-click ▸ Memo…)</p>" \
        if memos else ""
    return (f"<p><b>{html.escape(row['path'])}</b></p>"
            f"{description_html(row['description'] or '')}{note}")


# -- descriptions --------------------------------------------------------------------
# Stored as Markdown with four parts (db.descriptions, shared with the PDF's codebook).


def description_html(text: str) -> str:
    """A description as short rich text, for a tooltip."""
    parts = parse_description(text)
    chunks = []
    for key, heading, _label in SECTIONS:
        if parts[key]:
            body = html.escape(parts[key]).replace("\n", "<br>")
            chunks.append(body if key == "definition" else f"<b>{heading}:</b> {body}")
    return "<p>" + "</p><p>".join(chunks) + "</p>" if chunks else ""
