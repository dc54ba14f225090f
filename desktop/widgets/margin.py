"""The coding margin: one labelled stripe per code beside the lines an excerpt covers.

The margin sits beside a ``QTextEdit``'s viewport, on the side where the source's lines
start (left of a left-to-right text, right of a right-to-left one), so each stripe is next
to the beginning of the lines it marks. Stripes are laid out in columns: column 0 is the
one nearest the text, and a stripe goes into the first column where it overlaps nothing
(its label included), so overlapping excerpts never draw over each other. A short text
packs stripes line by line; a long one paragraph by paragraph (see ``_pack``).

Positions given to the margin are Qt (UTF-16) document positions; the caller converts
code points with :mod:`desktop.offsets`. Geometry comes from the document layout
(block and line rectangles), measured once per layout and only for stripes in the
paragraphs on screen; painting only visits those stripes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

COLUMN_WIDTH = 96  # a column: the coloured bar and room for a short code name
BAR_WIDTH = 5
MAX_SHARE = 0.25  # of the view's width, at most; more columns share it, labels shrink
MIN_WIDTH, MAX_WIDTH = 104, 300
MIN_LABELLED = 34  # narrower columns show bars only (the tooltip names the code)
PAD = 4
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
LINE_PACKED_TEXT = 20_000  # texts up to this many units are packed line by line
MEMO_MARK = "✎"  # beside a stripe whose excerpt has a memo (the Codes pane uses it too)
GAP = 3  # vertical room kept between two stripes of one column


@dataclass
class Stripe:
    """One code (or marker) on one excerpt, as the margin draws it."""

    key: int  # the excerpt id, reported when the stripe is clicked
    qstart: int  # Qt document positions, half-open
    qend: int
    color: QColor
    label: str
    tooltip: str | Callable[[], str] = ""  # a callable is asked when the mouse rests
    code_id: int | None = None
    top: float = field(default=0.0, compare=False)  # document y, set by the layout
    bottom: float = field(default=0.0, compare=False)
    column: int = field(default=0, compare=False)
    memo: bool = field(default=False, compare=False)  # the excerpt has a memo: a ✎ mark


class CodingMargin(QWidget):
    """Coding stripes for the excerpts of the document shown in ``view``."""

    stripe_clicked = Signal(int)  # the excerpt id of the clicked stripe
    width_wanted = Signal(int)  # the width the margin needs; the view makes room for it

    def __init__(self, view: QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent or view)
        self.setObjectName("codingMargin")
        self._view = view
        self._stripes: list[Stripe] = []
        self._starts: list[int] = []  # stripe starts, sorted, for bisect
        self._reach: list[int] = []  # running maximum of the ends, in the same order
        self._columns = 1
        self._packed = True
        self._lines: dict[int, tuple[float, float]] = {}  # Qt position -> its line's y span
        self._side = Qt.LayoutDirection.LeftToRight
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 8.0))
        self.setFont(font)
        # Arabic script is small for its size in most fonts: its labels get a larger one.
        self._arabic_font = QFont(font)
        self._arabic_font.setPointSizeF(font.pointSizeF() * 1.12)
        view.verticalScrollBar().valueChanged.connect(self.update)
        view.document().documentLayout().documentSizeChanged.connect(self.relayout)

    # -- what to show -------------------------------------------------------------

    def set_stripes(self, stripes: list[Stripe]) -> None:
        """Show these stripes (replacing any shown) and ask for the width they need.

        Line geometry measured for earlier stripes is kept (the text has not moved), so
        coding one more passage only measures that passage.
        """
        self._stripes = sorted(stripes, key=lambda s: (s.qstart, -s.qend))
        self._starts = [s.qstart for s in self._stripes]
        self._reach = list(accumulate((s.qend for s in self._stripes), max))
        self._columns = 1
        self._packed = False
        self.update()

    def stripes(self) -> list[Stripe]:
        """The stripes shown, in text order (by start, then longest first)."""
        self._pack()
        return list(self._stripes)

    def set_side(self, direction: Qt.LayoutDirection) -> None:
        """Which way the text runs: the margin mirrors its columns to stay beside it."""
        self._side = direction
        self.update()

    def side(self) -> Qt.LayoutDirection:
        """The direction the margin was laid out for."""
        return self._side

    def wanted_width(self) -> int:
        """Room for the columns in use (at least one, so coding does not reflow the text),
        but never more than a quarter of the view: the text comes first."""
        cap = max(MIN_WIDTH, min(MAX_WIDTH, round(self._view.width() * MAX_SHARE)))
        return min(2 * PAD + COLUMN_WIDTH * max(self._columns, 1), cap)

    def relayout(self, *_args: object) -> None:
        """Measure the stripes again before the next paint (the text's layout changed)."""
        self._lines.clear()
        if self._by_lines():
            self._packed = False
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.wanted_width(), 100)

    # -- columns ------------------------------------------------------------------

    def _by_lines(self) -> bool:
        """Whether stripes are packed line by line (a short text, cheap to lay out whole)
        rather than paragraph by paragraph (a long one, laid out only where it is read)."""
        return self._view.document().characterCount() <= LINE_PACKED_TEXT

    def _pack(self) -> None:
        """Give every stripe a column where it overlaps no other (its label included).

        A short text is measured whole and stripes share a column whenever their lines
        do not meet. Measuring a long article would lay out all of it at once (a third of
        a second for 50,000 words), so there stripes share a column only when their
        paragraphs do not meet: the same answer wherever the reader has scrolled to.
        """
        if self._packed:
            return
        self._packed = True
        if self._by_lines():
            for stripe in self._stripes:
                self._measure(stripe)
            columns = _assign_columns(sorted(self._stripes, key=lambda s: (s.top, -s.bottom)),
                                      self._label_height())
        else:
            columns = _assign_block_columns(self._view.document(), self._stripes)
        self._columns = max(self._columns, columns)  # grow only: a reflow cannot oscillate
        if self.isVisible() and self.wanted_width() != self.width():
            self.width_wanted.emit(self.wanted_width())

    # -- geometry -----------------------------------------------------------------

    def _measure(self, stripe: Stripe) -> None:
        """Set the document y of the stripe's first line's top and last line's bottom."""
        stripe.top = self._line(stripe.qstart)[0]
        stripe.bottom = self._line(max(stripe.qend - 1, stripe.qstart))[1]

    def _line(self, qpos: int) -> tuple[float, float]:
        """Top and bottom (document y) of the line holding ``qpos``, measured once."""
        found = self._lines.get(qpos)
        if found is None:
            found = self._lines[qpos] = _line_rect(self._view.document(), qpos)
        return found

    def visible_stripes(self) -> list[tuple[Stripe, QRect]]:
        """The stripes drawn now, each with its bar's rectangle in margin coordinates.

        Only stripes in the paragraphs on screen are measured (and those once); the end
        of one that runs on below the screen is not, as that would lay the rest out.
        """
        self._pack()
        first_y = self._view.verticalScrollBar().value()
        last_y = first_y + self._view.viewport().height()
        qfirst, qlast = paragraphs_between(self._view, first_y, last_y)
        begin = bisect_right(self._reach, qfirst)
        end = bisect_left(self._starts, qlast)
        shown = []
        for stripe in self._stripes[begin:end]:
            if stripe.qend <= qfirst:
                continue
            if stripe.qend - 1 < qlast or self._by_lines():
                self._measure(stripe)
            else:  # it runs on below the screen, where the text may not be laid out yet
                stripe.top = self._line(stripe.qstart)[0]
                stripe.bottom = last_y + self._view.viewport().height()
            if stripe.bottom > first_y and stripe.top < last_y:
                shown.append((stripe, self._bar_rect(stripe, first_y)))
        return shown

    def _column_width(self) -> float:
        """Each column's width: full up to a few columns, then shared."""
        return min(COLUMN_WIDTH, (self.width() - 2 * PAD) / max(self._columns, 1))

    def _column_x(self, column: int) -> float:
        """The left edge of ``column``; column 0 is the one beside the text."""
        width = self._column_width()
        if self._side == Qt.LayoutDirection.RightToLeft:
            return PAD + column * width
        return self.width() - PAD - (column + 1) * width

    def _bar_rect(self, stripe: Stripe, scroll: int) -> QRect:
        """The bar of ``stripe``: on the text's side of its column."""
        x = self._column_x(stripe.column)
        if self._side != Qt.LayoutDirection.RightToLeft:
            x += self._column_width() - BAR_WIDTH
        top = stripe.top - scroll + self._viewport_top()
        return QRectF(x, top, BAR_WIDTH, max(stripe.bottom - stripe.top, 3)).toRect()

    def _viewport_top(self) -> int:
        """Where the viewport's first row is, in margin coordinates."""
        # Both are children of the view (the margin sits in its viewport margins).
        return self._view.viewport().geometry().top() - self.geometry().top()

    def stripe_at(self, point: QPoint) -> Stripe | None:
        """The stripe drawn under ``point`` (its bar or its label), if any."""
        for stripe, bar in reversed(self.visible_stripes()):
            if self._column_rect(stripe, bar).contains(point):
                return stripe
        return None

    def _column_rect(self, stripe: Stripe, bar: QRect) -> QRect:
        """The part of the column a stripe owns: its bar's height across the column."""
        x = round(self._column_x(stripe.column))
        return QRect(x, bar.top(), round(self._column_width()),
                     max(bar.height(), self._label_height()))

    def _label_height(self) -> int:
        """The height of a label in either of the margin's fonts."""
        return max(QFontMetrics(self.font()).height(),
                   QFontMetrics(self._arabic_font).height())

    def _label_font(self, label: str) -> QFont:
        """The font for a label: larger for Arabic script."""
        return self._arabic_font if _ARABIC.search(label) else self.font()

    # -- painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.Window))
        edge = self.width() - 1 if self._side != Qt.LayoutDirection.RightToLeft else 0
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(edge, 0, edge, self.height())
        labelled = self._column_width() >= MIN_LABELLED
        for stripe, bar in self.visible_stripes():
            painter.fillRect(bar, stripe.color)
            if labelled:
                self._draw_label(painter, stripe, bar)
            if stripe.memo:
                self._draw_memo_mark(painter, stripe, bar)
        painter.end()

    def _draw_memo_mark(self, painter: QPainter, stripe: Stripe, bar: QRect) -> None:
        """A small ✎ at the top of the stripe, on the side away from the text."""
        metrics = QFontMetrics(self.font())
        x = round(self._column_x(stripe.column))
        rtl = self._side == Qt.LayoutDirection.RightToLeft
        width = metrics.horizontalAdvance(MEMO_MARK) + 2
        left = x + round(self._column_width()) - width if rtl else x
        top = min(max(bar.top(), self._viewport_top()) + metrics.height(),
                  max(bar.bottom() - metrics.height(), bar.top()))
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.setFont(self.font())
        painter.drawText(QRect(left, top, width, metrics.height()),
                         Qt.AlignmentFlag.AlignCenter, MEMO_MARK)

    def _draw_label(self, painter: QPainter, stripe: Stripe, bar: QRect) -> None:
        """The code's name at the top of its stripe, kept in view while the stripe is."""
        font = self._label_font(stripe.label)
        metrics = QFontMetrics(font)
        width = round(self._column_width()) - BAR_WIDTH - 4
        top = max(bar.top(), self._viewport_top())
        top = min(top, max(bar.bottom() - metrics.height(), bar.top()))
        x = round(self._column_x(stripe.column))
        rtl = self._side == Qt.LayoutDirection.RightToLeft
        rect = QRect(x + (BAR_WIDTH + 3 if rtl else 1), top, width, metrics.height())
        tint = QColor(stripe.color)
        tint.setAlpha(60)
        text = metrics.elidedText(stripe.label, Qt.TextElideMode.ElideRight, width - 4)
        shown = QRect(rect)
        if rtl:
            shown.setWidth(metrics.horizontalAdvance(text) + 4)
        else:
            shown.setLeft(rect.right() - metrics.horizontalAdvance(text) - 4)
        painter.fillRect(shown, tint)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.setFont(font)
        align = Qt.AlignmentFlag.AlignLeft if rtl else Qt.AlignmentFlag.AlignRight
        painter.drawText(shown.adjusted(2, 0, -2, 0), align | Qt.AlignmentFlag.AlignVCenter
                         | Qt.AlignmentFlag.AlignAbsolute, text)

    # -- the mouse ----------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            return self._show_tooltip(event)
        return super().event(event)

    def _show_tooltip(self, event: QHelpEvent) -> bool:
        """The code, the coder and the start of the excerpt under the mouse."""
        stripe = self.stripe_at(event.pos())
        text = "" if stripe is None else stripe.tooltip
        text = text() if callable(text) else text
        if text:
            QToolTip.showText(event.globalPos(), text, self)
        else:
            QToolTip.hideText()
        return True

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self.stripe_at(event.position().toPoint()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            stripe = self.stripe_at(event.position().toPoint())
            if stripe is not None:
                self.stripe_clicked.emit(stripe.key)


def paragraphs_between(view: QTextEdit, first_y: float, last_y: float) -> tuple[int, int]:
    """Qt positions from the start of the paragraph drawn at document height ``first_y``
    to the end of the one at ``last_y`` (heights beyond the text clamp to its ends)."""
    doc = view.document()
    layout = doc.documentLayout()
    # In the document's top margin a hit test can answer anywhere: stay below it. (Not
    # clamped at the bottom: asking the document's height would lay all of it out.)
    inset = doc.documentMargin() + 1

    def hit(y: float) -> int:
        point = QPointF(inset, max(y, inset))
        return max(layout.hitTest(point, Qt.HitTestAccuracy.FuzzyHit), 0)

    end = doc.findBlock(hit(last_y))
    if not end.isValid():
        end = doc.lastBlock()
    return doc.findBlock(hit(first_y)).position(), end.position() + end.length() - 1


def _line_rect(doc: QTextDocument, qpos: int) -> tuple[float, float]:
    """Top and bottom (document y) of the laid-out line holding position ``qpos``."""
    block = doc.findBlock(qpos)
    rect = doc.documentLayout().blockBoundingRect(block)  # lays the block out if needed
    layout = block.layout()
    line = layout.lineForTextPosition(min(qpos - block.position(), block.length() - 1))
    if not line.isValid():
        return rect.top(), rect.bottom()
    top = layout.position().y() + line.y()
    return top, top + line.height()


def _assign_block_columns(doc: QTextDocument, stripes: list[Stripe]) -> int:
    """Put each stripe (sorted by start) in the first column whose last stripe ended in
    an earlier paragraph; the number of columns. Needs no layout."""
    ends: list[int] = []  # the last paragraph each column is taken up to
    for stripe in stripes:
        first = doc.findBlock(stripe.qstart).blockNumber()
        last = doc.findBlock(max(stripe.qend - 1, stripe.qstart)).blockNumber()
        for column, end in enumerate(ends):
            if end < first:
                stripe.column, ends[column] = column, last
                break
        else:
            stripe.column = len(ends)
            ends.append(last)
    return len(ends)


def _assign_columns(stripes: list[Stripe], label_height: int) -> int:
    """Put each stripe (sorted by top) in the first column free at its top; the count."""
    ends: list[float] = []  # where each column is free again
    for stripe in stripes:
        reach = max(stripe.bottom, stripe.top + label_height) + GAP
        for column, end in enumerate(ends):
            if end <= stripe.top:
                stripe.column, ends[column] = column, reach
                break
        else:
            stripe.column = len(ends)
            ends.append(reach)
    return len(ends)
