"""Quoted passages in the Reader: a post's quotes shown as quotes, and whom they quote.

A forum post keeps the passages it quotes in its text (``detail["quotes"]``: code-point
spans, whom they quote, and the quoted post's source id when it is in the project).
Each quote's paragraphs are indented on their reading side and tinted, as a browser
shows a quote, through block formats only: the text itself is untouched, so it can be
coded like any other passage, and a coding there is visibly inside the quote. Hovering
a quote names its author; the header lists the quoted posts as links.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QPalette, QTextBlockFormat, QTextCursor

QUOTE_INDENT = 1  # indentation steps (the document's indentWidth each)


def quote_format(palette: QPalette) -> QTextBlockFormat:
    """The paragraph format of quoted text: indented, on a faint tint of the text colour."""
    fmt = QTextBlockFormat()
    fmt.setIndent(QUOTE_INDENT)
    tint = QColor(palette.color(QPalette.ColorRole.Text))
    tint.setAlpha(22)
    fmt.setBackground(tint)
    return fmt


def paint_quotes(view, offsets, quotes: list[dict[str, Any]]) -> None:
    """Give the paragraphs of each quote in ``view`` the quote format."""
    if not quotes:
        return
    fmt = quote_format(view.palette())
    cursor = QTextCursor(view.document())
    cursor.beginEditBlock()
    for q in quotes:
        start, end = offsets.to_qt_span(q["start"], q["end"])
        cursor.setPosition(start)
        cursor.setPosition(max(start, end - 1), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeBlockFormat(fmt)
    cursor.endEditBlock()


def quote_at(quotes: list[dict[str, Any]], pos: int) -> dict[str, Any] | None:
    """The innermost quote covering code point ``pos``, or None."""
    inside = [q for q in quotes if q["start"] <= pos < q["end"]]
    return min(inside, key=lambda q: q["end"] - q["start"]) if inside else None


def quote_tooltip(quote: dict[str, Any]) -> str:
    """What hovering a quote says: whom it quotes, and whether that post is here."""
    who = quote.get("author") or "an earlier post"
    if quote.get("source_id") is not None:
        return f"Quoting {who} (the quoted post is in the project)"
    if quote.get("post"):
        return f"Quoting {who} (the quoted post is not in the project)"
    return f"Quoting {who}"
