"""The Search panel: a query box, a KWIC table filled while hits are gathered, saved searches.

The index is built or caught up on the project's worker when the panel opens and after
every ``project_changed`` (DESIGN.md rules 3, 5, 7), with a progress bar and Cancel;
the window stays usable meanwhile. A search runs on its own read-only thread (SQLite's
WAL lets it read beside the writer) and sends its rows a batch at a time, as the table
asks for them (Qt's ``canFetchMore``/``fetchMore`` when the view scrolls near its end):
all the hits of a common word are not gathered unless shown, sorted, coded or exported,
so memory stays that of the batches shown. Activating a
row emits ``hit_activated(source_id, start, end, all_spans)``: code-point offsets,
``all_spans`` being every ``(start, end)`` hit in that source, for the Reader.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import QuerySyntaxError, QuireError, SearchIndexError
from db.ops import bind
from db.ops.saved_searches import save_search, saved_searches
from db.queries.sources import collection_tree
from db.search import SearchIndex, parse, search
from desktop.fonts import row_height
from desktop.models.kwic import KwicModel
from desktop.widgets.bidi import BidiDelegate
from desktop.widgets.feedback import TaskProgress

if TYPE_CHECKING:
    from db.changes import Changes
    from db.search import KwicRow
    from desktop.session import ProjectSession
from desktop.views.search_help import HELP_HTML

ALL, SHOWN = -1, -2  # scope choices besides collection ids


class KwicDelegate(BidiDelegate):
    """Context cells elide away from the hit, so the words next to it stay visible."""

    def initStyleOption(self, option, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.column() == 0:
            option.textElideMode = Qt.TextElideMode.ElideLeft
        elif index.column() == 2:
            option.textElideMode = Qt.TextElideMode.ElideRight
        option.direction = Qt.LayoutDirection.LeftToRight if index.column() in (0, 2) \
            else option.direction


class _SearchJob(QObject):
    """One search on a thread of its own; results come back as queued signals.

    The first batch is sent at once; each next one when :meth:`want` asks for it (the
    table scrolled near its end), or all of them after ``want(everything=True)``. The
    job gathers one batch ahead, so it knows whether a batch is the last.
    """

    batch = Signal(object, bool)  # list[KwicRow], whether more may come
    done = Signal(object)  # None, or the QuireError that stopped it

    def __init__(self, psession, index, query: str, stemmed: bool, collection, within,
                 sizes: tuple[int, int]):
        super().__init__()
        self.args = (psession, index, query, stemmed, collection, within)
        self.sizes = sizes
        self.stop = threading.Event()
        self.wanted = threading.Event()
        self.everything = False
        self.thread = threading.Thread(target=self._run, name="quire-search", daemon=True)

    def want(self, everything: bool = False) -> None:
        """Ask for the next batch (from any thread), or for every batch left."""
        self.everything = self.everything or everything
        self.wanted.set()

    def halt(self) -> None:
        """Stop gathering (the thread ends soon after, waiting or not)."""
        self.stop.set()
        self.wanted.set()

    def _run(self) -> None:
        psession, index, query, stemmed, collection, within = self.args
        error = None
        try:
            with psession.read() as s:
                run = search(index, s, query, stemmed=stemmed, collection=collection,
                             within=within, cancelled=self.stop.is_set)
                batches = run.batches(*self.sizes)
                found = next(batches, None)
                while found is not None and not self.stop.is_set():
                    ahead = next(batches, None)
                    self.batch.emit([r for sh in found for r in sh.rows], ahead is not None)
                    if ahead is not None and not self.everything:
                        self.wanted.wait()
                        self.wanted.clear()
                    found = ahead
                batches.close()
        except QuireError as exc:
            error = exc
        except Exception as exc:  # never let a search thread die silently
            error = SearchIndexError(f"the search failed ({exc})")
        self.done.emit(error)


class SearchPanel(QWidget):
    """Full-text search of the open project (see the module docstring)."""

    hit_activated = Signal(int, int, int, list)  # source id, start, end, [(start, end)...]
    search_finished = Signal(int, int)  # hits, sources (every hit gathered)
    batch_sizes = (100, 1000)  # sources in the first batch, then in each next one

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.index = SearchIndex(session.project)
        self._job: _SearchJob | None = None
        self._complete: list[Callable[[list[KwicRow]], None]] = []
        self._index_task = None
        self._pending_query = False
        self._shown_sources: list[int] | None = None
        self._build()
        session.project_changed.connect(self._on_session_project_changed)
        self._reload_scopes()
        self._reload_saved()
        self.update_index()

    # --- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        self.query_edit = QLineEdit(placeholderText='Search: words, "phrases", author:…, '
                                                    "date:2017-10…  (? for help)")
        self.query_edit.returnPressed.connect(self.run_search)
        self.stemmed_box = QCheckBox("Word forms", toolTip="Stemmed: airstrike also finds "
                                     "airstrikes; المدارس finds مدرسة")
        self.scope_box = QComboBox(toolTip="Search all sources or one collection")
        self.search_button = QPushButton("Search", clicked=self.run_search)
        self.help_button = QToolButton(text="?", checkable=True, toolTip="Query language")
        top = QHBoxLayout()
        for w in (self.query_edit, self.stemmed_box, self.scope_box, self.search_button,
                  self.help_button):
            top.addWidget(w)
        top.setStretch(0, 1)
        self.error_label = QLabel(visible=False, wordWrap=True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.help_view = QTextBrowser(visible=False)
        self.help_view.setHtml(HELP_HTML)
        self.help_button.toggled.connect(self.help_view.setVisible)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addLayout(self._saved_row())
        layout.addWidget(self._make_table(), 1)
        layout.addWidget(self.help_view, 1)
        layout.addLayout(self._status_row())

    def _saved_row(self) -> QHBoxLayout:
        self.saved_box = QComboBox(toolTip="Saved searches: choose one to run it")
        self.saved_box.activated.connect(self._on_saved_box_activated)
        self.save_button = QPushButton("Save search…", clicked=self.save_current)
        row = QHBoxLayout()
        row.addWidget(QLabel("Saved:"))
        row.addWidget(self.saved_box, 1)
        row.addWidget(self.save_button)
        return row

    def _make_table(self) -> QTableView:
        self.model = KwicModel(self)
        t = self.table = QTableView()
        t.setModel(self.model)
        t.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        t.setSortingEnabled(True)  # until a header is clicked, rows stay in date order
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setWordWrap(False)
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(row_height(t.font(), 12))
        t.setItemDelegate(KwicDelegate(t))
        header = t.horizontalHeader()
        for col, width in enumerate((290, 100, 290, 130, 120, 86)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.activated.connect(self._on_table_activated)
        t.doubleClicked.connect(self._on_table_activated)
        return t

    def _status_row(self) -> QHBoxLayout:
        self.count_label = QLabel("")
        self.progress = TaskProgress(self, cancelling="Stopping…", compact=True)
        self.progress.setMaximumWidth(360)
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.progress)
        return row

    # --- the index ---------------------------------------------------------------------

    def update_index(self) -> None:
        """Build or catch up the index on the worker (no-op if an update is queued)."""
        if self._index_task is not None and not self._index_task.done:
            return
        index = self.index

        def work(s, progress, cancelled):
            return index.ensure(s, progress=progress, cancelled=cancelled)

        task = self._index_task = self.session.start_task("Updating the search index", work)
        self.progress.follow(task)
        task.finished.connect(self._on_index_finished)
        task.failed.connect(self._on_index_failed)

    def index_ready(self) -> bool:
        """Whether the index is usable now."""
        return self.index.is_open() and (self._index_task is None or self._index_task.done)

    def _on_index_finished(self, _result) -> None:
        if self._pending_query:
            self._pending_query = False
            self.run_search()

    def _on_index_failed(self, exc, _trace: str) -> None:
        self._pending_query = False
        self.count_label.setText(f"The search index could not be updated: {exc}")

    def _on_session_project_changed(self, changes: Changes, _initiator) -> None:
        if changes.touched("saved_searches"):
            self._reload_saved()
        if changes.touched("collections"):
            self._reload_scopes()
        if set(changes.ids) - {"saved_searches"}:
            self.update_index()

    # --- searching ---------------------------------------------------------------------

    def set_query(self, query: str, *, stemmed: bool = False) -> None:
        """Put a query in the box (without running it)."""
        self.query_edit.setText(query)
        self.stemmed_box.setChecked(stemmed)

    def set_shown_sources(self, source_ids: list[int] | None) -> None:
        """What the Sources pane's filter shows, offered as a scope (None removes it)."""
        self._shown_sources = None if source_ids is None else list(source_ids)
        self._reload_scopes()

    def run_search(self) -> None:
        """Search for what the box holds; rows arrive while the rest are gathered."""
        self.cancel_search()
        self.model.clear()
        self._show_error(None)
        query = self.query_edit.text()
        try:
            parse(query)  # syntax errors show at once, before any thread starts
        except QuerySyntaxError as exc:
            self._show_error(exc)
            self.count_label.setText("")
            return
        if not self.index_ready():
            self._pending_query = True
            self.count_label.setText("Preparing the search index… the search will run "
                                     "when it is ready.")
            return
        scope = self.scope_box.currentData()
        collection = scope if scope is not None and scope >= 0 else None
        within = self._shown_sources if scope == SHOWN else None
        job = self._job = _SearchJob(self.session, self.index, query,
                                     self.stemmed_box.isChecked(), collection, within,
                                     self.batch_sizes)
        job.batch.connect(self._on_job_batch)
        job.done.connect(self._on_job_done)
        self.count_label.setText("")
        self.progress.start("Searching…", self.cancel_search)
        self.model.more, self.model.asked = job.want, True  # the first batch is on its way
        job.thread.start()

    def when_complete(self, then: Callable[[list[KwicRow]], None]) -> None:
        """Call ``then`` with every hit of the search (gathering the rest first if the
        table has not asked for them all); with the rows shown if there is no search."""
        if self._job is None:
            then(self.model.rows)
            return
        self._complete.append(then)
        self.progress.start("Gathering every hit…", self.cancel_search)
        self._job.want(everything=True)

    def cancel(self) -> None:
        """Stop the running search and the index update."""
        self.cancel_search()
        if self._index_task is not None:
            self._index_task.cancel()
            self.progress.stop()

    def cancel_search(self) -> None:
        """Stop the running search; its rows so far stay."""
        if self._job is not None:
            self._job.halt()
            self._job.batch.disconnect()
            self._job.done.disconnect()
            self._job = None
            self.model.more, self.model.asked = None, False
            self._complete = []
            self._stop_searching()

    def is_searching(self) -> bool:
        """Whether a search is still gathering hits."""
        return self._job is not None

    def _on_job_batch(self, rows: list, more: bool) -> None:
        self.model.append(rows)
        if not more:
            self.model.more = None
        elif not self._complete and not self._job.everything:
            self._stop_searching()  # the rest waits until the table asks for it
        self._update_counts(final=not more)

    def _stop_searching(self) -> None:
        if self.progress.task is None:  # (not while it shows the index being updated)
            self.progress.stop()

    def _on_job_done(self, error) -> None:
        self._job = None
        self.model.more, self.model.asked = None, False
        self._stop_searching()
        complete, self._complete = self._complete, []
        if isinstance(error, QuerySyntaxError):
            self._show_error(error)
            self.count_label.setText("")
        elif isinstance(error, SearchIndexError):
            self.count_label.setText(f"{error} The search index is being rebuilt.")
            self._pending_query = True
            self.update_index()
        elif error is not None:
            self.count_label.setText(str(error))
        else:
            self.model.resort()
            hits, sources = self._update_counts(final=True)
            self.search_finished.emit(hits, sources)
            for then in complete:
                then(self.model.rows)

    def _update_counts(self, final: bool) -> tuple[int, int]:
        hits = len(self.model.rows)
        sources = len({r.hit.source_id for r in self.model.rows})
        more = "" if final else (" so far, still searching…" if self.model.asked else
                                 " so far; more as you scroll down")
        self.count_label.setText(f"{hits:,} hit(s) in {sources:,} source(s){more}")
        return hits, sources

    def _show_error(self, error: QuerySyntaxError | None) -> None:
        self.error_label.setVisible(error is not None)
        if error is None:
            return
        q, p = error.query, error.position
        marked = (_esc(q[:p]) + '<span style="background:#ffcdd2;text-decoration:underline">'
                  + (_esc(q[p]) if p < len(q) else "&nbsp;") + "</span>" + _esc(q[p + 1:]))
        self.error_label.setText(f"{_esc(error.message)} — <code>{marked}</code>")
        self.query_edit.setCursorPosition(p)

    def _on_table_activated(self, index: QModelIndex) -> None:
        sid, start, end = index.data(Qt.ItemDataRole.UserRole)
        self.hit_activated.emit(sid, start, end, self.model.spans_in(sid))

    # --- scopes and saved searches -----------------------------------------------------

    def _reload_scopes(self) -> None:
        current = self.scope_box.currentData()
        self.scope_box.clear()
        self.scope_box.addItem("All sources", ALL)
        if self._shown_sources is not None:
            self.scope_box.addItem("Sources shown in the list", SHOWN)
        with self.session.read() as s:
            for c in collection_tree(s):
                self.scope_box.addItem(f"Collection: {c['name']}", c["id"])
        i = self.scope_box.findData(current)
        self.scope_box.setCurrentIndex(max(i, 0))

    def _reload_saved(self) -> None:
        with self.session.read() as s:
            self._saved = saved_searches(s)
        self.saved_box.clear()
        self.saved_box.addItem("—", None)
        for row in self._saved:
            self.saved_box.addItem(row["name"], row["id"])

    def _on_saved_box_activated(self, i: int) -> None:
        sid = self.saved_box.itemData(i)
        row = next((r for r in self._saved if r["id"] == sid), None)
        if row is not None:
            self.set_query(row["query"], stemmed=bool(row["options"].get("stemmed")))
            self.run_search()

    def save_current(self, name: str | None = None) -> None:
        """Save the query in the box under a name (asked for when not given); undoable."""
        if not self.query_edit.text().strip():
            return
        if not name:
            name, ok = QInputDialog.getText(self, "Save search", "Name:")
            if not ok or not name.strip():
                return
        op = bind(save_search, name=name, query=self.query_edit.text(),
                  options={"stemmed": self.stemmed_box.isChecked()})
        self.session.run(op, label=f"Save search '{name}'", initiator=self,
                         refused=self.count_label.setText)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

