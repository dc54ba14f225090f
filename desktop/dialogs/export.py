"""The Export dialog: coded excerpts as an annotated PDF or a quote table (CSV, XLSX).

Opened with a preset from wherever the researcher stands -- the Coded excerpts view
(its ticked codes and filters), the search results (their hits), a collection, a source
(its excerpts, or the whole source annotated) or hand-picked excerpts -- through
:func:`open_export`. The researcher narrows it by codes, collections, coders and dates,
picks the order, what to include, the citation style, the page size and a title, and
exports. Sources whose reference lacks an author or a date are named, each a link to its
reference form. The export runs on the project's worker (``session.start_task``) with
progress and Cancel (:class:`desktop.widgets.feedback.TaskProgress`); Cancel stops it
and nothing is written.

Preset keys (all optional): ``code_ids``, ``subcodes``, ``collection_ids``,
``coder_ids``, ``date_from``, ``date_to`` (``YYYY-MM-DD``), ``query``, ``hits`` (a
search's ``(source_id, start, end)`` spans), ``source_id``, ``whole`` (the whole
source), ``excerpt_ids``, ``order``, ``context``, ``title``, ``format`` ("pdf", "csv"
or "xlsx"), ``path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.citations.format import STYLES
from db.errors import EmptyExportError, ExportCancelled, QuireError
from db.export.selection import ORDERS, Selection, gather
from db.queries.citations import incomplete_sources
from db.queries.codes import code_tree
from db.queries.excerpts import coders
from db.queries.sources import collection_tree
from desktop import settings
from desktop.session import ProjectSession
from desktop.widgets.feedback import TaskProgress
from desktop.widgets.incomplete import IncompleteNote

FORMATS = (("pdf", "Annotated PDF"), ("csv", "Quote table, CSV"),
           ("xlsx", "Quote table, Excel (XLSX)"))
ID_ROLE = Qt.ItemDataRole.UserRole
COUNT_DELAY_MS = 250
# charts the PDF can open with (db.export.analysis_pages); the CLI's --analysis has them all
STATISTICS = {"frequencies": "Code frequencies", "cooccurrence": "Codes that co-occur",
              "timeline": "Coded excerpts per month"}
STATISTIC_SPECS = {"frequencies": {"kind": "frequencies"},
                   "cooccurrence": {"kind": "cooccurrence"},
                   "timeline": {"kind": "timeline", "interval": "month"}}
RED = "#b00020"


def open_export(session: ProjectSession, parent: QWidget | None,
                preset: dict[str, Any] | None = None) -> ExportDialog:
    """Show the Export dialog with ``preset`` (see the module) and return it."""
    dialog = ExportDialog(session, preset or {}, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    return dialog


class ExportDialog(QDialog):
    """Choose what to export and how; export on the worker with progress and Cancel."""

    def __init__(self, session: ProjectSession, preset: dict[str, Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export Excerpts")
        self.session, self.preset = session, dict(preset)
        self.task = None
        self.result: Any = None
        self.incomplete: list[dict[str, Any]] = []
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.update_count)
        box = QVBoxLayout(self)
        columns, right = QHBoxLayout(), QVBoxLayout()
        columns.addWidget(self._what_box(), 1)
        right.addWidget(self._how_box())
        right.addWidget(self._output_box())
        right.addStretch(1)
        columns.addLayout(right, 1)
        box.addLayout(columns)
        box.addLayout(self._run_row())
        self._fill()
        self._apply_preset()
        self._connect_changes()
        self._on_format_changed()
        self.update_count()

    # --- building ------------------------------------------------------------------------

    def _what_box(self) -> QGroupBox:
        group = QGroupBox("What to export", self)
        form = QFormLayout(group)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        group.setMinimumWidth(320)
        self.preset_label = QLabel(group)
        self.preset_label.setWordWrap(True)
        form.addRow(self.preset_label)
        self.code_tree = QTreeWidget(group)
        self.code_tree.setHeaderHidden(True)
        self.code_tree.setMinimumHeight(140)
        self.subcodes_box = QCheckBox("Include sub-codes", group)
        self.subcodes_box.setChecked(True)
        form.addRow("Codes (none ticked: all)", self.code_tree)
        form.addRow("", self.subcodes_box)
        self.collection_list = QListWidget(group)
        self.coder_list = QListWidget(group)
        for lst in (self.collection_list, self.coder_list):
            lst.setMaximumHeight(80)
        form.addRow("Collections (none: all)", self.collection_list)
        form.addRow("Coders (none: all)", self.coder_list)
        self.date_from, self.date_to = QLineEdit(group), QLineEdit(group)
        dates = QHBoxLayout()
        for edit, word in ((self.date_from, "from"), (self.date_to, "to")):
            edit.setPlaceholderText("YYYY-MM-DD")
            dates.addWidget(QLabel(word, group))
            dates.addWidget(edit)
        form.addRow("Published", dates)
        self.whole_box = QCheckBox("The whole source, every code highlighted", group)
        self.whole_box.setVisible(False)
        form.addRow("", self.whole_box)
        return group

    def _how_box(self) -> QGroupBox:
        group = QGroupBox("How", self)
        form = QFormLayout(group)
        self.order_combo = QComboBox(group)
        for order in ORDERS:
            self.order_combo.addItem(f"By {order}", order)
        form.addRow("Order", self.order_combo)
        self.memos_box = QCheckBox("Memos", group)
        self.context_memos_box = QCheckBox("Memos on the sources and codes too", group)
        self.labels_box = QCheckBox("Code labels in the margin", group)
        self.codebook_box = QCheckBox("Codebook appendix", group)
        self.bibliography_box = QCheckBox("Bibliography", group)
        self.context_box = QCheckBox("Context before and after", group)
        self.context_spin = QSpinBox(group)
        self.context_spin.setRange(10, 5000)
        self.context_spin.setValue(200)
        self.context_spin.setSuffix(" characters")
        for check in (self.memos_box, self.labels_box, self.codebook_box,
                      self.bibliography_box):
            check.setChecked(True)
        row = QHBoxLayout()
        row.addWidget(self.context_box)
        row.addWidget(self.context_spin)
        include = QVBoxLayout()
        for w in (self.memos_box, self.context_memos_box, self.labels_box, self.codebook_box,
                  self.bibliography_box):
            include.addWidget(w)
        include.addLayout(row)
        form.addRow("Include", include)
        stats = QVBoxLayout()
        self.stats_boxes = {key: QCheckBox(label, group) for key, label in STATISTICS.items()}
        for key, box in self.stats_boxes.items():
            box.setToolTip("A chart and its table over the exported excerpts, before them "
                           "(the Analysis pane shows the same, with more choices)")
            box.setObjectName(f"stats_{key}")
            stats.addWidget(box)
        form.addRow("Statistics", stats)
        self.style_combo = QComboBox(group)
        for name, style in STYLES.items():
            self.style_combo.addItem(style.title, name)
        self.style_combo.setCurrentIndex(max(self.style_combo.findData(
            settings.citation_style()), 0))
        self.style_combo.setEnabled(not settings.is_locked("citation_style"))
        form.addRow("Citation style", self.style_combo)
        self.page_combo = QComboBox(group)
        self.page_combo.addItems(["A4", "Letter"])
        form.addRow("Page size", self.page_combo)
        self.title_edit = QLineEdit(group)
        self.title_edit.setPlaceholderText("Coded excerpts")
        form.addRow("Title", self.title_edit)
        return group

    def _output_box(self) -> QGroupBox:
        group = QGroupBox("Save as", self)
        form = QFormLayout(group)
        self.format_combo = QComboBox(group)
        for key, label in FORMATS:
            self.format_combo.addItem(label, key)
        form.addRow("Format", self.format_combo)
        self.path_edit = QLineEdit(group)
        browse = QPushButton("Browse…", group)
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        return group

    def _run_row(self) -> QVBoxLayout:
        box = QVBoxLayout()
        self.count_label = QLabel(self)
        self.incomplete_label = IncompleteNote(self)  # references without author or date
        self.incomplete_label.linkActivated.connect(self._on_incomplete_link_activated)
        self.progress = TaskProgress(self, cancelling="Stopping… (no file is written)")
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        for w in (self.count_label, self.incomplete_label, self.progress, self.message_label,
                  self.buttons):
            box.addWidget(w)
        return box

    # --- filling -------------------------------------------------------------------------

    def _fill(self) -> None:
        with self.session.read() as s:
            tree, colls, people = code_tree(s), collection_tree(s), coders(s)
        items: dict[int, QTreeWidgetItem] = {}
        for code in tree:
            parent = items.get(code["parent_id"])
            item = QTreeWidgetItem(parent) if parent else QTreeWidgetItem(self.code_tree)
            item.setText(0, f"{code['name']}  ({code['excerpts']})")
            item.setIcon(0, _swatch(code["color"]))
            item.setData(0, ID_ROLE, code["id"])
            item.setCheckState(0, Qt.CheckState.Unchecked)
            items[code["id"]] = item
        self.code_tree.expandAll()
        _fill_list(self.collection_list, [(c["id"], c["name"]) for c in colls])
        _fill_list(self.coder_list, [(c["id"], c["name"]) for c in people])

    def _apply_preset(self) -> None:
        p = self.preset
        _tick_tree(self.code_tree, set(p.get("code_ids") or ()))
        self.subcodes_box.setChecked(p.get("subcodes", True))
        _tick_list(self.collection_list, set(p.get("collection_ids") or ()))
        _tick_list(self.coder_list, set(p.get("coder_ids") or ()))
        self.date_from.setText(p.get("date_from") or "")
        self.date_to.setText(p.get("date_to") or "")
        self.order_combo.setCurrentIndex(max(0, self.order_combo.findData(
            p.get("order", "code"))))
        if p.get("context"):
            self.context_box.setChecked(True)
            self.context_spin.setValue(int(p["context"]))
        self.title_edit.setText(p.get("title", ""))
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(
            p.get("format", "pdf"))))
        self.whole_box.setVisible(p.get("source_id") is not None)
        self.whole_box.setChecked(bool(p.get("whole")))
        self.preset_label.setText(self._preset_words())
        self.path_edit.setText(str(p.get("path") or self._default_path()))

    def _preset_words(self) -> str:
        p, bits = self.preset, []
        if p.get("source_id") is not None:
            bits.append(f"the excerpts of source {p['source_id']}")
        if p.get("hits") is not None:
            bits.append(f"excerpts overlapping {len(p['hits'])} search hit(s)")
        elif p.get("query"):
            bits.append(f"excerpts overlapping the hits of “{p['query']}”")
        if p.get("excerpt_ids") is not None:
            bits.append(f"{len(set(p['excerpt_ids']))} chosen excerpt(s)")
        return ("Only " + "; ".join(bits) + ".") if bits else "Every coded excerpt that "\
            "matches the filters below."

    def _default_path(self) -> Path:
        folder = Path(self.session.project.path).parent if self.session.project.path \
            else Path.home()
        return folder / f"{self.title_edit.text().strip() or 'excerpts'}.{self.fmt()}"

    def _connect_changes(self) -> None:
        later = self._count_timer.start
        self.code_tree.itemChanged.connect(later)
        self.collection_list.itemChanged.connect(later)
        self.coder_list.itemChanged.connect(later)
        self.subcodes_box.toggled.connect(later)
        self.date_from.textChanged.connect(later)
        self.date_to.textChanged.connect(later)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.whole_box.toggled.connect(later)

    # --- reading the choices -------------------------------------------------------------

    def fmt(self) -> str:
        """"pdf", "csv" or "xlsx"."""
        return self.format_combo.currentData()

    def selection(self) -> Selection:
        """The Selection the dialog describes (the preset's fixed parts included)."""
        p = self.preset
        codes = _ticked_tree(self.code_tree)
        return Selection(
            code_ids=codes or None, subcodes=self.subcodes_box.isChecked(),
            collection_ids=_ticked_list(self.collection_list) or None,
            coder_ids=_ticked_list(self.coder_list) or None,
            date_from=self.date_from.text().strip() or None,
            date_to=self.date_to.text().strip() or None, query=p.get("query", ""),
            hits=p.get("hits"), source_id=p.get("source_id"),
            excerpt_ids=p.get("excerpt_ids"), order=self.order_combo.currentData(),
            context=self.context_spin.value() if self.context_box.isChecked() else 0)

    def pdf_options(self):
        """The PdfOptions the dialog describes."""
        from db.export.pdf import PdfOptions

        return PdfOptions(title=self.title_edit.text().strip(),
                          author=self.session.coder_name, style=self.style_combo.currentData(),
                          page_size=self.page_combo.currentText(),
                          memos=self.memos_box.isChecked(), labels=self.labels_box.isChecked(),
                          context_memos=self.context_memos_box.isChecked(),
                          codebook=self.codebook_box.isChecked(),
                          bibliography=self.bibliography_box.isChecked(),
                          analyses=self.analyses())

    def analyses(self) -> list:
        """The charts ticked under Statistics, as db.analysis Specs."""
        from db.analysis import Spec

        return [Spec(**STATISTIC_SPECS[key]) for key, box in self.stats_boxes.items()
                if box.isChecked()]

    def whole_source(self) -> bool:
        """Whether the whole source is exported (a PDF of a preset source)."""
        return not self.whole_box.isHidden() and self.whole_box.isChecked() and \
            self.fmt() == "pdf"

    # --- counting ------------------------------------------------------------------------

    def update_count(self) -> None:
        """Say how many excerpts the choices hold (a query is searched only on export) and
        which of their sources' references are incomplete."""
        self.export_button.setEnabled(True)
        self.incomplete_label.setVisible(False)
        if self.whole_source():
            self.count_label.setText("The whole source will be exported.")
            return
        sel = self.selection()
        if sel.query and sel.hits is None:
            self.count_label.setText("The search runs when you export.")
            return
        try:
            with self.session.read() as s:
                rows = gather(s, sel)
                self.incomplete = incomplete_sources(s, {r["source_id"] for r in rows}) \
                    if self.fmt() == "pdf" else []
        except EmptyExportError:
            rows, self.incomplete = [], []
        except QuireError as exc:
            self.count_label.setText(str(exc))
            return
        n = len(rows)
        self.count_label.setText(f"{n} excerpt(s) to export." if n else
                                 "No excerpt matches these choices.")
        self.export_button.setEnabled(n > 0)
        self.incomplete_label.show_sources(self.incomplete)

    def _on_incomplete_link_activated(self, link: str) -> None:
        """Open the reference form of the source clicked; count again when it closes."""
        from desktop.dialogs.reference_form import SourceReferenceDialog

        SourceReferenceDialog(self.session, int(link), self).exec()
        self.update_count()

    # --- running -------------------------------------------------------------------------

    def start_export(self) -> None:
        """Run the export on the worker; the bar follows it, Cancel stops it."""
        path = self.path_edit.text().strip()
        if not path:
            self.show_message("Choose a file to save to.", RED)
            return
        job = self._job(Path(path))
        self._set_running(True)
        self.task = self.progress.follow(self.session.start_task("Exporting", job))
        self.task.finished.connect(self._on_task_finished)
        self.task.failed.connect(self._on_task_failed)

    def _job(self, path: Path):
        sel, fmt, project = self.selection(), self.fmt(), self.session.project
        if fmt != "pdf":
            from db.export.tables import export_table

            style = self.style_combo.currentData()
            return lambda s, progress, cancelled: export_table(
                s, sel, path, style=style, project=project, progress=progress,
                cancelled=cancelled)
        from db.export.pdf import export_pdf, export_source_pdf

        opts = self.pdf_options()
        if self.whole_source():
            return lambda s, progress, cancelled: export_source_pdf(
                s, sel.source_id, path, opts, coder_ids=sel.coder_ids, progress=progress,
                cancelled=cancelled)
        return lambda s, progress, cancelled: export_pdf(
            s, sel, path, opts, project=project, progress=progress, cancelled=cancelled)

    def _set_running(self, running: bool) -> None:
        for group in self.findChildren(QGroupBox):
            group.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.close_button.setEnabled(not running)
        self.show_message("")

    def show_message(self, text: str, colour: str = "") -> None:
        """The line under the progress (how the export went)."""
        self.message_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.message_label.setText(text)

    def _on_task_finished(self, result: Any) -> None:
        self.result, self.task = result, None
        self._set_running(False)
        self.show_message(_done_words(result))

    def _on_task_failed(self, exc: BaseException, _trace: str) -> None:
        self.task = None
        self._set_running(False)
        if isinstance(exc, ExportCancelled):
            self.show_message("Export cancelled; no file was written.")
        elif isinstance(exc, QuireError):
            self.show_message(str(exc), RED)
        else:
            self.show_message(f"The export failed: {exc}", RED)

    def _on_browse_clicked(self) -> None:
        fmt = self.fmt()
        path, _ = QFileDialog.getSaveFileName(self, "Export Excerpts", self.path_edit.text(),
                                              f"{fmt.upper()} files (*.{fmt})")
        if path:
            self.path_edit.setText(path if path.lower().endswith(f".{fmt}")
                                   else f"{path}.{fmt}")

    def _on_format_changed(self) -> None:
        current = Path(self.path_edit.text().strip() or self._default_path())
        self.path_edit.setText(str(current.with_suffix(f".{self.fmt()}")))
        pdf = self.fmt() == "pdf"
        for w in (self.labels_box, self.codebook_box, self.bibliography_box, self.page_combo,
                  self.order_combo, self.title_edit, self.context_memos_box,
                  *self.stats_boxes.values()):
            w.setEnabled(pdf)
        self._count_timer.start()

    def reject(self) -> None:
        """Close; while an export runs, Escape cancels it first."""
        if not self.progress.cancel():
            super().reject()


def _done_words(result: Any) -> str:
    if hasattr(result, "pages"):
        return (f"Saved {Path(result.path).name}: {result.excerpts} excerpt(s), "
                f"{result.notes} footnote(s), {result.pages} page(s).")
    return f"Saved {Path(result.path).name}: {result.rows} excerpt(s), one per row. " \
        "Positions are Unicode code points."


def _swatch(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(QColor(color or "#ffd54f"))
    return QIcon(pix)


def _fill_list(lst: QListWidget, rows: list[tuple[int, str]]) -> None:
    for rid, name in rows:
        item = QListWidgetItem(name, lst)
        item.setData(ID_ROLE, rid)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)


def _tree_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    out, stack = [], [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        out.append(item)
        stack[0:0] = [item.child(i) for i in range(item.childCount())]
    return out


def _tick_tree(tree: QTreeWidget, ids: set[int]) -> None:
    for item in _tree_items(tree):
        checked = item.data(0, ID_ROLE) in ids
        item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def _ticked_tree(tree: QTreeWidget) -> list[int]:
    return [item.data(0, ID_ROLE) for item in _tree_items(tree)
            if item.checkState(0) == Qt.CheckState.Checked]


def _tick_list(lst: QListWidget, ids: set[int]) -> None:
    for i in range(lst.count()):
        item = lst.item(i)
        checked = item.data(ID_ROLE) in ids
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def _ticked_list(lst: QListWidget) -> list[int]:
    return [lst.item(i).data(ID_ROLE) for i in range(lst.count())
            if lst.item(i).checkState() == Qt.CheckState.Checked]
