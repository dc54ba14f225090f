"""The Reader's text view: a read-only ``QTextEdit`` with a coding margin and drag and drop.

- Dragging the selected text out carries, besides the text, ``application/x-quire-span``
  with ``"source_id,start,end"`` (code points), which the codebook accepts as "apply
  this code to that span".
- Dropping a code (``application/x-quire-code``, the code id as ASCII) onto the text
  reports :attr:`ReaderTextEdit.code_dropped`; nothing else can be dropped (the text
  never changes).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QResizeEvent
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
        self.setViewportMargins(0 if rtl else width, 0, width if rtl else 0, 0)
        rect = self.contentsRect()
        x = rect.right() + 1 - width if rtl else rect.left()
        geometry = QRect(x, rect.top(), width, rect.height())
        if geometry != self.margin.geometry():
            self.margin.setGeometry(geometry)
            self.margin.relayout()  # the text was wrapped again

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
