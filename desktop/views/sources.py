"""The Sources pane: a collection tree above a lazy, sortable, filterable source table.

Selecting a collection, typing in the filter box or choosing a platform narrows the
table in SQL; selecting a row emits ``source_selected(id)``. The pane never refreshes
other views: each listens to ``project_changed`` itself (DESIGN.md rule 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.queries import sources as queries
from desktop.fonts import row_height
from desktop.models.sources import (
    COLUMNS,
    CollectionTreeModel,
    SourceTableModel,
    platform_label,
)
from desktop.widgets.bidi import BidiDelegate

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

# Starting widths of the table's columns: the text each should fit.
COLUMN_SAMPLES = {"title": "Shelling reported near the old bridge", "author": "Raqqa News Net",
                  "handle": "@mosulchannel", "platform": "Telegram",
                  "published": "2000-00-00 00:00", "kind": "article", "length": "Length",
                  "footnotes": "Notes"}
FILTER_DELAY_MS = 250  # wait for the typing to pause before querying


class SourcesPane(QWidget):
    """Collections, a filter row and the source table of the open project."""

    source_selected = Signal(int)  # the current row moved to this source
    memo_requested = Signal(str, int)  # "source" or "collection", its id: open its memo
    selection_changed = Signal()  # the set of selected rows changed
    counts_changed = Signal(int, int)  # sources shown, sources in the project

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._collection: int | None = None
        self._following = False  # moving to the Reader's source: not a choice to report
        self.model = SourceTableModel(self)
        self.tree_model = CollectionTreeModel(self)
        self.tree = self._make_tree()
        self.table = self._make_table()
        self.filter_edit, self.platform_combo = QLineEdit(self), QComboBox(self)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._lay_out()
        self._connect()

    # -- building ----------------------------------------------------------------------

    def _make_tree(self) -> QTreeView:
        tree = QTreeView(self)
        tree.setModel(self.tree_model)
        tree.setHeaderHidden(True)
        tree.setRootIsDecorated(True)
        tree.setUniformRowHeights(True)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        return tree

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setItemDelegate(BidiDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the whole title: tooltip
        table.setShowGrid(False)
        table.verticalHeader().hide()  # never sized to contents: it would read every row
        table.verticalHeader().setDefaultSectionSize(row_height(table.font()))
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # import order at first
        table.setSortingEnabled(True)
        metrics = table.fontMetrics()
        for column, (key, _title) in enumerate(COLUMNS):
            table.setColumnWidth(column, metrics.horizontalAdvance(COLUMN_SAMPLES[key]) + 16)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        return table

    def _on_table_context_menu_requested(self, point) -> None:
        source_id = self.model.source_id(self.table.indexAt(point).row())
        if self._session is not None and source_id is not None:
            self._memo_menu("Memo on this source…", "source", source_id).exec(
                self.table.viewport().mapToGlobal(point))

    def _on_tree_context_menu_requested(self, point) -> None:
        index = self.tree.indexAt(point)
        collection_id = self.tree_model.collection_id(index) if index.isValid() else None
        if self._session is not None and collection_id is not None:
            self._memo_menu("Memo on this collection…", "collection", collection_id).exec(
                self.tree.viewport().mapToGlobal(point))

    def _memo_menu(self, text: str, kind: str, target_id: int) -> QMenu:
        menu = QMenu(self)
        menu.addAction(text, lambda: self.memo_requested.emit(kind, target_id))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def _lay_out(self) -> None:
        self.filter_edit.setPlaceholderText("Filter by title, author or @handle")
        self.filter_edit.setClearButtonEnabled(True)
        self.platform_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.platform_combo)
        lower = QWidget(self)
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("sources_splitter")
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([140, 600])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)
        self._fill_platforms([])

    def _connect(self) -> None:
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        self.tree_model.modelReset.connect(self._on_tree_model_model_reset)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_model_model_reset)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self._filter_timer.timeout.connect(self._on_filter_timer_timeout)
        self.platform_combo.currentIndexChanged.connect(self._on_platform_combo_index_changed)

    # -- what the window tells the pane ------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Show the sources of ``session``, or nothing when no project is open."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
        self._session, self._collection = session, None
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self._reset_filter_widgets()
        self._refresh_platforms()
        self.tree_model.set_session(session)
        self.model.set_session(session)

    def _reset_filter_widgets(self) -> None:
        """Empty the filter box and show every platform, without querying."""
        self._filter_timer.stop()
        for widget in (self.filter_edit, self.platform_combo):
            widget.blockSignals(True)
        self.filter_edit.clear()
        self.platform_combo.setCurrentIndex(0)
        for widget in (self.filter_edit, self.platform_combo):
            widget.blockSignals(False)

    def selected_ids(self) -> list[int]:
        """The ids of the selected sources, in table order."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [sid for sid in map(self.model.source_id, rows) if sid is not None]

    def show_source(self, source_id: int | None) -> None:
        """Follow the Reader: make ``source_id``'s row current and selected (none, when the
        filters hide it), without reporting it as a new choice."""
        row = self.model.row_of(source_id) if source_id is not None else None
        current = self.table.currentIndex()
        if row is not None and current.isValid() and current.row() == row \
                and self.table.selectionModel().isRowSelected(row):
            return
        self._following = True
        try:
            selection = self.table.selectionModel()
            if row is None:
                selection.clear()
            else:  # explicitly, whatever keys are held and wherever the focus is
                index = self.model.index(row, 0)
                flags = QItemSelectionModel.SelectionFlag
                selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
                self.table.scrollTo(index)
        finally:
            self._following = False

    def select_row(self, row: int) -> None:
        """Make ``row`` the current, selected row and show it."""
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    # -- collections -------------------------------------------------------------------

    def _on_tree_selection_changed(self, _selected: QItemSelection, _old: QItemSelection):
        index = self.tree.currentIndex()
        if not index.isValid():
            return
        self._collection = self.tree_model.collection_id(index)
        self.model.set_filters(collection=self._collection)

    def _on_tree_model_model_reset(self) -> None:
        """Keep the chosen collection selected after the tree is read again."""
        self.tree.expandAll()
        index = self.tree_model.index_of(self._collection)
        if not index.isValid():  # the collection is gone: fall back to everything
            index = self.tree_model.index_of(None)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    # -- filters -----------------------------------------------------------------------

    def _on_filter_edit_text_changed(self, _text: str) -> None:
        self._filter_timer.start()

    def _on_filter_timer_timeout(self) -> None:
        self.model.set_filters(text=self.filter_edit.text().strip())

    def _on_platform_combo_index_changed(self, _index: int) -> None:
        field, value = self.platform_combo.currentData() or ("", "")
        self.model.set_filters(platform=value if field == "platform" else "",
                               kind=value if field == "kind" else "")

    def _refresh_platforms(self) -> None:
        if self._session is None:
            self._fill_platforms([])
            return
        with self._session.read() as s:
            self._fill_platforms(queries.platforms(s))

    def _fill_platforms(self, platforms: list[str]) -> None:
        """Offer every source, articles only, posts only, or one platform."""
        combo, current = self.platform_combo, self.platform_combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All sources", ("", ""))
        combo.addItem("Articles", ("kind", "article"))
        combo.addItem("Posts", ("kind", "post"))
        if platforms:
            combo.insertSeparator(combo.count())
        for name in platforms:
            combo.addItem(platform_label(name), ("platform", name))
        found = combo.findData(current) if current else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        if current and found < 0:  # the platform disappeared: show everything
            self._on_platform_combo_index_changed(0)

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched("sources"):
            self._refresh_platforms()

    # -- the table ---------------------------------------------------------------------

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex):
        source_id = self.model.source_id(current.row()) if current.isValid() else None
        if source_id is not None and not self._following:
            self.source_selected.emit(source_id)

    def _on_table_selection_changed(self, _selected: QItemSelection, _old: QItemSelection):
        self.selection_changed.emit()

    def _on_model_model_reset(self) -> None:
        self.counts_changed.emit(self.model.rowCount(), self.model.total)
        self.selection_changed.emit()

