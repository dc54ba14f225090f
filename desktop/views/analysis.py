"""The Analysis view: frequencies, co-occurrence, crosstab, timeline and words, as a chart
(matplotlib on a Qt canvas) and a table, with their short help.

The filters are the export's (:class:`db.export.selection.Selection`): codes,
collection, dates, the window's coder filter and the Sources pane's filter. The numbers
are computed on the project's worker (``session.start_task``) with progress and Cancel
(:class:`desktop.widgets.feedback.TaskProgress`). A click on a bar, cell or point, or a
double-click on a table row, emits ``excerpts_requested`` with the excerpts behind it,
for the Coded excerpts view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.analysis import KINDS, Result, Spec, analyze, behind
from db.analysis.charts import Chart, draw, save
from db.analysis.dimensions import DIMENSIONS
from db.analysis.sql import INTERVALS
from db.analysis.tables import write_table
from db.errors import AnalysisCancelled, QuireError
from db.export.selection import Selection
from db.queries.codes import code_tree
from db.queries.sources import collection_tree
from desktop.models.analysis import ResultTableModel
from desktop.views.analysis_help import CLICK, HELP, NAMES
from desktop.widgets.feedback import TaskProgress

if TYPE_CHECKING:
    from desktop.session import ProjectSession

UNITS = (("excerpt", "Overlapping excerpts"), ("sentence", "Same sentence"),
         ("paragraph", "Same paragraph"), ("source", "Same source"))
WATCHED = ("excerpts", "codings", "codes", "sources", "collections")
DELAY_MS = 250


class AnalysisView(QWidget):
    """Choose a statistic and its filters; see its chart, table and help."""

    excerpts_requested = Signal(list, str)  # excerpt ids, what they are
    computed = Signal(object)  # the Result shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._source_filter: dict[str, Any] | None = None
        self._task = None
        self.result: Result | None = None
        self.chart: Chart | None = None
        self._last_pick = None
        self._ready = False  # widgets report changes only once they all exist
        self.model = ResultTableModel(self)
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.kind = self._combo([(k, NAMES[k]) for k in KINDS])
        self.by = self._combo([(None, "no split")] + [(d.name, d.label)
                                                      for d in DIMENSIONS.values()])
        self.unit = self._combo(list(UNITS))
        self.interval = self._combo([(i, i) for i in INTERVALS], current="month")
        self.counted = self._combo([("excerpts", "excerpts"), ("sources", "sources")])
        self.layer = QComboBox(self)
        self.layer.setToolTip("What the table (and a heatmap) shows")
        self.layer.currentIndexChanged.connect(self._on_layer_changed)
        self.rollup = self._check("With sub-codes", "Count each code with its sub-codes")
        self.share = self._check("Share of posts", "As a share of all sources published")
        self.stacked = self._check("Stacked", "Stacked areas instead of lines")
        self.ngram = QSpinBox(self, minimum=1, maximum=3, suffix="-word")
        self.ngram.valueChanged.connect(self._changed)
        self.text = self._combo([("coded", "coded text"), ("sources", "whole sources")])
        self.stopwords = self._check("No stopwords", "Leave Arabic and English stopwords out")
        self.stopwords.setChecked(True)
        self.keyness = self._check("Keyness", "Log-likelihood against the rest of the sources")
        self._build_filters()
        self._build_body()
        self._lay_out()
        self._ready = True
        self._show_controls()

    def _combo(self, items: list[tuple[Any, str]], current: Any = None) -> QComboBox:
        combo = QComboBox(self)
        for key, text in items:
            combo.addItem(text, key)
        if current is not None:
            combo.setCurrentIndex(combo.findData(current))
        combo.currentIndexChanged.connect(self._changed)
        return combo

    def _check(self, text: str, tip: str) -> QCheckBox:
        box = QCheckBox(text, self)
        box.setToolTip(tip)
        box.toggled.connect(self._changed)
        return box

    def _build_filters(self) -> None:
        self.codes_button = QToolButton(self, text="All codes")
        self.codes_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.codes_menu = QMenu(self.codes_button)
        self.codes_button.setMenu(self.codes_menu)
        self.collection = self._combo([(None, "All collections")])
        self.from_check = self._check("From", "Sources published on or after")
        self.to_check = self._check("To", "Sources published on or before")
        self.from_edit, self.to_edit = QDateEdit(self), QDateEdit(self)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.dateChanged.connect(self._changed)

    def _build_body(self) -> None:
        self.canvas = FigureCanvasQTAgg(draw(_empty()).figure)
        self.canvas.setMinimumHeight(220)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.help = QLabel(self, wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.progress = TaskProgress(self, cancelling="Stopping…", compact=True)
        self.save_chart_button = QPushButton("Save Chart…", self)
        self.save_chart_button.clicked.connect(self._on_save_chart_clicked)
        self.save_table_button = QPushButton("Save Table…", self)
        self.save_table_button.clicked.connect(self._on_save_table_clicked)

    def _lay_out(self) -> None:
        self.by_label, self.counted_label = QLabel("split by", self), QLabel("count", self)
        rows = [[QLabel("Show", self), self.kind, self.by_label, self.by, self.unit,
                 self.interval, self.counted_label, self.counted, self.rollup, self.share,
                 self.stacked, self.ngram, self.text, self.stopwords, self.keyness,
                 QLabel("table", self), self.layer],
                [QLabel("Filters:", self), self.codes_button, self.collection, self.from_check,
                 self.from_edit, self.to_check, self.to_edit, self.progress,
                 self.save_chart_button, self.save_table_button]]
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        for widgets in rows:
            line = QHBoxLayout()
            for w in widgets:
                line.addWidget(w)
            line.addStretch(1)
            column.addLayout(line)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.canvas)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        column.addWidget(split, 1)
        column.addWidget(self.help)

    # -- what the window tells the view --------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Analyse ``session``'s project (None: show nothing)."""
        if self._session is not None:
            self._session.project_changed.disconnect(self._on_session_project_changed)
            self._session.coder_filter_changed.disconnect(self._changed)
        self._session, self.result = session, None
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
            session.coder_filter_changed.connect(self._changed)
        self._fill_filters()
        self._show(None)

    def set_source_filter(self, filters: dict[str, Any] | None) -> None:
        """Count only the sources the Sources pane shows (None: all of them)."""
        self._source_filter = {k: v for k, v in (filters or {}).items()
                               if v not in (None, "")} or None
        self._changed()

    def show_kind(self, kind: str) -> None:
        """Show this statistic (from the Analysis menu) and compute it."""
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.refresh()

    def selection(self) -> Selection:
        """The export Selection the filters describe."""
        codes = [a.data() for a in self.codes_menu.actions() if a.isChecked()]
        session = self._session
        return Selection(
            code_ids=codes or None, collection_ids=_one(self.collection.currentData()),
            coder_ids=sorted(session.visible_coders) if session and session.visible_coders
            else None,
            date_from=_day(self.from_edit) if self.from_check.isChecked() else None,
            date_to=_day(self.to_edit) if self.to_check.isChecked() else None,
            source_filter=self._source_filter)

    def spec(self) -> Spec:
        """The Spec the controls describe."""
        return Spec(kind=self.kind.currentData(), by=self.by.currentData(),
                    rollup=self.rollup.isChecked(), unit=self.unit.currentData(),
                    interval=self.interval.currentData(), counted=self.counted.currentData(),
                    share=self.share.isChecked(), stacked=self.stacked.isChecked(),
                    ngram=self.ngram.value(), text=self.text.currentData(),
                    stopwords=self.stopwords.isChecked(), keyness=self.keyness.isChecked())

    def refresh(self) -> None:
        """Compute the statistic again on the worker."""
        self._timer.stop()
        if self._session is None:
            return
        if self._task is not None:
            self._task.cancel()
        spec, sel, project = self.spec(), self.selection(), self._session.project
        if spec.kind == "crosstab" and not spec.by:
            spec.by = "collection"
        def work(s, **kw):
            return analyze(s, sel, spec, project=project, **kw)

        task = self._session.start_task(f"Analysis: {NAMES[spec.kind]}", work)
        self.progress.follow(task, "Computing…")
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task

    def save_chart(self, path: str) -> None:
        """Write the chart shown (PNG, SVG or PDF, by the suffix)."""
        if self.result is not None:
            save(self.result, path, self.model.layer)

    def save_table(self, path: str) -> None:
        """Write the table shown (CSV or XLSX, by the suffix)."""
        if self.result is not None:
            write_table(self.result, path)

    # -- results -------------------------------------------------------------------------

    def _on_task_finished(self, result: Result) -> None:
        if self.sender() is self._task:
            self._task = None
            self._show(result)

    def _on_task_failed(self, exc: BaseException, _traceback: str) -> None:
        if self.sender() is not self._task:
            return
        self._task = None
        text = "Cancelled." if isinstance(exc, AnalysisCancelled) else str(exc)
        if not isinstance(exc, QuireError):
            text = f"Could not compute this: {exc}"
        self.help.setText(f"{HELP[self.kind.currentData()]}<br><b>{text}</b>")

    def _show(self, result: Result | None) -> None:
        self.result = result
        self._fill_layers(result)
        self.model.set_result(result, self.layer.currentData())
        self.table.resizeColumnsToContents()
        self.chart = draw(result or _empty(), self.layer.currentData())
        self.canvas.figure = self.chart.figure
        self.chart.figure.set_canvas(self.canvas)
        # a figure keeps its own callbacks: connect the new one's clicks
        self.canvas.mpl_connect("pick_event", self._on_canvas_pick)
        self.canvas.draw_idle()
        notes = "<br>".join(result.notes) if result else ""
        self.help.setText(f"{HELP[self.kind.currentData()]} {CLICK}<br>"
                          f"<span style='color:#555'>{notes}</span>")
        self.save_chart_button.setEnabled(result is not None)
        self.save_table_button.setEnabled(result is not None)
        if result is not None:
            self.computed.emit(result)

    def _on_layer_changed(self, _index: int) -> None:
        if self.result is not None:
            self._show(self.result)

    def _fill_layers(self, result: Result | None) -> None:
        current = self.layer.currentData()
        self.layer.blockSignals(True)
        self.layer.clear()
        if result is not None and result.layers:
            for name in result.layers:
                self.layer.addItem(name, name)
            self.layer.addItem("long table", None)
            self.layer.setCurrentIndex(max(self.layer.findData(current), 0) if current else 0)
        self.layer.setVisible(self.layer.count() > 0)
        self.layer.blockSignals(False)

    # -- click-through -------------------------------------------------------------------

    def _on_canvas_pick(self, event) -> None:
        if self.chart is None or event.mouseevent is self._last_pick:
            return
        keys = self.chart.keys_at(event.artist, event)
        if keys is not None:
            self._last_pick = event.mouseevent
            self.open_keys(*keys)

    def _on_table_double_clicked(self, index) -> None:
        keys = self.model.keys(index)
        if keys is not None:
            self.open_keys(*keys)

    def open_keys(self, row: Any, column: Any) -> list[int]:
        """Emit the excerpts behind the result's (row, column) keys; returns their ids."""
        if self._session is None or self.result is None:
            return []
        spec, sel = self.result.spec, self.selection()
        with self._session.read() as s:
            ids = behind(s, sel, spec, row, column, project=self._session.project)
        self.excerpts_requested.emit(ids, f"{self.result.title}: "
                                          f"{_caption(self.result, row, column)}")
        return ids

    # -- widgets -------------------------------------------------------------------------

    def _changed(self, *_args) -> None:
        if not self._ready:
            return
        self._show_controls()
        if self._session is not None and self.isVisible():
            self._timer.start()

    def _show_controls(self) -> None:
        kind = self.kind.currentData()
        visible = {self.by: kind in ("frequencies", "crosstab"),
                   self.by_label: kind in ("frequencies", "crosstab"),
                   self.counted_label: kind in ("crosstab", "timeline"),
                   self.unit: kind == "cooccurrence", self.interval: kind == "timeline",
                   self.counted: kind in ("crosstab", "timeline"),
                   self.rollup: kind != "words", self.share: kind == "timeline",
                   self.stacked: kind == "timeline", self.ngram: kind == "words",
                   self.text: kind == "words", self.stopwords: kind == "words",
                   self.keyness: kind == "words"}
        for widget, shown in visible.items():
            widget.setVisible(shown)
        self.from_edit.setEnabled(self.from_check.isChecked())
        self.to_edit.setEnabled(self.to_check.isChecked())

    def _on_session_project_changed(self, changes, _initiator) -> None:
        if changes.touched("codes", "collections"):
            self._fill_filters()
        if changes.touched(*WATCHED):
            self._changed()

    def _fill_filters(self) -> None:
        checked = {a.data() for a in self.codes_menu.actions() if a.isChecked()}
        self.codes_menu.clear()
        self.collection.blockSignals(True)
        current = self.collection.currentData()
        self.collection.clear()
        self.collection.addItem("All collections", None)
        if self._session is not None:
            with self._session.read() as s:
                codes, colls = code_tree(s), collection_tree(s)
            for code in codes:
                action = self.codes_menu.addAction("    " * code["depth"] + code["name"])
                action.setCheckable(True)
                action.setData(code["id"])
                action.setChecked(code["id"] in checked)
                action.toggled.connect(self._on_code_toggled)
            for coll in colls:
                self.collection.addItem(coll["name"], coll["id"])
        self.collection.setCurrentIndex(max(self.collection.findData(current), 0))
        self.collection.blockSignals(False)
        self._on_code_toggled()

    def _on_code_toggled(self, *_args) -> None:
        n = sum(a.isChecked() for a in self.codes_menu.actions())
        self.codes_button.setText(f"{n} code(s) with sub-codes" if n else "All codes")
        self._changed()

    def _on_save_chart_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Chart", "chart.png",
                                              "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)")
        if path:
            self.save_chart(path)

    def _on_save_table_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Table", "table.xlsx",
                                              "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.save_table(path)


def _empty() -> Result:
    return Result(Spec(), "Choose a statistic", [], [])


def _one(value) -> list[int] | None:
    return None if value is None else [value]


def _day(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


def _caption(result: Result, row: Any, column: Any) -> str:
    """The row's and column's names, as the table shows them."""
    keys = [*row] if isinstance(row, tuple) else [row, column]
    return " × ".join(_name(result, k) for k in keys if k is not None)


def _name(result: Result, key: Any) -> str:
    for keys, labels in ((result.matrix_rows, result.row_labels),
                         (result.matrix_cols, result.col_labels)):
        if key in keys:
            return labels[keys.index(key)]
    if key in result.row_keys:
        return str(result.rows[result.row_keys.index(key)][0])
    return str(key)
