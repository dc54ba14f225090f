"""Editing Markdown as what it is: its own text, styled as it is typed.

A memo's body is kept exactly as written, whatever it holds (raw HTML, stray ``*`` and
``#``, notes imported from another tool that never meant Markdown, Arabic, emoji): the
editor shows and saves the stored characters themselves, never a rich-text document
rebuilt from them, so opening and saving a memo can change nothing the researcher did
not type. :class:`MarkdownHighlighter` shows headings, bold, italic, lists and links
styled in place, with their marks in grey; :class:`MarkdownEdit` opens a link with
Ctrl+click and edits the marks (wrap, line prefixes, links) for the toolbar's buttons.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from db.text import BOM
from desktop.offsets import from_qt

LINK_COLOR = "#1565c0"
MARK_COLOR = "#9e9e9e"
LINK = re.compile(r"\[([^\]\n]*)\]\(([a-z]+://[^)\s]*)\)")
HEADING = re.compile(r"^(#{1,6})[ \t]+")
BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+")
NUMBER = re.compile(r"^([ \t]*)\d{1,9}[.)][ \t]+")
STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EMPHASIS = re.compile(r"(?<![*_\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_\w])")
PARAGRAPH_SEPARATOR = "\u2029"  # how a QTextDocument separates blocks in its raw text


def _format(color: str = "", bold: bool = False, italic: bool = False,
            underline: bool = False, scale: float = 0.0) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if color:
        fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    fmt.setFontUnderline(underline)
    if scale:
        fmt.setProperty(QTextCharFormat.Property.FontSizeAdjustment, int(scale))
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    """Styles Markdown in place: the text keeps every character, marks shown in grey."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.mark = _format(MARK_COLOR)
        self.strong = _format(bold=True)
        self.emphasis = _format(italic=True)
        self.link = _format(LINK_COLOR, underline=True)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Style one line (a block) of the document."""
        heading = HEADING.match(text)
        if heading:
            level = len(heading.group(1))
            self.setFormat(0, len(text), _format(bold=True, scale=max(3 - level, 0)))
            self.setFormat(0, heading.end(), self.mark)
            return
        for pattern in (BULLET, NUMBER):
            if found := pattern.match(text):
                self.setFormat(0, found.end(), self.mark)
        self._spans(text, STRONG, self.strong, 2)
        self._spans(text, EMPHASIS, self.emphasis, 1)
        for m in LINK.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.mark)
            self.setFormat(m.start(1), len(m.group(1)), self.link)

    def _spans(self, text: str, pattern: re.Pattern, fmt: QTextCharFormat, marks: int) -> None:
        for m in pattern.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), fmt)
            self.setFormat(m.start(), marks, self.mark)
            self.setFormat(m.end() - marks, marks, self.mark)


class MarkdownEdit(QTextEdit):
    """Markdown source, styled; links open with Ctrl+click (:attr:`link_clicked`).

    A QTextEdit holding plain text (not a QPlainTextEdit, whose layout puts Arabic
    lines on the left)."""

    link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAcceptRichText(False)  # pasted text comes in as the characters only
        self.highlighter = MarkdownHighlighter(self.document())

    def set_text(self, text: str) -> None:
        """Show ``text`` exactly, as a new document (``setPlainText`` alone drops a leading
        U+FEFF, taking it for a byte-order mark)."""
        if not text.startswith(BOM):
            self.setPlainText(text)
            return
        self.setPlainText("x" + text)  # a BOM after another character is kept...
        self.document().setUndoRedoEnabled(False)
        cursor = QTextCursor(self.document())
        cursor.deleteChar()  # ...and stays when that character goes
        self.document().setUndoRedoEnabled(True)

    def text(self) -> str:
        """Every character of the text, exactly (``toPlainText`` would turn no-break
        spaces into spaces)."""
        return self.document().toRawText().replace(PARAGRAPH_SEPARATOR, "\n")

    def link_at(self, point: QPoint) -> str:
        """The address of the link written at ``point`` of the viewport ("" if none)."""
        cursor = self.cursorForPosition(point)
        line = cursor.block().text()
        column = from_qt(line, cursor.positionInBlock())
        for m in LINK.finditer(line):
            if m.start() <= column <= m.end():
                return m.group(2)
        return ""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Ctrl+click on a link opens it."""
        link = self.link_at(event.position().toPoint())
        if link and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.link_clicked.emit(link)
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A pointing hand (with Ctrl) and the address as a tooltip over a link."""
        link = self.link_at(event.position().toPoint())
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if link and ctrl
                                  else Qt.CursorShape.IBeamCursor)
        self.setToolTip(f"{link}\nCtrl+click to open" if link else "")
        super().mouseMoveEvent(event)

    # -- editing the marks ---------------------------------------------------------------

    def toggle_wrap(self, mark: str) -> None:
        """Put ``mark`` around the selection (``**`` bold, ``*`` italic), or take it off."""
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()  # UTF-16 positions
        n = len(mark)
        cursor.beginEditBlock()
        if self._between(start - n, start) == mark and self._between(end, end + n) == mark:
            _replace(cursor, end, end + n, "")
            _replace(cursor, start - n, start, "")
            _select(self, cursor, start - n, end - n)
        else:
            _replace(cursor, end, end, mark)
            _replace(cursor, start, start, mark)
            _select(self, cursor, start + n, end + n)
        cursor.endEditBlock()

    def _between(self, start: int, end: int) -> str:
        """The text from ``start`` to ``end`` (Qt positions), "" where that is outside."""
        if start < 0 or end > self.document().characterCount() - 1:
            return ""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    def set_line_prefix(self, prefix_of, pattern: re.Pattern | None = None) -> None:
        """Give each selected line the prefix ``prefix_of(i)`` (its i-th, from 0) after
        removing what ``pattern`` (or any heading or list mark) matches there."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        for i, block in enumerate(self.selected_blocks()):
            line = block.text()
            old = _line_mark(line, pattern)
            _replace(cursor, block.position(), block.position() + old, prefix_of(i))
        cursor.endEditBlock()

    def selected_blocks(self) -> list:
        """The blocks (lines) the selection touches, or the cursor's line."""
        cursor = self.textCursor()
        doc = self.document()
        block, last = doc.findBlock(cursor.selectionStart()), doc.findBlock(cursor.selectionEnd())
        blocks = [block]
        while block != last and block.next().isValid():
            block = block.next()
            blocks.append(block)
        return blocks

    def insert_link(self, url: str, label: str) -> None:
        """Write ``[selected words or label](url)`` at the cursor."""
        cursor = self.textCursor()
        words = cursor.selectedText().replace(PARAGRAPH_SEPARATOR, " ") or label
        cursor.insertText(f"[{words.replace(']', '')}]({url})")
        self.setTextCursor(cursor)


def _line_mark(line: str, pattern: re.Pattern | None) -> int:
    """How many leading characters of ``line`` are a heading or list mark."""
    for p in ([pattern] if pattern else [HEADING, BULLET, NUMBER]):
        if found := p.match(line):
            return found.end()
    return 0


def _replace(cursor: QTextCursor, start: int, end: int, text: str) -> None:
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(text)


def _select(edit: QTextEdit, cursor: QTextCursor, start: int, end: int) -> None:
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
