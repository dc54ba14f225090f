"""Table cells that read right to left when their text does (Arabic titles, posts, memos)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from desktop.models.sources import RTL_ROLE


class BidiDelegate(QStyledItemDelegate):
    """Lays out right-to-left cells right to left: right-aligned, elided on the left.

    A model marks such cells with ``RTL_ROLE``. Each cell is also clipped to itself: a
    fallback font (an emoji drawn from an Arabic font with tall ascenders) can make a
    line taller than the row, and the style would then draw over the neighbouring rows.
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(RTL_ROLE):
            option.direction = Qt.LayoutDirection.RightToLeft

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex):
        painter.save()
        painter.setClipRect(option.rect)
        super().paint(painter, option, index)
        painter.restore()
