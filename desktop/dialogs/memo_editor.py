"""The memo editor: a title, a formatted body stored as Markdown, and links that open
the excerpts, sources and codes they point to.

The body is Markdown, edited as its own text and styled as it is typed
(:mod:`desktop.widgets.markdown_source`): the buttons write the marks (bold, italic,
headings, bulleted and numbered lists), and what is stored is exactly what is in the
editor, so a memo holding raw HTML, stray marks or another tool's plain notes comes back
unchanged. Links are ``quire://excerpt/12`` (also ``source``, ``code``), inserted with
Link… (Ctrl+K) and opened with Ctrl+click or from the list of links under the text,
through :attr:`MemoEditor.link_activated`. Saving is
one undoable step (``db.ops.memos.create_memo`` or ``edit_memo``); Cancel changes
nothing. The editor is not modal, so the researcher can read while writing.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from db.models import Memo
from db.ops import bind
from db.ops import memos as memo_ops
from db.queries import excerpts as excerpt_queries
from db.queries.memos import links_in, memo_row, parse_link, target_label
from desktop.dialogs.memo_links import LinkDialog, link_url
from desktop.fonts import reading_font
from desktop.models.memos import KIND_NAMES, isolated, kind_icon, local_date
from desktop.widgets.feedback import warn
from desktop.widgets.markdown_source import BULLET, NUMBER, MarkdownEdit

if TYPE_CHECKING:
    from desktop.session import ProjectSession

MAX_LINKS_SHOWN = 12


def load_memo(session: ProjectSession, memo_id: int) -> dict[str, Any]:
    """A memo as ``db.queries.memos.memo_row`` gives it, with its author's name."""
    with session.read() as s:
        memo = memo_ops.get_memo(s, memo_id)
        row = memo_row(s, memo)
        row["version"] = memo.version  # what Save passes: a memo changed since is refused
        names = {c["id"]: c["name"] for c in excerpt_queries.coders(s)}
    row["author"] = names.get(row["coder_id"], "")
    return row


class MemoEditor(QDialog):
    """Write a new memo on a target, or edit one; Save is one undoable step."""

    link_activated = Signal(str, int)  # kind, id of a link the researcher opened
    saved = Signal(int)  # the memo id, once saved

    def __init__(self, session: ProjectSession, *, memo_id: int | None = None,
                 target: str = "project", target_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self.memo_id = memo_id
        self.row = load_memo(session, memo_id) if memo_id is not None else None
        self.target = self.row["target"] if self.row else target
        self.target_id = self.row["target_id"] if self.row else target_id
        self._timer = QTimer(self, singleShot=True, interval=300)
        self.setWindowTitle("Memo" if self.row else "New Memo")
        self.resize(640, 560)
        self._build()
        self._load()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.target_label = QLabel(self)
        self.target_label.setWordWrap(True)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Title")
        self.title_edit.setFont(_bigger(reading_font(self.title_edit.font())))
        self.body = MarkdownEdit(self)
        self.body.setFont(reading_font(self.body.font()))
        self.body.setPlaceholderText("Write the memo. Select words and use the buttons above "
                                     "to format them; Ctrl+K links an excerpt, source or code.")
        self.toolbar = QToolBar(self)
        self.actions_by_name = self._make_actions()
        self.links_label = QLabel(self)
        self.links_label.setWordWrap(True)
        self.links_label.setTextFormat(Qt.TextFormat.RichText)
        self.info_label = QLabel(self)
        self.info_label.setStyleSheet("color: #616161")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self._lay_out()
        self._connect()

    def _make_actions(self) -> dict[str, QAction]:
        specs = (("bold", "Bold", "Ctrl+B", lambda: self.body.toggle_wrap("**"), False),
                 ("italic", "Italic", "Ctrl+I", lambda: self.body.toggle_wrap("*"), False),
                 None,
                 ("heading1", "Heading", "Ctrl+1", lambda: self.set_heading(1), False),
                 ("heading2", "Subheading", "Ctrl+2", lambda: self.set_heading(2), False),
                 ("paragraph", "Text", "Ctrl+0", lambda: self.set_heading(0), False), None,
                 ("bullets", "• List", "Ctrl+Shift+8", lambda: self.toggle_list(False), False),
                 ("numbers", "1. List", "Ctrl+Shift+7", lambda: self.toggle_list(True), False),
                 None, ("link", "Link…", "Ctrl+K", self._on_link_action_triggered, False))
        actions: dict[str, QAction] = {}
        for spec in specs:
            if spec is None:
                self.toolbar.addSeparator()
                continue
            name, text, keys, slot, checkable = spec
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{text.rstrip('…')} ({keys})")
            action.setCheckable(checkable)
            action.triggered.connect(slot)
            self.toolbar.addAction(action)
            actions[name] = action
        bold, italic = QFont(), QFont()
        bold.setBold(True)
        italic.setItalic(True)
        actions["bold"].setFont(bold)
        actions["italic"].setFont(italic)
        return actions

    def _lay_out(self) -> None:
        column = QVBoxLayout(self)
        column.addWidget(self.target_label)
        column.addWidget(self.title_edit)
        column.addWidget(self.toolbar)
        column.addWidget(self.body, 1)
        column.addWidget(self.links_label)
        row = QHBoxLayout()
        row.addWidget(self.info_label, 1)
        row.addWidget(self.buttons)
        column.addLayout(row)

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.body.link_clicked.connect(self._on_body_link_clicked)
        self.body.textChanged.connect(self._timer.start)
        self._timer.timeout.connect(self._show_links)
        self.links_label.linkActivated.connect(self._on_body_link_clicked)

    def _load(self) -> None:
        row = self.row or {}
        orphaned = bool(row.get("orphaned"))
        with self._session.read() as s:
            label = row.get("target_label") if row else target_label(
                s, self.target, self.target_id)
        prefix = "Was on (deleted): " if orphaned else "On "
        icon = kind_icon(self.target, orphaned).pixmap(16, 16)
        self.target_label.setText(f"{prefix}{isolated(label or '') or KIND_NAMES[self.target]}")
        self.target_label.setToolTip("The memo is kept although what it was on has been "
                                     "deleted." if orphaned else "")
        self.setWindowIcon(icon)
        self.title_edit.setText(row.get("title", ""))
        self.body.set_text(row.get("body", ""))
        self.body.document().setModified(False)
        self._initial_title = self.title_edit.text()
        self._show_info()
        self._show_links()

    def _show_info(self) -> None:
        row = self.row
        if row is None:
            who = self._session.coder_name
            self.info_label.setText(f"New memo by {who}" if who else "New memo")
            return
        parts = [f"By {row['author']}" if row["author"] else "Author unknown",
                 f"created {local_date(row['created_at'])}"]
        if row["updated_at"] != row["created_at"]:
            parts.append(f"updated {local_date(row['updated_at'])}")
        self.info_label.setText(" · ".join(parts))

    # -- the text --------------------------------------------------------------------------

    def markdown(self) -> str:
        """The body as it will be stored: exactly what the editor holds."""
        return self.body.text()

    def is_modified(self) -> bool:
        """True when the title or the body changed since the memo was opened."""
        return (self.title_edit.text() != self._initial_title
                or self.body.document().isModified())

    def set_heading(self, level: int) -> None:
        """Make the current lines headings of ``level`` (0: plain text)."""
        self.body.set_line_prefix(lambda _i: "#" * level + " " if level else "")

    def toggle_list(self, numbered: bool) -> None:
        """Put the selected lines in a bulleted (numbered) list, or take them out."""
        pattern = NUMBER if numbered else BULLET
        lines = [b.text() for b in self.body.selected_blocks()]
        if all(pattern.match(line) for line in lines):
            self.body.set_line_prefix(lambda _i: "", pattern)
        elif numbered:
            self.body.set_line_prefix(lambda i: f"{i + 1}. ")
        else:
            self.body.set_line_prefix(lambda _i: "- ")

    def insert_link(self, kind: str, target_id: int, text: str = "") -> None:
        """Link the selected words (or ``text``, inserted) to an excerpt, source or code."""
        self.body.insert_link(link_url(kind, target_id), text or f"{kind} {target_id}")
        self._show_links()

    def _show_links(self) -> None:
        found = links_in(self.markdown())
        if not found:
            self.links_label.setText("")
            self.links_label.hide()
            return
        with self._session.read() as s:
            labels = [(k, i, target_label(s, k, i) if k in KIND_NAMES else "")
                      for k, i in found[:MAX_LINKS_SHOWN]]
        parts = [f'<a href="{link_url(k, i)}">'
                 f'{html.escape(isolated(label) or f"{k} {i} (deleted)")}</a>'
                 for k, i, label in labels]
        more = len(found) - MAX_LINKS_SHOWN
        self.links_label.setText("Links: " + " · ".join(parts)
                                 + (f" and {more} more" if more > 0 else ""))
        self.links_label.show()

    # -- what the widgets report ---------------------------------------------------------

    def _on_body_link_clicked(self, url: str) -> None:
        found = parse_link(url)
        if found is not None:
            self.link_activated.emit(*found)

    def _on_link_action_triggered(self) -> None:
        kind = self.target if self.target in ("excerpt", "source", "code") else "excerpt"
        dialog = LinkDialog(self._session, kind, self)
        if self.target_id is not None and self.target == kind:
            dialog.choose(kind, self.target_id)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            self.insert_link(*dialog.chosen())

    # -- saving --------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the memo as one undoable step and close; False (and a message) when the
        core refuses it (an empty memo, a title too long...)."""
        if self.memo_id is not None and not self.is_modified():
            self.accept()
            return True
        return self._session.run(self._operation(), initiator=self, done=self._on_saved,
                                 refused=self._on_refused).ok

    def _on_refused(self, message: str) -> None:
        """Say why the memo was not saved. When someone changed it since it was opened,
        the editor keeps what was typed and takes the memo's new version: Save again
        replaces theirs with this text, knowingly; Cancel keeps theirs."""
        now = self._current_version()
        if self.row is not None and now is not None and now != self.row["version"]:
            self.row["version"] = now
            message += ("\n\nYour text is still here: Save again to replace their "
                        "version with yours, or Cancel to keep theirs.")
        warn(self, "Memo Not Saved")(message)

    def _current_version(self) -> int | None:
        if self.memo_id is None:
            return None
        with self._session.read() as s:
            return s.scalar(select(Memo.version).where(Memo.id == self.memo_id))

    def _on_saved(self, memo_id: int) -> None:
        self.memo_id = memo_id
        self.body.document().setModified(False)
        self._initial_title = self.title_edit.text()
        self.saved.emit(memo_id)
        self.accept()

    def _operation(self):
        title, body = self.title_edit.text(), self.markdown()
        if self.memo_id is None:
            return bind(memo_ops.create_memo, target=self.target, target_id=self.target_id,
                        title=title, body=body, coder_id=self._session.coder_id())
        return bind(memo_ops.edit_memo, memo_id=self.memo_id,
                    title=title if title != self._initial_title else None,
                    body=body if self.body.document().isModified() else None,
                    expected_version=self.row["version"] if self.row else None)

    def discard(self) -> None:
        """Close without saving and without asking."""
        self.body.document().setModified(False)
        self._initial_title = self.title_edit.text()
        self.close()

    def reject(self) -> None:
        """Close without saving; asks first when something was written."""
        if self.is_modified() and QMessageBox.question(
                self, "Discard Changes", "Close the memo without saving what you changed?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Discard:
            return
        super().reject()


def _bigger(font: QFont) -> QFont:
    out = QFont(font)
    out.setPointSizeF(font.pointSizeF() * 1.15)
    out.setBold(True)
    return out
