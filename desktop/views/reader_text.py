"""The Reader's text view: a read-only ``QTextEdit`` with a coding margin and drag and drop.

- Dragging the selected text out carries, besides the text, ``application/x-quire-span``
  with ``"source_id,start,end"`` (code points), which the codebook accepts as "apply
  this code to that span".
- Dropping a code (``application/x-quire-code``, the code id as ASCII) onto the text
  reports :attr:`ReaderTextEdit.code_dropped`; nothing else can be dropped (the text
  never changes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from PySide6.QtCore import QMimeData, QPoint, QRect, Qt, QTextBoundaryFinder, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QResizeEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from desktop.widgets.margin import CodingMargin

CODE_MIME = "application/x-quire-code"
SPAN_MIME = "application/x-quire-span"


def code_id_from_mime(mime: QMimeData) -> int | None:
    """The code id carried by a drag, or None when it carries no (valid) code."""
    if not mime.hasFormat(CODE_MIME):
        return None
    raw = bytes(mime.data(CODE_MIME).data()).decode("ascii", "replace").strip()
    return int(raw) if raw.isdigit() else None


def span_mime(source_id: int, start: int, end: int) -> bytes:
    """The payload of ``application/x-quire-span``: ``b"source_id,start,end"``."""
    return f"{source_id},{start},{end}".encode("ascii")


class ReaderTextEdit(QTextEdit):
    """Read-only text with the coding margin beside it, accepting dropped codes."""

    code_dropped = Signal(int, QPoint)  # code id, drop point in viewport coordinates

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span_of_selection: Callable[[], tuple[int, int, int] | None] = lambda: None
        self.working_at: int | None = None  # where the reader last coded (a Qt position)
        self.setAcceptDrops(True)
        self.margin = CodingMargin(self)
        self.margin.width_wanted.connect(self._on_margin_width_wanted)
        self.margin.hide()

    # -- the margin ---------------------------------------------------------------

    def show_margin(self, shown: bool, direction: Qt.LayoutDirection | None = None) -> None:
        """Show the coding margin on the side where lines start in ``direction``."""
        if direction is not None:
            self.margin.set_side(direction)
        self.margin.setVisible(shown)
        self._place_margin()

    def _on_margin_width_wanted(self, _width: int) -> None:
        self._place_margin()

    def _place_margin(self) -> None:
        """Make room for the margin beside the viewport and put it there."""
        width = self.margin.wanted_width() if self.margin.isVisibleTo(self) else 0
        rtl = self.margin.side() == Qt.LayoutDirection.RightToLeft
        margins = (0 if rtl else width, 0, width if rtl else 0, 0)
        if self.viewportMargins().left() != margins[0] \
                or self.viewportMargins().right() != margins[2]:
            with self.keeping_place():  # the text wraps again: the line read stays put
                self.setViewportMargins(*margins)
        rect = self.contentsRect()
        x = rect.right() + 1 - width if rtl else rect.left()
        geometry = QRect(x, rect.top(), width, rect.height())
        if geometry != self.margin.geometry():
            self.margin.setGeometry(geometry)
            self.margin.relayout()  # the text was wrapped again

    @contextlib.contextmanager
    def keeping_place(self) -> Iterator[None]:
        """Whatever reflows inside, the character at the top of the view stays at the
        same height on screen (the reader's place): the passage just coded when it is in
        view, else the character at the top of the view."""
        bar = self.verticalScrollBar()
        anchor = self.cursorForPosition(QPoint(4, 1))
        if self.working_at is not None:  # the passage just coded, if it is in view
            working = QTextCursor(self.document())
            working.setPosition(min(self.working_at, self.document().characterCount() - 1))
            if self.viewport().rect().contains(self.cursorRect(working)):
                anchor = working
        before = self.cursorRect(anchor).top()
        yield
        self.document().documentLayout().blockBoundingRect(anchor.block())  # laid out now
        bar.setValue(bar.value() + self.cursorRect(anchor).top() - before)

    # -- selecting whole words ----------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A selection dragged with the mouse grows to whole words (Arabic too); with Alt
        held it stays exactly as dragged."""
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton \
                or event.modifiers() & Qt.KeyboardModifier.AltModifier:
            return
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        start, end = snap_to_words(self.document(), cursor.selectionStart(),
                                   cursor.selectionEnd())
        if (start, end) != (cursor.selectionStart(), cursor.selectionEnd()):
            forwards = cursor.position() == cursor.selectionEnd()
            cursor.setPosition(start if forwards else end)
            cursor.setPosition(end if forwards else start, QTextCursor.MoveMode.KeepAnchor)
            bar = self.verticalScrollBar()
            place = bar.value()
            self.setTextCursor(cursor)
            bar.setValue(place)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_margin()

    # -- dragging the selection out -----------------------------------------------

    def createMimeDataFromSelection(self) -> QMimeData:
        """The selected text, plus the span it is for the codebook to code."""
        mime = super().createMimeDataFromSelection()
        span = self.span_of_selection()
        if span is not None:
            mime.setData(SPAN_MIME, span_mime(*span))
        return mime

    # -- dropping a code in -------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_code(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_code(event)

    def dropEvent(self, event: QDropEvent) -> None:
        code_id = code_id_from_mime(event.mimeData())
        if code_id is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.code_dropped.emit(code_id, event.position().toPoint())

    @staticmethod
    def _accept_code(event: QDragMoveEvent) -> None:
        """Accept a dragged code (as a copy); refuse anything else."""
        if code_id_from_mime(event.mimeData()) is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()


def snap_to_words(doc: QTextDocument, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` (document positions) grown so neither end cuts a word in two.

    Word boundaries are Unicode's (``QTextBoundaryFinder``, UAX #29), which handle
    Arabic, combining marks (harakat) and emoji; an end already at a boundary stays.
    """
    return _snap(doc, start, backwards=True), _snap(doc, end, backwards=False)


def _snap(doc: QTextDocument, pos: int, *, backwards: bool) -> int:
    block = doc.findBlock(pos)
    text = block.text()
    at = pos - block.position()
    if not text or at <= 0 or at >= len(text):
        return pos
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, text)
    finder.setPosition(at)
    if finder.isAtBoundary():
        return pos
    moved = finder.toPreviousBoundary() if backwards else finder.toNextBoundary()
    return pos if moved < 0 else block.position() + moved
