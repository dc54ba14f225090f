"""The codebook's tree view: a code's name with its favourite key, drags that carry a code.

Used by the Codes pane (``desktop.views.codes``). Dragging a code offers
``application/x-quire-code``; the drag never removes rows itself (a move is an operation
on the project, and the tree is redrawn from the project when it has run).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QDrag, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from desktop.models.codes import EXCERPTS, FAVOURITE_ROLE, MEMO_ROLE, NAME, SOURCES
from desktop.widgets.margin import MEMO_MARK


class CodeTreeView(QTreeView):
    """The codebook tree: drags carry a code id and never remove rows themselves."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setExpandsOnDoubleClick(False)  # double-click opens the code's excerpts
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setItemDelegateForColumn(NAME, NameDelegate(self))

    def setModel(self, model) -> None:
        """Show ``model``; the name column stretches, the counts fit their numbers and
        headers (no wider), and a name too long for the pane is elided in the middle
        (its full path is the tooltip)."""
        super().setModel(model)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (EXCERPTS, SOURCES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def startDrag(self, supported: Qt.DropAction) -> None:
        """Drag the current code; the drop target decides what the drag does."""
        indexes = [i for i in self.selectedIndexes() if i.column() == NAME]
        mime = self.model().mimeData(indexes) if indexes else None
        if mime is None or not mime.formats():
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(indexes[0].data(Qt.ItemDataRole.DecorationRole).pixmap(16, 16))
        # Whatever the target reports, the rows stay: the project change redraws the tree.
        drag.exec(supported, Qt.DropAction.MoveAction)


class NameDelegate(QStyledItemDelegate):
    """A code's name, with ✎ when it has a memo and its number key at the right when it is
    a favourite."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex):
        key = index.data(FAVOURITE_ROLE)
        memo = index.data(MEMO_ROLE)
        if not key and not memo:
            super().paint(painter, option, index)
            return
        label = " ".join(part for part in (MEMO_MARK if memo else "",
                                            f"★{key}" if key else "") if part)
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(label) + 8
        badge = QRect(option.rect.right() - width, option.rect.top() + 2, width - 2,
                      option.rect.height() - 4)
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, narrowed, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(option.palette.mid())
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(option.palette.base().color())
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()
