"""A warning line for references that lack an author or a date, with links to complete them.

The export dialog names every cited source whose reference is incomplete (each name a
link carrying the source's id); the citation editor flags the one reference chosen (its
link is ``complete``). The dialog that shows it decides what a link opens.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

AMBER = "#8a5a00"


class IncompleteNote(QLabel):
    """Hidden until there is something incomplete to name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setVisible(False)

    def show_sources(self, rows: list[dict[str, Any]]) -> None:
        """Name ``rows`` (of ``incomplete_sources``), each a link to its id."""
        links = [f'<a href="{row["id"]}">{html.escape(row["title"][:60])}</a> '
                 f'(no {" and no ".join(row["missing"])})' for row in rows]
        self._show("Incomplete references, cited with what is known:", "; ".join(links))

    def show_missing(self, missing: list[str]) -> None:
        """Flag one reference lacking ``missing`` ("author", "date"), if any."""
        self._show(f"This reference has no {' and no '.join(missing)}.",
                   "<a href='complete'>Complete it…</a>" if missing else "")

    def _show(self, warning: str, links: str) -> None:
        self.setText(f"<span style='color:{AMBER}'>⚠ {html.escape(warning)}</span> {links}"
                     if links else "")
        self.setVisible(bool(links))
