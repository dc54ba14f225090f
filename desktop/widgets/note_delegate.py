"""How an excerpt's notes are drawn: the number, then the formatted note laid out as
rich text (italic titles; an Arabic note of the article right to left), with a grey
caption saying what it is (:func:`desktop.models.citations.note_html`)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QTextDocument
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.fonts import reading_font
from desktop.models.citations import ROW_ROLE, note_html


class NoteDelegate(QStyledItemDelegate):
    """Draws a note: its number, then its formatted text and a grey caption."""

    def __init__(self, view: QListView):
        super().__init__(view)
        self._view = view
        self._docs: dict[tuple[int, int], QTextDocument] = {}
        self.font = reading_font(view.font())

    def forget(self) -> None:
        """Drop the laid-out notes (the rows or the width changed)."""
        self._docs.clear()

    def _number_width(self) -> int:
        return self._view.fontMetrics().horizontalAdvance("00.") + 8

    def document(self, index: QModelIndex) -> QTextDocument:
        """The note laid out at the view's width."""
        width = max(self._view.viewport().width() - self._number_width() - 12, 120)
        key = (index.row(), width)
        doc = self._docs.get(key)
        if doc is None:
            doc = self._docs[key] = QTextDocument(self)
            doc.setDefaultFont(self.font)
            doc.setDocumentMargin(0)
            doc.setHtml(note_html(index.data(ROW_ROLE)))
            doc.setTextWidth(width)
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        doc = self.document(index)
        return QSize(int(doc.textWidth()), int(doc.size().height()) + 12)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex):
        painter.save()
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, palette.highlight().color().lighter(175))
        row = index.data(ROW_ROLE)
        painter.setFont(self.font)
        painter.setPen(palette.text().color())
        top = option.rect.top() + 6
        painter.drawText(option.rect.left() + 4, top, self._number_width(), 40,
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         f"{row['number']}.")
        painter.translate(option.rect.left() + self._number_width() + 4, top)
        self.document(index).documentLayout().draw(
            painter, QAbstractTextDocumentLayout.PaintContext())
        painter.restore()
