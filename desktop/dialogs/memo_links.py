"""Choosing what a link in a memo points to: a source, a code or an excerpt.

The memo editor inserts the choice as ``quire://KIND/ID`` (``db.queries.memos`` reads
both that and ``quire:KIND/ID``). The lists come from the core's queries; a filter box
narrows them by words of the title, the path or the excerpt's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.queries import codes as code_queries
from db.queries import excerpts as excerpt_queries
from db.queries import sources as source_queries
from db.queries.memos import snippet
from desktop.models.memos import KIND_NAMES, kind_icon

if TYPE_CHECKING:
    from desktop.session import ProjectSession

LINK_KINDS = ("excerpt", "source", "code")
MAX_SHOWN = 500  # rows a list shows for one filter; type more to narrow it


def link_url(kind: str, target_id: int) -> str:
    """The link a memo body stores for an excerpt, a source or a code."""
    return f"quire://{kind}/{int(target_id)}"


def _source_choices(session: ProjectSession, text: str) -> list[tuple[int, str, str]]:
    with session.read() as s:
        rows = source_queries.page(s, limit=MAX_SHOWN, text=text, snippets=True)
    return [(r["id"], f"source {r['id']}: {r['title'] or snippet(r.get('snippet'))}",
             r["title"] or snippet(r.get("snippet"), 6)) for r in rows]


def _code_choices(session: ProjectSession, text: str) -> list[tuple[int, str, str]]:
    with session.read() as s:
        rows = code_queries.code_tree(s)
    needle = text.strip().casefold()
    return [(r["id"], r["path"], r["name"]) for r in rows if needle in r["path"].casefold()]


def _excerpt_choices(session: ProjectSession, text: str) -> list[tuple[int, str, str]]:
    with session.read() as s:
        rows = excerpt_queries.retrieve(s, code_ids=None)
    needle = text.strip().casefold()
    out = []
    for r in rows:
        where = r["title"] or f"source {r['source_id']}"
        if needle and needle not in f"{where} {r['text']}".casefold():
            continue
        out.append((r["id"], f"excerpt {r['id']} of {where}: “{snippet(r['text'], 12)}”",
                    f"“{snippet(r['text'], 6)}”"))
        if len(out) >= MAX_SHOWN:
            break
    return out


_CHOICES = {"source": _source_choices, "code": _code_choices, "excerpt": _excerpt_choices}


class LinkDialog(QDialog):
    """Pick an excerpt, a source or a code to link to from a memo."""

    def __init__(self, session: ProjectSession, kind: str = "excerpt",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Link to…")
        self.resize(560, 460)
        self._session = session
        self.kind_combo = QComboBox(self)
        for key in LINK_KINDS:
            self.kind_combo.addItem(kind_icon(key), KIND_NAMES[key], key)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Insert Link")
        self._lay_out()
        self.kind_combo.currentIndexChanged.connect(self._fill)
        self.filter_edit.textChanged.connect(self._fill)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.list.itemDoubleClicked.connect(self.accept)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._fill()

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Link to a", self))
        row.addWidget(self.kind_combo)
        row.addWidget(self.filter_edit, 1)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.list, 1)
        column.addWidget(self.buttons)

    def _fill(self, *_args: Any) -> None:
        kind = self.kind_combo.currentData()
        self.list.clear()
        for target_id, text, short in _CHOICES[kind](self._session, self.filter_edit.text()):
            item = QListWidgetItem(kind_icon(kind), text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, target_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, short)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._on_list_current_item_changed(self.list.currentItem(), None)

    def _on_list_current_item_changed(self, current, _previous) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(current is not None)

    def choose(self, kind: str, target_id: int) -> bool:
        """Make ``target_id`` of ``kind`` the chosen target (True if it is listed)."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == target_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def chosen(self) -> tuple[str, int, str] | None:
        """(kind, id, a short text for the link) of the chosen target."""
        item = self.list.currentItem()
        if item is None:
            return None
        return (self.kind_combo.currentData(), item.data(Qt.ItemDataRole.UserRole),
                item.data(Qt.ItemDataRole.UserRole + 1))
