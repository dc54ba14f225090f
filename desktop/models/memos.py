"""The Qt item model of the Memos pane, and how memos and their targets look.

:class:`MemoTableModel` is a thin adapter over ``db.queries.memos.memo_list``: one row
per memo, the memo id in ``Qt.UserRole``, the whole query row in ``ROW_ROLE`` and a
sortable key in ``SORT_ROLE`` (ISO dates sort as text). An orphaned memo (what it was
on has been deleted) is drawn in italics with a grey badge and says what it was on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QIcon, QPainter, QPixmap

from db.queries.memos import snippet
from desktop.models.rows import RowsTableModel
from desktop.models.sources import RTL_ROLE, is_rtl

# UserRole + 1 is RTL_ROLE (desktop.models.sources), which the bidi delegate reads.
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the memo_list() row, a dict
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # what the column sorts by

# What a memo can be on: key, name in a list, badge letter, badge colour.
KINDS = (("project", "Project", "P", "#546e7a"), ("collection", "Collection", "C", "#00897b"),
         ("source", "Source", "S", "#1e88e5"), ("code", "Code", "#", "#ef6c00"),
         ("excerpt", "Excerpt", "“", "#8e24aa"))
KIND_NAMES = {k: name for k, name, _, _ in KINDS}
ORPHAN_GREY = "#9e9e9e"
ORPHAN_TEXT = "#8d4a3a"

KIND, TARGET, TITLE, AUTHOR, CREATED, UPDATED = range(6)
HEADERS = ("On", "Target", "Memo", "Author", "Created", "Updated")

_ICONS: dict[tuple[str, bool], QIcon] = {}
_QUOTED = re.compile(r"“([^”]*)”")
_RTL_CHARS = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_#>`]+|^\s*(?:[-+]|\d+\.)\s+", re.MULTILINE)


def kind_icon(kind: str, orphaned: bool = False, size: int = 16) -> QIcon:
    """A round badge with the kind's letter, in its colour (grey when orphaned)."""
    key = (kind, orphaned)
    icon = _ICONS.get(key)
    if icon is None:
        _name, letter, color = next(((n, lt, c) for k, n, lt, c in KINDS if k == kind),
                                    ("", "?", ORPHAN_GREY))
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(ORPHAN_GREY if orphaned else color)
        painter.setPen(fill.darker(130))
        painter.setBrush(fill)
        painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
        font = QFont()
        font.setPixelSize(int(size * (0.9 if letter == "“" else 0.62)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, size, size + (size * 0.3 if letter == "“" else 0)),
                         Qt.AlignmentFlag.AlignCenter, letter)
        painter.end()
        icon = _ICONS[key] = QIcon(pixmap)
    return icon


def plain_snippet(markdown: str, words: int = 12) -> str:
    """The first words of a Markdown body without its markup (links keep their text)."""
    return snippet(_MARKUP.sub(lambda m: m.group(1) or " ", markdown or ""), words)


def memo_heading(row: dict[str, Any]) -> str:
    """What a memo is called in a list: its title, else its first words."""
    return row.get("title") or plain_snippet(row.get("body", "")) or "(empty memo)"


def local_date(iso: str | None) -> str:
    """An ISO time shown in the computer's time zone, to the minute."""
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def isolated(label: str) -> str:
    """A label like 'excerpt 2 of “العودة”: “لا ماء…”' drawn left to right with each
    quoted part isolated (Unicode FSI...PDI), so Arabic titles keep their places."""
    return "\u200e" + _QUOTED.sub("“\u2068\\1\u2069”", label) if _RTL_CHARS.search(label) \
        else label


def has_rtl(text: str) -> bool:
    """True when ``text`` has a letter of a right-to-left script."""
    return bool(_RTL_CHARS.search(text or ""))


def reading_cell_font() -> QFont:
    """The list font with Amiri for Arabic letters, a little larger to be legible."""
    font = QFont()
    font.setFamilies([QFontInfo(font).family(), "Amiri"])  # the resolved name, not an alias
    font.setPointSizeF(font.pointSizeF() * 1.1)
    return font


def target_text(row: dict[str, Any]) -> str:
    """The memo's target as a list shows it; an orphaned memo says what it was on."""
    label = isolated(row.get("target_label") or "")
    if row.get("orphaned"):
        return f"(deleted) {label}" if label else "(deleted)"
    return label or KIND_NAMES.get(row.get("target", ""), "")


def orphan_tooltip(row: dict[str, Any]) -> str:
    """Why a memo is flagged, and what the researcher can do about it."""
    return (f"Orphaned memo: it was on {row.get('target_label') or 'something'}, which has "
            "been deleted. The memo is kept until you delete it; undoing the deletion "
            "attaches it again.")


class MemoTableModel(RowsTableModel):
    """Memos with their targets, one row each (read in one query, then kept)."""

    headers = HEADERS

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_data(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if role == ROW_ROLE:
            return row
        return _cell(row, index.column(), role)


def _cell(row: dict[str, Any], column: int, role: int) -> Any:
    if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
        return _display(row, column) if role == Qt.ItemDataRole.DisplayRole \
            else _sort_key(row, column)
    if role == Qt.ItemDataRole.DecorationRole and column == KIND:
        return kind_icon(row["target"], row["orphaned"])
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(row, column)
    if role == RTL_ROLE:  # always a bool: the delegate asks for it from Python
        return column == TITLE and is_rtl(memo_heading(row))
    if role == Qt.ItemDataRole.FontRole:
        return _font(row, column)
    if role == Qt.ItemDataRole.ForegroundRole:
        if row["orphaned"] and column in (KIND, TARGET):
            return QColor(ORPHAN_TEXT)
        if column == TITLE and not row["title"]:
            return QColor("#616161")
    return None


def _font(row: dict[str, Any], column: int) -> QFont | None:
    arabic = column in (TARGET, TITLE) and has_rtl(_display(row, column))
    italic = row["orphaned"] and column in (KIND, TARGET) or column == TITLE and \
        not row["title"]
    if not (arabic or italic):
        return None
    font = reading_cell_font() if arabic else QFont()
    font.setItalic(italic)
    return font


def _display(row: dict[str, Any], column: int) -> str:
    if column == KIND:
        name = KIND_NAMES.get(row["target"], row["target"])
        return f"{name} (orphaned)" if row["orphaned"] else name
    if column == TARGET:
        return target_text(row)
    if column == TITLE:
        return memo_heading(row)
    if column == AUTHOR:
        return row.get("author") or ""
    return local_date(row["created_at" if column == CREATED else "updated_at"])


def _sort_key(row: dict[str, Any], column: int) -> str:
    if column == CREATED:
        return row.get("created_at") or ""
    if column == UPDATED:
        return row.get("updated_at") or ""
    return _display(row, column).casefold()


def _tooltip(row: dict[str, Any], column: int) -> str:
    if row["orphaned"] and column in (KIND, TARGET):
        return orphan_tooltip(row)
    if column == TARGET:
        return row.get("target_label") or ""
    if column == TITLE:
        return plain_snippet(row.get("body", ""), 60)
    return ""
