"""The Import dialog: choose files, check their formats and column mappings, import them.

The files to import are added with the buttons or dropped on the dialog; the selected
file is previewed (a column mapping for tables, the first article or post otherwise);
the import (``db.ops.imports.import_files``) runs through the session's runner on the
worker with progress, Cancel and a report, and the whole run becomes one undoable step
(DESIGN.md rules 4, 5 and 9).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import importers
from db.errors import ImportFileError
from db.importers.base import POST, ColumnMapping, ReadOptions
from db.importing import ImportReport
from db.importing import expand as expand_paths
from db.ops import bind
from db.ops.imports import import_files
from desktop.dialogs.import_files import (
    ATTENTION,
    ERROR,
    TABULAR,
    FileEntry,
    entry_status,
    load_table,
    new_entry,
)
from desktop.dialogs.import_preview import PREVIEW_ROWS, PreviewPane, draft_preview
from desktop.dialogs.import_run import GREY, ORANGE, RED, RunPanel
from desktop.session import ProjectSession, Step
from desktop.settings import coder_name, settings
from desktop.tasks import Task

FILE_FILTER = ("Articles and posts (*.md *.markdown *.txt *.html *.htm *.docx *.odt *.pdf "
               "*.json *.jsonl *.ndjson *.csv *.tsv *.xlsx);;All files (*)")
CHOOSING, RUNNING, DONE = "choosing", "running", "done"


class ImportDialog(QDialog):
    """Import files and folders into the open project, as one undoable step."""

    def __init__(self, session: ProjectSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setAcceptDrops(True)
        self.resize(1000, 720)
        self._session = session
        self._entries: list[FileEntry] = []
        self._state = CHOOSING
        self.task: Task | None = None
        self._step: Step | None = None
        self.report: ImportReport | None = None
        self._build()
        self._set_state(CHOOSING)

    # ---- building ---------------------------------------------------------------
    def _build(self) -> None:
        """Lay out the two pages (choose and preview; progress and report) and buttons."""
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choose_page())
        self.run_panel = RunPanel(self)
        self.pages.addWidget(self.run_panel)
        self.hint_label = QLabel(self)
        self.hint_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.hint_label)
        layout.addLayout(self._button_row())

    def _choose_page(self) -> QWidget:
        """The file list with its buttons and options above the preview."""
        top = QWidget(self)
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        intro = QLabel("Add articles (Markdown, text, HTML, Word, OpenDocument, PDF) and "
                       "exported posts (Twitter/X, Telegram, Reddit, CSV, Excel, JSON Lines). "
                       "Folders are searched for files; you can also drop files here.", top)
        intro.setWordWrap(True)
        box.addWidget(intro)
        box.addWidget(self._file_list(top), 1)
        box.addLayout(self._file_buttons())
        box.addLayout(self._options_form())
        self.preview = PreviewPane(self)
        self.preview.mapping_form.mapping_edited.connect(self._on_mapping_form_mapping_edited)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.preview)
        splitter.setSizes([280, 440])
        return splitter

    def _file_list(self, parent: QWidget) -> QTreeWidget:
        """The list of files with their detected formats."""
        self.file_list = QTreeWidget(parent)
        self.file_list.setHeaderLabels(["File", "Format"])
        self.file_list.setRootIsDecorated(False)
        self.file_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.file_list.setColumnWidth(0, 380)
        self.file_list.itemSelectionChanged.connect(self._on_file_list_item_selection_changed)
        return self.file_list

    def _file_buttons(self) -> QHBoxLayout:
        """Add files, Add folder and Remove."""
        row = QHBoxLayout()
        self.add_files_button = self._button("Add files…", self._on_add_files_button_clicked)
        self.add_folder_button = self._button("Add folder…", self._on_add_folder_button_clicked)
        self.remove_button = self._button("Remove", self._on_remove_button_clicked)
        for b in (self.add_files_button, self.add_folder_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        return row

    def _options_form(self) -> QFormLayout:
        """The forced format and the collection to put everything into."""
        self.format_combo = QComboBox(self)
        self.format_combo.addItem("Automatic (detect each file)", "")
        for imp in importers.importers():
            self.format_combo.addItem(imp.label, imp.name)
        self.format_combo.currentIndexChanged.connect(self._on_format_combo_current_index_changed)
        self.collection_edit = QLineEdit(self)
        self.collection_edit.setPlaceholderText(
            "optional: put everything into this collection (posts otherwise go into a "
            "collection named after their file or channel)")
        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Collection", self.collection_edit)
        return form

    def _button_row(self) -> QHBoxLayout:
        """Copy report on the left; Import, Cancel and Close on the right."""
        row = QHBoxLayout()
        self.copy_button = self._button("Copy report", self._on_copy_button_clicked)
        self.import_button = self._button("Import", self._on_import_button_clicked)
        self.cancel_button = self._button("Cancel", self._on_cancel_button_clicked)
        self.close_button = self._button("Close", self.accept)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        for b in (self.import_button, self.cancel_button, self.close_button):
            row.addWidget(b)
        return row

    def _button(self, text: str, slot) -> QPushButton:
        """A button that Enter does not press (Enter is for Import, or Close at the end)."""
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # ---- the file list ---------------------------------------------------------
    def add_paths(self, paths: list[str | Path]) -> None:
        """Add files, and the files under folders, to the list (each once)."""
        known = {e.path.resolve() for e in self._entries}
        first = len(self._entries)
        for given in map(Path, paths):
            for path in expand_paths([given]):
                if path.resolve() not in known:
                    known.add(path.resolve())
                    entry = new_entry(path, given)
                    load_table(entry, self._forced(), self._session.read)
                    self._entries.append(entry)
        self._refresh_list()
        if len(self._entries) > first:
            self._select(self._first_needing_attention(first))

    def _forced(self) -> str:
        """The format chosen for every file, or "" to detect each."""
        return self.format_combo.currentData() or ""

    def _tables(self) -> list[FileEntry]:
        """The entries read as tables whose columns are known."""
        return [e for e in self._entries if e.is_table(self._forced())]

    def _refresh_list(self) -> None:
        """Redraw the list from the entries, keeping the selection."""
        selected = {i for i, e in enumerate(self._entries) if self._is_selected(i)}
        self.file_list.blockSignals(True)
        self.file_list.clear()
        for i, entry in enumerate(self._entries):
            text, level = entry_status(entry, self._forced())
            colour = {ERROR: RED, ATTENTION: ORANGE}.get(level)
            item = QTreeWidgetItem([entry.shown, text])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            item.setToolTip(0, str(entry.path))
            item.setToolTip(1, text)
            if colour is not None:
                item.setForeground(1, colour)
            self.file_list.addTopLevelItem(item)
            item.setSelected(i in selected)
        self.file_list.blockSignals(False)
        self._update_readiness()

    def _is_selected(self, index: int) -> bool:
        item = self.file_list.topLevelItem(index)
        return item is not None and item.isSelected()

    def _select(self, index: int) -> None:
        """Select one file (and so preview it)."""
        item = self.file_list.topLevelItem(index)
        if item is not None:
            self.file_list.setCurrentItem(item)
            self.file_list.clearSelection()
            item.setSelected(True)

    def _first_needing_attention(self, start: int) -> int:
        """The first table still lacking a Text column, else the first file added."""
        tables = {id(e) for e in self._tables()}
        for i, entry in enumerate(self._entries):
            if id(entry) in tables and not entry.mapping.get("text"):
                return i
        return start

    def current_entry(self) -> FileEntry | None:
        """The file shown in the preview."""
        items = self.file_list.selectedItems()
        if not items:
            return None
        return self._entries[items[0].data(0, Qt.ItemDataRole.UserRole)]

    @property
    def state(self) -> str:
        """Where the dialog is: choosing files, running the import, or done."""
        return self._state

    def entries(self) -> list[FileEntry]:
        """The files in the list."""
        return list(self._entries)

    # ---- readiness -------------------------------------------------------------
    def blocking_reason(self) -> str:
        """Why Import cannot start yet, or "" when it can."""
        if not self._entries:
            return "Add files or folders to import."
        if not self._forced() and not any(e.detected for e in self._entries):
            return "None of these files is in a format Quire can read."
        for entry in self._tables():
            if not entry.mapping.get("text"):
                return f"Choose the column that holds the text of the posts in {entry.shown}."
        return ""

    def _update_readiness(self) -> None:
        reason = self.blocking_reason()
        self.import_button.setEnabled(self._state == CHOOSING and not reason)
        if self._state == CHOOSING:
            self._hint(reason or f"{len(self._entries)} file(s) ready to import.",
                       ORANGE if reason and self._entries else None)

    def _hint(self, text: str, colour: QColor | None = None) -> None:
        style = f"color: {colour.name()};" if colour is not None else ""
        self.hint_label.setStyleSheet(style)
        self.hint_label.setText(text)

    # ---- the preview -----------------------------------------------------------
    def _show_preview(self) -> None:
        """Preview the selected file."""
        entry = self.current_entry()
        if entry is None:
            self.preview.show_message("Select a file to preview it.")
            return
        fmt = entry.format(self._forced())
        if not fmt:
            self.preview.show_message(f"{entry.shown} will be skipped: {entry.reason}",
                                      entry.shown)
        elif fmt == TABULAR:
            self._show_table(entry)
        else:
            what = "post" if importers.by_name(fmt).kind == POST else "article"
            self.preview.show_text(draft_preview(entry.path, fmt),
                                   f"{entry.shown}: its first {what}")

    def _show_table(self, entry: FileEntry) -> None:
        """The first rows of a table and its mapping form."""
        from db.importers.tabular import preview

        try:
            columns, rows = preview(entry.path, rows=PREVIEW_ROWS)
        except (ImportFileError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or str(exc)
            self.preview.show_message(f"{entry.shown} cannot be read: {reason}", entry.shown)
            return
        self.preview.show_table(columns, rows, entry.mapping,
                                f"{entry.shown}: its first {len(rows)} rows")

    # ---- running ---------------------------------------------------------------
    def start_import(self) -> Task | None:
        """Start importing the listed files on the worker; None when not ready."""
        if self._state != CHOOSING or self.blocking_reason():
            return None
        self._step = self._session.run(self._operation(), initiator=self, records=True,
                                       done=self._on_imported, refused=self._on_refused)
        self.task = self._step.task
        self._set_state(RUNNING)
        self.run_panel.start(self.task)
        return self.task

    def _operation(self):
        """The import, holding plain values only (no widgets)."""
        mappings = [(list(e.columns), dict(e.mapping)) for e in self._tables()]
        # One table: its mapping is given outright (even when the format is forced).
        # Several: each is found again through the remembered mapping of its columns.
        single = ColumnMapping(**mappings[0][1]) if len(mappings) == 1 else None
        return bind(import_files, paths=[e.path for e in self._entries], mappings=mappings,
                    collection=self.collection_edit.text().strip(), coder=coder_name(),
                    options=ReadOptions(format=self._forced(), mapping=single))

    def cancel_import(self) -> None:
        """Ask the running import to stop; what it finished is kept."""
        if self._state == RUNNING:
            self.run_panel.progress.cancel()

    def _set_state(self, state: str) -> None:
        """Show the page and buttons of a state: choosing, running or done."""
        self._state = state
        self.pages.setCurrentIndex(0 if state == CHOOSING else 1)
        self.import_button.setVisible(state == CHOOSING)
        self.cancel_button.setVisible(state == CHOOSING)  # the progress has its own Cancel
        self.close_button.setVisible(state == DONE)
        self.copy_button.setVisible(state == DONE)
        self.import_button.setDefault(state == CHOOSING)
        self.close_button.setDefault(state == DONE)
        if state == RUNNING:
            self._hint("The import runs in the background; Cancel keeps what is finished.")
        self._update_readiness()

    def report_text(self) -> str:
        """The report as plain text (what Copy report copies)."""
        return self.run_panel.report_text()

    # ---- slots -----------------------------------------------------------------
    def _on_add_files_button_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add files to import",
                                                self._last_folder(), FILE_FILTER)
        if paths:
            self._remember_folder(Path(paths[0]).parent)
            self.add_paths(paths)

    def _on_add_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to import",
                                                  self._last_folder())
        if folder:
            self._remember_folder(Path(folder))
            self.add_paths([folder])

    def _last_folder(self) -> str:
        return str(settings().value("import/folder", str(Path.home()), type=str))

    def _remember_folder(self, folder: Path) -> None:
        settings().setValue("import/folder", str(folder))

    def _on_remove_button_clicked(self) -> None:
        keep = [e for i, e in enumerate(self._entries) if not self._is_selected(i)]
        self._entries = keep
        self._refresh_list()
        self._show_preview()

    def _on_file_list_item_selection_changed(self) -> None:
        self._show_preview()

    def _on_format_combo_current_index_changed(self, _index: int) -> None:
        for entry in self._entries:
            load_table(entry, self._forced(), self._session.read)
        self._refresh_list()
        self._show_preview()

    def _on_mapping_form_mapping_edited(self) -> None:
        entry = self.current_entry()
        if entry is None or entry.columns is None:
            return
        entry.mapping = self.preview.mapping_form.mapping()
        self.preview.label_columns(entry.columns, entry.mapping)
        self._refresh_list()

    def _on_import_button_clicked(self) -> None:
        self.start_import()

    def _on_cancel_button_clicked(self) -> None:
        if self._state == RUNNING:
            self.cancel_import()
        else:
            self.reject()

    def _on_copy_button_clicked(self) -> None:
        QApplication.clipboard().setText(self.report_text())

    def _on_imported(self, report: ImportReport) -> None:
        self.report = report
        self._set_state(DONE)
        reached = {Path(f.path) for f in report.files}
        unread = [e.shown for e in self._entries if e.path not in reached]
        self.run_panel.show_report(report, report.added, unread)
        if report.added:
            self._hint(f"To take this import back, use Undo (Ctrl+Z): "
                       f"“Undo {self._step.label}”.", GREY)
        else:
            self._hint("Nothing was added to the project.")

    def _on_refused(self, message: str) -> None:
        """The import stopped with an error; the runner announced what it kept."""
        self._set_state(DONE)
        self.run_panel.show_failure(message, self._step.trace)
        self._hint("")

    # ---- Qt overrides ----------------------------------------------------------
    def reject(self) -> None:
        """Escape: cancel a running import, otherwise close."""
        if self._state == RUNNING:
            self.cancel_import()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """The window's X does nothing while importing: Cancel comes first."""
        if self._state == RUNNING:
            event.ignore()
            self._hint("The import is still running: press Cancel to stop it first.", RED)
            return
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """Accept files and folders dropped from a file manager."""
        if self._state == CHOOSING and _local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Add dropped files and folders."""
        paths = _local_paths(event.mimeData())
        if self._state == CHOOSING and paths:
            event.acceptProposedAction()
            self.add_paths(paths)


def _local_paths(mime) -> list[str]:
    """The local files and folders named by dropped data."""
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
