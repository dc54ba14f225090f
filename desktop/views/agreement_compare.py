"""One source, coders side by side: each coder's stripes beside the text, disagreements marked.

:class:`ComparisonPanel` shows the text of a source read-only, with the passages where
the coders differ tinted red. To its side (where the lines start: left of a
left-to-right text, right of an Arabic one) :class:`CoderStripes` draws one column per
coder, a bar in the code's colour beside the lines each of their coded spans covers,
and a last, red column beside every disagreement. Positions come from the core in code
points and are converted once per source (:class:`desktop.offsets.OffsetMap`).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from db.agreement import SourceComparison
from desktop.models.sources import is_rtl
from desktop.offsets import OffsetMap

COLUMN = 46  # width of one coder's column
BAR = 12  # the width of a disagreement bar
LANE = 14  # a coder's column has three lanes for bars beside the same lines
DIFF = QColor("#d32f2f")
DIFF_TINT = QColor("#ffd6d6")
HEADER_HEIGHT = 22


class CoderStripes(QWidget):
    """The coders' columns beside a text view (or, with ``header``, their names)."""

    def __init__(self, edit: QPlainTextEdit, header: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.edit, self.header = edit, header
        self.names: list[str] = []
        self.bars: list[list[tuple[int, int, QColor, str]]] = []  # per coder: qt spans
        self.diffs: list[tuple[int, int]] = []
        if not header:
            edit.verticalScrollBar().valueChanged.connect(self.update)
            edit.updateRequest.connect(lambda *_: self.update())

    def set_columns(self, names: list[str], bars: list[list[tuple[int, int, QColor, str]]],
                    diffs: list[tuple[int, int]]) -> None:
        """One column per coder (its bars: Qt start, end, colour, code) and the diffs."""
        self.names, self.bars, self.diffs = names, bars, diffs
        self.setFixedWidth(COLUMN * (len(names) + 1) + 6)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(COLUMN * (len(self.names) + 1) + 6,
                     HEADER_HEIGHT if self.header else 200)

    def _x(self, column: int) -> int:
        """The left edge of column ``column`` (coders in order, then the "≠" column); the
        "≠" column is always the one next to the text."""
        text_on_left = self.edit.geometry().center().x() < self.geometry().center().x()
        slot = len(self.names) - column if text_on_left else column
        return 3 + slot * COLUMN

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        if self.header:
            self._paint_names(painter)
        else:
            self._paint_bars(painter)
        painter.end()

    def _paint_names(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        labels = [*self.names, "≠"]
        for i, name in enumerate(labels):
            rect = QRect(self._x(i), 0, COLUMN - 4, HEADER_HEIGHT)
            painter.setPen(DIFF if i == len(self.names) else self.palette().text().color())
            shown = painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight,
                                                     rect.width())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)

    def _paint_bars(self, painter: QPainter) -> None:
        for i, bars in enumerate(self.bars):
            rows = [(self._y(a, True), self._y(b, False), color) for a, b, color, _ in bars]
            for (top, bottom, color), lane in zip(rows, _lanes(rows), strict=True):
                self._bar(painter, i, top, bottom, color, lane)
        for a, b in self.diffs:
            self._bar(painter, len(self.names), self._y(a, True), self._y(b, False), DIFF, 0)

    def _bar(self, painter: QPainter, column: int, top: int, bottom: int, color: QColor,
             lane: int) -> None:
        if bottom < 0 or top > self.height():
            return
        width = BAR if column == len(self.names) else LANE
        x = self._x(column) + (COLUMN - 3 * LANE) // 2 + lane * LANE
        painter.fillRect(QRect(x, top + 1, width - 2, max(bottom - top - 1, 3)), color)

    def _y(self, qpos: int, top: bool) -> int:
        cursor = QTextCursor(self.edit.document())
        cursor.setPosition(min(qpos, self.edit.document().characterCount() - 1))
        rect = self.edit.cursorRect(cursor)
        y = rect.top() if top else rect.bottom()
        return self.mapFromGlobal(self.edit.viewport().mapToGlobal(QPoint(0, y))).y()


def _lanes(rows: list[tuple[int, int, QColor]]) -> list[int]:
    """A lane (0, 1, 2) for each bar, so that bars beside the same lines sit side by side."""
    ends: list[int] = []  # the bottom of the last bar in each lane
    out = []
    for top, bottom, _ in rows:
        lane = next((i for i, end in enumerate(ends) if end < top), None)
        if lane is None:
            lane = min(len(ends), 2)
            if lane == len(ends):
                ends.append(bottom)
        ends[lane] = max(ends[lane], bottom)
        out.append(lane)
    return out


class ComparisonPanel(QWidget):
    """A source's text with every coder's stripes beside it and the disagreements marked."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.edit = QPlainTextEdit(self)
        self.edit.setReadOnly(True)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.stripes = CoderStripes(self.edit, parent=self)
        self.names = CoderStripes(self.edit, header=True, parent=self)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(2)
        self.grid.addWidget(self.title, 0, 0, 1, 2)
        self._place(rtl=False)

    def _place(self, rtl: bool) -> None:
        for w in (self.names, self.stripes, self.edit):
            self.grid.removeWidget(w)
        side, text = (1, 0) if rtl else (0, 1)
        self.grid.addWidget(self.names, 1, side)
        self.grid.addWidget(self.stripes, 2, side)
        self.grid.addWidget(self.edit, 2, text)
        self.grid.setColumnStretch(text, 1)
        self.grid.setColumnStretch(side, 0)

    def show_comparison(self, cmp: SourceComparison | None, title: str, names: list[str],
                        codes: dict[int, tuple[str, str]]) -> None:
        """Show one source (None: clear); ``codes`` maps a code id to (path, colour)."""
        if cmp is None:
            self.title.clear()
            self.edit.clear()
            self.stripes.set_columns([], [], [])
            self.names.set_columns([], [], [])
            return
        rtl = is_rtl(cmp.text)
        self._place(rtl)
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        self.edit.setLayoutDirection(direction)  # lines start on the right, scroll bar left
        option = self.edit.document().defaultTextOption()
        option.setTextDirection(direction)
        option.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        self.edit.document().setDefaultTextOption(option)
        self.edit.setPlainText(cmp.text)
        offsets = OffsetMap(cmp.text)
        bars = [[(offsets.to_qt(a), offsets.to_qt(b), QColor(codes[k][1]), codes[k][0])
                 for a, b, k in cmp.spans.get(c, [])] for c in cmp.coder_ids]
        diffs = [(offsets.to_qt(a), offsets.to_qt(b)) for a, b in cmp.disagreements]
        used = dict.fromkeys(k for c in cmp.coder_ids for _, _, k in cmp.spans.get(c, []))
        legend = "&nbsp;&nbsp;".join(
            f'<span style="background:{codes[k][1]}">&nbsp;&nbsp;&nbsp;</span>&nbsp;'
            f"{html.escape(codes[k][0])}" for k in used)
        # "Source N:" first and a left-to-right mark after the title keep the line in
        # English order even when the title is Arabic.
        self.title.setText(f"Source {cmp.source_id}: <b>{html.escape(title)}</b>\u200e — "
                           f"{len(cmp.disagreements)} passage(s) where the coders differ "
                           f"(tinted red)<br>{legend}")
        self.stripes.set_columns(names, bars, diffs)
        self.names.set_columns(names, [], [])
        self._tint(diffs)

    def _tint(self, diffs: list[tuple[int, int]]) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(DIFF_TINT)
        marks = []
        for start, end in diffs:
            sel = QTextEdit.ExtraSelection()
            sel.cursor = QTextCursor(self.edit.document())
            sel.cursor.setPosition(start)
            sel.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.format = fmt
            marks.append(sel)
        self.edit.setExtraSelections(marks)
