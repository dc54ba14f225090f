"""The Codes pane: the hierarchical codebook with live counts, and every codebook action.

Create (a sibling or a sub-code, named in place), rename in place (F2), move by drag or
by keyboard (Ctrl+arrows), merge, delete (the confirmation says what goes with the
code), colour, and a description form. Each action is one undoable operation of
``db.ops.codes``; when the core refuses one, its message is shown and nothing changes.
Dropping a span of text (``application/x-quire-span``) on a code codes that span;
dragging a code out carries ``application/x-quire-code``.

The tree handles its own keys (it claims them before the window's shortcuts see them),
so Insert makes a code while the tree has focus; no key the tree claims is one of the
window's (Ctrl+N is always New Project; ``claimed_keys`` lists them for the audit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QKeyCombination,
    QModelIndex,
    QObject,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.ops import bind
from db.ops import codes as code_ops
from db.ops import coding as coding_ops
from db.palette import PALETTE
from db.queries import codes as queries
from desktop.dialogs.codebook import DescriptionDialog, MergeDialog, confirm_delete
from desktop.models.codes import NAME, CodeTreeModel, swatch
from desktop.widgets import quick_code
from desktop.widgets.code_tree import CodeTreeView
from desktop.widgets.feedback import warn

if TYPE_CHECKING:
    from desktop.session import ProjectSession

Mod = Qt.KeyboardModifier
# Keys the tree claims from the window while it has focus: (key, modifiers) -> action name.
KEYS = {
    (Qt.Key.Key_Insert, Mod.NoModifier): "new",
    (Qt.Key.Key_Insert, Mod.ShiftModifier): "new_child",
    (Qt.Key.Key_F2, Mod.NoModifier): "rename",
    (Qt.Key.Key_Delete, Mod.NoModifier): "delete",
    (Qt.Key.Key_Up, Mod.ControlModifier): "up",
    (Qt.Key.Key_Down, Mod.ControlModifier): "down",
    (Qt.Key.Key_Left, Mod.ControlModifier): "outdent",
    (Qt.Key.Key_Right, Mod.ControlModifier): "indent",
    (Qt.Key.Key_M, Mod.ControlModifier): "merge",
    (Qt.Key.Key_E, Mod.ControlModifier): "describe",
    (Qt.Key.Key_D, Mod.ControlModifier): "favourite",
    (Qt.Key.Key_Return, Mod.NoModifier): "activate",
    (Qt.Key.Key_Enter, Mod.KeypadModifier): "activate",
}
# The context menu: action name, text, shortcut shown ("" for none); None is a separator.
MENU = (("new", "&New Code", "Ins"), ("new_child", "New &Sub-code", "Shift+Ins"), None,
        ("rename", "&Rename", "F2"), ("describe", "&Description…", "Ctrl+E"),
        ("color", "&Colour", ""), ("favourite", "&Favourite (number key in the Reader)", "Ctrl+D"),
        None,
        ("up", "Move &Up", "Ctrl+Up"), ("down", "Move &Down", "Ctrl+Down"),
        ("outdent", "Move &Out (Outdent)", "Ctrl+Left"),
        ("indent", "Move &In (Indent)", "Ctrl+Right"), None,
        ("merge", "&Merge Into…", "Ctrl+M"), ("delete", "De&lete…", "Del"), None,
        ("memo", "M&emo…", ""))
NEEDS_CODE = {"memo", "new_child", "rename", "describe", "color", "up", "down", "outdent", "indent",
              "merge", "delete", "activate", "favourite"}


class CodesPane(QWidget):
    """The codebook of the open project: a filter box above the code tree."""

    code_activated = Signal(int)  # double-click or Enter on a code
    current_code_changed = Signal(object)  # the current code's id, or None
    memo_requested = Signal(str, int)  # "code", its id: open the code's memo

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._collapsed: set[int] = set()
        self._keep_current: int | None = None
        self.model = CodeTreeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(NAME)
        self.filter_edit = QLineEdit(self)
        self.new_button = QToolButton(self)
        self.tree = self._make_tree()
        self.actions_by_name = self._make_actions()
        self._lay_out()
        self._connect()

    # -- building ----------------------------------------------------------------------

    def _make_tree(self) -> CodeTreeView:
        tree = CodeTreeView(self)
        tree.setModel(self.proxy)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.installEventFilter(self)
        return tree

    def _make_actions(self) -> dict[str, QAction]:
        actions = {}
        for entry in MENU:
            if entry is None:
                continue
            name, text, keys = entry
            action = QAction(text, self)
            if keys:  # shown in the menu; the tree itself handles the keys
                action.setShortcut(QKeySequence(keys))
                action.setShortcutVisibleInContextMenu(True)
            action.triggered.connect(lambda _=False, n=name: self.run_action(n))
            actions[name] = action
        actions["color"].setMenu(self._make_color_menu())
        actions["favourite"].setCheckable(True)
        return actions

    def _make_color_menu(self) -> QMenu:
        menu = QMenu("Colour", self)
        for color in PALETTE:
            action = menu.addAction(swatch(color), color)
            action.triggered.connect(lambda _=False, c=color: self.set_color(c))
        menu.addSeparator()
        menu.addAction("Other Colour…").triggered.connect(self._on_other_color_triggered)
        return menu

    def _lay_out(self) -> None:
        self.filter_edit.setPlaceholderText("Filter codes")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.installEventFilter(self)
        self.new_button.setText("New Code")
        self.new_button.setToolTip("New code beside the current one (Insert); "
                                   "Shift+Insert for a sub-code")
        self.new_button.setAutoRaise(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.new_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(row)
        column.addWidget(self._make_empty_hint())
        column.addWidget(self.tree, 1)

    def _make_empty_hint(self) -> QWidget:
        """What an empty codebook says: make a code, or import a codebook."""
        self.empty_hint = QWidget(self)
        text = QLabel("The codebook is empty. Make a code, or import a codebook from "
                      "another project or program (.qdc, CSV, Excel).", self.empty_hint)
        text.setWordWrap(True)
        self.empty_new_button = QPushButton("New Code", self.empty_hint)
        self.empty_new_button.clicked.connect(lambda: self.run_action("new"))
        self.empty_import_button = QPushButton("Import…", self.empty_hint)
        self.empty_import_button.setToolTip("Import a codebook: Code ▸ Import Codebook "
                                            "(.qdc, .csv, .xlsx)")
        self.empty_import_button.setEnabled(False)
        buttons = QVBoxLayout()  # one above the other: the pane stays as narrow as before
        buttons.addWidget(self.empty_new_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons.addWidget(self.empty_import_button, 0, Qt.AlignmentFlag.AlignLeft)
        column = QVBoxLayout(self.empty_hint)
        column.setContentsMargins(0, 4, 0, 4)
        column.addWidget(text)
        column.addLayout(buttons)
        self.empty_hint.hide()
        return self.empty_hint

    def set_import_action(self, action: QAction) -> None:
        """The action the empty codebook's Import Codebook button triggers."""
        self.empty_import_button.setEnabled(True)
        self.empty_import_button.clicked.connect(action.trigger)

    def _show_empty_hint(self) -> None:
        empty = self._session is not None and not self.model.rows()
        self.empty_hint.setVisible(empty)

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu_requested)
        self.tree.expanded.connect(self._on_tree_expanded)
        self.tree.collapsed.connect(self._on_tree_collapsed)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.tree.itemDelegateForColumn(NAME).closeEditor.connect(
            self._on_delegate_close_editor)
        self.model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self.model.modelReset.connect(self._on_model_model_reset)
        self.model.refreshed.connect(self._on_model_refreshed)
        queued = Qt.ConnectionType.QueuedConnection  # after the edit or the drag is over
        self.model.rename_requested.connect(self._on_model_rename_requested, queued)
        self.model.create_requested.connect(self._on_model_create_requested, queued)
        self.model.move_requested.connect(self._on_model_move_requested, queued)
        self.model.span_dropped.connect(self._on_model_span_dropped, queued)

    # -- what the window tells the pane ------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Show the codebook of ``session``, or nothing when no project is open."""
        if self._session is not None:
            self._session.coder_filter_changed.disconnect(self._on_session_coder_filter_changed)
        self._session, self._collapsed = session, set()
        if session is not None:
            session.coder_filter_changed.connect(self._on_session_coder_filter_changed)
        self.filter_edit.clear()
        self.model.set_session(session)

    def claimed_keys(self) -> list[tuple[QKeySequence, str]]:
        """The keys the tree claims while it has focus, with what each does (the
        shortcut audit and Help ▸ Keyboard Shortcuts read them)."""
        texts = {entry[0]: entry[1] for entry in MENU if entry is not None}
        texts["activate"] = "Show the code's excerpts"
        return [(QKeySequence(QKeyCombination(mods & ~Mod.KeypadModifier, key)),
                 texts[name].replace("&", ""))
                for (key, mods), name in KEYS.items()]

    def current_code_id(self) -> int | None:
        """The code under the cursor in the tree, if any."""
        return self.model.code_id(self.proxy.mapToSource(self.tree.currentIndex()))

    def select_code(self, code_id: int | None) -> None:
        """Make ``code_id`` the current code and show it."""
        index = self.proxy.mapFromSource(self.model.index_of(code_id))
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    # -- running actions ---------------------------------------------------------------

    def run_action(self, name: str) -> None:
        """Do one of the codebook actions (``MENU``'s names) on the current code."""
        code_id = self.current_code_id()
        action = self.actions_by_name.get(name)
        if self._session is None or (name in NEEDS_CODE and code_id is None) \
                or (action is not None and not action.isEnabled()):  # a key, not the menu
            return
        handler = getattr(self, f"_do_{name}")
        handler() if name in ("new", "new_child", "rename") else handler(code_id)

    # -- favourites: a personal keyboard layout, kept in the settings (not undoable) ----

    def _do_memo(self, code_id: int) -> None:
        self.memo_requested.emit("code", code_id)

    def _do_favourite(self, code_id: int) -> None:
        self.set_favourite(code_id, not self.is_favourite(code_id))

    def is_favourite(self, code_id: int) -> bool:
        """Whether ``code_id`` is one of this user's favourite codes in this project."""
        return code_id in quick_code.favourite_codes(self._session.project.uuid)

    def set_favourite(self, code_id: int, favourite: bool) -> None:
        """Make a code a favourite (number keys 1-9 apply the first nine) or not."""
        quick_code.set_favourite(self._session.project.uuid, code_id, favourite)
        self._on_model_refreshed()

    def _on_model_refreshed(self) -> None:
        self._show_empty_hint()
        if self._session is not None:
            existing = {r["id"] for r in self.model.rows()}
            keys = quick_code.favourite_keys(self._session.project.uuid, existing)
            self.model.set_favourites({code_id: key for key, code_id in keys.items()})

    def _do_new(self) -> None:
        code = self.model.row(self.current_code_id() or -1)
        self.start_new_code(code["parent_id"] if code else None)

    def _do_new_child(self) -> None:
        self.start_new_code(self.current_code_id())

    def start_new_code(self, parent_id: int | None) -> None:
        """Open an empty row under ``parent_id`` (None: top level) to type a name in."""
        self.filter_edit.clear()
        if parent_id is not None:
            self.tree.expand(self.proxy.mapFromSource(self.model.index_of(parent_id)))
        index = self.proxy.mapFromSource(self.model.add_pending(parent_id))
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        self.tree.edit(index)

    def _do_rename(self) -> None:
        self.tree.edit(self.tree.currentIndex().siblingAtColumn(NAME))

    def _do_activate(self, code_id: int) -> None:
        self.code_activated.emit(code_id)

    def _do_describe(self, code_id: int) -> None:
        code = self.model.row(code_id)
        dialog = DescriptionDialog(code["path"], code["description"], self)
        if dialog.exec() and dialog.description() != (code["description"] or "").strip():
            self._session.run(bind(code_ops.update_code, code_id=code_id,
                                   description=dialog.description(),
                                   expected_version=self._version(code_id)),
                              initiator=self, refused=warn(self, "Description"))

    def _do_color(self, code_id: int) -> None:
        menu = self.actions_by_name["color"].menu()
        menu.exec(self.tree.viewport().mapToGlobal(self._menu_point()))

    def set_color(self, color: str, code_id: int | None = None) -> None:
        """Give the current code (or ``code_id``) the colour ``color`` ("#rrggbb")."""
        code_id = code_id if code_id is not None else self.current_code_id()
        code = self.model.row(code_id) if code_id is not None else None
        if code is not None and color.lower() != (code["color"] or "").lower():
            self._session.run(bind(code_ops.update_code, code_id=code_id, color=color,
                                   expected_version=self._version(code_id)),
                              initiator=self, refused=warn(self, "Colour"))

    def _on_other_color_triggered(self) -> None:
        code = self.model.row(self.current_code_id() or -1)
        if code is None:
            return
        color = QColorDialog.getColor(QColor(code["color"]), self, f"Colour of “{code['name']}”")
        if color.isValid():
            self.set_color(color.name())

    def _do_up(self, code_id: int) -> None:
        self._shift(code_id, -1)

    def _do_down(self, code_id: int) -> None:
        self._shift(code_id, +1)

    def _shift(self, code_id: int, step: int) -> None:
        code = self.model.row(code_id)
        siblings = self._children(code["parent_id"])
        position = siblings.index(code_id) + step
        if 0 <= position < len(siblings):
            self._move(code_id, code["parent_id"], position)

    def _do_outdent(self, code_id: int) -> None:
        parent = self.model.row(self.model.row(code_id)["parent_id"] or -1)
        if parent is not None:  # it goes just after its old parent
            position = self._children(parent["parent_id"]).index(parent["id"]) + 1
            self._move(code_id, parent["parent_id"], position)

    def _do_indent(self, code_id: int) -> None:
        code = self.model.row(code_id)
        siblings = self._children(code["parent_id"])
        at = siblings.index(code_id)
        if at > 0:  # it becomes the last sub-code of the code above it
            above = siblings[at - 1]
            self.tree.expand(self.proxy.mapFromSource(self.model.index_of(above)))
            self._move(code_id, above, len(self._children(above)))

    def _children(self, parent_id: int | None) -> list[int]:
        return [r["id"] for r in self.model.rows() if r["parent_id"] == parent_id]

    def _move(self, code_id: int, parent_id: int | None, position: int) -> None:
        self._keep_current = code_id
        self._session.run(bind(code_ops.move_code, code_id=code_id, parent_id=parent_id,
                               position=position, expected_version=self._version(code_id)),
                          initiator=self,
                          refused=warn(self, "Move Code"))

    def _do_merge(self, code_id: int) -> None:
        dialog = MergeDialog(self.model.row(code_id), self.model.rows(), self)
        if dialog.exec() and dialog.chosen_id() is not None:
            self.merge(code_id, dialog.chosen_id())

    def merge(self, code_id: int, into_id: int) -> bool:
        """Merge one code into another; False (with the core's message) if refused."""
        self._keep_current = into_id
        return self._session.run(bind(code_ops.merge_code, code_id=code_id, into_id=into_id),
                                 initiator=self, refused=warn(self, "Merge Code")).ok

    def _do_delete(self, code_id: int) -> None:
        with self._session.read() as s:
            impact = queries.impact(s, code_id)
        if confirm_delete(self, self.model.row(code_id)["name"], impact):
            self._session.run(bind(code_ops.delete_code, code_id=code_id),
                              initiator=self, refused=warn(self, "Delete Code"))

    def _version(self, code_id: int) -> int | None:
        """The version of the code as the pane shows it: an edit made on what the pane
        shows is refused (EditConflictError, the fresh state shown) if a teammate or
        another window changed the code since (db.conflicts)."""
        row = self.model.row(code_id)
        return row.get("version") if row is not None else None

    # -- what the model reports --------------------------------------------------------

    def _on_model_rename_requested(self, code_id: int, name: str) -> None:
        self._keep_current = code_id
        self._session.run(bind(code_ops.rename_code, code_id=code_id, name=name,
                               expected_version=self._version(code_id)),
                          initiator=self, refused=warn(self, "Rename Code"))

    def _on_model_create_requested(self, parent_id: int | None, name: str) -> None:
        self.model.drop_pending()
        self._session.run(bind(code_ops.create_code, name=name, parent_id=parent_id,
                               coder_id=self._session.coder_id()),
                          initiator=self, done=self.select_code, refused=warn(self, "New Code"))

    def _on_model_move_requested(self, code_id: int, parent_id: int | None,
                                 position: int) -> None:
        self._move(code_id, parent_id, position)

    def _on_model_span_dropped(self, code_id: int, source_id: int, start: int,
                               end: int) -> None:
        self._session.run(bind(coding_ops.code_span, source_id=source_id, start=start, end=end,
                               code_id=code_id, coder_id=self._session.coder_id()),
                          initiator=self, refused=warn(self, "Apply Code"))

    def _on_delegate_close_editor(self, _editor: QWidget, _hint) -> None:
        # Typing a new code's name is over (committed or given up): its row goes.
        # Later, so the view has finished with the editor first.
        if self.model.pending_index().isValid():
            QTimer.singleShot(0, self.model.drop_pending)

    def _on_model_about_to_be_reset(self) -> None:
        if self._keep_current is None:
            self._keep_current = self.current_code_id()

    def _on_model_model_reset(self) -> None:
        """Expand what was expanded, and keep the current code current."""
        self._show_empty_hint()
        self._expand_all_but_collapsed()
        keep, self._keep_current = self._keep_current, None
        self.select_code(keep)

    def _expand_all_but_collapsed(self) -> None:
        self.tree.blockSignals(True)  # these are not the user's (un)foldings
        self.tree.expandAll()
        for code_id in self._collapsed:
            self.tree.collapse(self.proxy.mapFromSource(self.model.index_of(code_id)))
        self.tree.blockSignals(False)

    # -- the tree and the filter -------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Claim the codebook's keys while the tree has focus, and handle them; Down or
        Enter in the filter box goes on to the tree."""
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._focus_tree()
            return True
        if watched is self.tree and event.type() in (QEvent.Type.ShortcutOverride,
                                                     QEvent.Type.KeyPress):
            name = self._key_action(event)
            if name is not None:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.run_action(name)
                return True
        return super().eventFilter(watched, event)

    def _key_action(self, event: QKeyEvent) -> str | None:
        if self.tree.state() == QAbstractItemView.State.EditingState:
            return None
        mods = event.modifiers() & ~Mod.KeypadModifier
        if event.key() == Qt.Key.Key_Enter:
            mods |= Mod.KeypadModifier
        return KEYS.get((Qt.Key(event.key()), mods))

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        else:
            self._expand_all_but_collapsed()

    def _focus_tree(self) -> None:
        """Into the tree, on the first code the filter matches (or the first code)."""
        self.tree.setFocus()
        needle = self.filter_edit.text().strip().casefold()
        current = self.tree.currentIndex()
        if current.isValid() and needle in (current.siblingAtColumn(NAME).data() or "").casefold():
            return
        first = self._first_match(QModelIndex(), needle)
        if first.isValid():
            self.tree.setCurrentIndex(first)

    def _first_match(self, parent: QModelIndex, needle: str) -> QModelIndex:
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, NAME, parent)
            if needle in (index.data() or "").casefold():
                return index
            found = self._first_match(index, needle)
            if found.isValid():
                return found
        return QModelIndex()

    def _on_new_button_clicked(self) -> None:
        self.tree.setFocus()
        self.run_action("new")

    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        code_id = self.model.code_id(self.proxy.mapToSource(index))
        if code_id is not None:
            self.code_activated.emit(code_id)

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_code_changed.emit(self.model.code_id(self.proxy.mapToSource(current)))

    def _on_tree_expanded(self, index: QModelIndex) -> None:
        self._collapsed.discard(self.model.code_id(self.proxy.mapToSource(index)))

    def _on_tree_collapsed(self, index: QModelIndex) -> None:
        if not self.filter_edit.text().strip():
            self._collapsed.add(self.model.code_id(self.proxy.mapToSource(index)))

    def _on_tree_context_menu_requested(self, point: QPoint) -> None:
        if self._session is not None:
            menu = self.context_menu()
            menu.exec(self.tree.viewport().mapToGlobal(point))
            menu.deleteLater()

    def context_menu(self) -> QMenu:
        """The codebook's actions for the current code (those needing one disabled if none)."""
        has_code = self.current_code_id() is not None
        menu = QMenu(self)
        for entry in MENU:
            if entry is None:
                menu.addSeparator()
                continue
            action = self.actions_by_name[entry[0]]
            action.setEnabled(entry[0] not in NEEDS_CODE or has_code)
            if entry[0] == "favourite":
                action.setChecked(has_code and self.is_favourite(self.current_code_id()))
            menu.addAction(action)
        return menu

    def _menu_point(self) -> QPoint:
        rect = self.tree.visualRect(self.tree.currentIndex())
        return rect.bottomLeft() if rect.isValid() else QPoint(0, 0)

    def _on_session_coder_filter_changed(self, _coders: object) -> None:
        self.model.refresh()
