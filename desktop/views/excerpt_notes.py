"""An excerpt's notes beside it: its footnote citations, formatted, and its memos.

:class:`ExcerptNotes` shows one excerpt (:meth:`ExcerptNotes.set_excerpt`): where it is
from and its words, then its notes in order in the chosen style (Chicago notes, the
default; APA; MLA): the citations the researcher attached, then the article's own
footnotes whose markers lie inside the excerpt. Citations are added (the excerpt's own
source by default), edited, moved up and down and removed; one of the article's notes
can be moved among them (it is then placed explicitly) and given a note of the
researcher's, but it travels with the excerpt and is never removed. Below, the memos on
the excerpt, written and opened in the memo editor. Every change is one undoable step.

The Reader and the Coded excerpts view both embed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.citations.format import STYLES
from db.ops import bind
from db.ops import citations as citation_ops
from db.ops import memos as memo_ops
from db.queries import citations as citation_queries
from db.queries import excerpts as excerpt_queries
from db.queries.memos import memos_on, snippet
from desktop import settings
from desktop.dialogs.citation_editor import CitationDialog
from desktop.dialogs.memo_editor import MemoEditor
from desktop.fonts import reading_font
from desktop.models.citations import ROW_ROLE, CitationListModel
from desktop.models.excerpts import headline, isolated_headline
from desktop.models.memos import kind_icon, local_date, memo_heading
from desktop.models.sources import is_rtl
from desktop.widgets.note_delegate import NoteDelegate

if TYPE_CHECKING:
    from db.changes import Changes
    from desktop.session import ProjectSession

WATCHED = ("citations", "references", "sources", "excerpts", "memos", "footnotes", "coders")
MIN_NOTE_LINES = 5  # the citations list shows at least about two notes whole
QUOTE_CHARS = 280  # of the excerpt's text shown above its notes
EMPTY = ("Click an excerpt's stripe in the Reader, or choose an excerpt in Coded "
         "Excerpts, to see its citations and memos here.")


class ExcerptNotes(QWidget):
    """One excerpt's citations and memos, shown and edited in place."""

    target_activated = Signal(str, int)  # a link in a memo: kind, id
    message = Signal(str)  # what just happened or why not, for the status bar

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._excerpt: int | None = None
        self._editors: list[MemoEditor] = []
        self._stale = False
        self.model = CitationListModel(self)
        self._build()
        self._connect()
        self._show_excerpt(None)

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.empty_label = QLabel(EMPTY, self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #757575")
        self.where_label = QLabel(self)
        self.where_label.setWordWrap(True)
        self.where_label.setStyleSheet("color: #616161")
        self.quote_label = QLabel(self)
        self.quote_label.setWordWrap(True)
        self.quote_label.setFont(reading_font(self.quote_label.font()))
        self.style_combo = QComboBox(self)
        for name, style in STYLES.items():
            self.style_combo.addItem(name.upper() if name != "chicago" else "Chicago",
                                     name)
            self.style_combo.setItemData(self.style_combo.count() - 1, style.title,
                                         Qt.ItemDataRole.ToolTipRole)
        saved = settings.citation_style()
        self.style_combo.setCurrentIndex(max(self.style_combo.findData(saved), 0))
        if settings.is_locked("citation_style"):
            self.style_combo.setEnabled(False)
            self.style_combo.setToolTip("Set for every user of this computer by its "
                                        "administrator")
        self.notes = self._make_notes_view()
        self.memos = QListWidget(self)
        self.memos.setWordWrap(True)
        self.memos.setFont(reading_font(self.memos.font()))
        self.buttons = {name: _tool(self, text, tip) for name, text, tip in (
            ("add", "Add…", "Add a citation (the excerpt's source unless you choose another)"),
            ("edit", "Edit…", "Change the citation's reference, locator or note"),
            ("up", "↑", "Move the note up (Ctrl+Up)"),
            ("down", "↓", "Move the note down (Ctrl+Down)"),
            ("remove", "Remove", "Remove the citation (Del); Edit ▸ Undo brings it back"),
            ("copy", "Copy", "Copy the notes as text"),
            ("new_memo", "New Memo…", "Write a memo on this excerpt"),
            ("open_memo", "Open", "Open the memo"),
            ("delete_memo", "Delete", "Delete the memo; Edit ▸ Undo brings it back"))}
        self._lay_out()

    def _make_notes_view(self) -> QListView:
        view = QListView(self)
        view.setModel(self.model)
        view.setItemDelegate(NoteDelegate(view))
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setMinimumHeight(MIN_NOTE_LINES * QFontMetrics(reading_font(view.font())).height())
        view.installEventFilter(self)
        return view

    def _lay_out(self) -> None:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.where_label)
        column.addWidget(self.quote_label)
        column.addLayout(_row([_heading("Citations", page), self.style_combo], stretch_at=1))
        column.addWidget(self.notes, 3)
        column.addLayout(_row([self.buttons[n] for n in ("add", "edit", "up", "down",
                                                         "remove", "copy")]))
        column.addWidget(_heading("Memos", page))
        column.addWidget(self.memos, 2)
        column.addLayout(_row([self.buttons[n] for n in ("new_memo", "open_memo",
                                                         "delete_memo")]))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.stack)

    def _connect(self) -> None:
        actions = {"add": self.add_citation, "edit": self.edit_citation,
                   "up": lambda: self.move_note(-1), "down": lambda: self.move_note(1),
                   "remove": self.remove_citation, "copy": self.copy_notes,
                   "new_memo": self.new_memo, "open_memo": self.open_memo,
                   "delete_memo": self.delete_memo}
        for name, slot in actions.items():
            self.buttons[name].clicked.connect(slot)
        self.style_combo.currentIndexChanged.connect(self._on_style_combo_current_index_changed)
        self.notes.doubleClicked.connect(self._on_notes_double_clicked)
        self.notes.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.memos.itemDoubleClicked.connect(self._on_memos_item_double_clicked)
        self.memos.currentRowChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self.notes.itemDelegate().forget)

    # -- what the window tells the widget ----------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Work on ``session`` (None: show nothing), following its changes."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
        for editor in self._editors:
            editor.discard()
        self._session, self._excerpt, self._editors = session, None, []
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self.refresh()

    def set_excerpt(self, excerpt_id: int | None) -> None:
        """Show the notes of ``excerpt_id`` (None: nothing)."""
        self._excerpt = excerpt_id
        self.refresh()

    def excerpt_id(self) -> int | None:
        """The excerpt shown."""
        return self._excerpt

    def style(self) -> str:
        """The citation style notes are formatted in ("chicago", "apa", "mla")."""
        return self.style_combo.currentData()

    def set_style(self, name: str) -> None:
        """Format the notes in style ``name``."""
        self.style_combo.setCurrentIndex(max(self.style_combo.findData(name), 0))

    def refresh(self) -> None:
        """Read the excerpt and its notes again, keeping the current note."""
        self._stale = False
        keep = self.notes.currentIndex().row()
        excerpt = self._read_excerpt()
        self._show_excerpt(excerpt)
        if excerpt is None:
            self.model.set_rows([])
            self.memos.clear()
        else:
            with self._session.read() as s:
                self.model.set_rows(citation_queries.citations_for_excerpt(
                    s, self._excerpt, self.style(), html_output=True))
                memo_rows = memos_on(s, "excerpt", self._excerpt)
            self._fill_memos(memo_rows)
            self.select_note(min(keep, self.model.rowCount() - 1))
        self._update_buttons()

    def _read_excerpt(self) -> dict[str, Any] | None:
        if self._session is None or self._excerpt is None:
            return None
        with self._session.read() as s:
            rows = excerpt_queries.retrieve(s, code_ids=None, excerpt_ids=[self._excerpt])
        return rows[0] if rows else None

    def _show_excerpt(self, row: dict[str, Any] | None) -> None:
        self.stack.setCurrentIndex(1 if row else 0)
        if row is None:
            return
        self.where_label.setText(f"Excerpt {row['id']} · {isolated_headline(row)}")
        self.where_label.setToolTip(headline(row))
        text = " ".join(row["text"].split())
        quote = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"
        rtl = is_rtl(text)
        self.quote_label.setText(f"“{quote}”" if not rtl else f"\u202b“{quote}”\u202c")
        self.quote_label.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl
                                            else Qt.LayoutDirection.LeftToRight)
        self.quote_label.setAlignment(Qt.AlignmentFlag.AlignAbsolute | (
            Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft))

    def _fill_memos(self, rows: list[dict[str, Any]]) -> None:
        self.memos.clear()
        for memo in rows:
            who = " · ".join(p for p in (memo["author"], local_date(memo["updated_at"])) if p)
            item = QListWidgetItem(kind_icon("excerpt"), f"{memo_heading(memo)}  — {who}",
                                   self.memos)
            item.setData(Qt.ItemDataRole.UserRole, memo["id"])
            item.setToolTip(snippet(memo["body"], 60))
        if not rows:
            item = QListWidgetItem("No memo on this excerpt yet.", self.memos)
            item.setFlags(Qt.ItemFlag.NoItemFlags)

    # -- citations -----------------------------------------------------------------------

    def current_note(self) -> dict[str, Any] | None:
        """The note under the cursor, as ``citations_for_excerpt`` gives it."""
        return self.notes.currentIndex().data(ROW_ROLE)

    def select_note(self, row: int) -> None:
        """Make note ``row`` (0-based) the current one."""
        if 0 <= row < self.model.rowCount():
            self.notes.setCurrentIndex(self.model.index(row))

    def add_citation(self) -> CitationDialog | None:
        """Ask for a citation to add (the excerpt's source by default)."""
        if self._excerpt is None:
            return None
        dialog = CitationDialog(self._session, self._excerpt, style=self.style(), parent=self)
        if dialog.exec() == CitationDialog.DialogCode.Accepted:
            self.refresh()
            self.select_note(self._row_of_citation(dialog.citation_id))
        return dialog

    def edit_citation(self) -> CitationDialog | None:
        """Change the current note's reference, locator or note."""
        row = self.current_note()
        if row is None:
            return None
        at = self.notes.currentIndex().row()
        dialog = CitationDialog(self._session, self._excerpt, row, style=self.style(),
                                position=at, parent=self)
        if dialog.exec() == CitationDialog.DialogCode.Accepted:
            self.refresh()
            self.select_note(self._row_of_citation(dialog.citation_id))
        return dialog

    def move_note(self, delta: int) -> None:
        """Move the current note up (-1) or down (+1); one of the article's own notes is
        placed explicitly where it is moved to."""
        row, at = self.current_note(), self.notes.currentIndex().row()
        target = at + delta
        if row is None or not 0 <= target < self.model.rowCount():
            return
        if row["id"] is None:
            op = bind(citation_ops.cite, excerpt_id=self._excerpt,
                      footnote_id=row["footnote_id"], coder_id=self._session.coder_id(),
                      position=target)
        else:
            op = bind(citation_ops.move_citation, citation_id=row["id"], position=target)
        self._session.run(op, label="Move note", initiator=self,
                          done=lambda _value: self.select_note(target),
                          refused=self.message.emit)

    def remove_citation(self) -> None:
        """Remove the current citation (the article's own notes cannot be removed)."""
        row = self.current_note()
        if row is None or row["id"] is None:
            return
        self._session.run(bind(citation_ops.delete_citation, citation_id=row["id"]),
                          label="Remove citation", initiator=self, refused=self.message.emit)

    def copy_notes(self) -> None:
        """Put the notes, numbered, on the clipboard as plain text."""
        if self._excerpt is None:
            return
        with self._session.read() as s:
            rows = citation_queries.citations_for_excerpt(s, self._excerpt, self.style())
        QGuiApplication.clipboard().setText("\n".join(f"{r['number']}. {r['text']}"
                                                      for r in rows))

    def _row_of_citation(self, citation_id: int | None) -> int:
        rows = self.model.rows()
        return next((i for i, r in enumerate(rows) if r["id"] == citation_id),
                    len(rows) - 1)

    # -- memos -----------------------------------------------------------------------------

    def current_memo_id(self) -> int | None:
        """The memo under the cursor in the memo list."""
        item = self.memos.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def new_memo(self) -> MemoEditor | None:
        """Open the memo editor for a new memo on the excerpt."""
        if self._excerpt is None:
            return None
        return self._editor(target="excerpt", target_id=self._excerpt)

    def open_memo(self, memo_id: int | None = None) -> MemoEditor | None:
        """Open a memo on the excerpt (the current one by default) in the editor."""
        memo_id = memo_id if memo_id is not None else self.current_memo_id()
        return self._editor(memo_id=memo_id) if memo_id is not None else None

    def delete_memo(self) -> None:
        """Delete the current memo as one undoable step."""
        memo_id = self.current_memo_id()
        if memo_id is not None:
            self._session.run(bind(memo_ops.delete_memo, memo_id=memo_id), initiator=self,
                              refused=self.message.emit)

    def _editor(self, **kwargs: Any) -> MemoEditor:
        editor = MemoEditor(self._session, parent=self.window(), **kwargs)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.link_activated.connect(self.target_activated)
        editor.finished.connect(lambda _r, e=editor: self._forget_editor(e))
        self._editors.append(editor)
        editor.show()
        return editor

    def _forget_editor(self, editor: MemoEditor) -> None:
        if editor in self._editors:
            self._editors.remove(editor)

    # -- what the widgets report -------------------------------------------------------

    def _on_style_combo_current_index_changed(self, _index: int) -> None:
        settings.set_citation_style(self.style())
        self.refresh()

    def _on_notes_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_citation()

    def _on_memos_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.open_memo(item.data(Qt.ItemDataRole.UserRole))

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if not changes.touched(*WATCHED) or self._excerpt is None:
            return
        if not self.isVisible():  # a hidden panel catches up when it is shown
            self._stale = True
            return
        self.refresh()

    def showEvent(self, event) -> None:
        """Catch up with the changes made while the panel was hidden."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _update_buttons(self, *_args: Any) -> None:
        row, at = self.current_note(), self.notes.currentIndex().row()
        explicit = sum(1 for r in self.model.rows() if r["id"] is not None)
        self.buttons["add"].setEnabled(self._excerpt is not None)
        self.buttons["edit"].setEnabled(row is not None)
        self.buttons["up"].setEnabled(row is not None and at > 0)
        self.buttons["down"].setEnabled(row is not None and row["id"] is not None
                                        and at < explicit - 1)
        self.buttons["remove"].setEnabled(row is not None and row["id"] is not None)
        self.buttons["remove"].setToolTip(
            "The article's own note travels with the excerpt; it cannot be removed"
            if row is not None and row["id"] is None else
            "Remove the citation (Del); Edit ▸ Undo brings it back")
        self.buttons["copy"].setEnabled(self.model.rowCount() > 0)
        has_memo = self.current_memo_id() is not None
        self.buttons["open_memo"].setEnabled(has_memo)
        self.buttons["delete_memo"].setEnabled(has_memo)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the notes: Ctrl+Up/Down move the current note, Delete removes it; a new
        width lays the notes out again."""
        if watched is self.notes and event.type() == QEvent.Type.KeyPress:
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_note(-1 if event.key() == Qt.Key.Key_Up else 1)
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.remove_citation()
                return True
        elif watched is self.notes and event.type() == QEvent.Type.Resize:
            self.notes.itemDelegate().forget()
        return super().eventFilter(watched, event)


def _tool(parent: QWidget, text: str, tip: str) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    return button


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _row(widgets: list[QWidget], stretch_at: int | None = None) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for n, widget in enumerate(widgets):
        if n == stretch_at:
            row.addStretch(1)
        row.addWidget(widget)
    if stretch_at is None:
        row.addStretch(1)
    return row
