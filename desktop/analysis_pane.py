"""The Analysis menu and the dockable Analysis view of a main window.

:class:`AnalysisPane` docks :class:`~desktop.views.analysis.AnalysisView`, fills the
Analysis menu (one entry per statistic), hands the view the open session and the
Sources pane's filter, and opens the excerpts behind a click in the Coded excerpts view.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from db.analysis import KINDS
from desktop.session import ProjectSession
from desktop.views.analysis import NAMES, AnalysisView


class AnalysisPane(QObject):
    """The Analysis dock, its menu, and its links to the other panes."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.view = AnalysisView(window)
        self.dock = window.add_dock(self.view, "Analysis", "analysis_dock",
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()
        self.actions = {kind: window.make_action(f"{NAMES[kind]}…",
                                                 lambda _=False, k=kind: self.show(k))
                        for kind in KINDS}
        self.view.excerpts_requested.connect(self._on_view_excerpts_requested)
        window.sources.counts_changed.connect(self._on_sources_counts_changed)

    def fill_menu(self, menu: QMenu) -> None:
        """One entry per statistic."""
        menu.addActions(list(self.actions.values()))

    def project_actions(self) -> list[QAction]:
        """The actions that need an open project."""
        return list(self.actions.values())

    def set_session(self, session: ProjectSession | None) -> None:
        """Analyse the newly opened project (None when it closes)."""
        self.view.set_session(session)

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
        self.view.set_source_filter(sources.model.filters if shown < total else None)
