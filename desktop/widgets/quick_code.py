"""The quick-code palette (type a few letters of a code, Enter) and the favourite codes.

The palette is a keyboard-only popup: the filter box keeps the focus, Up/Down/Page
keys move in the list, Enter reports the chosen code, Escape closes. Matching is on
the code's path ("Emotions/Despair"): a substring of the name ranks first, then a
substring of the path, then the letters in order anywhere ("emdes").

Favourite codes are a personal keyboard layout (keys 1-9), not project data: they are
kept in the user's settings keyed by the project's UUID, so students sharing one
project file each keep their own, and marking one is not an undoable edit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from desktop import settings

MAX_FAVOURITES = 9
_NAVIGATION = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


# -- favourites ------------------------------------------------------------------------


def favourite_codes(project_uuid: str) -> list[int]:
    """The favourite code ids of this project, in key order (key 1 first)."""
    raw = settings.settings().value(f"favourite_codes/{project_uuid}", [], type=list) or []
    return [int(x) for x in raw if str(x).isdigit()]


def set_favourite(project_uuid: str, code_id: int, favourite: bool = True) -> list[int]:
    """Add ``code_id`` to the favourites (at the end) or take it off; the new list."""
    ids = [i for i in favourite_codes(project_uuid) if i != code_id]
    if favourite:
        ids.append(code_id)
    settings.settings().setValue(f"favourite_codes/{project_uuid}", [str(i) for i in ids])
    return ids


def favourite_keys(project_uuid: str, existing: set[int]) -> dict[int, int]:
    """``{key number: code id}`` for the first nine favourites that still exist."""
    ids = [i for i in favourite_codes(project_uuid) if i in existing]
    return {n: code_id for n, code_id in enumerate(ids[:MAX_FAVOURITES], start=1)}


# -- matching --------------------------------------------------------------------------


def match_score(query: str, code: dict[str, Any]) -> float | None:
    """How well ``query`` matches a code (lower is better), or None when it does not."""
    q = query.casefold().strip()
    name = (code.get("name") or "").casefold()
    path = (code.get("path") or code.get("name") or "").casefold()
    if not q:
        return 0.0
    if q in name:
        return name.index(q) / 100 + (0 if name == q else 0.5)
    if q in path:
        return 1 + path.index(q) / 1000
    gaps = _subsequence_gaps(q, path)
    return None if gaps is None else 2 + gaps / 1000


def _subsequence_gaps(query: str, text: str) -> int | None:
    """Letters skipped to find ``query``'s characters in order in ``text``, or None."""
    at, gaps = 0, 0
    for ch in query:
        if ch == " ":
            continue
        found = text.find(ch, at)
        if found < 0:
            return None
        gaps += found - at
        at = found + 1
    return gaps


def ranked(query: str, codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The codes that match ``query``, best first (ties keep the codebook's order)."""
    scored = [(score, i) for i, code in enumerate(codes)
              if (score := match_score(query, code)) is not None]
    return [codes[i] for _, i in sorted(scored)]


def swatch(color: str, size: int = 12) -> QIcon:
    """A small square of ``color``, for lists and menus of codes."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color or "#cccccc"))
    return QIcon(pixmap)


# -- the palette -------------------------------------------------------------------------


class QuickCodePalette(QFrame):
    """A popup to find a code by a few letters and apply it with Enter."""

    code_chosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("quickCodePalette")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._codes: list[dict[str, Any]] = []
        self._keys: dict[int, int] = {}  # code id -> favourite key
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type a few letters of a code, then Enter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter_text_changed)
        self.filter.installEventFilter(self)
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.itemClicked.connect(self._on_list_item_activated)
        self.hint = QLabel(self)
        self.hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.resize(420, 320)

    def set_codes(self, codes: list[dict[str, Any]], favourites: dict[int, int]) -> None:
        """Offer ``codes`` (``code_tree`` rows); ``favourites`` maps keys to code ids."""
        self._codes = list(codes)
        self._keys = {code_id: key for key, code_id in favourites.items()}
        self._fill()

    def open_at(self, point: QPoint) -> None:
        """Show the palette with its top-left corner at global ``point``, empty filter."""
        self.filter.clear()
        self._fill()
        self.move(point)
        self.show()
        self.filter.setFocus()

    def _on_filter_text_changed(self, _text: str) -> None:
        self._fill()

    def _fill(self) -> None:
        """List the codes matching the filter, the best one current."""
        self.list.clear()
        for code in ranked(self.filter.text(), self._codes):
            key = self._keys.get(code["id"])
            path = code.get("path") or code.get("name") or ""
            item = QListWidgetItem(swatch(code.get("color") or ""),
                                   f"{path}    [{key}]" if key else path)
            item.setData(Qt.ItemDataRole.UserRole, code["id"])
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        count = self.list.count()
        self.hint.setText("No code matches" if not count else
                          f"{count} code{'s' if count != 1 else ''} · Enter applies · Esc closes")

    def current_code(self) -> int | None:
        """The id of the highlighted code, or None when nothing matches."""
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keys typed in the filter box: navigate the list, Enter chooses, Esc closes."""
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        """Handle one key of the filter box; True when it was the palette's."""
        key = event.key()
        if key in _NAVIGATION:
            # The list moves; the box keeps the focus.
            QApplication.sendEvent(self.list, QKeyEvent(event.type(), key, event.modifiers()))
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose(self.current_code())
            return True
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        return False

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self._choose(item.data(Qt.ItemDataRole.UserRole))

    def _choose(self, code_id: int | None) -> None:
        """Close and report the chosen code (nothing when no code matches)."""
        if code_id is None:
            return
        self.close()
        self.code_chosen.emit(code_id)
