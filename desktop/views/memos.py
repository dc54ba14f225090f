"""The Memos pane: every memo of the project with what it is on, who wrote it and when.

Filter by the kind of target (or only the orphaned memos, whose target was deleted), by
author and by words of the title or text; sort by any column, by date first of all.
Double-click or Enter opens the memo in the editor; New Memo writes one on the project
or on the current target the window gives (:meth:`MemosPane.set_current_target`);
Delete removes the selected memos as one undoable step. Go to Target (and the links
inside a memo) emit :attr:`MemosPane.target_activated` for the window to show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.ops import bind
from db.ops.actions import delete_memos
from db.queries import excerpts as excerpt_queries
from db.queries.memos import memo_list, memos_on, target_label
from desktop.dialogs.memo_editor import MemoEditor
from desktop.models.memos import (
    AUTHOR,
    CREATED,
    HEADERS,
    KIND,
    KINDS,
    ROW_ROLE,
    SORT_ROLE,
    TARGET,
    TITLE,
    UPDATED,
    MemoTableModel,
    kind_icon,
    memo_heading,
)
from desktop.widgets.bidi import BidiDelegate

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

WATCHED = ("memos", "coders", "sources", "codes", "excerpts", "collections", "project")
ORPHANED = "orphaned"  # the kind filter's entry for memos whose target was deleted
REFRESH_DELAY_MS = 150


class MemosPane(QWidget):
    """All memos with their targets: filter, sort, open, write and delete."""

    target_activated = Signal(str, int)  # kind ("source", "code", "excerpt"...), id
    message = Signal(str)  # what just happened, for the status bar

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._current: tuple[str, int] | None = None
        self._editors: dict[Any, MemoEditor] = {}
        self.model = MemoTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._build()
        self._connect()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter memos by words")
        self.filter_edit.setClearButtonEnabled(True)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem("All kinds", None)
        for key, name, _letter, _color in KINDS:
            self.kind_combo.addItem(kind_icon(key), f"On {name.lower()}s"
                                    if key != "project" else "On the project", key)
        self.kind_combo.addItem(kind_icon("excerpt", True), "Orphaned", ORPHANED)
        self.author_combo = QComboBox(self)
        self.author_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.new_button = QToolButton(self)
        self.new_button.setText("New Memo")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.new_menu = QMenu(self.new_button)
        self.new_button.setMenu(self.new_menu)
        self.delete_button = QToolButton(self)
        self.delete_button.setText("Delete")
        self.delete_button.setToolTip("Delete the selected memos (Del); Edit ▸ Undo brings "
                                      "them back")
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: #616161")
        self.table = self._make_table()
        self.actions_by_name = self._make_actions()
        self._lay_out()
        self._fill_authors([])
        self._fill_new_menu()

    def _make_table(self) -> QTreeView:
        view = QTreeView(self)
        view.setModel(self.proxy)
        view.setRootIsDecorated(False)
        view.setItemDelegate(BidiDelegate(view))
        view.setAllColumnsShowFocus(True)
        view.setSortingEnabled(True)
        view.sortByColumn(UPDATED, Qt.SortOrder.DescendingOrder)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TARGET, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (KIND, AUTHOR, CREATED, UPDATED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # A narrow pane scrolls rather than squeezing a header to "Targ" or "Mem"; texts
        # too long for their column are elided in the middle (the tooltip has them whole).
        metrics = header.fontMetrics()
        header.setMinimumSectionSize(max(metrics.horizontalAdvance(t) for t in HEADERS) + 24)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        view.installEventFilter(self)
        return view

    def _make_actions(self) -> dict[str, QAction]:
        actions = {}
        for name, text, slot in (("open", "&Open Memo", self._on_open_action_triggered),
                                 ("goto", "&Go to Target", self._on_goto_action_triggered),
                                 ("delete", "&Delete", self.delete_selected)):
            action = QAction(text, self)
            action.triggered.connect(slot)
            actions[name] = action
        return actions

    def _lay_out(self) -> None:
        # Two rows, so that the pane fits the narrow dock it shares with the Codes pane.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        choices = QHBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        choices.addWidget(self.kind_combo, 1)
        choices.addWidget(self.author_combo, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(row)
        column.addLayout(choices)
        column.addWidget(self.table, 1)
        column.addWidget(self.count_label)

    def _connect(self) -> None:
        self._timer.timeout.connect(self.refresh)
        self.filter_edit.textChanged.connect(self._timer.start)
        self.kind_combo.currentIndexChanged.connect(self._timer.start)
        self.author_combo.currentIndexChanged.connect(self._timer.start)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    # -- what the window tells the pane ------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """List the memos of ``session`` (or none), following its changes."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
        self.close_editors()
        self._session, self._current = session, None
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self._refresh_authors()
        self._fill_new_menu()
        self.refresh()

    def set_current_target(self, kind: str | None, target_id: int | None = None) -> None:
        """What New Memo writes on besides the project: the source shown in the Reader,
        the current code, the excerpt last clicked (None: only the project)."""
        self._current = (kind, target_id) if kind and target_id is not None else None
        self._fill_new_menu()

    def filters(self) -> dict[str, Any]:
        """The arguments of ``memo_list`` the filter widgets describe."""
        kind, author = self.kind_combo.currentData(), self.author_combo.currentData()
        return {"kinds": [kind] if kind not in (None, ORPHANED) else None,
                "orphaned": True if kind == ORPHANED else None,
                "coder_ids": [author] if author is not None else None,
                "text": self.filter_edit.text()}

    def refresh(self) -> None:
        """Read the memos again with the current filters, keeping the selection."""
        self._timer.stop()
        keep = self.selected_ids()
        if self._session is None:
            self.model.set_rows([])
        else:
            with self._session.read() as s:
                self.model.set_rows(memo_list(s, **self.filters()))
        self.select_memos(keep)
        self._show_count()

    def selected_ids(self) -> list[int]:
        """The ids of the selected memos, in the order shown."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def select_memos(self, memo_ids: list[int]) -> None:
        """Select these memos (those shown), the first one current."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = (selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        for n, memo_id in enumerate(memo_ids):
            index = self.proxy.mapFromSource(self.model.index(self.model.row_of(memo_id), 0))
            if index.isValid():
                selection.select(index, flags)
                if n == 0:
                    selection.setCurrentIndex(index, selection.SelectionFlag.NoUpdate)

    # -- memos -------------------------------------------------------------------------

    def open_memo(self, memo_id: int) -> MemoEditor | None:
        """Open memo ``memo_id`` in an editor (raise it if it is open already)."""
        if self._session is None:
            return None
        editor = self._editors.get(memo_id)
        if editor is None:
            editor = self._editor(memo_id=memo_id)
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def new_memo(self, target: str | None = None, target_id: int | None = None
                 ) -> MemoEditor | None:
        """Open an editor for a new memo on ``target`` (default: the current target if
        the window gave one, else the project)."""
        if self._session is None:
            return None
        if target is None:
            target, target_id = self._current or ("project", None)
        editor = self._editor(target=target, target_id=target_id)
        editor.show()
        return editor

    def memo_on(self, target: str, target_id: int | None) -> MemoEditor | None:
        """The memo on a target, opened: its first memo if it has one, else a new one."""
        if self._session is None:
            return None
        with self._session.read() as s:
            existing = memos_on(s, target, target_id)
        if existing:
            return self.open_memo(existing[0]["id"])
        return self.new_memo(target, target_id)

    def _editor(self, **kwargs: Any) -> MemoEditor:
        editor = MemoEditor(self._session, parent=self.window(), **kwargs)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = kwargs.get("memo_id") or editor
        self._editors[key] = editor
        editor.link_activated.connect(self.target_activated)
        editor.saved.connect(self._on_editor_saved)
        editor.finished.connect(lambda _r, k=key: self._editors.pop(k, None))
        return editor

    def editors(self) -> list[MemoEditor]:
        """The memo editors open now."""
        return list(self._editors.values())

    def close_editors(self) -> None:
        """Close every open editor without saving (the project is closing)."""
        for editor in list(self._editors.values()):
            editor.discard()
        self._editors.clear()

    def delete_selected(self) -> None:
        """Delete the selected memos as one undoable step."""
        ids = self.selected_ids()
        if self._session is None or not ids:
            return
        rows = [self.model.row_data(self.model.row_of(i)) for i in ids]
        label = (f"Delete memo '{memo_heading(rows[0])}'" if len(ids) == 1
                 else f"Delete {len(ids)} memos")
        told = (f"{label[0].upper()}{label[1:]}: Edit ▸ Undo brings "
                f"{'it' if len(ids) == 1 else 'them'} back.")
        self._session.run(bind(delete_memos, memo_ids=ids, label=label), label=label,
                          initiator=self, done=lambda _value: self.message.emit(told),
                          refused=self.message.emit)

    # -- what the widgets report -------------------------------------------------------

    def _current_row(self) -> dict[str, Any] | None:
        return self.table.currentIndex().data(ROW_ROLE)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.open_memo(row["id"])

    def _on_open_action_triggered(self) -> None:
        for memo_id in self.selected_ids():
            self.open_memo(memo_id)

    def _on_goto_action_triggered(self) -> None:
        row = self._current_row()
        if row and row["target_id"] is not None and not row["orphaned"]:
            self.target_activated.emit(row["target"], row["target_id"])

    def _on_new_button_clicked(self) -> None:
        self.new_memo()

    def _on_editor_saved(self, memo_id: int) -> None:
        self.refresh()
        self.select_memos([memo_id])

    def _on_table_context_menu_requested(self, pos) -> None:
        row = self._current_row()
        self.actions_by_name["goto"].setEnabled(bool(row and row["target_id"] is not None
                                                     and not row["orphaned"]))
        menu = QMenu(self)
        menu.addAction(self.actions_by_name["open"])
        menu.addAction(self.actions_by_name["goto"])
        menu.addSeparator()
        menu.addAction(self.actions_by_name["delete"])
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _update_buttons(self, *_args: Any) -> None:
        has = bool(self.table.selectionModel().selectedRows())
        self.delete_button.setEnabled(has)
        for name in ("open", "delete"):
            self.actions_by_name[name].setEnabled(has)
        self.new_button.setEnabled(self._session is not None)

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched("coders"):
            self._refresh_authors()
        if changes.touched(*WATCHED):
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter opens the current memo; Delete deletes the selected ones."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_open_action_triggered()
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    # -- filters and menus -------------------------------------------------------------

    def _refresh_authors(self) -> None:
        if self._session is None:
            self._fill_authors([])
            return
        with self._session.read() as s:
            self._fill_authors(excerpt_queries.coders(s))

    def _fill_authors(self, coders: list[dict[str, Any]]) -> None:
        combo, current = self.author_combo, self.author_combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All authors", None)
        for coder in coders:
            combo.addItem(coder["name"], coder["id"])
        combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        combo.blockSignals(False)

    def _fill_new_menu(self) -> None:
        self.new_menu.clear()
        self.new_menu.addAction(kind_icon("project"), "Memo on the Project",
                                lambda: self.new_memo("project"))
        tip = "New memo on the project"
        if self._current and self._session is not None:
            kind, target_id = self._current
            with self._session.read() as s:
                label = target_label(s, kind, target_id)
            if label:
                text = f"Memo on {_short(label)}"
                self.new_menu.addAction(kind_icon(kind), text,
                                        lambda: self.new_memo(kind, target_id))
                tip = f"New memo on {label}"
        self.new_button.setToolTip(tip)
        self.new_button.setEnabled(self._session is not None)

    def _show_count(self) -> None:
        n = self.model.rowCount()
        orphans = sum(1 for r in range(n) if self.model.row_data(r)["orphaned"])
        text = f"{n:,} memo{'' if n == 1 else 's'}"
        if orphans:
            text += f", {orphans:,} orphaned (what {'it was' if orphans == 1 else 'they were'}" \
                    " on has been deleted)"
        self.count_label.setText(text if self._session is not None else "")


def excerpt_span(session: ProjectSession, excerpt_id: int) -> tuple[int, int, int] | None:
    """Where an excerpt is, ``(source_id, start, end)``, for the window to show a linked
    or memo'd excerpt in the Reader (None when it no longer exists)."""
    with session.read() as s:
        rows = excerpt_queries.retrieve(s, code_ids=None, excerpt_ids=[excerpt_id])
    return (rows[0]["source_id"], rows[0]["start"], rows[0]["end"]) if rows else None


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
