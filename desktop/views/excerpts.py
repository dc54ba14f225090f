"""The Coded excerpts view: the passages coded with one or several codes, in context.

Tick codes in the codebook on the left; the excerpts coded with any of them (or with
all of them on the same text) are listed on the right, each with its source's title,
author and date, the exact text, and, on request, some characters of context around
it. Filters: a collection, a coder (the session's coder filter, shared with the Reader)
and a date range. Double-click or Enter on an excerpt emits ``excerpt_activated`` with
its place, for the Reader to show. Right-to-left excerpts are laid out right to left.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.queries import excerpts as queries
from db.queries import sources as source_queries
from desktop.models.codes import EXCERPTS, NAME, SOURCES, CodeTreeModel
from desktop.models.excerpts import SPAN_ROLE, CheckableCodes, ExcerptListModel, as_text
from desktop.widgets.coder_filter import CoderFilter
from desktop.widgets.excerpt_card import ExcerptDelegate

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

WATCHED = ("excerpts", "codings", "codes", "sources", "collections", "coders")
MODES = (("any", "Any of the ticked codes"), ("all", "All of them on the same text"))
MAX_CONTEXT = 5000
REFRESH_DELAY_MS = 150  # let a run of clicks or keystrokes settle before querying


class ExcerptsView(QWidget):
    """Retrieve coded excerpts by code, with filters and context."""

    excerpt_activated = Signal(int, int, int)  # source id, start, end
    counts_changed = Signal(int, int)  # excerpts shown, sources they come from

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self.codes_model = CodeTreeModel(self)
        self.checkable = CheckableCodes(self.codes_model, self)
        self.code_filter = QSortFilterProxyModel(self)
        self.code_filter.setSourceModel(self.checkable)
        self.code_filter.setRecursiveFilteringEnabled(True)
        self.code_filter.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.model = ExcerptListModel(self)
        self._pinned: tuple[list[int], str] | None = None  # exact excerpts from elsewhere
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._build()
        self._connect()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.code_filter_edit = QLineEdit(self)
        self.code_filter_edit.setPlaceholderText("Filter codes")
        self.code_filter_edit.setClearButtonEnabled(True)
        self.code_tree = self._make_code_tree()
        self.mode_combo = QComboBox(self)
        for key, text in MODES:
            self.mode_combo.addItem(text, key)
        self.collection_combo = QComboBox(self)
        self.collection_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.coder_filter = CoderFilter(self)
        self.from_check, self.from_edit = self._date_filter("From")
        self.to_check, self.to_edit = self._date_filter("To")
        self.context_spin = QSpinBox(self)
        self.context_spin.setRange(0, MAX_CONTEXT)
        self.context_spin.setSingleStep(50)
        self.context_spin.setSuffix(" characters")
        self.context_spin.setSpecialValueText("none")
        self.context_spin.setToolTip("How much of the text around each excerpt to show")
        self.count_label = QLabel(self)
        self.list = self._make_list()
        self._lay_out()
        self._fill_collections([])
        self._show_counts()

    def _make_code_tree(self) -> QTreeView:
        tree = QTreeView(self)
        tree.setModel(self.code_filter)
        tree.setUniformRowHeights(True)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(EXCERPTS, QHeaderView.ResizeMode.ResizeToContents)
        tree.setColumnHidden(SOURCES, True)  # room for the names; the list counts sources
        return tree

    def _date_filter(self, text: str) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(text, self)
        edit = QDateEdit(QDate.currentDate(), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        check.toggled.connect(edit.setEnabled)
        check.setToolTip(f"{text} this publication date (inclusive)")
        return check, edit

    def _make_list(self) -> QListView:
        view = QListView(self)
        view.setModel(self.model)
        view.setItemDelegate(ExcerptDelegate(view))
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setLayoutMode(QListView.LayoutMode.Batched)
        view.setBatchSize(200)
        view.setWordWrap(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.installEventFilter(self)
        return view

    def _lay_out(self) -> None:
        left = QWidget(self)
        codes = QVBoxLayout(left)
        codes.setContentsMargins(0, 0, 0, 0)
        codes.addWidget(QLabel("Codes to retrieve:", left))
        codes.addWidget(self.code_filter_edit)
        codes.addWidget(self.code_tree, 1)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._row([QLabel("Show excerpts with", self), self.mode_combo,
                                    QLabel("Collection:", self), self.collection_combo,
                                    self.coder_filter]))
        column.addLayout(self._row([self.from_check, self.from_edit, self.to_check,
                                    self.to_edit, QLabel("Context:", self), self.context_spin]))
        column.addWidget(self.count_label)
        column.addWidget(self.list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("excerpts_splitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 700])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)

    @staticmethod
    def _row(widgets: list[QWidget]) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _connect(self) -> None:
        self._timer.timeout.connect(self.refresh)
        self.checkable.checked_changed.connect(self._unpin)
        self.checkable.checked_changed.connect(self._timer.start)
        self.code_filter_edit.textChanged.connect(self._on_code_filter_edit_text_changed)
        self.codes_model.modelReset.connect(self.code_tree.expandAll)
        for combo in (self.mode_combo, self.collection_combo):
            combo.currentIndexChanged.connect(self._unpin)
        self.mode_combo.currentIndexChanged.connect(self._timer.start)
        self.collection_combo.currentIndexChanged.connect(self._timer.start)
        for widget in (self.from_check, self.to_check):
            widget.toggled.connect(self._timer.start)
        for widget in (self.from_edit, self.to_edit):
            widget.dateChanged.connect(self._timer.start)
        self.context_spin.valueChanged.connect(self._timer.start)
        self.list.activated.connect(self._on_list_activated)
        self.list.doubleClicked.connect(self._on_list_activated)
        self.model.modelReset.connect(self._on_model_model_reset)

    # -- what the window tells the view ------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Retrieve from ``session`` (or show nothing), following its changes."""
        self._pinned = None
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
            self._session.coder_filter_changed.disconnect(self._on_session_coder_filter_changed)
        self._session = session
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
            session.coder_filter_changed.connect(self._on_session_coder_filter_changed)
        self.codes_model.set_session(session)
        self.coder_filter.set_session(session)
        self.checkable.blockSignals(True)
        self.checkable.set_checked([])
        self.checkable.blockSignals(False)
        self._refresh_collections()
        self.refresh()

    def show_codes(self, code_ids: list[int], mode: str = "any") -> None:
        """Retrieve the excerpts of these codes (a code activated in the Codes pane)."""
        self._pinned = None
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(mode), 0))
        self.checkable.blockSignals(True)
        self.checkable.set_checked(code_ids)
        self.checkable.blockSignals(False)
        self.refresh()

    def show_excerpts(self, excerpt_ids: list[int], caption: str) -> None:
        """Show exactly these excerpts (what an Analysis bar or cell counts), named by
        ``caption``, until codes are ticked or a filter changes."""
        self._pinned = (list(excerpt_ids), caption)
        self.refresh()

    def filters(self) -> dict[str, Any]:
        """The arguments of the retrieval the widgets describe."""
        return {"code_ids": self.checkable.checked(), "mode": self.mode_combo.currentData(),
                "collection_id": self.collection_combo.currentData(),
                "coder_ids": (sorted(self._session.visible_coders)
                              if self._session and self._session.visible_coders else None),
                "date_from": _day(self.from_edit) if self.from_check.isChecked() else None,
                "date_to": _day(self.to_edit, end=True) if self.to_check.isChecked() else None,
                "context": self.context_spin.value()}

    def refresh(self) -> None:
        """Retrieve again with the current codes and filters."""
        self._timer.stop()
        args = self.filters()
        if self._pinned is not None and self._session is not None:
            with self._session.read() as s:
                self.model.set_rows(queries.retrieve(
                    s, code_ids=None, excerpt_ids=self._pinned[0], context=args["context"]))
            return
        if self._session is None or not args["code_ids"]:
            self.model.set_rows([])
            return
        with self._session.read() as s:
            self.model.set_rows(queries.retrieve(s, **args))

    def selected_rows(self) -> list[dict[str, Any]]:
        """The excerpts selected in the list, in list order."""
        rows = sorted(i.row() for i in self.list.selectionModel().selectedIndexes())
        return [self.model.row_data(r) for r in rows]

    def copy_selection(self) -> None:
        """Put the selected excerpts, each with where it is from, on the clipboard."""
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText("\n\n".join(as_text(r) for r in rows))

    # -- what the widgets report -------------------------------------------------------

    def _on_code_filter_edit_text_changed(self, text: str) -> None:
        self.code_filter.setFilterFixedString(text.strip())
        self.code_tree.expandAll()

    def _on_list_activated(self, index: QModelIndex) -> None:
        span = index.data(SPAN_ROLE)
        if span is not None:
            self.excerpt_activated.emit(*span)

    def _on_model_model_reset(self) -> None:
        self.list.itemDelegate().forget()
        self._show_counts()

    def _unpin(self, *_args) -> None:
        self._pinned = None

    def _show_counts(self) -> None:
        n, sources = self.model.rowCount(), self.model.source_count()
        if self._pinned is not None:
            self.count_label.setText(f"{self._pinned[1]} — {_count(n, 'excerpt')} in "
                                     f"{_count(sources, 'source')} (tick codes to leave)")
        elif not self.checkable.checked():
            self.count_label.setText("Tick one or more codes to see the excerpts coded "
                                     "with them.")
        elif not n:
            self.count_label.setText("No excerpt matches.")
        else:
            self.count_label.setText(f"{_count(n, 'excerpt')} in {_count(sources, 'source')}")
        self.counts_changed.emit(n, sources)

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched("collections", "sources"):
            self._refresh_collections()
        if changes.touched(*WATCHED):
            self._timer.start()

    def _on_session_coder_filter_changed(self, _coders: object) -> None:
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the laid-out texts in step with the list's width; Ctrl+C copies."""
        if watched is self.list:
            if event.type() == QEvent.Type.Resize:
                self.list.itemDelegate().forget()
            elif event.type() == QEvent.Type.KeyPress and event.matches(QKeySequence.Copy):
                self.copy_selection()
                return True
        return super().eventFilter(watched, event)

    # -- collections -------------------------------------------------------------------

    def _refresh_collections(self) -> None:
        if self._session is None:
            self._fill_collections([])
            return
        with self._session.read() as s:
            self._fill_collections(source_queries.collection_tree(s))

    def _fill_collections(self, rows: list[dict[str, Any]]) -> None:
        combo, current = self.collection_combo, self.collection_combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All sources", None)
        for row, depth in _depth_first(rows):
            combo.addItem("    " * depth + row["name"], row["id"])
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)


def _depth_first(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    kids: dict[int | None, list[dict[str, Any]]] = {}
    for row in rows:
        kids.setdefault(row["parent_id"], []).append(row)
    out: list[tuple[dict[str, Any], int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in kids.get(parent, []):
            out.append((row, depth))
            walk(row["id"], depth + 1)

    walk(None, 0)
    return out


def _day(edit: QDateEdit, *, end: bool = False) -> dt.datetime:
    """The start of the chosen day in local time (its end, for "to"), in UTC."""
    day = edit.date().toPython()
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return moment.astimezone().astimezone(dt.UTC)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
