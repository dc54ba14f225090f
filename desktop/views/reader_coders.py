"""Whose coding the Reader shows: everyone's, or one coder's.

The choice is the session's (:meth:`ProjectSession.show_coders`), so the Reader and the
Coded excerpts view always show the same coders; this row only appears when the project
has more than one coder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from db.changes import Changes
from db.models import Coder, Excerpt
from db.queries import excerpts as excerpt_queries

if TYPE_CHECKING:
    from desktop.session import ProjectSession

EVERYONE = "Everyone"


class CoderFilter(QWidget):
    """"Show coding by: [Everyone ▾]" above the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ProjectSession | None = None
        self.combo = QComboBox(self)
        self.combo.setObjectName("readerCoderFilter")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(self._on_combo_activated)
        label = QLabel("Show coding by:", self)
        label.setBuddy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 12, 2)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        self.hide()

    def set_session(self, session: ProjectSession | None) -> None:
        """List ``session``'s coders (None: hide)."""
        if self.session is not None:
            self.session.project_changed.disconnect(self._on_session_project_changed)
            self.session.coder_filter_changed.disconnect(self._on_session_coder_filter_changed)
        self.session = session
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
            session.coder_filter_changed.connect(self._on_session_coder_filter_changed)
        self.reload()

    def reload(self) -> None:
        """Fill the list from the project; show the row only with two coders or more."""
        self.combo.clear()
        if self.session is None:
            self.hide()
            return
        with self.session.read() as s:
            coders = excerpt_queries.coders(s)
        self.combo.addItem(EVERYONE, None)
        for coder in coders:
            self.combo.addItem(coder["name"], coder["id"])
        self._show_choice(self.session.visible_coders)
        self.setVisible(len(coders) > 1)

    def _show_choice(self, coder_ids: set[int] | None) -> None:
        """Select the entry for the session's filter (one coder, or everyone)."""
        wanted = next(iter(coder_ids)) if coder_ids and len(coder_ids) == 1 else None
        index = self.combo.findData(wanted) if wanted is not None else 0
        self.combo.setCurrentIndex(max(index, 0))

    def _on_combo_activated(self, index: int) -> None:
        coder_id = self.combo.itemData(index)
        if self.session is not None:
            self.session.show_coders(None if coder_id is None else {coder_id})

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        # A coder's record is made quietly on their first excerpt, so excerpts count too.
        if changes.touched(Coder.__tablename__, Excerpt.__tablename__):
            self.reload()

    def _on_session_coder_filter_changed(self, coder_ids: object) -> None:
        self._show_choice(coder_ids)  # type: ignore[arg-type]

