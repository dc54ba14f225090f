"""The Analysis menu and the dockable Analysis view of a main window.

:class:`AnalysisPane` docks :class:`~desktop.views.analysis.AnalysisView`, fills the
Analysis menu (one entry per statistic), hands the view the open session and the
Sources pane's filter, and opens the excerpts behind a click in the Coded excerpts view.

The view (and matplotlib under it, about a second of CPU to import) is built the first
time it is needed, not at start-up: the window's first frame does not wait for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from db.analysis.result import KINDS
from desktop.views.analysis_help import NAMES

if TYPE_CHECKING:
    from desktop.session import ProjectSession
    from desktop.views.analysis import AnalysisView


class AnalysisPane(QObject):
    """The Analysis dock, its menu, and its links to the other panes."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._view: AnalysisView | None = None
        self._session: ProjectSession | None = None
        self._filter: dict | None = None
        self.dock = window.add_dock(QWidget(window), "Analysis", "analysis_dock",
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._on_dock_visibility_changed)
        self.actions = {kind: window.make_action(f"{NAMES[kind]}…",
                                                 lambda _=False, k=kind: self.show(k))
                        for kind in KINDS}
        window.sources.counts_changed.connect(self._on_sources_counts_changed)

    @property
    def view(self) -> AnalysisView:
        """The Analysis view, built (with matplotlib) the first time it is asked for."""
        if self._view is None:
            from desktop.views.analysis import AnalysisView  # late: it imports matplotlib

            self._view = AnalysisView(self.window)
            self._view.excerpts_requested.connect(self._on_view_excerpts_requested)
            old = self.dock.widget()
            self.dock.setWidget(self._view)
            old.deleteLater()
            self._view.set_source_filter(self._filter)
            self._view.set_session(self._session)
        return self._view

    def fill_menu(self, menu: QMenu) -> None:
        """One entry per statistic."""
        menu.addActions(list(self.actions.values()))

    def project_actions(self) -> list[QAction]:
        """The actions that need an open project."""
        return list(self.actions.values())

    def set_session(self, session: ProjectSession | None) -> None:
        """Analyse the newly opened project (None when it closes)."""
        self._session = session
        if self._view is not None:
            self._view.set_session(session)

    def show(self, kind: str) -> None:
        """Show the Analysis dock with this statistic."""
        self.dock.show()
        self.dock.raise_()
        self.view.show_kind(kind)

    def _on_view_excerpts_requested(self, ids: list, caption: str) -> None:
        panes = self.window.panes
        panes.excerpts.show_excerpts(ids, caption)
        panes.excerpts_dock.show()
        panes.excerpts_dock.raise_()

    def _on_sources_counts_changed(self, shown: int, total: int) -> None:
        sources = self.window.sources
        self._filter = sources.model.filters if shown < total else None
        if self._view is not None:
            self._view.set_source_filter(self._filter)

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible and self._view is None:  # shown by a restored layout or the View menu
            _ = self.view
