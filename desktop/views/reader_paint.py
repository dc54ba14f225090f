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
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from desktop.offsets import OffsetMap
from desktop.views.reader_layers import Layer, piece_format, segments
from desktop.widgets.margin import paragraphs_between

Piece = tuple[int, int, tuple[str, ...]]  # code-point start, end, layer colours


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
        view.verticalScrollBar().valueChanged.connect(self._on_view_scrolled)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)

    def show_layers(self, layers: list[Layer], text: str, offsets: OffsetMap) -> None:
        """Paint ``layers`` (sorted as ``layers_of`` sorts them) on ``text``, which
        ``offsets`` describes; a different text than last time starts afresh."""
        if offsets is not self._offsets:
            self._offsets, self._made = offsets, {}
        self._pieces = [piece for a, b, cover in segments(layers)
                        for piece in _within_lines(text, a, b, cover)]
        if self._made:
            kept = set(self._pieces)
            self._made = {p: s for p, s in self._made.items() if p in kept}
        self._starts = [p[0] for p in self._pieces]
        self._ends = [p[1] for p in self._pieces]
        self._paint_window()

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
        if not self._pieces:
            return
        shown = self._screens(0, 1)
        window = self._window
        if window is None or shown[0] < window[0] or shown[1] > window[1]:
            self._paint_window()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self._viewport and event.type() == QEvent.Type.Resize
                and shiboken6.isValid(self._view)):  # not while the view is being destroyed
            self._window = None
            if self._pieces:
                self._paint_window()
        return super().eventFilter(watched, event)

    def _paint_window(self) -> None:
        """Give the view the pieces from a screen above the view to its bottom."""
        if not self._pieces:
            self._window = None
            self._view.setExtraSelections([])
            return
        self._window = first, last = self._screens(1, 1)
        begin = bisect_right(self._ends, first)
        end = bisect_left(self._starts, last)
        self._view.setExtraSelections(self._selections(self._pieces[begin:end]))

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

    def _use_palette(self) -> None:
        """Drop the formats when the theme's page or text colour changed."""
        palette = self._view.palette()
        colors = (palette.color(palette.ColorRole.Base).rgba(),
                  palette.color(palette.ColorRole.Text).rgba())
        if colors != self._colors:
            self._colors, self._formats, self._made = colors, {}, {}

