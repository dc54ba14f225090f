"""The panes that work on the open project beside the Reader: codes, excerpts, search,
memos and an excerpt's notes (its citations and memos).

:class:`ProjectPanes` docks them in the main window, hands each the open session, and
connects them: a code opens its excerpts, an excerpt, a search hit or a memo's target
opens its place in the Reader. Panes never call each other to refresh; they follow
``project_changed``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from db.queries import sources as source_queries
from desktop import settings
from desktop.dialogs import exchange
from desktop.dialogs.code_hits import code_hits, hits_from_kwic
from desktop.dialogs.coder import edit_preferences
from desktop.dialogs.export import open_export
from desktop.dialogs.merge import MergeDialog
from desktop.dialogs.reference_form import SourceReferenceDialog
from desktop.dialogs.references import ReferenceLibrary
from desktop.session import ProjectSession
from desktop.views.agreement import AgreementView
from desktop.views.codes import CodesPane
from desktop.views.excerpt_notes import ExcerptNotes
from desktop.views.excerpts import ExcerptsView
from desktop.views.memos import MemosPane, excerpt_span
from desktop.views.search import SearchPanel

Area = Qt.DockWidgetArea
NO_PROJECT = "Open a project to search it."
SEARCH_SHARE = 0.28  # of the window's height, for the Search dock when it opens


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
        self.memos = MemosPane(window)
        self.memos_dock = window.add_dock(self.memos, "Memos", "memos_dock",
                                          Area.RightDockWidgetArea)
        window.tabifyDockWidget(self.codes_dock, self.memos_dock)
        self.notes = ExcerptNotes(window)
        self.notes_dock = window.add_dock(self.notes, "Excerpt Notes", "notes_dock",
                                          Area.RightDockWidgetArea)
        self.agreement = AgreementView(window)
        self.agreement_dock = window.add_dock(self.agreement, "Coder Agreement",
                                              "agreement_dock", Area.BottomDockWidgetArea)
        self._library: ReferenceLibrary | None = None
        self._make_actions()
        self._make_exchange_actions()
        self.codes.set_import_action(self.action_import_qdc)
        self._connect()

    def _connect(self) -> None:
        self.codes.code_activated.connect(self._on_codes_code_activated)
        self.codes.current_code_changed.connect(self._on_codes_current_code_changed)
        self.excerpts.excerpt_activated.connect(self.window.show_span)
        self.reader.excerpt_activated.connect(self._on_reader_excerpt_activated)
        self.reader.quoted_post_activated.connect(self._on_reader_quoted_post_activated)
        for pane in (self.memos, self.notes):
            pane.target_activated.connect(self.open_target)
        for pane in (self.reader, self.codes, self.window.sources):
            pane.memo_requested.connect(self.memos.memo_on)
        for pane in (self.reader, self.memos, self.notes):
            pane.message.connect(self._on_message)

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
        self.action_memos = w.make_action("&Memos", self._on_memos_action_triggered,
                                          "Ctrl+Shift+M")
        self.action_references = w.make_action("&References…",
                                               self._on_references_action_triggered)
        self.action_source_reference = w.make_action(
            "Reference of This &Source…", self._on_source_reference_action_triggered)

    def _make_exchange_actions(self) -> None:
        w = self.window
        self.action_merge = w.make_action("&Merge a Project…", self._on_merge_action_triggered)
        self.action_import_qdpx = w.make_action("Import REFI-QDA Project (.qdpx)…",
                                                self._on_import_qdpx_action_triggered)
        self.action_export_qdpx = w.make_action(
            "Export REFI-QDA Project (.qdpx)…",
            lambda: exchange.export_project(self.session, self.window))
        self.action_export_qdc = w.make_action(
            "Export Codebook (.qdc)…", lambda: exchange.export_codebook(self.session, self.window))
        self.action_export_codebook_csv = w.make_action(
            "Export Codebook as CSV…",
            lambda: exchange.export_codebook(self.session, self.window, suffix=".csv"))
        self.action_import_qdc = w.make_action(
            "Import Codebook (.qdc, .csv, .xlsx)…",
            lambda: exchange.import_codebook(self.session, self.window))
        self.action_export_pdf = w.make_action("Annotated &PDF or Quote Table…",
                                               lambda: self.export({}), "Ctrl+Shift+E")
        self.action_export_source = w.make_action("This Source as Annotated PDF…",
                                                  self._on_export_source_action_triggered)
        self.action_export_hits = w.make_action("Search Hits as PDF or Table…",
                                                self._on_export_hits_action_triggered)
        self.action_agreement = w.make_action("Coder &Agreement",
                                              self._on_agreement_action_triggered)

    def fill_file_menu(self, file: QMenu) -> None:
        """The exchange actions: merging, REFI-QDA import and export."""
        file.addActions([self.action_merge, self.action_import_qdpx])
        export = file.addMenu("&Export")
        export.addActions([self.action_export_pdf, self.action_export_source,
                           self.action_export_hits])
        export.addSeparator()
        export.addActions([self.action_export_qdpx, self.action_export_qdc,
                           self.action_export_codebook_csv])

    def fill_menus(self, edit: QMenu, code: QMenu, notes: QMenu) -> None:
        """Put the panes' actions and the Reader's coding actions into the menus."""
        edit.addActions(self.reader.find_actions())
        edit.addAction(self.action_search)
        edit.addSeparator()
        edit.addAction(self.action_preferences)
        code.addActions(self.reader.coding_actions())
        code.addSeparator()
        code.addAction(self.action_code_hits)
        code.addSeparator()
        code.addActions([self.action_import_qdc, self.action_agreement])
        notes.addActions([self.action_memos, self.action_references,
                          self.action_source_reference])

    def default_docks(self) -> list:
        """The docks shown the first time a project opens (before any saved layout)."""
        return [self.codes_dock]

    def project_actions(self) -> list[QAction]:
        """The actions that need an open project."""
        return [self.action_search, self.action_code_hits, self.action_memos,
                self.action_references, self.action_source_reference, self.action_merge,
                self.action_import_qdpx, self.action_export_qdpx, self.action_export_qdc,
                self.action_export_codebook_csv,
                self.action_import_qdc, self.action_agreement, self.action_export_pdf,
                self.action_export_source, self.action_export_hits]

    # -- the open project ----------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Give every pane the newly opened project (None when it closes)."""
        if session is not None:
            session.set_coder(settings.coder_name())
        if session is None:
            self._close_windows()
        self.session = session
        self.reader.set_session(session)
        for pane in (self.codes, self.excerpts, self.memos, self.notes, self.agreement):
            pane.set_session(session)
        self._replace_search_panel(session)

    def _close_windows(self) -> None:
        """Editors and the reference library belong to the project that is closing."""
        self.memos.close_editors()
        library, self._library = self._library, None
        if library is not None:
            library.close()

    def sources_filtered(self, filters: dict | None) -> None:
        """The Sources pane shows a filtered list (None: everything): offer it to search."""
        if self.search is None or self.session is None:
            return
        if filters is None:
            self.search.set_shown_sources(None)
            return
        with self.session.read() as s:
            self.search.set_shown_sources(source_queries.ids(s, **filters))

    def source_shown(self, source_id: int | None) -> None:
        """The Reader now shows ``source_id``: a new memo goes on it by default."""
        if source_id is not None:
            self.memos.set_current_target("source", source_id)
        self.notes.set_excerpt(None)

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
                                 spans: list) -> None:
        """Open the hit's source with every hit in it shown (F3 walks through them)."""
        self.window.show_span(source_id, start, end)
        source = self.reader.source()
        if source is not None and source["id"] == source_id:
            spans = [tuple(span) for span in spans] or [(start, end)]
            current = spans.index((start, end)) if (start, end) in spans else None
            self.reader.show_hits(spans, current)

    def open_target(self, kind: str, target_id: int) -> None:
        """Show what a memo or a link is about: an excerpt, a source or a code."""
        if kind == "excerpt" and self.session is not None:
            span = excerpt_span(self.session, target_id)
            if span is not None:
                self.window.show_span(*span)
        elif kind == "source":
            self.window.show_span(target_id, 0, 0)
        elif kind == "code":
            self.codes.select_code(target_id)
            self._on_codes_code_activated(target_id)

    def _on_reader_excerpt_activated(self, excerpt_id: int) -> None:
        self.notes.set_excerpt(excerpt_id)
        self.memos.set_current_target("excerpt", excerpt_id)
        self.notes_dock.show()
        self.notes_dock.raise_()

    def _on_reader_quoted_post_activated(self, source_id: int) -> None:
        self.window.show_span(source_id, 0, 0)

    def _on_codes_current_code_changed(self, code_id: int | None) -> None:
        if code_id is not None:
            self.memos.set_current_target("code", code_id)

    def _on_message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)

    def _on_memos_action_triggered(self) -> None:
        self.memos_dock.show()
        self.memos_dock.raise_()

    def _on_references_action_triggered(self) -> None:
        if self._library is None:
            self._library = ReferenceLibrary(self.session, self.window)
            self._library.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._library.destroyed.connect(self._on_library_destroyed)
        self._library.show()
        self._library.raise_()

    def _on_library_destroyed(self) -> None:
        self._library = None

    def export(self, preset: dict) -> None:
        """Open the export dialog with a preset selection (see desktop.dialogs.export)."""
        if self.session is not None:
            open_export(self.session, self.window, preset)

    def _on_export_source_action_triggered(self) -> None:
        source = self.reader.source()
        if source is None:
            self.window.statusBar().showMessage("Open a source first.", 5000)
            return
        self.export({"source_id": source["id"], "whole": True})

    def _on_export_hits_action_triggered(self) -> None:
        if self.search is None:
            self._export_hits([])
        else:  # every hit, also those the table has not shown yet
            self.search.when_complete(self._export_hits)

    def _export_hits(self, rows: list) -> None:
        hits = [hit[:3] for hit in hits_from_kwic(rows)]
        if not hits:
            self.window.statusBar().showMessage("Search first: there are no hits.", 5000)
            return
        self.export({"hits": hits, "query": self.search.query_edit.text()})

    def _on_merge_action_triggered(self) -> None:
        MergeDialog(self.session, self.window).exec()

    def _on_import_qdpx_action_triggered(self) -> None:
        MergeDialog(self.session, self.window, import_qdpx=True).exec()

    def _on_agreement_action_triggered(self) -> None:
        self.agreement_dock.show()
        self.agreement_dock.raise_()

    def _on_source_reference_action_triggered(self) -> None:
        source = self.reader.source()
        if source is None or self.session is None:
            self.window.statusBar().showMessage("Open a source first.", 5000)
            return
        SourceReferenceDialog(self.session, source["id"], self.window).exec()

    def _on_search_action_triggered(self) -> None:
        if self.search is None:
            return
        if self.search_dock.isHidden():  # room for the hits, and most of it for the Reader
            self.search_dock.show()
            self.window.resizeDocks([self.search_dock], [int(self.window.height()
                                                             * SEARCH_SHARE)],
                                    Qt.Orientation.Vertical)
        self.search_dock.raise_()
        self.search.query_edit.setFocus()
        self.search.query_edit.selectAll()

    def _on_code_hits_action_triggered(self) -> None:
        if self.search is None:
            self._code_hits([])
        else:  # every hit, also those the table has not shown yet
            self.search.when_complete(self._code_hits)

    def _code_hits(self, rows: list) -> None:
        hits = hits_from_kwic(rows)
        if not hits:
            self.window.statusBar().showMessage("Search first: there are no hits to code.", 5000)
            return
        code_hits(self.session, hits, self.window)

    def _on_preferences_action_triggered(self) -> None:
        edit_preferences(self.session, self.window)
