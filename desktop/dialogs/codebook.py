"""Small dialogs of the codebook: a code's description, merging, confirming a deletion.

The description form edits the four parts ``db.descriptions.parse_description`` reads
from ``Code.description`` (definition, when to use, when not to, an example).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from db.descriptions import SECTIONS, format_description, parse_description
from desktop.models.codes import swatch


class DescriptionDialog(QDialog):
    """Edit a code's definition, when to use it, when not to, and an example."""

    def __init__(self, code_path: str, description: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Description of “{code_path}”")
        self.resize(560, 520)
        self.fields: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        parts = parse_description(description)
        for key, _heading, label in SECTIONS:
            edit = QPlainTextEdit(parts[key], self)
            edit.setTabChangesFocus(True)
            self.fields[key] = edit
            caption = QLabel(label, self)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(buttons)

    def description(self) -> str:
        """The description as it will be stored."""
        return format_description({k: e.toPlainText() for k, e in self.fields.items()})


class MergeDialog(QDialog):
    """Choose the code another code is merged into."""

    def __init__(self, code: dict[str, Any], rows: list[dict[str, Any]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Merge Code")
        self.resize(460, 520)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter codes")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.list = QListWidget(self)
        for row in rows:
            if row["id"] != code["id"]:
                item = QListWidgetItem(swatch(row["color"]), row["path"], self.list)
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self._lay_out(code)
        self._on_list_current_item_changed(None, None)

    def _lay_out(self, code: dict[str, Any]) -> None:
        n = code.get("excerpts") or 0
        coded = f"its {n:,} excerpt{'s' if n != 1 else ''}" if n else "its excerpts"
        text = QLabel(f"Merge “{html.escape(code['path'])}” into the code chosen below: {coded} "
                      "are coded with that code instead, its sub-codes move under it, and "
                      f"“{html.escape(code['name'])}” is removed.", self)
        text.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addWidget(text)
        column.addWidget(self.filter_edit)
        column.addWidget(self.list, 1)
        column.addWidget(self.buttons)

    def chosen_id(self) -> int | None:
        """The code chosen to merge into."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item and not item.isHidden() else None

    def choose(self, code_id: int) -> None:
        """Make ``code_id`` the chosen code."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == code_id:
                self.list.setCurrentRow(row)

    def _on_filter_edit_text_changed(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(needle not in item.text().casefold())
        self._on_list_current_item_changed(self.list.currentItem(), None)

    def _on_list_current_item_changed(self, _current, _previous) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.chosen_id() is not None)

    def _on_list_item_double_clicked(self, _item: QListWidgetItem) -> None:
        if self.chosen_id() is not None:
            self.accept()


def confirm_delete(parent: QWidget, name: str, impact: dict[str, int]) -> bool:
    """Ask before deleting a code, saying what goes with it; True to go ahead."""
    answer = QMessageBox.question(
        parent, "Delete Code", delete_message(name, impact),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


def delete_message(name: str, impact: dict[str, int]) -> str:
    """What the delete confirmation says: the code, its sub-codes, the excerpts affected."""
    subs = impact["codes"] - 1
    what = f"the code “{name}”" + (f" and its {_count(subs, 'sub-code')}" if subs else "")
    if impact["excerpts"]:
        coded = (f"{'They are' if subs else 'It is'} applied to "
                 f"{_count(impact['excerpts'], 'excerpt')} in "
                 f"{_count(impact['sources'], 'source')}; those codings are removed")
        gone = impact.get("excerpts_deleted", 0)
        coded += (f", and {_count(gone, 'excerpt')} left with no code "
                  f"{'is' if gone == 1 else 'are'} deleted." if gone else ".")
    else:
        coded = "No excerpt is coded with it." if not subs else "No excerpt is coded with them."
    return f"Delete {what}?\n\n{coded}\n\nEdit ▸ Undo brings everything back."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
