"""The coder comparison view: agreement figures, and each source with coders side by side.

Choose the coders (everyone who coded, at first), the unit (characters, sentences or
paragraphs), a code or all codes, and whether text nobody coded counts; Compute runs
:func:`db.agreement.compute_agreement` on the project's worker (DESIGN.md rule 5). The
table shows the figures per code (Export CSV… saves it); the list shows the sources
compared, and the selected one is drawn below with each coder's stripes and the
disagreements (:class:`desktop.views.agreement_compare.ComparisonPanel`). When the
project changes the figures are marked out of date rather than recomputed behind the
user's back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from db.agreement import AgreementReport, compare_source, compute_agreement
from db.changes import Changes
from db.models import Code, Coder, Coding, Excerpt, Source
from db.queries.codes import code_tree
from desktop.models.agreement import AgreementTableModel
from desktop.session import ProjectSession
from desktop.tasks import Task
from desktop.views.agreement_compare import ComparisonPanel
from desktop.widgets.feedback import TaskProgress

UNIT_CHOICES = (("Characters", "char", "sentence"), ("Sentences", "segment", "sentence"),
                ("Paragraphs", "segment", "paragraph"))
ONE_CODER = ("Agreement compares two or more coders; this project has the coding of fewer. "
             "To bring a second coder's work in, merge their copy of the project (File ▸ "
             "Merge a Project…) or work together in a team project (Help ▸ Quire Guide ▸ "
             "Exchange and merging).")
STALE = "The project has changed since: press Compute to bring the figures up to date."


class AgreementView(QWidget):
    """Agreement between coders, with a side-by-side view of each source."""

    computed = Signal(object)  # the AgreementReport

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session: ProjectSession | None = None
        self.report: AgreementReport | None = None
        self.task: Task | None = None
        self._coder_boxes: list[tuple[int, QCheckBox]] = []
        self._coders_shown: list[tuple[int, str]] = []
        self._build()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.coders_row = QHBoxLayout()
        self.unit_combo = QComboBox(self)
        self.unit_combo.addItems([label for label, _, _ in UNIT_CHOICES])
        self.code_combo = QComboBox(self)
        self.uncoded_box = QCheckBox("Count text nobody coded", self)
        self.uncoded_box.setChecked(True)
        self.compute_button = QPushButton("&Compute", self)
        self.compute_button.clicked.connect(self._on_compute_button_clicked)
        self.csv_button = QPushButton("Export CSV…", self)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.csv_button.setEnabled(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.progress = TaskProgress(self, cancelling="Stopping…")
        self.table = QTableView(self)
        self.model = AgreementTableModel(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                           ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sources = QListWidget(self)
        self.sources.currentRowChanged.connect(self._on_sources_current_row_changed)
        self.compare = ComparisonPanel(self)
        self._lay_out()

    def _lay_out(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Coders:", self))
        controls.addLayout(self.coders_row)
        controls.addStretch(1)
        for label, widget in (("Unit:", self.unit_combo), ("Code:", self.code_combo)):
            controls.addWidget(QLabel(label, self))
            controls.addWidget(widget)
        controls.addWidget(self.uncoded_box)
        controls.addWidget(self.compute_button)
        controls.addWidget(self.csv_button)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.table)
        left.addWidget(self.sources)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(left)
        main.addWidget(self.compare)
        main.setSizes([560, 720])
        box = QVBoxLayout(self)
        box.addLayout(controls)
        box.addWidget(self.status)
        box.addWidget(self.progress)
        box.addWidget(main, 1)

    # -- the open project -----------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Work on ``session``'s project (None when it closes)."""
        if self.session is not None:
            self.session.project_changed.disconnect(self._on_session_project_changed)
        self.session, self.report = session, None
        self.model.set_report(None)
        self.sources.clear()
        self.compare.show_comparison(None, "", [], {})
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
        self.refresh_choices()

    def refresh_choices(self) -> None:
        """The coders and codes to choose from, as the project has them now (a coder
        unticked stays unticked; the code chosen stays chosen)."""
        unticked = {cid for cid, box in self._coder_boxes if not box.isChecked()}
        chosen = self.code_combo.currentData()
        for _, box in self._coder_boxes:
            box.deleteLater()
        self._coder_boxes = []
        self.code_combo.clear()
        self.code_combo.addItem("All codes", None)
        coders, codes = [], []
        if self.session is not None:
            with self.session.read() as s:
                coders = _coders_who_coded(s)
                codes = [(r["path"], r["id"]) for r in code_tree(s)]
        for cid, name in coders:
            box = QCheckBox(name, self)
            box.setChecked(cid not in unticked)
            self.coders_row.addWidget(box)
            self._coder_boxes.append((cid, box))
        for path, cid in codes:
            self.code_combo.addItem(path, cid)
        self.code_combo.setCurrentIndex(max(self.code_combo.findData(chosen), 0))
        self._coders_shown = coders
        if self.session is not None and len(coders) < 2 and self.report is None:
            self.status.setText(ONE_CODER)

    def chosen_coders(self) -> list[int]:
        """The ids of the coders ticked."""
        return [cid for cid, box in self._coder_boxes if box.isChecked()]

    # -- computing ------------------------------------------------------------------------

    def compute(self) -> Task | None:
        """Compute the figures on the worker with the chosen options; None without a
        project or with fewer than two coders ticked (the status line says why)."""
        if self.session is None:
            return None
        coders = self.chosen_coders()
        if len(coders) < 2:
            self.status.setText("Tick at least two coders to compare.")
            return None
        _, unit, segment = UNIT_CHOICES[self.unit_combo.currentIndex()]
        code = self.code_combo.currentData()
        options = {"coder_ids": coders, "code_ids": None if code is None else [code],
                   "unit": unit, "segment": segment,
                   "ignore_uncoded": not self.uncoded_box.isChecked()}

        def work(s, progress, cancelled):
            return compute_agreement(s, progress=progress, cancelled=cancelled, **options)

        self.task = self.progress.follow(self.session.start_task("Computing agreement", work))
        self.task.finished.connect(self._on_task_finished)
        self.task.failed.connect(self._on_task_failed)
        self.compute_button.setEnabled(False)
        self.status.setText("")
        return self.task

    def show_report(self, report: AgreementReport) -> None:
        """Show computed figures and the sources they cover."""
        self.report = report
        self.model.set_report(report)
        self.csv_button.setEnabled(True)
        self.status.setText(report.lines()[0])
        self.sources.clear()
        with self.session.read() as s:
            titles = dict(s.execute(select(Source.id, Source.title)
                                    .where(Source.id.in_(report.source_ids))).all())
            texts = dict(s.execute(select(Source.id, Source.text)
                                   .where(Source.id.in_(report.source_ids))).all())
        for sid in report.source_ids:
            label = titles.get(sid) or " ".join((texts.get(sid) or "").split())[:60]
            item = QListWidgetItem(f"{sid}  {label}")
            item.setData(Qt.ItemDataRole.UserRole, sid)
            self.sources.addItem(item)
        if report.source_ids:
            self.sources.setCurrentRow(0)
        self.computed.emit(report)

    def show_source(self, source_id: int) -> None:
        """Draw one source with the report's coders side by side."""
        if self.report is None or self.session is None:
            return
        code = self.code_combo.currentData() if self.report else None
        with self.session.read() as s:
            cmp = compare_source(s, source_id, self.report.coder_ids,
                                 None if code is None else [code])
            codes = {r["id"]: (r["path"], r["color"]) for r in code_tree(s)}
            title = s.scalar(select(Source.title).where(Source.id == source_id)) or \
                f"Source {source_id}"
        self.compare.show_comparison(cmp, title, self.report.coders, codes)

    def save_csv(self, path: str | Path) -> Path | None:
        """Save the figures as CSV at ``path``."""
        return self.report.write_csv(path) if self.report is not None else None

    # -- slots ----------------------------------------------------------------------------

    def _on_compute_button_clicked(self) -> None:
        self.compute()

    def _on_task_finished(self, report: AgreementReport) -> None:
        self.compute_button.setEnabled(True)
        self.show_report(report)

    def _on_task_failed(self, exc: BaseException, _trace: str) -> None:
        self.compute_button.setEnabled(True)
        self.status.setText("Stopped: the figures were not computed."
                            if self.task.is_cancelled() else
                            f"Could not compute agreement: {exc}")

    def _on_csv_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export agreement figures",
                                              "agreement.csv", "CSV files (*.csv)")
        if path:
            self.save_csv(path)

    def _on_sources_current_row_changed(self, row: int) -> None:
        item = self.sources.item(row)
        if item is not None:
            self.show_source(item.data(Qt.ItemDataRole.UserRole))

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched(Coder.__tablename__, Code.__tablename__):
            self.refresh_choices()
        elif changes.touched(Excerpt.__tablename__, Coding.__tablename__) \
                and self.session is not None:
            with self.session.read() as s:  # a coder's first coding, or last one undone
                if _coders_who_coded(s) != self._coders_shown:
                    self.refresh_choices()
        if self.report is not None and changes.touched(
                Excerpt.__tablename__, Coding.__tablename__, Code.__tablename__):
            self.status.setText(STALE)


def _coders_who_coded(s) -> list[tuple[int, str]]:
    who = select(Excerpt.coder_id).join(Coding, Coding.excerpt_id == Excerpt.id).distinct()
    return [(c.id, c.name) for c in s.scalars(select(Coder).where(Coder.id.in_(who))
                                              .order_by(Coder.name))]
