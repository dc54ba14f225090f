"""Whose work to show: everyone's, or one coder's (the session's coder filter).

The choice belongs to the session (:meth:`ProjectSession.show_coders`), so every filter
on screen -- above the Reader's text, in the Coded excerpts view -- drives the same
choice and follows ``coder_filter_changed``: they always agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from db.queries import excerpts as excerpt_queries

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

EVERYONE = -1  # the combo's data for "everyone's work"
# A coder's record is made quietly on their first coding: those tables announce one.
WATCHED = ("coders", "excerpts", "codings")


class CoderFilter(QWidget):
    """"Coder: [Everyone ▾]". With ``only_when_shared`` the row hides itself until the
    project has two coders (above the Reader's text, where space is precious)."""

    def __init__(self, parent: QWidget | None = None, *, label: str = "Coder:",
                 only_when_shared: bool = False):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._only_when_shared = only_when_shared
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setToolTip("Whose excerpts and codings to show")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        if only_when_shared:
            row.addStretch(1)
        caption = QLabel(label, self)
        caption.setBuddy(self.combo)
        row.addWidget(caption)
        row.addWidget(self.combo, 0 if only_when_shared else 1)
        self.combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self._fill([])

    def set_session(self, session: ProjectSession | None) -> None:
        """Offer the coders of ``session`` and follow its coder filter."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
            self._session.coder_filter_changed.disconnect(self._on_session_coder_filter_changed)
        self._session = session
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
            session.coder_filter_changed.connect(self._on_session_coder_filter_changed)
        self.refresh()

    def refresh(self) -> None:
        """Read the coders again."""
        if self._session is None:
            self._fill([])
            return
        with self._session.read() as s:
            self._fill(excerpt_queries.coders(s))

    def _fill(self, coders: list[dict]) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem("Everyone", EVERYONE)
        for coder in coders:
            self.combo.addItem(coder["name"], coder["id"])
        self.combo.blockSignals(False)
        self._show(self._session.visible_coders if self._session else None)
        if self._only_when_shared:
            self.setVisible(len(coders) > 1)

    def _show(self, coder_ids: set[int] | None) -> None:
        """Point the combo at the session's filter (a set of several shows as one)."""
        wanted = EVERYONE if not coder_ids else min(coder_ids)
        found = self.combo.findData(wanted)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(found, 0))
        self.combo.blockSignals(False)

    def coder_id(self) -> int | None:
        """The coder chosen, or None for everyone."""
        value = self.combo.currentData()
        return None if value in (None, EVERYONE) else value

    def choose(self, coder_id: int | None) -> None:
        """Show ``coder_id``'s work (None: everyone's)."""
        found = self.combo.findData(EVERYONE if coder_id is None else coder_id)
        if found >= 0:
            self.combo.setCurrentIndex(found)

    def _on_combo_current_index_changed(self, _index: int) -> None:
        if self._session is not None:
            chosen = self.coder_id()
            self._session.show_coders(None if chosen is None else {chosen})

    def _on_session_coder_filter_changed(self, coder_ids: set[int] | None) -> None:
        self._show(coder_ids)

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched(*WATCHED):
            self.refresh()
