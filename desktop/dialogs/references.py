"""The reference library: the project's references, imported, edited, linked, deleted.

References come from BibTeX, RIS and CSL-JSON files (Zotero's and other managers'
exports) through ``db.ops.references.import_references``; its report is shown, with the
line of every entry it could not read. A reference is edited in a form
(:mod:`desktop.dialogs.reference_form`) and linked to the sources it describes: the
core suggests those with the same DOI, URL or title, and any source can be ticked by
hand. Deleting a cited reference asks first. Each action is one undoable step.
"""

from __future__ import annotations

import contextlib
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.citations.format import DEFAULT_STYLE, STYLES, format_entry
from db.errors import QuireError
from db.ops import bind
from db.ops import references as reference_ops
from db.ops.actions import link_sources
from db.queries import citations as citation_queries
from db.queries import sources as source_queries
from db.queries.memos import snippet
from desktop.dialogs.reference_form import ReferenceEditor
from desktop.fonts import reading_font
from desktop.models.references import (
    AUTHORS,
    KEY,
    ROW_ROLE,
    SORT_ROLE,
    TITLE,
    ReferenceTableModel,
    suggested_sources,
)
from desktop.widgets.bidi import BidiDelegate
from desktop.widgets.feedback import warn

if TYPE_CHECKING:
    from db.changes import Changes
    from db.ops.references import ReferenceImport
    from desktop.session import ProjectSession

FILE_FILTER = ("Reference files (*.bib *.bibtex *.ris *.json *.csljson);;BibTeX (*.bib);;"
               "RIS (*.ris);;CSL-JSON (*.json);;All files (*)")
WATCHED = ("references", "citations", "sources")
PROBLEM_RED = "#b71c1c"
MAX_SOURCES = 500  # sources a link list shows for one filter


class ReferenceLibrary(QDialog):
    """The project's references: import, edit, link to sources, delete."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("References")
        self.resize(980, 560)
        self._session = session
        self.model = ReferenceTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._build()
        self._connect()
        session.project_changed.connect(self._on_session_project_changed)
        self.refresh()

    def _build(self) -> None:
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by key, author or title")
        self.filter_edit.setClearButtonEnabled(True)
        self.buttons = {name: QPushButton(text, self) for name, text in (
            ("import", "Import…"), ("new", "New…"), ("edit", "Edit…"), ("link", "Link to Sources…"),
            ("delete", "Delete"))}
        self.buttons["import"].setToolTip("Add the references of a BibTeX, RIS or CSL-JSON "
                                          "file (a Zotero export, say)")
        self.style_combo = QComboBox(self)
        for name, style in STYLES.items():
            self.style_combo.addItem(style.title, name)
        self.style_combo.setCurrentIndex(self.style_combo.findData(DEFAULT_STYLE))
        self.table = self._make_table()
        self.entry_label = QLabel(self)
        self.entry_label.setWordWrap(True)
        self.entry_label.setTextFormat(Qt.TextFormat.RichText)
        self.entry_label.setFont(reading_font(self.entry_label.font()))
        self.entry_label.setMinimumHeight(self.entry_label.fontMetrics().lineSpacing() * 3)
        self.status_label = QLabel(self)
        self.status_label.setStyleSheet("color: #616161")
        self._lay_out()

    def _make_table(self) -> QTreeView:
        view = QTreeView(self)
        view.setModel(self.proxy)
        view.setItemDelegate(BidiDelegate(view))
        view.setRootIsDecorated(False)
        view.setAllColumnsShowFocus(True)
        view.setSortingEnabled(True)
        view.sortByColumn(KEY, Qt.SortOrder.AscendingOrder)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AUTHORS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(AUTHORS, 180)
        return view

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        for name in ("import", "new", "edit", "link", "delete"):
            top.addWidget(self.buttons[name])
        entry = QHBoxLayout()
        entry.addWidget(QLabel("Bibliography entry in", self))
        entry.addWidget(self.style_combo)
        entry.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(close)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(entry)
        column.addWidget(self.entry_label)
        column.addLayout(bottom)

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.buttons["import"].clicked.connect(self._on_import_button_clicked)
        self.buttons["new"].clicked.connect(self.new_reference)
        self.buttons["edit"].clicked.connect(self.edit_current)
        self.buttons["link"].clicked.connect(self.link_current)
        self.buttons["delete"].clicked.connect(self.delete_current)
        self.style_combo.currentIndexChanged.connect(self._show_entry)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._show_entry)
        self.model.modelReset.connect(self._show_entry)

    # -- the library ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the references again, keeping the current one."""
        keep = self.current_id()
        with self._session.read() as s:
            self.model.set_rows(citation_queries.reference_list(s))
        if keep is not None:
            self.select(keep)
        n = self.model.rowCount()
        self.status_label.setText(f"{n:,} reference{'' if n == 1 else 's'}")

    def current(self) -> dict[str, Any] | None:
        """The reference under the cursor, as ``reference_list`` gives it."""
        return self.table.currentIndex().data(ROW_ROLE)

    def current_id(self) -> int | None:
        """The id of the reference under the cursor."""
        row = self.current()
        return row["id"] if row else None

    def select(self, reference_id: int) -> None:
        """Make ``reference_id`` the current reference."""
        index = self.proxy.mapFromSource(self.model.index(self.model.row_of(reference_id), 0))
        if index.isValid():
            self.table.setCurrentIndex(index)

    def import_file(self, path: str | Path) -> ReferenceImport | None:
        """Import the references of ``path`` as one undoable step and show the report."""
        step = self._session.run(bind(reference_ops.import_references, path=path),
                                 initiator=self, done=self._on_imported,
                                 refused=warn(self, "References Not Imported"))
        return step.value

    def _on_imported(self, report: ReferenceImport) -> None:
        self.refresh()
        if report.added:
            self.select(report.added[0]["id"])
        ImportReport(report, self).exec()

    def new_reference(self) -> None:
        """Write a reference by hand."""
        editor = ReferenceEditor(self._session, None, self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.reference_id is not None:
            self.select(editor.reference_id)

    def edit_current(self) -> None:
        """Edit the current reference in a form."""
        row = self.current()
        if row is not None:
            ReferenceEditor(self._session, row, self).exec()

    def link_current(self) -> None:
        """Choose the sources the current reference describes."""
        row = self.current()
        if row is not None:
            LinkSourcesDialog(self._session, row, self).exec()

    def delete_current(self) -> None:
        """Delete the current reference (asking first when it is cited); undoable."""
        row = self.current()
        if row is None:
            return
        with self._session.read() as s:
            cited = citation_queries.citation_count(s, row["id"])
        if cited and QMessageBox.question(
                self, "Delete Reference", delete_message(row["key"], cited),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        self._session.run(bind(reference_ops.delete_reference, reference_id=row["id"]),
                          initiator=self, refused=warn(self, "Not Deleted"))

    # -- what the widgets report -------------------------------------------------------

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import References", str(Path.home()),
                                              FILE_FILTER)
        if path:
            self.import_file(path)

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_current()

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched(*WATCHED):
            self.refresh()

    def _show_entry(self, *_args: Any) -> None:
        row = self.current()
        for name in ("edit", "link", "delete"):
            self.buttons[name].setEnabled(row is not None)
        if row is None:
            self.entry_label.setText("")
            return
        try:
            entry = format_entry(row["csl"], style=self.style_combo.currentData(),
                                 html_output=True)
        except Exception:  # noqa: BLE001 (odd data must not break the library)
            entry = ""
        cited = f"cited {row['citations']} time{'' if row['citations'] == 1 else 's'}" \
            if row["citations"] else "not cited yet"
        linked = ", ".join(f"source {s}" for s in row["sources"]) or "no source"
        facts = html.escape(f"{row['key']}: {cited}; linked to {linked}.")
        self.entry_label.setText(f"{entry or '(no bibliography entry in this style)'}"
                                 f"<br><span style='color:#616161'>{facts}</span>")

    def done(self, result: int) -> None:
        """Stop following the project when the dialog closes."""
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self._session.project_changed.disconnect(self._on_session_project_changed)
        super().done(result)


def delete_message(key: str, cited: int) -> str:
    """What the confirmation says before a cited reference is deleted."""
    times = f"{cited} time{'' if cited == 1 else 's'}"
    return (f"Delete the reference “{key}”?\n\nIt is cited {times}; those citations are "
            "deleted with it.\n\nEdit ▸ Undo brings everything back.")


# --- the import report ---------------------------------------------------------------------

class ImportReport(QDialog):
    """What an import did, entry by entry, with the lines it could not read."""

    def __init__(self, report: ReferenceImport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Reference Import")
        self.resize(700, 420)
        self.summary = QLabel(report_summary(report), self)
        self.summary.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        for text, problem in report_lines(report):
            item = QListWidgetItem(text, self.list)
            if problem:
                item.setForeground(QColor(PROBLEM_RED))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(self.list, 1)
        column.addWidget(buttons)


def report_summary(report: ReferenceImport) -> str:
    """One sentence on the whole import."""
    parts = [f"{len(report.added)} reference{'' if len(report.added) == 1 else 's'} imported"]
    if report.duplicates:
        parts.append(f"{len(report.duplicates)} already in the library")
    if report.problems:
        parts.append(f"{len(report.problems)} could not be read")
    if report.links:
        parts.append(f"{len(report.links)} linked to sources")
    return f"{Path(report.file).name}: " + ", ".join(parts) + "."


def report_lines(report: ReferenceImport) -> list[tuple[str, bool]]:
    """The report's events, problems first: (text, is a problem)."""
    out = [(f"Line {p.line}: not imported: {p.message}", True) for p in report.problems]
    out += [(f"Line {a['line']}: imported {a['key']}: {a['title']}", False)
            for a in report.added]
    out += [(f"Line {r['line']}: key “{r['was']}” was taken; imported as {r['key']}", False)
            for r in report.renamed]
    out += [(f"Line {d['line']}: skipped, already in the library as {d['of']}", False)
            for d in report.duplicates]
    out += [(f"Linked {k['key']} to source {k['source_id']} (same {k['by']})", False)
            for k in report.links]
    return out


# --- linking sources -----------------------------------------------------------------------

class LinkSourcesDialog(QDialog):
    """Tick the sources a reference describes; the core's suggestions come first."""

    def __init__(self, session: ProjectSession, row: dict[str, Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Sources of “{row['key']}”")
        self.resize(640, 520)
        self._session, self._row = session, row
        self._linked = set(row["sources"])
        self._ticked = set(row["sources"])
        self._suggested = dict(suggested_sources(session, row["csl"]))
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Find sources by title or author")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setFont(reading_font(self.list.font()))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        text = QLabel(f"A source ticked here is cited by “{row['key']}” instead of its own "
                      "data. Suggested: sources with the same DOI, URL or title.", self)
        text.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addWidget(text)
        column.addWidget(self.filter_edit)
        column.addWidget(self.list, 1)
        column.addWidget(self.buttons)
        self.filter_edit.textChanged.connect(self._fill)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._fill()

    def _fill(self, *_args: Any) -> None:
        with self._session.read() as s:
            rows = source_queries.page(s, limit=MAX_SOURCES, text=self.filter_edit.text(),
                                       snippets=True)
            shown = {r["id"] for r in rows}
            for sid in sorted(set(self._suggested) | self._linked | self._ticked):
                if sid not in shown:  # always listed, whatever the filter
                    rows.append(_brief(s, sid))
        order = sorted((r for r in rows if r), key=lambda r: (
            r["id"] not in self._suggested, r["id"] not in self._linked, r["id"]))
        self.list.blockSignals(True)
        self.list.clear()
        for r in order:
            self._add_item(r)
        self.list.blockSignals(False)

    def _add_item(self, r: dict[str, Any]) -> None:
        name = r["title"] or snippet(r.get("snippet"), 10)
        why = self._suggested.get(r["id"])
        text = f"source {r['id']}: {name}" + (f"  (suggested: same {why})" if why else "")
        item = QListWidgetItem(text, self.list)
        item.setData(Qt.ItemDataRole.UserRole, r["id"])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if r["id"] in self._ticked
                           else Qt.CheckState.Unchecked)

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        sid = item.data(Qt.ItemDataRole.UserRole)
        (self._ticked.add if item.checkState() == Qt.CheckState.Checked
         else self._ticked.discard)(sid)

    def tick(self, source_id: int, on: bool = True) -> None:
        """Tick (or untick) a source, as a click would."""
        (self._ticked.add if on else self._ticked.discard)(source_id)
        self._fill()

    def suggested(self) -> dict[int, str]:
        """The sources the core suggests, with how each matched ("url", "doi", "title")."""
        return dict(self._suggested)

    def save(self) -> bool:
        """Link the ticked sources and unlink the others, as one undoable step."""
        if self._ticked == self._linked:
            self.accept()
            return True
        label = f"Link sources to '{self._row['key']}'"
        op = bind(link_sources, reference_id=self._row["id"], link=self._ticked - self._linked,
                  unlink=self._linked - self._ticked, label=label)
        return self._session.run(op, label=label, initiator=self,
                                 done=lambda _value: self.accept(),
                                 refused=warn(self, "Not Linked")).ok


def _brief(session, source_id: int) -> dict[str, Any] | None:
    try:
        d = source_queries.detail(session, source_id)
    except QuireError:
        return None
    return {"id": source_id, "title": d["title"], "snippet": d["text"][:160]}
