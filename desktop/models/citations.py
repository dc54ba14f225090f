"""The Qt item model of an excerpt's notes, and how a formatted note is laid out.

:class:`CitationListModel` is a thin adapter over ``db.queries.citations.
citations_for_excerpt`` (HTML output): one row per note in order, the researcher's
citations first, then the article's own footnotes inside the excerpt. The citation id
(None for a footnote that travels with the excerpt by itself) is in ``Qt.UserRole``,
the whole query row in ``ROW_ROLE``.

A formatted citation is English prose around names and titles that may be Arabic
("سارة علي, “العودة إلى الرقة,” الجزيرة, May 2, 2018"): laid out left to right, the
punctuation between two Arabic runs would join them and swap their order. A left-to-
right mark after each such punctuation keeps every part in its place. An article's own
footnote is laid out in its own direction.
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt

from desktop.models.memos import has_rtl
from desktop.models.sources import is_rtl

ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the citations_for_excerpt() row
CAPTION_GREY = "#757575"
_TAG = re.compile(r"(<[^>]+>)")
_PUNCTUATION = re.compile(r"([,.;:“”()\[\]])")


def ltr_safe(text_html: str) -> str:
    """HTML of a left-to-right citation with a left-to-right mark after each punctuation
    mark, when it contains right-to-left text (tags are left alone)."""
    if not has_rtl(text_html):
        return text_html
    parts = _TAG.split(text_html)
    return "".join(p if p.startswith("<") else _PUNCTUATION.sub("\\1\u200e", p)
                   for p in parts)


def caption(row: dict[str, Any]) -> str:
    """What a note is, in a few grey words under it."""
    if row["cites"] == "footnote":
        note = f"note {row['label']}" if row.get("label") else "a note"
        how = "travels with the excerpt" if row["id"] is None else "placed by you"
        return f"The article's own {note} ({how})"
    what = f"reference {row['reference_key']}" if row["cites"] == "reference" \
        else "the excerpt's source"
    return f"Cites {what}"


def note_rtl(row: dict[str, Any]) -> bool:
    """True when a note reads right to left: only an article's own note in Arabic."""
    return row["cites"] == "footnote" and is_rtl(html.unescape(row["text"]))


def note_html(row: dict[str, Any]) -> str:
    """The note as rich text: its formatted text, then its caption."""
    rtl = note_rtl(row)
    text = row["text"] if row["cites"] == "footnote" else ltr_safe(row["text"])
    return (f"<p dir='{'rtl' if rtl else 'ltr'}' align='{'right' if rtl else 'left'}' "
            f"style='margin:0'>{text}</p>"
            f"<p style='margin:0; margin-top:2px; color:{CAPTION_GREY}; font-size:small'>"
            f"{html.escape(caption(row))}</p>")


class CitationListModel(QAbstractListModel):
    """An excerpt's notes, in order (read in one query, then kept)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show these ``citations_for_excerpt`` rows."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        """Every note shown, in order."""
        return list(self._rows)

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The query row shown at ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_data(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row['number']}. {html.unescape(_TAG.sub('', row['text']))}"
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return caption(row)
        return None
