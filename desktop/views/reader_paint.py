"""Painting coded pieces of the Reader's text as extra selections, near what is on screen.

``QTextEdit.setExtraSelections`` measures every selection it has not seen before, and
measuring anything below the part of the document laid out so far lays out *all* the
rest at once (a third of a second for a 50,000-word article). The :class:`Highlighter`
therefore keeps all the pieces but gives the view only those from a screen above the
view down to its last visible paragraph (laid out anyway to be drawn), and moves that
window as the view scrolls. A selection that crosses a paragraph break is measured by
laying out the whole document too, so pieces are cut at line breaks (the break itself is
not highlighted). Pieces, formats and selections already made are reused, so coding one
more passage, or scrolling, only builds what is new.

Find hits (:meth:`Highlighter.show_hits`) are a second layer, windowed the same way and
given to the view after the coded pieces, so they are drawn on top of them; repainting
the coding keeps them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from desktop.offsets import OffsetMap
from desktop.views.reader_layers import Layer, piece_format, segments
from desktop.widgets.margin import paragraphs_between

Piece = tuple[int, int, tuple[str, ...]]  # code-point start, end, layer colours
Hit = tuple[int, int, bool]  # code-point start, end, whether it is the current hit

HIT_BACKGROUND, CURRENT_HIT_BACKGROUND = "#ffb74d", "#ff8f00"  # orange, on any coding
HIT_INK, HIT_UNDERLINE = "#000000", "#e65100"


def hit_format(current: bool) -> QTextCharFormat:
    """A find hit: black on orange (stronger for the current one), underlined."""
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(CURRENT_HIT_BACKGROUND if current else HIT_BACKGROUND))
    fmt.setForeground(QColor(HIT_INK))
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    fmt.setUnderlineColor(QColor(HIT_UNDERLINE))
    return fmt


def _lines_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at its line breaks, which are left out."""
    parts = []
    while start < end:
        stop = text.find("\n", start, end)
        if stop < 0:
            stop = end
        if stop > start:
            parts.append((start, stop))
        start = stop + 1
    return parts


def _within_lines(text: str, start: int, end: int, cover: tuple[Layer, ...]) -> list[Piece]:
    """``[start, end)`` cut at its line breaks, which are left out."""
    colors = tuple([layer.color for layer in cover])
    pieces = []
    while start < end:
        stop = text.find("\n", start, end)
        if stop < 0:
            stop = end
        if stop > start:
            pieces.append((start, stop, colors))
        start = stop + 1
    return pieces


class Highlighter(QObject):
    """The coded pieces of the text a ``QTextEdit`` shows, painted where they are seen."""

    def __init__(self, view: QTextEdit) -> None:
        super().__init__(view)
        self._view = view
        self._offsets = OffsetMap("")
        self._pieces: list[Piece] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._window: tuple[int, int] | None = None  # code points given to the view
        self._formats: dict[tuple[str, ...], QTextCharFormat] = {}
        self._made: dict[Piece, QTextEdit.ExtraSelection] = {}
        self._colors = (0, 0)  # page and ink the formats were made for
        self._hits: list[Hit] = []
        self._hit_starts: list[int] = []
        self._hit_ends: list[int] = []
        view.verticalScrollBar().valueChanged.connect(self._on_view_scrolled)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)

    def show_layers(self, layers: list[Layer], text: str, offsets: OffsetMap) -> None:
        """Paint ``layers`` (sorted as ``layers_of`` sorts them) on ``text``, which
        ``offsets`` describes; a different text than last time starts afresh."""
        self._use_offsets(offsets)
        self._pieces = [piece for a, b, cover in segments(layers)
                        for piece in _within_lines(text, a, b, cover)]
        if self._made:
            kept = set(self._pieces)
            self._made = {p: s for p, s in self._made.items() if p in kept}
        self._starts = [p[0] for p in self._pieces]
        self._ends = [p[1] for p in self._pieces]
        self._paint_window()

    def show_hits(self, spans: list[tuple[int, int]], current: int | None, text: str,
                  offsets: OffsetMap) -> None:
        """Paint the find hits ``spans`` (code points, sorted) on top of the coding;
        ``spans[current]`` more strongly. An empty list removes them."""
        self._use_offsets(offsets)
        self._hits = [(a, b, k == current) for k, (start, end) in enumerate(spans)
                      for a, b in _lines_of(text, start, end)]
        self._hit_starts = [h[0] for h in self._hits]
        self._hit_ends = [h[1] for h in self._hits]
        self._paint_window()

    def forget_hits(self) -> None:
        """Drop the hits without repainting (another text is about to be painted)."""
        self._hits, self._hit_starts, self._hit_ends = [], [], []

    def hits(self) -> list[Hit]:
        """Every hit piece (painted or not), in text order."""
        return list(self._hits)

    def _use_offsets(self, offsets: OffsetMap) -> None:
        """A different text than last time: forget the selections made for the old one."""
        if offsets is not self._offsets:
            self._offsets, self._made = offsets, {}

    def pieces(self) -> list[Piece]:
        """Every coded piece of the text (painted or not), in text order."""
        return list(self._pieces)

    # -- the window ---------------------------------------------------------------

    def _screens(self, before: float, after: float) -> tuple[int, int]:
        """Code points from ``before`` screens above the top to ``after`` below it."""
        top = self._view.verticalScrollBar().value()
        height = self._view.viewport().height()
        qfirst, qlast = paragraphs_between(self._view, top - before * height,
                                           top + after * height)
        length = self._offsets.qt_length
        return (self._offsets.from_qt(min(qfirst, length)),
                self._offsets.from_qt(min(qlast, length), ceil=True))

    def _on_view_scrolled(self, _value: int) -> None:
        if not self._pieces and not self._hits:
            return
        shown = self._screens(0, 1)
        window = self._window
        if window is None or shown[0] < window[0] or shown[1] > window[1]:
            self._paint_window()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self._viewport and event.type() == QEvent.Type.Resize
                and shiboken6.isValid(self._view)):  # not while the view is being destroyed
            self._window = None
            if self._pieces or self._hits:
                self._paint_window()
        return super().eventFilter(watched, event)

    def _paint_window(self) -> None:
        """Give the view the pieces from a screen above the view to its bottom."""
        if not self._pieces and not self._hits:
            self._window = None
            self._view.setExtraSelections([])
            return
        self._window = first, last = self._screens(1, 1)
        begin = bisect_right(self._ends, first)
        end = bisect_left(self._starts, last)
        selections = self._selections(self._pieces[begin:end])
        begin = bisect_right(self._hit_ends, first)
        end = bisect_left(self._hit_starts, last)
        selections += [self._hit_selection(hit) for hit in self._hits[begin:end]]
        self._view.setExtraSelections(selections)

    # -- selections ---------------------------------------------------------------

    def _selections(self, pieces: list[Piece]) -> list[QTextEdit.ExtraSelection]:
        """An ``ExtraSelection`` for each piece, reusing those already made."""
        self._use_palette()
        made: dict[Piece, QTextEdit.ExtraSelection] = {}
        # Inside an edit block a cursor does not work out its x on the line each time
        # it moves, which would lay the line out; nothing is edited.
        guard = QTextCursor(self._view.document())
        guard.beginEditBlock()
        try:
            for piece in pieces:
                made[piece] = self._made.get(piece) or self._selection(piece)
        finally:
            guard.endEditBlock()
        self._made.update(made)
        return list(made.values())

    def _selection(self, piece: Piece) -> QTextEdit.ExtraSelection:
        start, end, colors = piece
        fmt = self._formats.get(colors)
        if fmt is None:
            palette = self._view.palette()
            fmt = self._formats[colors] = piece_format(
                colors, palette.color(palette.ColorRole.Base),
                palette.color(palette.ColorRole.Text))
        cursor = QTextCursor(self._view.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor, selection.format = cursor, fmt
        return selection

    def _hit_selection(self, hit: Hit) -> QTextEdit.ExtraSelection:
        start, end, current = hit
        cursor = QTextCursor(self._view.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor, selection.format = cursor, hit_format(current)
        return selection

    def _use_palette(self) -> None:
        """Drop the formats when the theme's page or text colour changed."""
        palette = self._view.palette()
        colors = (palette.color(palette.ColorRole.Base).rgba(),
                  palette.color(palette.ColorRole.Text).rgba())
        if colors != self._colors:
            self._colors, self._formats, self._made = colors, {}, {}

