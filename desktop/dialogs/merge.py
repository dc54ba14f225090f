"""The Merge dialog: choose another project (.quire or .qdpx), preview, merge, undo.

Reading the other file and previewing run on the project's worker, with progress and
Cancel (:class:`desktop.widgets.feedback.TaskProgress`); the preview lists,
for each kind of thing, how many will be added and how many are already in the
project (and how they were recognised), then notes and what could not be mapped.
Merge writes everything as one undoable step through the session's runner, on the
worker, all or nothing ("Undo Merge …" takes it all back; Cancel changes nothing). The
same dialog imports a REFI-QDA project (``import_qdpx=True``): an import is a merge of
the file into the open project.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.exchange.bundle import Bundle
from db.exchange.merge_plan import KINDS
from db.merge import MergeReport, load_other, merge_bundle, preview_merge
from db.ops import bind
from desktop.session import CANCELLED, ProjectSession
from desktop.tasks import Task
from desktop.widgets.feedback import TaskProgress

FILTER = "Quire or REFI-QDA projects (*.quire *.qdpx);;All files (*)"
QDPX_FILTER = "REFI-QDA projects (*.qdpx);;All files (*)"
NAMES = {"coders": "Coders", "codes": "Codes", "collections": "Collections",
         "sources": "Sources", "excerpts": "Excerpts", "codings": "Codings",
         "memos": "Memos"}


class MergeDialog(QDialog):
    """Merge another project into the open one, after a preview."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None,
                 import_qdpx: bool = False):
        super().__init__(parent)
        self.session, self.importing = session, import_qdpx
        self.bundle: Bundle | None = None
        self.report: MergeReport | None = None
        self.setWindowTitle("Import REFI-QDA Project" if import_qdpx else "Merge a Project")
        self._build()

    def _build(self) -> None:
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("A student's .quire file, or a .qdpx from another "
                                          "program")
        self.path_edit.textChanged.connect(self._on_path_edit_text_changed)
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(self._on_browse_button_clicked)
        self.preview_button = QPushButton("&Preview", self)
        self.preview_button.clicked.connect(self.start_preview)
        row = QHBoxLayout()
        for w in (self.path_edit, browse, self.preview_button):
            row.addWidget(w)
        self.table = QTableWidget(len(KINDS), 3, self)
        self.table.setHorizontalHeaderLabels(["To add", "Already there", "Recognised by"])
        self.table.setVerticalHeaderLabels([NAMES[k] for k in KINDS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.notes = QPlainTextEdit(self)
        self.notes.setReadOnly(True)
        self.status = QLabel("Choose a file and press Preview: nothing changes until you "
                             "press Merge.", self)
        self.status.setWordWrap(True)
        self.progress = TaskProgress(self)
        self.buttons = QDialogButtonBox(self)
        self.merge_button = self.buttons.addButton(
            "&Import" if self.importing else "&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.start_merge)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addWidget(self.table)
        box.addWidget(QLabel("Notes and what could not be mapped:", self))
        box.addWidget(self.notes)
        box.addWidget(self.status)
        box.addWidget(self.progress)
        box.addWidget(self.buttons)
        self.resize(640, 560)

    def set_path(self, path: str | Path) -> None:
        """The file to merge."""
        self.path_edit.setText(str(path))

    # -- preview --------------------------------------------------------------------------

    def start_preview(self) -> Task | None:
        """Read the file and work out the preview on the worker; None without a file."""
        path = Path(self.path_edit.text().strip())
        if not self.path_edit.text().strip():
            return None

        def work(s, progress, cancelled):
            bundle = load_other(path, progress=progress, cancelled=cancelled)
            return bundle, preview_merge(s, bundle=bundle, source=path.name)

        task = self._start(self.session.start_task("Reading " + path.name, work))
        task.finished.connect(self._on_preview_finished)
        task.failed.connect(lambda exc, _trace: self._on_refused(
            CANCELLED if task.is_cancelled() else str(exc)))
        return task

    def _on_preview_finished(self, result: tuple[Bundle, MergeReport]) -> None:
        self.bundle, self.report = result
        self.show_report(self.report)
        if self.report.changes_anything:
            self.merge_button.setEnabled(True)
            self.status.setText("Press Merge to add this to the project (one step: Undo "
                                "takes it all back).")
        else:
            self.status.setText("Everything in this file is already in the project: "
                                "there is nothing to merge.")

    def show_report(self, report: MergeReport) -> None:
        """Fill the table and the notes from a preview (or a merge's report)."""
        for r, kind in enumerate(KINDS):
            how = ", ".join(f"{w} {n}" for w, n in report.matched_by.get(kind, {}).items())
            for c, value in enumerate((report.added.get(kind, 0),
                                       report.matched.get(kind, 0), how)):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        self.notes.setPlainText("\n".join([f"• {n}" for n in report.notes] +
                                          [f"• not mapped: {u}" for u in report.unmapped])
                                or "None.")

    # -- merge ----------------------------------------------------------------------------

    def start_merge(self) -> Task | None:
        """Merge the previewed file on the worker as one undoable step."""
        if self.bundle is None:
            return None
        name = Path(self.path_edit.text().strip()).name
        label = f"{'Import' if self.importing else 'Merge'} {name}"
        op = bind(merge_bundle, bundle=self.bundle, label=label)
        self.merge_button.setEnabled(False)
        step = self.session.run(op, label=label, initiator=self, reports=True,
                                done=lambda report: self._on_merged(report, label),
                                refused=self._on_refused)
        return self._start(step.task)

    def _on_merged(self, report: MergeReport, label: str) -> None:
        self.bundle = None
        self.status.setText(f"Done: {sum(report.added.values())} item(s) added. To take "
                            f"it back, use Undo (Ctrl+Z): “Undo {label}”.")

    # -- running --------------------------------------------------------------------------

    def _start(self, task: Task) -> Task:
        self.preview_button.setEnabled(False)
        self.status.setText("")
        self.progress.follow(task)
        task.finished.connect(lambda _r: self.preview_button.setEnabled(True))
        return task

    def _on_refused(self, message: str) -> None:
        self.preview_button.setEnabled(True)
        self.merge_button.setEnabled(False)
        self.bundle = None
        self.status.setText(message if message == CANCELLED else
                            f"Nothing was changed: {message}")

    def reject(self) -> None:
        """Close, or, while reading or merging, Cancel first."""
        if not self.progress.cancel():
            super().reject()

    def _on_path_edit_text_changed(self, _text: str) -> None:
        self.bundle = None
        self.merge_button.setEnabled(False)

    def _on_browse_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.windowTitle(), "",
                                              QDPX_FILTER if self.importing else FILTER)
        if path:
            self.set_path(path)
