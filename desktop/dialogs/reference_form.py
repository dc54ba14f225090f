"""Editing bibliographic data (CSL-JSON): a reference of the library, or a source's own.

:class:`CslForm` shows the fields a researcher edits (type, title, authors, container
or site, issued date, URL, accessed date, publisher, page) and lists the others, which
are kept exactly as they are. Only the fields the researcher changed are rewritten, so
an untouched form gives back the item it was given. :class:`ReferenceEditor` saves a
library reference (with its key), :class:`SourceReferenceDialog` a source's own data
and which library reference (if any) it is cited by; each save is one undoable step.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from db.citations.csl import TYPES, parse_date, person
from db.citations.format import DEFAULT_STYLE, format_citation
from db.errors import QuireError
from db.ops import bind
from db.ops import references as reference_ops
from db.ops.actions import save_source_reference
from db.queries import citations as citation_queries
from desktop.fonts import reading_font
from desktop.widgets.feedback import warn

if TYPE_CHECKING:
    from desktop.session import ProjectSession

COMMON_TYPES = ("article-newspaper", "article-journal", "article-magazine", "webpage", "post",
                "post-weblog", "book", "chapter", "report", "thesis", "interview", "document")
# (CSL variable, label, kind): the fields the form edits.
FIELDS = (("type", "Type", "type"), ("title", "Title", "text"),
          ("author", "Authors", "names"), ("container-title", "Container or site", "text"),
          ("issued", "Issued", "date"), ("URL", "URL", "text"),
          ("accessed", "Accessed", "date"), ("publisher", "Publisher", "text"),
          ("page", "Page", "text"))
HINTS = {"author": "One per line: “Hoffman, Adam”. A name without a comma in another "
                   "script, a @handle or {An Organisation} is kept whole.",
         "issued": "e.g. 2017-10-15, 2017-10 or 2017", "accessed": "e.g. 2024-02-01",
         "container-title": "Newspaper, journal, website or platform (Twitter…)"}


# --- CSL values as text and back ---------------------------------------------------------

def name_line(name: Any) -> str:
    """A CSL name as one line of the Authors box."""
    if isinstance(name, str):
        return name
    if not isinstance(name, dict):
        return ""
    if name.get("literal"):
        literal = str(name["literal"])
        return literal if person(literal) == {"literal": literal} else f"{{{literal}}}"
    family = " ".join(str(name[p]) for p in ("non-dropping-particle", "family")
                      if name.get(p))
    given = " ".join(str(name[p]) for p in ("given", "dropping-particle") if name.get(p))
    suffix = f", {name['suffix']}" if name.get("suffix") else ""
    return f"{family}, {given}{suffix}" if given else family


def parse_name(line: str) -> dict[str, str]:
    """One line of the Authors box as a CSL name."""
    line = " ".join(line.split())
    if line.startswith("{") and line.endswith("}"):
        return {"literal": line[1:-1].strip()}
    if line.count(",") == 1:
        family, given = (p.strip() for p in line.split(","))
        if family and given:
            return {"family": family, "given": given}
    return person(line)


def date_text(value: Any) -> str:
    """A CSL date as the form shows it: "2017-10-15", or its literal text."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(p) for p in parts[0][:3]]
        return "-".join([first[0]] + [p.zfill(2) for p in first[1:]])
    return str(value.get("literal") or value.get("raw") or "")


def field_text(kind: str, value: Any) -> str:
    """A field's value as its widget shows it."""
    if kind == "names":
        return "\n".join(name_line(n) for n in value) if isinstance(value, list) else ""
    if kind == "date":
        return date_text(value)
    return "" if value is None else str(value)


def field_value(kind: str, text: str) -> Any:
    """What a widget's text stores (None: remove the field)."""
    text = text.strip()
    if not text:
        return None
    if kind == "names":
        names = [parse_name(line) for line in text.splitlines() if line.strip()]
        return [n for n in names if n] or None
    if kind == "date":
        return parse_date(text)
    return " ".join(text.split()) if kind != "type" else text


# --- the form ------------------------------------------------------------------------------

class CslForm(QWidget):
    """The editable fields of a CSL-JSON item; the others are listed and kept."""

    def __init__(self, csl: dict[str, Any], parent: QWidget | None = None,
                 guessed: dict[str, dict[str, Any]] | None = None):
        super().__init__(parent)
        self._original = dict(csl or {})
        self.edits: dict[str, QLineEdit | QPlainTextEdit | QComboBox] = {}
        self._initial: dict[str, str] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label, kind in FIELDS:
            edit = self._make_edit(kind)
            self.edits[name] = edit
            self._set_text(edit, field_text(kind, self._original.get(name)))
            self._initial[name] = self.text_of(name)
            if name in HINTS:
                edit.setToolTip(HINTS[name])
                if isinstance(edit, QLineEdit):
                    edit.setPlaceholderText(HINTS[name])
            self.form.addRow(label, edit)
        self.guessed = self._mark_guesses(guessed or {})
        self.others_label = QLabel(self._others_text(), self)
        self.others_label.setWordWrap(True)
        self.others_label.setStyleSheet("color: #616161")
        self.form.addRow("Other fields", self.others_label)

    def _mark_guesses(self, guessed: dict[str, dict[str, Any]]) -> list[str]:
        """Label the fields that still hold what was guessed at import ("Authors
        (guessed)"), with the line it was read from; the fields marked."""
        marked = []
        for name, label, _kind in FIELDS:
            guess = guessed.get(name)
            if guess and self._original.get(name) == guess.get("value"):
                row_label = self.form.labelForField(self.edits[name])
                row_label.setText(f"{label} (guessed)")
                row_label.setStyleSheet("color: #8a5a00")
                tip = f"Guessed at import from the line “{guess.get('line', '')}”. Check it."
                row_label.setToolTip(tip)
                self.edits[name].setToolTip(tip)
                marked.append(name)
        return marked

    def _make_edit(self, kind: str):
        if kind == "type":
            combo = QComboBox(self)
            combo.setEditable(True)
            combo.addItems(list(COMMON_TYPES) + sorted(TYPES - set(COMMON_TYPES)))
            return combo
        if kind == "names":
            edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
        else:
            edit = QLineEdit(self)
        edit.setFont(reading_font(edit.font()))  # Arabic titles and names
        return edit

    @staticmethod
    def _set_text(edit, text: str) -> None:
        if isinstance(edit, QComboBox):
            edit.setCurrentText(text)
        elif isinstance(edit, QPlainTextEdit):
            edit.setPlainText(text)
        else:
            edit.setText(text)
            edit.setCursorPosition(0)

    def text_of(self, name: str) -> str:
        """The text of the widget editing CSL variable ``name``."""
        edit = self.edits[name]
        if isinstance(edit, QComboBox):
            return edit.currentText().strip()
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def set_field(self, name: str, text: str) -> None:
        """Type ``text`` into the field of CSL variable ``name``."""
        self._set_text(self.edits[name], text)

    def _others_text(self) -> str:
        edited = {name for name, _label, _kind in FIELDS} | {"id"}
        others = {k: v for k, v in self._original.items() if k not in edited}
        if not others:
            return "none"
        return "; ".join(f"{k}: {_short(v)}" for k, v in sorted(others.items())) \
            + " (kept as they are)"

    def changed(self) -> bool:
        """True when any field differs from what the form was given."""
        return any(self.text_of(n) != self._initial[n] for n in self.edits)

    def csl(self) -> dict[str, Any]:
        """The item with the changed fields rewritten and every other field kept."""
        out = dict(self._original)
        for name, _label, kind in FIELDS:
            if self.text_of(name) == self._initial[name]:
                continue
            value = field_value(kind, self.text_of(name))
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def preview(csl: dict[str, Any], style: str = DEFAULT_STYLE) -> str:
    """How ``csl`` is cited (a footnote in Chicago), or why it cannot be."""
    try:
        return format_citation(csl, style=style)
    except QuireError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 (citeproc-py on odd data: the form must stay usable)
        return "(this data cannot be formatted yet)"


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return buttons


# --- a library reference -------------------------------------------------------------------

class ReferenceEditor(QDialog):
    """Edit a library reference, its key and its CSL fields, or make a new one (``row``
    None); saving is one undoable step."""

    def __init__(self, session: ProjectSession, row: dict[str, Any] | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Reference “{row['key']}”" if row else "New Reference")
        self.resize(620, 560)
        self._session, self._row = session, row
        self.reference_id: int | None = row["id"] if row else None
        self.key_edit = QLineEdit(row["key"] if row else "", self)
        self.key_edit.setPlaceholderText("Made from the author, year and title if left empty")
        self.form = CslForm(row["csl"] if row else {}, self)
        self.preview_label = _preview_label(self)
        self.buttons = _buttons(self)
        column = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("Key", self.key_edit)
        column.addLayout(top)
        column.addWidget(self.form)
        column.addWidget(self.preview_label)
        column.addWidget(self.buttons)
        _follow(self.form, self._show_preview)
        self._show_preview()

    def _csl(self) -> dict[str, Any]:
        csl = self.form.csl()
        csl["type"] = self.form.text_of("type")  # a new reference takes the shown type
        return csl

    def _show_preview(self) -> None:
        self.preview_label.setText(f"Cited as: {preview(self._csl())}")

    def save(self) -> bool:
        """Save the changes as one undoable step and close (False when refused)."""
        key = self.key_edit.text().strip()
        if self._row is None:
            op = bind(reference_ops.create_reference, csl=self._csl(), key=key)
        elif not self.form.changed() and key == self._row["key"]:
            self.accept()
            return True
        else:
            op = bind(reference_ops.edit_reference, reference_id=self._row["id"],
                      csl=self.form.csl(), key=key,  # a change made since is refused
                      expected_version=self._row.get("version"))
        return self._session.run(op, initiator=self, done=self._on_saved,
                                 refused=warn(self, "Not Saved")).ok

    def _on_saved(self, reference_id: int) -> None:
        self.reference_id = reference_id
        self.accept()


# --- a source's own data --------------------------------------------------------------------

class SourceReferenceDialog(QDialog):
    """A source's bibliographic data, and the library reference it is cited by."""

    def __init__(self, session: ProjectSession, source_id: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Source Reference (source {source_id})")
        self.resize(620, 600)
        self._session, self.source_id = session, source_id
        with session.read() as s:
            self._data = citation_queries.source_csl(s, source_id)
            refs = citation_queries.reference_list(s)
        self.cite_by = QComboBox(self)
        self.cite_by.addItem("Its own data, below", None)
        for ref in refs:
            self.cite_by.addItem(f"{ref['key']} — {ref['title']}", ref["id"])
        self.cite_by.setCurrentIndex(max(self.cite_by.findData(self._data["reference_id"]), 0))
        self.form = CslForm(self._data["csl"], self, guessed=self._data["guessed"])
        self.preview_label = _preview_label(self)
        self.buttons = _buttons(self)
        self._lay_out()
        _follow(self.form, self._show_preview)
        self.cite_by.currentIndexChanged.connect(self._show_preview)
        self._show_preview()

    def _lay_out(self) -> None:
        guessed = " Fields marked “guessed” were read from the article's byline or "\
            "dateline: check them." if self.form.guessed else ""
        note = QLabel(("Filled in at import from what the file carried. Fields you do not "
                       "change stay exactly as they are." if not self._data["stored"] else
                       "Fields you do not change stay exactly as they are.") + guessed, self)
        note.setWordWrap(True)
        top = QFormLayout()
        top.addRow("Cite this source by", self.cite_by)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(note)
        column.addWidget(self.form)
        column.addWidget(self.preview_label)
        column.addWidget(self.buttons)

    def _show_preview(self, *_args: Any) -> None:
        linked = self.cite_by.currentData() is not None
        self.form.setEnabled(not linked)
        if linked:
            self.preview_label.setText("Cited by the library reference chosen above.")
        else:
            self.preview_label.setText(f"Cited as: {preview(self.form.csl())}")

    def save(self) -> bool:
        """Save the data and the choice of reference as one undoable step."""
        wanted = self.cite_by.currentData()
        label = f"Edit reference of source {self.source_id}"
        op = bind(save_source_reference, source_id=self.source_id,
                  csl=self.form.csl() if self.form.changed() else None,
                  relink=wanted != self._data["reference_id"], reference_id=wanted, label=label,
                  expected_version=self._data["version"])  # a change made since is refused
        return self._session.run(op, label=label, initiator=self,
                                 done=lambda _value: self.accept(),
                                 refused=warn(self, "Not Saved")).ok


def _preview_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setFont(reading_font(label.font()))
    label.setStyleSheet("color: #37474f")
    return label


def _follow(form: CslForm, slot) -> None:
    for edit in form.edits.values():
        signal = edit.currentTextChanged if isinstance(edit, QComboBox) else edit.textChanged
        signal.connect(slot)

