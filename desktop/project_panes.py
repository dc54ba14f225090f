"""The panes that work on the open project beside the Reader: codes, excerpts, search.

:class:`ProjectPanes` docks them in the main window, hands each the open session, and
connects them: a code opens its excerpts, an excerpt or a search hit opens its place in
the Reader. Panes never call each other to refresh; they follow ``project_changed``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from desktop import settings
from desktop.dialogs.code_hits import code_hits, hits_from_kwic
from desktop.dialogs.coder import edit_preferences
from desktop.session import ProjectSession
from desktop.views.codes import CodesPane
from desktop.views.excerpts import ExcerptsView
from desktop.views.search import SearchPanel

Area = Qt.DockWidgetArea
NO_PROJECT = "Open a project to search it."


class ProjectPanes(QObject):
    """The Codes, Coded Excerpts and Search docks of a main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window, self.reader = window, window.reader
        self.session: ProjectSession | None = None
        self.codes = CodesPane(window)
        self.codes_dock = window.add_dock(self.codes, "Codes", "codes_dock",
                                          Area.RightDockWidgetArea)
        self.excerpts = ExcerptsView(window)
        self.excerpts_dock = window.add_dock(self.excerpts, "Coded Excerpts", "excerpts_dock",
                                             Area.BottomDockWidgetArea)
        self.search: SearchPanel | None = None  # one per open project: it owns an index
        self.search_dock = window.add_dock(QLabel(NO_PROJECT, window), "Search", "search_dock",
                                           Area.BottomDockWidgetArea)
        self._make_actions()
        self.codes.code_activated.connect(self._on_codes_code_activated)
        self.excerpts.excerpt_activated.connect(window.show_span)
        self.reader.message.connect(self._on_reader_message)

    def _make_actions(self) -> None:
        w = self.window
        self.action_search = w.make_action("&Search All Sources…", self._on_search_action_triggered,
                                       "Ctrl+Shift+F")
        self.action_code_hits = w.make_action("Code All Search &Hits…",
                                          self._on_code_hits_action_triggered)
        self.action_preferences = w.make_action("&Preferences…",
                                            self._on_preferences_action_triggered,
                                            QKeySequence.StandardKey.Preferences)
        self.action_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)

    def fill_menus(self, edit: QMenu, code: QMenu) -> None:
        """Put the panes' actions and the Reader's coding actions into the menus."""
        edit.addAction(self.action_search)
        edit.addSeparator()
        edit.addAction(self.action_preferences)
        code.addActions(self.reader.coding_actions())
        code.addSeparator()
        code.addAction(self.action_code_hits)

    def default_docks(self) -> list:
        """The docks shown the first time a project opens (before any saved layout)."""
        return [self.codes_dock]

    def project_actions(self) -> list[QAction]:
        """The actions that need an open project."""
        return [self.action_search, self.action_code_hits]

    # -- the open project ----------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Give every pane the newly opened project (None when it closes)."""
        if session is not None:
            session.set_coder(settings.coder_name())
        self.session = session
        self.reader.set_session(session)
        self.codes.set_session(session)
        self.excerpts.set_session(session)
        self._replace_search_panel(session)

    def _replace_search_panel(self, session: ProjectSession | None) -> None:
        old, self.search = self.search, None
        if old is not None:
            old.cancel()
            old.deleteLater()
        if session is None:
            self.search_dock.setWidget(QLabel(NO_PROJECT, self.window))
            return
        self.search = SearchPanel(session, self.window)
        self.search.hit_activated.connect(self._on_search_hit_activated)
        self.search_dock.setWidget(self.search)

    # -- what the panes report -----------------------------------------------------------

    def _on_codes_code_activated(self, code_id: int) -> None:
        self.excerpts.show_codes([code_id])
        self.excerpts_dock.show()
        self.excerpts_dock.raise_()

    def _on_search_hit_activated(self, source_id: int, start: int, end: int,
                                 _spans: list) -> None:
        self.window.show_span(source_id, start, end)

    def _on_reader_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)

    def _on_search_action_triggered(self) -> None:
        if self.search is None:
            return
        self.search_dock.show()
        self.search_dock.raise_()
        self.search.query_edit.setFocus()
        self.search.query_edit.selectAll()

    def _on_code_hits_action_triggered(self) -> None:
        hits = hits_from_kwic(self.search.model.rows) if self.search else []
        if not hits:
            self.window.statusBar().showMessage("Search first: there are no hits to code.", 5000)
            return
        code_hits(self.session, hits, self.window)

    def _on_preferences_action_triggered(self) -> None:
        edit_preferences(self.session, self.window)
