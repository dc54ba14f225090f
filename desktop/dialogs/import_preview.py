"""The preview half of the Import dialog: a file's first rows and column mapping, or its
first article or post as text.

Previews read only the start of a file (the first rows of a table, the first draft of
anything else) on the GUI thread, so they stay cheap even for very large exports.
"""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions, SourceDraft

PREVIEW_ROWS = 20
PREVIEW_CHARS = 1000
CELL_CHARS = 200  # a cell of the preview table shows this much of a long post
FIELDS = (("text", "Text"), ("author", "Author"), ("handle", "Handle"), ("date", "Date"),
          ("url", "URL"), ("id", "Id"), ("reply_to", "Reply-to"), ("code", "Code"))
_RTL = {"R", "AL"}


def is_rtl(text: str) -> bool:
    """Whether the first strong character of ``text`` is right-to-left (Arabic, Hebrew)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL:
            return True
        if kind == "L":
            return False
    return False


def draft_preview(path: Path, format_name: str) -> str:
    """The first article or post of ``path`` as text: its metadata, then its start."""
    try:
        read = importers.by_name(format_name).read(path, ReadOptions(format=format_name))
        draft = _first(read.drafts)
    except ImportFileError as exc:
        return f"This file cannot be read: {exc.reason}"
    except OSError as exc:
        return f"This file cannot be read ({exc.strerror or exc})."
    except Exception as exc:  # noqa: BLE001 - a preview must never take the dialog down
        return f"This file cannot be previewed: {exc}"
    if draft is None:
        return "This file holds no article or post."
    return describe_draft(draft)


def _first(drafts) -> SourceDraft | None:
    """The first draft of an iterator, closing it so the file is released at once."""
    it = iter(drafts)
    try:
        return next(it, None)
    finally:
        close = getattr(it, "close", None)
        if close:
            close()


def describe_draft(draft: SourceDraft) -> str:
    """Metadata lines and the first characters of a draft's text."""
    lines = [f"{label}: {value}" for label, value in (
        ("Title", draft.title), ("Author", draft.author),
        ("Handle", f"@{draft.handle}" if draft.handle else ""),
        ("Platform", draft.platform),
        ("Date", draft.published.strftime("%Y-%m-%d %H:%M UTC") if draft.published else ""),
        ("Footnotes", str(len(draft.footnotes)) if draft.footnotes else ""),
    ) if value]
    text = draft.text[:PREVIEW_CHARS]
    if len(draft.text) > PREVIEW_CHARS:
        text += "…"
    return "\n".join([*lines, "", text])


class MappingForm(QWidget):
    """One combo per post field (which column holds it) and a fixed platform name."""

    mapping_edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.combos: dict[str, QComboBox] = {}
        self._loading = False
        for key, label in FIELDS:
            combo = QComboBox(self)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
            form.addRow("Text (required)" if key == "text" else label, combo)
            self.combos[key] = combo
        self.platform_edit = QLineEdit(self)
        self.platform_edit.setPlaceholderText("optional, e.g. facebook")
        self.platform_edit.textEdited.connect(self._on_combo_current_index_changed)
        form.addRow("Platform name", self.platform_edit)

    def set_columns(self, columns: list[str], mapping: dict) -> None:
        """Offer ``columns`` in every combo and select what ``mapping`` names."""
        self._loading = True
        for key, combo in self.combos.items():
            combo.clear()
            combo.addItem("— choose a column —" if key == "text" else "(none)", "")
            for column in columns:
                combo.addItem(column, column)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(key, ""))))
        self.platform_edit.setText(mapping.get("platform", ""))
        self._loading = False

    def mapping(self) -> dict:
        """The chosen mapping, as the fields of a ColumnMapping."""
        out = {key: combo.currentData() or "" for key, combo in self.combos.items()}
        out["platform"] = self.platform_edit.text().strip()
        return out

    def choose(self, key: str, column: str) -> None:
        """Select ``column`` for ``key`` (as a user would)."""
        combo = self.combos[key]
        combo.setCurrentIndex(combo.findData(column))

    def _on_combo_current_index_changed(self, *_args) -> None:
        if not self._loading:
            self.mapping_edited.emit()


class PreviewPane(QWidget):
    """A heading naming the file, over a message, a table and its mapping form, or the
    text of a first draft."""

    MESSAGE, TABLE, TEXT = range(3)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title_label = QLabel(self)
        self.message_label = QLabel("Select a file to preview it.", self)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.mapping_form = MappingForm(self)
        self.text_view = QTextEdit(self)
        self.text_view.setReadOnly(True)
        self.text_view.setAcceptRichText(False)
        self.stack = QStackedWidget(self)
        for page in (self.message_label, self._table_page(), self.text_view):
            self.stack.addWidget(page)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title_label)
        box.addWidget(self.stack, 1)

    def _table_page(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Horizontal, self)
        page.addWidget(self.table)
        side = QWidget(page)
        box = QVBoxLayout(side)
        box.setContentsMargins(6, 0, 0, 0)
        box.addWidget(QLabel("<b>Which column holds what?</b>", side))
        box.addWidget(self.mapping_form)
        box.addStretch(1)
        page.addWidget(side)
        page.setStretchFactor(0, 3)
        page.setStretchFactor(1, 1)
        return page

    def current_page(self) -> int:
        """MESSAGE, TABLE or TEXT."""
        return self.stack.currentIndex()

    def _show(self, page: int, title: str) -> None:
        self.title_label.setText(f"<b>Preview</b> {html.escape(title)}" if title else
                                 "<b>Preview</b>")
        self.stack.setCurrentIndex(page)

    def show_message(self, text: str, title: str = "") -> None:
        """Show a sentence instead of a preview."""
        self.message_label.setText(text)
        self._show(self.MESSAGE, title)

    def show_text(self, text: str, title: str = "") -> None:
        """Show the text preview of a first draft."""
        self.text_view.setPlainText(text)
        _align_paragraphs(self.text_view.document())
        self._show(self.TEXT, title)

    def show_table(self, columns: list[str], rows: list[list[str]], mapping: dict,
                   title: str = "") -> None:
        """Show the first rows of a table and its mapping."""
        self.table.clear()
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, _cell(value))
        self.mapping_form.set_columns(columns, mapping)
        self.label_columns(columns, mapping)
        self._show(self.TABLE, title)

    def label_columns(self, columns: list[str], mapping: dict) -> None:
        """Head each column with its name and the field it is mapped to."""
        fields = {mapping.get(key): label for key, label in FIELDS if mapping.get(key)}
        heads = [f"{c}\n→ {fields[c]}" if c in fields else f"{c}\n" for c in columns]
        self.table.setHorizontalHeaderLabels(heads)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        for c in range(len(columns)):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 320))


def _cell(value: str) -> QTableWidgetItem:
    """A read-only cell; right-to-left text is aligned to the right, as it is read."""
    shown = value.replace("\n", " ⏎ ")
    item = QTableWidgetItem(shown[:CELL_CHARS] + ("…" if len(shown) > CELL_CHARS else ""))
    item.setToolTip(value[:PREVIEW_CHARS])
    if is_rtl(value):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _align_paragraphs(document: QTextDocument) -> None:
    """Lay out Arabic (right-to-left) paragraphs from the right, as they are read."""
    block = document.begin()
    while block.isValid():
        if is_rtl(block.text()):
            fmt = block.blockFormat()
            fmt.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
            QTextCursor(block).setBlockFormat(fmt)
        block = block.next()
