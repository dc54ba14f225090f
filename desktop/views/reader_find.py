"""Find in the Reader's source: a find bar, hits painted on the text, next and previous.

Matching folds both the text and the query exactly as full-text search does
(:func:`db.fold.find_all`): case, accents, Arabic harakat and tatweel, and the alef
variants, so ``cafe`` finds ``café`` and ``الرقة`` finds ``الرَّقَّة``. Every hit is an
exact code-point span of the original text (DESIGN.md rule 6; Qt positions come only
from the Reader's :class:`desktop.offsets.OffsetMap`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from db.fold import find_all

if TYPE_CHECKING:
    from desktop.views.reader import Reader


class FindField(QLineEdit):
    """The query field: Enter finds the next hit, Shift+Enter the previous one."""

    next_requested = Signal()
    previous_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """The bar above the Reader's text: query, "3 of 12", close. Escape closes it."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerFindBar")
        self.field = FindField(self)
        self.field.setObjectName("readerFindField")
        self.field.setPlaceholderText("Find in source")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("readerFindCount")
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("000 of 000"))
        close = QToolButton(self)
        close.setObjectName("readerFindClose")
        close.setText("✕")
        close.setToolTip("Close (Escape)")
        close.setAutoRaise(True)
        close.clicked.connect(self.closed)
        escape = QAction("Close find bar", self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.triggered.connect(self.closed)
        self.addAction(escape)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.hide()


class ReaderFind(QObject):
    """The Reader's find hits (code-point spans), the current one, and its actions."""

    def __init__(self, reader: Reader, bar: FindBar) -> None:
        super().__init__(reader)
        self._reader = reader
        self.bar = bar
        self.spans: list[tuple[int, int]] = []
        self.current: int | None = None
        self._anchor = 0  # where the find bar's search starts: the cursor when opened
        bar.field.textChanged.connect(self._on_field_text_changed)
        bar.field.next_requested.connect(self.next)
        bar.field.previous_requested.connect(self.previous)
        bar.closed.connect(self.close_bar)
        self.actions = {
            "find": self._action("&Find in Source…", [QKeySequence.StandardKey.Find, "Ctrl+F"],
                                 self.open_bar),
            "next": self._action("Find &Next", ["F3", "Ctrl+G"], self.next),
            "previous": self._action("Find Pre&vious", ["Shift+F3", "Ctrl+Shift+G"],
                                     self.previous),
        }

    def _action(self, text: str, keys: list, slot) -> QAction:
        action = QAction(text, self._reader)
        sequences = []
        for key in keys:
            seq = QKeySequence(key)
            if not seq.isEmpty() and seq not in sequences:
                sequences.append(seq)
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._reader.addAction(action)
        return action

    # -- hits -----------------------------------------------------------------------

    def show_hits(self, spans: list[tuple[int, int]], current: int | None) -> None:
        """Paint ``spans`` and select ``spans[current]`` (if given)."""
        self.spans = sorted(spans)
        if current is not None and not 0 <= current < len(self.spans):
            raise IndexError(f"hit {current} of {len(self.spans)}")
        if current is not None and spans:
            current = self.spans.index(spans[current])
        self._go(current)

    def clear(self) -> None:
        self.spans, self.current = [], None
        self._paint()
        self._update_count()

    def forget(self) -> None:
        """Another text is shown: drop the hits without painting (the coding repaint
        that follows paints the new text) and close the bar."""
        self.spans, self.current = [], None
        self._reader.coding.highlighter.forget_hits()
        self.bar.hide()
        blocked = self.bar.field.blockSignals(True)
        self.bar.field.clear()
        self.bar.field.blockSignals(blocked)
        self._update_count()

    def next(self) -> None:
        """Select the hit after the current one (after the cursor if none), wrapping."""
        if not self.spans:
            return
        if self.current is None:
            k = bisect_left([s for s, _ in self.spans], self._reader.cursor_position())
        else:
            k = self.current + 1
        self._go(k % len(self.spans))

    def previous(self) -> None:
        """Select the hit before the current one (before the cursor if none), wrapping."""
        if not self.spans:
            return
        if self.current is None:
            pos = self._reader.cursor_position()
            k = bisect_right([e for _, e in self.spans], pos) - 1
        else:
            k = self.current - 1
        self._go(k % len(self.spans))

    def _go(self, current: int | None) -> None:
        self.current = current
        self._paint()
        if current is not None:
            self._reader.select_span(*self.spans[current])
        self._update_count()

    def _paint(self) -> None:
        reader = self._reader
        text = (reader.source() or {}).get("text") or ""
        reader.coding.highlighter.show_hits(self.spans, self.current, text, reader.offsets)

    # -- the bar --------------------------------------------------------------------

    def open_bar(self) -> None:
        """Show the find bar with its query selected, searching from the cursor."""
        if self._reader.source() is None:
            return
        span = self._reader.selection_span()
        self._anchor = span[0] if span else self._reader.cursor_position()
        self.bar.show()
        self.bar.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.bar.field.selectAll()
        if self.bar.field.text():
            self._on_field_text_changed(self.bar.field.text())

    def close_bar(self) -> None:
        """Hide the find bar, clear the hits, and give the focus back to the text."""
        self.bar.hide()
        self.clear()
        self._reader.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_field_text_changed(self, query: str) -> None:
        text = (self._reader.source() or {}).get("text") or ""
        spans = find_all(text, query)
        self.spans = spans
        if not spans:
            self.current = None
            self._paint()
            self._update_count()
            return
        k = bisect_left([s for s, _ in spans], self._anchor)
        self._go(k % len(spans))

    def _update_count(self) -> None:
        label = self.bar.count
        if not self.bar.field.text():
            label.setText("")
        elif not self.spans:
            label.setText("No matches")
        elif self.current is None:
            label.setText(f"{len(self.spans)} found")
        else:
            label.setText(f"{self.current + 1} of {len(self.spans)}")
