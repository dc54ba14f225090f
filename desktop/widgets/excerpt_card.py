"""How the Coded excerpts view draws an excerpt: a card with its source and codes.

The card's first line says where the excerpt is from (title, author, date) on the left
and its codes (swatch and name) and coder on the right; below, the exact text in the
Reader's font, with the context around it in grey when context is asked for, the
excerpt itself then marked in its first code's colour. A stripe per code runs down the
side where the text starts: right-to-left excerpts are laid out, aligned and striped
from the right.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.fonts import reading_font
from desktop.models.codes import swatch
from desktop.models.excerpts import ROW_ROLE, isolated_headline

PAD = 8  # inside each excerpt's card
BAR = 5  # the width of the colour bar on the reading side of a card
CONTEXT_GREY = "#6b6b6b"
_BREAKS = re.compile(r"[^\S\n]*\n\s*")


class ExcerptDelegate(QStyledItemDelegate):
    """Draws an excerpt as a card: where it is from, then its text with context."""

    def __init__(self, view: QListView):
        super().__init__(view)
        self._view = view
        self._docs: dict[tuple[int, int], QTextDocument] = {}
        self.text_font = reading_font(view.font())
        self.head_font = QFont(view.font())
        self.head_font.setPointSizeF(view.font().pointSizeF() * 0.92)

    def forget(self) -> None:
        """Drop the laid-out texts (the rows or the width changed)."""
        self._docs.clear()

    def _width(self) -> int:
        return max(self._view.viewport().width() - 2 * PAD - BAR - 4, 120)

    def document(self, index: QModelIndex) -> QTextDocument:
        """The excerpt's text (with context) laid out at the view's width."""
        key = (index.row(), self._width())
        doc = self._docs.get(key)
        if doc is None:
            doc = self._docs[key] = self._make_document(index.data(ROW_ROLE))
            doc.setTextWidth(key[1])
        return doc

    def _make_document(self, row: dict[str, Any]) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setDocumentMargin(0)
        doc.setDefaultFont(self.text_font)
        rtl = row["rtl"]
        # Absolute alignment: a plain AlignRight would be mirrored back to the left in RTL.
        align = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        option = QTextOption(align | Qt.AlignmentFlag.AlignAbsolute)
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl
                                else Qt.LayoutDirection.LeftToRight)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        cursor = QTextCursor(doc)
        block = cursor.blockFormat()
        block.setLayoutDirection(option.textDirection())
        block.setAlignment(option.alignment())
        cursor.setBlockFormat(block)
        before, after = row.get("before") or "", row.get("after") or ""
        grey, marked = QTextCharFormat(), QTextCharFormat()
        grey.setForeground(QColor(CONTEXT_GREY))
        if before or after:  # the excerpt stands out from its context
            marked.setBackground(QColor(_first_color(row)))
        for text, form in ((before and "…" + before, grey), (row["text"], marked),
                           (after and after + "…", grey)):
            cursor.insertText(_one_block(text), form)
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        head = QFontMetrics(self.head_font).height()
        doc = self.document(index)
        return QSize(self._width(), int(PAD + head + 4 + doc.size().height() + PAD + 1))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex):
        row = index.data(ROW_ROLE)
        painter.save()
        rect = option.rect.adjusted(0, 0, 0, -1)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        painter.fillRect(rect, palette.highlight().color().lighter(175) if selected
                         else palette.base())
        painter.setPen(palette.mid().color())
        painter.drawLine(rect.bottomLeft() + QPoint(0, 1), rect.bottomRight() + QPoint(0, 1))
        self._paint_bar(painter, rect, row)
        inner = rect.adjusted(PAD + (0 if row["rtl"] else BAR), PAD,
                              -PAD - (BAR if row["rtl"] else 0), -PAD)
        head_height = self._paint_head(painter, inner, row, palette)
        painter.translate(inner.left(), inner.top() + head_height + 4)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, palette.text().color())
        self.document(index).documentLayout().draw(painter, context)
        painter.restore()

    @staticmethod
    def _paint_bar(painter: QPainter, rect: QRect, row: dict[str, Any]) -> None:
        """One stripe per code, in its colour, on the side the text starts."""
        colors = [c["color"] for c in row.get("codes") or []] or ["#bdbdbd"]
        height = rect.height() / len(colors)
        x = rect.right() - BAR + 1 if row["rtl"] else rect.left()
        for i, color in enumerate(colors):
            painter.fillRect(QRect(x, rect.top() + int(i * height), BAR,
                                   int((i + 1) * height) - int(i * height)), QColor(color))

    def _paint_head(self, painter: QPainter, rect: QRect, row: dict[str, Any],
                    palette: QPalette) -> int:
        """Source, author and date on the left; the excerpt's codes on the right."""
        painter.setFont(self.head_font)
        metrics = QFontMetrics(self.head_font)
        height = metrics.height()
        codes_width = self._paint_codes(painter, rect, row, metrics)
        painter.setPen(palette.placeholderText().color())
        room = rect.width() - codes_width - 12
        text = metrics.elidedText(isolated_headline(row), Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRect(rect.left(), rect.top(), room, height),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        return height

    @staticmethod
    def _paint_codes(painter: QPainter, rect: QRect, row: dict[str, Any],
                     metrics: QFontMetrics) -> int:
        """The codes as swatch and name, right-aligned; the width they took."""
        x, height = rect.right(), metrics.height()
        coder = row.get("coder") or ""
        painter.setPen(QColor(CONTEXT_GREY))
        if coder:
            label = f"— {coder}"
            x -= metrics.horizontalAdvance(label)
            painter.drawText(QRect(x, rect.top(), metrics.horizontalAdvance(label), height),
                             Qt.AlignmentFlag.AlignVCenter, label)
            x -= 10
        for code in reversed(row.get("codes") or []):
            width = metrics.horizontalAdvance(code["name"])
            x -= width
            painter.drawText(QRect(x, rect.top(), width, height), Qt.AlignmentFlag.AlignVCenter,
                             code["name"])
            x -= 14
            swatch(code["color"], 12).paint(painter, QRect(x, rect.top() + (height - 12) // 2,
                                                           12, 12))
            x -= 8
        return rect.right() - x


def _first_color(row: dict[str, Any]) -> str:
    codes = row.get("codes") or []
    return codes[0]["color"] if codes else "#fff59d"


def _one_block(text: str) -> str:
    """Line breaks as line separators (a run of them as one): one paragraph, laid out in
    one direction, without the blank lines between the source's paragraphs."""
    return _BREAKS.sub("\u2028", text)
