"""The Reader: one source's metadata, its text exactly as stored, its footnotes and its
coding.

The text goes into the document with ``setPlainText`` and is never altered (no HTML is
built), so every document position maps back to a code point through
:mod:`desktop.offsets`. Paragraph direction, footnote-marker styling and so on are
applied afterwards as formats, per block and per marker, with a ``QTextCursor``; coded
excerpts are painted on top as extra selections (:mod:`desktop.views.reader_coding`),
with their stripes in a margin beside the text (:mod:`desktop.widgets.margin`). Find
hits are painted above them, and a find bar opens over the text
(:mod:`desktop.views.reader_find`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.fonts import reading_font
from desktop.offsets import OffsetMap
from desktop.views.reader_coding import ReaderCoding
from desktop.views.reader_find import FindBar, ReaderFind
from desktop.views.reader_header import (
    LTR,
    RTL,
    ReaderHeader,
    first_strong_direction,
    format_published,
)
from desktop.views.reader_quotes import paint_quotes, quote_at, quote_tooltip
from desktop.views.reader_text import ReaderTextEdit
from desktop.widgets.coder_filter import CoderFilter

if TYPE_CHECKING:
    from desktop.session import ProjectSession

TOOLTIP_WIDTH = 480  # a footnote's text wraps at about this width in the tooltip
TOOLTIP_CHROME = 10  # the tooltip's frame and margins, above and below the text
TOOLTIP_OFFSET = 16  # how far below the given point Qt draws a tooltip

__all__ = ["Reader", "ReaderHeader", "first_strong_direction", "format_published"]


class Reader(QWidget):
    """Shows one source: header, read-only text with footnote markers, its notes, and,
    once :meth:`set_session` gives it a project, the source's coding.

    Positions in the public API are code points into the source's text.
    """

    footnote_activated = Signal(int)  # index into the source's footnotes list
    quoted_post_activated = Signal(int)  # a source id: the header's link to a quoted post
    excerpt_activated = Signal(int)  # an excerpt id: its stripe was clicked
    message = Signal(str)  # why a coding action did nothing, for the status bar
    memo_requested = Signal(str, int)  # "excerpt" or "source", its id: open its memo

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._detail: dict[str, Any] | None = None
        self._map = OffsetMap("")
        self._notes: list[dict[str, Any]] = []
        self._starts: list[int] = []  # marker starts, sorted, for bisect
        self._order: list[int] = []  # the footnote index of each entry of _starts
        self._quotes: list[dict[str, Any]] = []  # the quoted passages (reader_quotes)
        self._direction = LTR
        self._build()
        self.coding = ReaderCoding(self)
        self.find = ReaderFind(self, self.find_bar)

    # -- building -----------------------------------------------------------------

    def _build(self) -> None:
        """Lay out the empty state and the header / text / notes page."""
        self.header = ReaderHeader()
        self.header.quoted_post_activated.connect(self.quoted_post_activated)
        self.view = self._make_view()
        self.notes = self._make_notes_list()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self._notes_panel)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.header)
        self.coder_filter = CoderFilter(page, label="Show coding by:", only_when_shared=True)
        self.coder_filter.layout().setContentsMargins(12, 0, 12, 2)
        column.addWidget(self.coder_filter)
        self.find_bar = FindBar(page)
        column.addWidget(self.find_bar)
        column.addWidget(splitter, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(self._make_empty_label())
        self._stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

    def _make_empty_label(self) -> QWidget:
        """What shows when no source is shown: what to do next (select, or import)."""
        page = QWidget()
        label = QLabel("Select a source to read it")
        label.setObjectName("readerEmpty")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setEnabled(False)  # drawn greyed, as a hint rather than content
        self.empty_label = label
        self.import_button = QPushButton("Import Sources…")
        self.import_button.setObjectName("readerImport")
        self.import_button.hide()
        column = QVBoxLayout(page)
        column.addStretch(1)
        column.addWidget(label)
        column.addSpacing(8)
        column.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        return page

    def set_import_action(self, action) -> None:
        """The action the empty project's Import button triggers (the window's)."""
        self.import_button.clicked.connect(action.trigger)

    def show_project_empty(self, empty: bool) -> None:
        """An empty project says how to fill it; otherwise the hint is to pick a source."""
        self.empty_label.setText(
            "This project has no sources yet.\nImport articles, web pages, PDFs or exports "
            "of posts (Twitter/X, Telegram, Facebook, CSV, forum threads)." if empty
            else "Select a source in the Sources pane to read it")
        self.import_button.setVisible(empty)
        self.empty_label.setEnabled(empty)  # a greyed hint, or what to do next in full

    def _make_view(self) -> ReaderTextEdit:
        """The read-only text view, with mouse tracking for the footnote markers."""
        view = ReaderTextEdit()
        view.setObjectName("readerText")
        view.setReadOnly(True)
        view.setUndoRedoEnabled(False)
        view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        view.setFont(reading_font(view.font()))
        view.document().setDocumentMargin(14)
        self._viewport = view.viewport()
        self._viewport.setMouseTracking(True)
        self._viewport.installEventFilter(self)
        return view

    def _make_notes_list(self) -> QListWidget:
        """The "Notes" panel under the text: one row per footnote."""
        self._notes_panel = QWidget()
        caption = QLabel("Notes", self._notes_panel)
        caption.setObjectName("readerNotesCaption")
        caption.setStyleSheet("font-weight: bold")
        notes = QListWidget(self._notes_panel)
        notes.setObjectName("readerNotes")
        notes.setWordWrap(True)
        notes.setFont(reading_font(notes.font()))
        notes.itemClicked.connect(self._on_notes_item_clicked)
        notes.itemActivated.connect(self._on_notes_item_clicked)
        layout = QVBoxLayout(self._notes_panel)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.addWidget(caption)
        layout.addWidget(notes)
        return notes

    # -- the project ----------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Show and code the excerpts of ``session``'s project (None: no coding)."""
        self.coder_filter.set_session(session)
        self.coding.set_session(session)

    def coding_actions(self) -> list:
        """The Reader's keyboard actions (quick code, in vivo, highlight, keys 1-9), for
        the Edit menu; they act while the focus is in the Reader."""
        return list(self.coding.actions.values())

    def find_actions(self) -> list:
        """Find in source (Ctrl+F), find next (F3, Ctrl+G) and previous (Shift+F3,
        Ctrl+Shift+G), for the Edit menu; they act while the focus is in the Reader."""
        return list(self.find.actions.values())

    # -- find hits ------------------------------------------------------------------

    def show_hits(self, spans: list[tuple[int, int]], current: int | None = None) -> None:
        """Paint the hit ``spans`` (code points) over the coding; select and scroll to
        ``spans[current]`` when given. F3 / Shift+F3 then walk them."""
        for start, end in spans:
            if not 0 <= start <= end <= self._map.length:
                raise ValueError(f"span [{start}, {end}) is outside the text")
        self.find.show_hits(list(spans), current)

    def clear_hits(self) -> None:
        """Remove the find hits."""
        self.find.clear()

    def hits(self) -> list[tuple[int, int]]:
        """The hit spans painted, in text order."""
        return list(self.find.spans)

    # -- showing a source ---------------------------------------------------------

    def show_source(self, detail: dict[str, Any] | None) -> None:
        """Show a ``db.queries.sources.detail`` dict, or the empty state for None."""
        if detail is None:
            self._clear()
            return
        self._detail = detail
        text = detail.get("text") or ""
        self._map = OffsetMap(text)
        self._forget_hits()
        self.header.show_detail(detail)
        self.view.setPlainText(text)
        direction = first_strong_direction(text) or LTR
        self._direction = direction
        self._apply_directions(direction)
        self._index_footnotes(detail.get("footnotes") or [], len(text))
        self._style_markers()
        self._quotes = list(detail.get("quotes") or [])
        paint_quotes(self.view, self._map, self._quotes)
        self._fill_notes(direction)
        self.view.moveCursor(QTextCursor.MoveOperation.Start)
        self._stack.setCurrentIndex(1)
        self.coding.source_shown()

    def _clear(self) -> None:
        """Forget the source and show the empty state."""
        self._detail = None
        self._quotes = []
        self._map = OffsetMap("")
        self._forget_hits()
        self._index_footnotes([], 0)
        self.view.clear()
        self.notes.clear()
        self._stack.setCurrentIndex(0)
        self.coding.source_shown()

    def _forget_hits(self) -> None:
        """A new text: no hits, and the find bar closed (the coding repaint follows)."""
        self.find.forget()

    def _apply_directions(self, default: Qt.LayoutDirection) -> None:
        """Lay each paragraph out in the direction of its first strong character.

        A paragraph without one (blank, digits only) follows the one before it.
        Consecutive paragraphs of one direction get their format in a single call.
        """
        cursor = QTextCursor(self.view.document())
        cursor.beginEditBlock()
        for first, last, direction in _direction_runs(self.view.document(), default):
            cursor.setPosition(first)
            cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
            cursor.setBlockFormat(_block_format(direction))
        cursor.endEditBlock()

    def _index_footnotes(self, notes: list[dict[str, Any]], length: int) -> None:
        """Keep the notes, and their markers sorted by start for :meth:`footnote_at`."""
        self._notes = list(notes)
        starts = sorted((n["offset"], i) for i, n in enumerate(self._notes)
                        if 0 <= n["offset"] <= n["end"] <= length)
        self._starts = [start for start, _ in starts]
        self._order = [i for _, i in starts]

    def _style_markers(self) -> None:
        """Colour each marker like a link and raise it, without touching the text."""
        fmt = QTextCharFormat()
        fmt.setForeground(self.palette().color(QPalette.ColorRole.Link))
        fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
        fmt.setFontWeight(QFont.Weight.DemiBold)
        cursor = QTextCursor(self.view.document())
        cursor.beginEditBlock()
        for i in self._order:
            start, end = self._map.to_qt_span(self._notes[i]["offset"], self._notes[i]["end"])
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()

    def _fill_notes(self, direction: Qt.LayoutDirection) -> None:
        """List "[label] text" for each footnote; hide the panel when there are none."""
        self.notes.clear()
        self._notes_panel.setLayoutDirection(direction)
        caption = self._notes_panel.findChild(QLabel, "readerNotesCaption")
        side = Qt.AlignmentFlag.AlignRight if direction == RTL else Qt.AlignmentFlag.AlignLeft
        caption.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
        # Row i is footnote i; one addItems call keeps a long article's notes quick.
        self.notes.addItems([self.footnote_tooltip(i) for i in range(len(self._notes))])
        self._notes_panel.setVisible(bool(self._notes))

    # -- public helpers -----------------------------------------------------------

    def source(self) -> dict[str, Any] | None:
        """The detail dict shown, or None."""
        return self._detail

    @property
    def offsets(self) -> OffsetMap:
        """Conversions between the shown text's code points and the view's positions."""
        return self._map

    def text_direction(self) -> Qt.LayoutDirection:
        """The direction of the text's first strong character (the coding margin's side)."""
        return self._direction

    def excerpts(self) -> list[dict[str, Any]]:
        """The excerpts painted on the shown source (those of the coders shown)."""
        return self.coding.excerpts()

    def footnote_at(self, pos: int) -> int | None:
        """The index of the footnote whose marker covers code point ``pos``, or None."""
        k = bisect_right(self._starts, pos) - 1
        if k < 0:
            return None
        note = self._notes[self._order[k]]
        return self._order[k] if note["offset"] <= pos < note["end"] else None

    def footnote_tooltip(self, index: int) -> str:
        """What hovering footnote ``index``'s marker shows: ``[label] text``."""
        note = self._notes[index]
        return f"[{note['label']}] {note['text']}"

    def selection_span(self) -> tuple[int, int] | None:
        """The selected code-point span ``(start, end)``, or None without a selection."""
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return None
        return self._map.from_qt_span(cursor.selectionStart(), cursor.selectionEnd())

    def select_span(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` and scroll them into view."""
        if not 0 <= start <= end <= self._map.length:
            raise ValueError(f"span [{start}, {end}) is outside the text")
        cursor = self._cursor_at(start)
        cursor.setPosition(self._map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.scroll_to(start)

    def cursor_position(self) -> int:
        """The code-point position of the text cursor."""
        return self._map.from_qt(self.view.textCursor().position())

    def scroll_to(self, pos: int) -> None:
        """Scroll so that code point ``pos`` is visible (a third of the way down)."""
        rect = self.view.cursorRect(self._cursor_at(pos))
        if self._viewport.rect().contains(rect):
            return
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self._viewport.height() // 3)

    def activate_footnote(self, index: int) -> None:
        """Select footnote ``index`` in the Notes panel, scroll to it, and announce it."""
        item = self.notes.item(index)
        self.notes.setCurrentItem(item)
        self.notes.scrollToItem(item)
        self.footnote_activated.emit(index)

    def _cursor_at(self, pos: int) -> QTextCursor:
        """A cursor in the document at code point ``pos``."""
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self._map.to_qt(pos))
        return cursor

    # -- the mouse over the text ------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hover, tooltips and clicks on footnote markers in the text's viewport."""
        if watched is self._viewport and (self._starts or self._quotes):
            kind = event.type()
            if kind == QEvent.Type.MouseMove:
                self._hover(event)
            elif kind == QEvent.Type.ToolTip:
                return self._show_tooltip(event)
            elif kind == QEvent.Type.MouseButtonRelease:
                self._click(event)
        return super().eventFilter(watched, event)

    def _hover(self, event: QMouseEvent) -> None:
        """A pointing hand over a marker, the text cursor elsewhere."""
        over = self._footnote_at_point(event.position().toPoint()) is not None
        shape = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.IBeamCursor
        self._viewport.setCursor(shape)

    def _show_tooltip(self, event: QHelpEvent) -> bool:
        """Show the note of the marker under the mouse; always handles the event."""
        pos = self._position_under(event.pos())
        index = None if pos is None else self.footnote_at(pos)
        quote = None if pos is None else quote_at(self._quotes, pos)
        if index is not None:
            self._tooltip_above(pos, event, self.footnote_tooltip(index))
        elif quote is not None:
            self._tooltip_above(pos, event, quote_tooltip(quote))
        else:
            QToolTip.hideText()
        return True

    def _tooltip_above(self, pos: int, event: QHelpEvent, text: str) -> None:
        """Show ``text`` above the line holding code point ``pos``, so that the line read
        (and the lines after it) stay in view; below it only when there is no room."""
        line = self.view.cursorRect(self._cursor_at(pos))
        metrics = QFontMetrics(QToolTip.font())
        wide = min(TOOLTIP_WIDTH, max(200, self._viewport.width() // 2))
        box = metrics.boundingRect(QRect(0, 0, wide, 2000), Qt.TextFlag.TextWordWrap, text)
        height = box.height() + TOOLTIP_CHROME
        top = self._viewport.mapToGlobal(QPoint(event.pos().x(), line.top()))
        screen = self._viewport.screen().availableGeometry() if self._viewport.screen() \
            else None
        # Qt puts a tooltip's top-left ~16 px below the point it is given.
        above = QPoint(top.x(), top.y() - height - TOOLTIP_OFFSET)
        if screen is not None and above.y() + TOOLTIP_OFFSET < screen.top():
            below = self._viewport.mapToGlobal(QPoint(event.pos().x(), line.bottom()))
            above = QPoint(below.x(), below.y())
        QToolTip.showText(above, text, self._viewport, QRect(), 20000)

    def _click(self, event: QMouseEvent) -> None:
        """A plain left click on a marker activates its footnote."""
        if event.button() != Qt.MouseButton.LeftButton or self.view.textCursor().hasSelection():
            return
        index = self._footnote_at_point(event.position().toPoint())
        if index is not None:
            self.activate_footnote(index)

    def _footnote_at_point(self, point: QPoint) -> int | None:
        """The footnote whose marker is drawn under viewport ``point``, if any."""
        pos = self._position_under(point)
        return None if pos is None else self.footnote_at(pos)

    def position_at(self, point: QPoint) -> int | None:
        """The code point drawn under viewport ``point``, or None off the text."""
        if self._detail is None:
            return None
        return self._position_under(point)

    def _position_under(self, point: QPoint) -> int | None:
        """The code point drawn under viewport ``point``, or None off the text."""
        qpos = self.view.cursorForPosition(point).position()
        block = self.view.document().findBlock(qpos)
        layout = block.layout()
        line = layout.lineForTextPosition(qpos - block.position())
        if not line.isValid():
            return None
        scroll = QPointF(self.view.horizontalScrollBar().value(),
                         self.view.verticalScrollBar().value())
        local = QPointF(point) + scroll - layout.position()
        if not line.naturalTextRect().contains(local):
            return None
        at = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
        return self._map.from_qt(min(block.position() + at, self._map.qt_length))

    def _on_notes_item_clicked(self, item: QListWidgetItem) -> None:
        """Move the text cursor to the clicked note's marker."""
        index = self.notes.row(item)
        pos = self._notes[index]["offset"]
        if not 0 <= pos <= self._map.length:  # a note whose marker was not found
            return
        self.view.setTextCursor(self._cursor_at(pos))
        self.scroll_to(pos)
        self.footnote_activated.emit(index)


def _direction_runs(doc: QTextDocument,
                    default: Qt.LayoutDirection) -> list[list[Any]]:
    """``[first block position, last block position, direction]`` for each run of
    consecutive paragraphs laid out in one direction."""
    runs: list[list[Any]] = []
    direction = default
    block = doc.begin()
    while block.isValid():
        direction = first_strong_direction(block.text()) or direction
        if runs and runs[-1][2] == direction:
            runs[-1][1] = block.position()
        else:
            runs.append([block.position(), block.position(), direction])
        block = block.next()
    return runs


def _block_format(direction: Qt.LayoutDirection) -> QTextBlockFormat:
    """A paragraph format laid out and aligned (right for RTL) in ``direction``."""
    fmt = QTextBlockFormat()
    fmt.setLayoutDirection(direction)
    side = Qt.AlignmentFlag.AlignRight if direction == RTL else Qt.AlignmentFlag.AlignLeft
    fmt.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
    fmt.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    return fmt
