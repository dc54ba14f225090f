"""The Reader: one source's metadata, its text exactly as stored, and its footnotes.

The text goes into the document with ``setPlainText`` and is never altered (no HTML is
built), so every document position maps back to a code point through
:mod:`desktop.offsets`. Paragraph direction, footnote-marker styling and so on are
applied afterwards as formats, per block and per marker, with a ``QTextCursor``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from bisect import bisect_right
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QFont,
    QGuiApplication,
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
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.offsets import OffsetMap

LTR = Qt.LayoutDirection.LeftToRight
RTL = Qt.LayoutDirection.RightToLeft
# Amiri ships in resources/fonts (registered by desktop.fonts); these are fallbacks.
ARABIC_FALLBACKS = ["Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_URL_SHOWN = 90
# Letters (the only strong characters in practice) and the invisible direction marks.
_STRONG_CANDIDATE = re.compile(r"[^\W\d_]|[\u200e\u200f\u061c]")
_FSI, _PDI = "\u2068", "\u2069"  # bidi isolates keep each header field in one piece
_LRM, _RLM = "\u200e", "\u200f"


def first_strong_direction(text: str) -> Qt.LayoutDirection | None:
    """The direction of the first strong character of ``text`` (Unicode rule P2), or None."""
    for match in _STRONG_CANDIDATE.finditer(text):
        bidi = unicodedata.bidirectional(match.group())
        if bidi == "L":
            return LTR
        if bidi in ("R", "AL"):
            return RTL
    return None


def utc_offset_label(offset: dt.timedelta | None) -> str:
    """``UTC``, ``UTC+3``, ``UTC-4`` or ``UTC+5:30`` for a time zone's offset."""
    minutes = round(offset.total_seconds() / 60) if offset else 0
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_published(iso: str | None, tz: dt.tzinfo | None = None) -> str:
    """An ISO 8601 date-time as ``15 Oct 2017 14:03 UTC+3`` in ``tz`` (default: local).

    A value without an offset is taken as UTC (what the project stores); a bare date
    stays a date. Month names are spelled out so the day and month cannot be confused.
    """
    if not iso:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if len(iso) == 10:
        return f"{stamp.day} {MONTHS[stamp.month - 1]} {stamp.year}"
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    local = stamp.astimezone(tz)
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{day} {local:%H:%M} {utc_offset_label(local.utcoffset())}"


def language_name(code: str) -> str:
    """The English name of a language code (``ar`` -> ``Arabic``), or the code itself."""
    language = QLocale(code).language() if code else QLocale.Language.C
    if language in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return code
    return QLocale.languageToString(language)


def _joined(parts: list[str]) -> str:
    """Non-empty ``parts`` isolated from each other's direction and joined with dots."""
    return " · ".join(f"{_FSI}{p}{_PDI}" for p in parts if p)


def title_of(detail: dict[str, Any]) -> str:
    """The heading of a source: its title, else (for posts) its author, else its file."""
    return detail.get("title") or detail.get("author") or detail.get("file_name") or ""


def byline(detail: dict[str, Any]) -> str:
    """Author and @handle (the author is left out when it already is the heading)."""
    author = detail.get("author") or ""
    handle = detail.get("handle") or ""
    if handle and not handle.startswith("@"):
        handle = "@" + handle
    return _joined([author if author != title_of(detail) else "", handle])


def facts_line(detail: dict[str, Any], tz: dt.tzinfo | None = None) -> str:
    """Platform, site, date-time, language and collections."""
    platform = detail.get("platform") or ""
    site = detail.get("site_name") or ""
    if site.casefold() == platform.casefold():
        site = ""
    language = language_name(detail.get("language") or "")
    collections = ", ".join(detail.get("collections") or [])
    return _joined([platform[:1].upper() + platform[1:], site,
                    format_published(detail.get("published"), tz),
                    f"Language: {language}" if language else "",
                    f"Collections: {collections}" if collections else ""])


def post_line(detail: dict[str, Any]) -> str:
    """For posts: the id replied to, the repost flag and the engagement counts."""
    if detail.get("kind") != "post":
        return ""
    parts = [f"Reply to {detail['reply_to_id']}" if detail.get("reply_to_id") else "",
             "Repost" if detail.get("is_repost") else ""]
    for key in ("likes", "reposts", "replies", "views"):
        if detail.get(key) is not None:
            parts.append(f"{detail[key]:,} {key}")
    return _joined(parts)


def tags_line(detail: dict[str, Any]) -> str:
    """Hashtags and mentions, each with its sign."""
    tags = ["#" + t.lstrip("#") for t in detail.get("hashtags") or []]
    mentions = ["@" + m.lstrip("@") for m in detail.get("mentions") or []]
    return "  ".join(f"{_FSI}{t}{_PDI}" for t in tags + mentions)


def reading_font(base: QFont) -> QFont:
    """``base`` made a little larger, with fallbacks that have Arabic glyphs."""
    font = QFont(base)
    font.setFamilies(["Amiri", base.family(), *ARABIC_FALLBACKS])
    font.setPointSizeF(max(base.pointSizeF() * 1.25, 11.0))
    return font


class ReaderHeader(QWidget):
    """The metadata above the text; laid out right to left when the heading is RTL."""

    url_copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url = ""
        self._mark = _LRM
        names = ("readerTitle", "readerByline", "readerFacts", "readerUrl", "readerPost",
                 "readerTags")
        self._labels = {name: self._make_label(name) for name in names}
        self._labels["readerUrl"].setTextFormat(Qt.TextFormat.RichText)
        self._labels["readerUrl"].linkActivated.connect(self._on_url_link_activated)
        title = self._labels["readerTitle"]
        title.setFont(self._title_font(title.font()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(3)
        for label in self._labels.values():
            layout.addWidget(label)

    def _make_label(self, name: str) -> QLabel:
        """A selectable, wrapping label for one header line."""
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFont(reading_font(label.font()) if name != "readerTitle" else label.font())
        return label

    @staticmethod
    def _title_font(base: QFont) -> QFont:
        """The large bold heading font."""
        font = reading_font(base)
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        return font

    def show_detail(self, detail: dict[str, Any]) -> None:
        """Fill the header from a ``sources.detail`` dict."""
        heading = title_of(detail)
        direction = first_strong_direction(heading) or first_strong_direction(
            detail.get("text") or "") or LTR
        self._set_direction(direction)
        self._labels["readerTitle"].setText(heading)
        self._labels["readerTitle"].setVisible(bool(heading))
        self._set("readerByline", byline(detail))
        self._set("readerFacts", facts_line(detail))
        self._set("readerPost", post_line(detail))
        self._set("readerTags", tags_line(detail))
        self._show_url(detail.get("url") or "")

    def _set_direction(self, direction: Qt.LayoutDirection) -> None:
        """Lay the header out in ``direction`` and align every line to its start.

        A plain-text QLabel aligns by its own text's direction, so the side is made
        absolute here: an English @handle under an Arabic title stays on the right.
        """
        self.setLayoutDirection(direction)
        side = Qt.AlignmentFlag.AlignRight if direction == RTL else Qt.AlignmentFlag.AlignLeft
        for label in self._labels.values():
            label.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute
                               | Qt.AlignmentFlag.AlignVCenter)
        self._mark = _RLM if direction == RTL else _LRM

    def _set(self, name: str, text: str) -> None:
        """Show ``text`` in the named label, hiding the label when there is none.

        The leading direction mark makes the fields run in the header's direction.
        """
        self._labels[name].setText(self._mark + text if text else "")
        self._labels[name].setVisible(bool(text))

    def _show_url(self, url: str) -> None:
        """The URL as a link that copies itself when clicked (Quire opens nothing)."""
        self._url = url
        shown = url if len(url) <= MAX_URL_SHOWN else url[:MAX_URL_SHOWN - 1] + "…"
        label = self._labels["readerUrl"]
        label.setText(f'<a href="{html.escape(url)}">{html.escape(shown)}</a>' if url else "")
        label.setToolTip(f"{url}\nClick to copy the link" if url else "")
        label.setVisible(bool(url))

    def _on_url_link_activated(self, _link: str) -> None:
        """Copy the URL to the clipboard rather than open a browser (Quire is offline)."""
        QGuiApplication.clipboard().setText(self._url)
        QToolTip.showText(QCursor.pos(), "Link copied to the clipboard", self)
        self.url_copied.emit(self._url)


class Reader(QWidget):
    """Shows one source: header, read-only text with footnote markers, and its notes.

    Positions in the public API are code points into the source's text.
    """

    footnote_activated = Signal(int)  # index into the source's footnotes list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._detail: dict[str, Any] | None = None
        self._map = OffsetMap("")
        self._notes: list[dict[str, Any]] = []
        self._starts: list[int] = []  # marker starts, sorted, for bisect
        self._order: list[int] = []  # the footnote index of each entry of _starts
        self._build()

    # -- building -----------------------------------------------------------------

    def _build(self) -> None:
        """Lay out the empty state and the header / text / notes page."""
        self.header = ReaderHeader()
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
        column.addWidget(splitter, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(self._make_empty_label())
        self._stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

    def _make_empty_label(self) -> QLabel:
        """The friendly message shown when no source is selected."""
        label = QLabel("Select a source to read it")
        label.setObjectName("readerEmpty")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)  # drawn greyed, as a hint rather than content
        return label

    def _make_view(self) -> QTextEdit:
        """The read-only text view, with mouse tracking for the footnote markers."""
        view = QTextEdit()
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

    # -- showing a source ---------------------------------------------------------

    def show_source(self, detail: dict[str, Any] | None) -> None:
        """Show a ``db.queries.sources.detail`` dict, or the empty state for None."""
        if detail is None:
            self._clear()
            return
        self._detail = detail
        text = detail.get("text") or ""
        self._map = OffsetMap(text)
        self.header.show_detail(detail)
        self.view.setPlainText(text)
        direction = first_strong_direction(text) or LTR
        self._apply_directions(direction)
        self._index_footnotes(detail.get("footnotes") or [], len(text))
        self._style_markers()
        self._fill_notes(direction)
        self.view.moveCursor(QTextCursor.MoveOperation.Start)
        self._stack.setCurrentIndex(1)

    def _clear(self) -> None:
        """Forget the source and show the empty state."""
        self._detail = None
        self._map = OffsetMap("")
        self._index_footnotes([], 0)
        self.view.clear()
        self.notes.clear()
        self._stack.setCurrentIndex(0)

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
        if watched is self._viewport and self._starts:
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
        index = self._footnote_at_point(event.pos())
        if index is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPos(), self.footnote_tooltip(index), self._viewport)
        return True

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
