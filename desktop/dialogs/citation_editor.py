"""Adding or editing a footnote citation on an excerpt.

The reference defaults to the excerpt's own source (cited by the library reference
linked to it, else by its own data); any reference of the library can be chosen
instead. An optional locator (a label, "page", "paragraph", "post"..., and a value)
and an optional note follow; a preview shows the footnote in the chosen style. One of
the article's own notes takes only a note of the researcher's. A reference without an
author or a date is flagged, with a link to its form. Saving is one undoable step
(``db.ops.citations.cite`` or ``edit_citation``).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from db.citations.csl import missing_data
from db.citations.format import DEFAULT_STYLE, LOCATOR_LABELS
from db.ops import bind
from db.ops import citations as citation_ops
from db.queries import citations as citation_queries
from db.queries import excerpts as excerpt_queries
from desktop.dialogs.reference_form import preview
from desktop.fonts import reading_font
from desktop.models.citations import ltr_safe
from desktop.widgets.feedback import warn
from desktop.widgets.incomplete import IncompleteNote

if TYPE_CHECKING:
    from desktop.session import ProjectSession

SOURCE = -1  # the picker's id for "the excerpt's own source" (ids start at 1)
LABELS = ("page", "paragraph", "post", "section", "chapter", "line", "note", "timestamp",
          *[label for label in LOCATOR_LABELS if label not in
            ("page", "paragraph", "section", "chapter", "line", "note", "timestamp")])


class CitationDialog(QDialog):
    """Cite a reference (by default the excerpt's source) with a locator and a note."""

    def __init__(self, session: ProjectSession, excerpt_id: int,
                 row: dict[str, Any] | None = None, *, style: str = DEFAULT_STYLE,
                 position: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._session, self.excerpt_id, self.row = session, excerpt_id, row
        self._style, self._position = style, position
        self.citation_id: int | None = row["id"] if row else None
        self.footnote = bool(row and row["cites"] == "footnote")
        self.setWindowTitle("Edit Citation" if row else "Add Citation")
        self.resize(620, 560)
        self._items = self._read_items()
        self._build()
        self._load()

    def _read_items(self) -> dict[int, tuple[str, dict[str, Any]]]:
        """What can be cited: the source (id SOURCE) and every reference, with its CSL."""
        with self._session.read() as s:
            (ex,) = excerpt_queries.retrieve(s, code_ids=None, excerpt_ids=[self.excerpt_id])
            self._source_id = ex["source_id"]
            own = citation_queries.source_csl(s, ex["source_id"])
            refs = citation_queries.reference_list(s)
        by_id = {r["id"]: r for r in refs}
        linked = by_id.get(own["reference_id"])
        source_csl = linked["csl"] if linked else own["csl"]
        how = f"through {linked['key']}" if linked else "its own data"
        items = {SOURCE: (f"The excerpt's source ({how}): {ex['title'] or 'untitled'}",
                          source_csl)}
        for r in refs:
            who = f"{r['authors']}, " if r["authors"] else ""
            year = f" ({r['year']})" if r["year"] else ""
            items[r["id"]] = (f"{r['key']} — {who}{r['title']}{year}", r["csl"])
        return items

    def _build(self) -> None:
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Find a reference by key, author or title")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setFont(reading_font(self.list.font()))
        for item_id, (text, _csl) in self._items.items():
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, item_id)
        self.label_combo = QComboBox(self)
        self.label_combo.setEditable(True)
        self.label_combo.addItems(list(LABELS))
        self.locator_edit = QLineEdit(self)
        self.locator_edit.setPlaceholderText("12, 12–14, 3…")
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFont(reading_font(self.note_edit.font()))
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.preview_label = QLabel(self)
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextFormat(Qt.TextFormat.RichText)
        self.preview_label.setFont(reading_font(self.preview_label.font()))
        self.incomplete_label = IncompleteNote(self)  # the reference lacks author or date
        self.incomplete_label.linkActivated.connect(self.complete_reference)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self._lay_out()
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        for signal in (self.list.currentRowChanged, self.label_combo.currentTextChanged,
                       self.locator_edit.textChanged, self.note_edit.textChanged):
            signal.connect(self._show_preview)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self) -> None:
        locator = QHBoxLayout()
        locator.addWidget(self.label_combo)
        locator.addWidget(self.locator_edit, 1)
        form = QFormLayout()
        form.addRow("Locator", locator)
        form.addRow("Note", self.note_edit)
        column = QVBoxLayout(self)
        column.addWidget(QLabel("Cite", self))
        column.addWidget(self.filter_edit)
        column.addWidget(self.list, 1)
        column.addLayout(form)
        column.addWidget(self.preview_label)
        column.addWidget(self.incomplete_label)
        column.addWidget(self.buttons)

    def _load(self) -> None:
        row = self.row or {}
        self.choose(row.get("reference_id") or SOURCE)
        self.label_combo.setCurrentText(row.get("locator_label") or "page")
        self.locator_edit.setText(row.get("locator") or "")
        self.note_edit.setPlainText(row.get("note") or "")
        for widget in (self.filter_edit, self.list, self.label_combo, self.locator_edit):
            widget.setEnabled(not self.footnote)
        if self.footnote:
            self.note_edit.setFocus()
        self._show_preview()

    # -- choosing --------------------------------------------------------------------------

    def choose(self, reference_id: int) -> None:
        """Cite ``reference_id`` (``SOURCE``: the excerpt's own source)."""
        for n in range(self.list.count()):
            if self.list.item(n).data(Qt.ItemDataRole.UserRole) == reference_id:
                self.list.setCurrentRow(n)
                return

    def chosen(self) -> int | None:
        """The reference chosen (None: the excerpt's source)."""
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else SOURCE
        return None if value == SOURCE else value

    def _on_filter_edit_text_changed(self, text: str) -> None:
        needle = text.strip().casefold()
        for n in range(self.list.count()):
            item = self.list.item(n)
            item.setHidden(bool(needle) and needle not in item.text().casefold()
                           and item.data(Qt.ItemDataRole.UserRole) != SOURCE)

    def _show_preview(self, *_args: Any) -> None:
        if self.footnote:
            text = self.row["text"].rsplit(self.row["note"], 1)[0] if self.row["note"] \
                else self.row["text"]
            note = html.escape(self.note_edit.toPlainText().strip(), quote=False)
            body = f"{text} {note}".strip()
        else:
            csl = self._items[self.chosen() or SOURCE][1]
            body = preview_html(csl, self._style, self.label_combo.currentText(),
                                self.locator_edit.text(), self.note_edit.toPlainText())
        self.preview_label.setText(f"<span style='color:#616161'>The note will read:</span>"
                                   f"<br>{body}")
        self.incomplete_label.show_missing(
            [] if self.footnote else missing_data(self._items[self.chosen() or SOURCE][1]))

    def complete_reference(self, *_args: Any) -> None:
        """Open the form of the chosen reference (the excerpt's source's, or the library
        reference's); read the references again when it closes."""
        from desktop.dialogs.reference_form import ReferenceEditor, SourceReferenceDialog

        chosen = self.chosen()
        if chosen is None:
            SourceReferenceDialog(self._session, self._source_id, self).exec()
        else:
            with self._session.read() as s:
                row = next(r for r in citation_queries.reference_list(s) if r["id"] == chosen)
            ReferenceEditor(self._session, row, self).exec()
        self._items = self._read_items()
        self._show_preview()

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Add or change the citation as one undoable step and close."""
        return self._session.run(self._operation(), initiator=self, done=self._on_saved,
                                 refused=warn(self, "Citation Not Saved")).ok

    def _on_saved(self, citation_id: int) -> None:
        self.citation_id = citation_id
        self.accept()

    def _operation(self):
        note = self.note_edit.toPlainText().strip()
        if self.footnote and self.citation_id is None:  # the article's note, placed
            return bind(citation_ops.cite, excerpt_id=self.excerpt_id,
                        footnote_id=self.row["footnote_id"], note=note,
                        coder_id=self._session.coder_id(), position=self._position)
        seen = self.row.get("version") if self.row else None  # a change since is refused
        if self.footnote:
            return bind(citation_ops.edit_citation, citation_id=self.citation_id, note=note,
                        expected_version=seen)
        label, value = self.label_combo.currentText().strip(), self.locator_edit.text()
        if self.citation_id is None:
            return bind(citation_ops.cite, excerpt_id=self.excerpt_id,
                        reference_id=self.chosen(), locator_label=label, locator=value,
                        note=note, coder_id=self._session.coder_id())
        return bind(citation_ops.edit_citation, citation_id=self.citation_id,
                    reference_id=self.chosen(), locator_label=label, locator=value,
                    note=note, expected_version=seen)


def preview_html(csl: dict[str, Any], style: str, label: str, locator: str,
                 note: str) -> str:
    """A citation as it will read, for the dialog's preview."""
    from db.citations.format import format_citation

    try:
        label, locator = citation_ops.clean_locator(label, locator)
        text = format_citation(csl, style=style, locator=locator, locator_label=label,
                               html_output=True)
    except Exception:  # noqa: BLE001 (a half-typed locator must not break the dialog)
        text = preview(csl, style)
    note = html.escape(note.strip(), quote=False)
    return ltr_safe(text + (f" {note}" if note else ""))
