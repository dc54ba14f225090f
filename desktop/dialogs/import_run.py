"""The running half of the Import dialog: a progress bar, its message, and the report."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QVBoxLayout, QWidget

from db.errors import QuireError
from db.importing import SKIPPED, ImportReport

RED, ORANGE, GREY = QColor("#b00020"), QColor("#a05a00"), QColor("#666666")


class RunPanel(QWidget):
    """Progress while the import runs; the report, one line per file, when it ends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._files = 0
        self.progress_bar = QProgressBar(self)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setReadOnly(True)
        self.report_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.progress_bar)
        box.addWidget(self.message_label)
        box.addWidget(QLabel("<b>Report</b>", self))
        box.addWidget(self.report_view, 1)

    def start(self, files: int) -> None:
        """Reset for a run over ``files`` files."""
        # A single file reports no steps of its own: a busy bar says work is going on.
        self._files = files
        self.progress_bar.setRange(0, files if files > 1 else 0)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        self.report_view.clear()
        self.set_message("Starting…")

    def progressed(self, done: int, total: int, message: str) -> None:
        """Show a step: files done out of total (0/0 for a step inside a file)."""
        if total > 1 or (total and done == total):
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
        self.set_message(message)

    def set_message(self, text: str, colour: QColor | None = None) -> None:
        """The line under the progress bar."""
        self.message_label.setStyleSheet(f"color: {colour.name()};" if colour else "")
        self.message_label.setText(text)

    def show_report(self, report: ImportReport, added: int, unread: list[str]) -> None:
        """The report, failures in red; ``added`` counts what stayed in the project and
        ``unread`` names the files Cancel stopped before they were read."""
        self._stop_bar(report.cancelled, len(report.files))
        self.report_view.clear()
        lines = report.lines()
        lines[-1:-1] = [f"not read {name}: the import was cancelled before it" for name in unread]
        for line in lines:
            colour = RED if line.startswith("FAILED") else (
                GREY if line.startswith((SKIPPED, "not read", "  warning")) else None)
            self.append(line, colour)
        summary = (f"Cancelled: {added} source(s) imported before Cancel are kept."
                   if report.cancelled else f"Imported {added} source(s).")
        if report.failed:
            summary += f" {len(report.failed)} file(s) could not be imported (see the report)."
        self.set_message(summary, RED if report.failed and not added else None)

    def _stop_bar(self, cancelled: bool, reached: int) -> None:
        """Full at the end; where Cancel stopped it (in files) otherwise."""
        if cancelled:
            self.progress_bar.setRange(0, max(self._files, 1))
            self.progress_bar.setValue(max(reached - 1, 0))
            self.progress_bar.setFormat("Cancelled")
        else:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1)

    def show_failure(self, exc: BaseException, trace: str) -> None:
        """An import that stopped with an error: its message first, details below."""
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.report_view.clear()
        if isinstance(exc, QuireError):  # a full disk, a project file gone: said in words
            self.set_message(str(exc), RED)
            self.append(str(exc), RED)
            return
        message = f"The import stopped because of an error: {exc}"
        self.set_message(message + " Sources imported before it are kept.", RED)
        self.append(message, RED)
        self.append("")
        self.append("Technical details (for a bug report):", GREY)
        self.report_view.appendPlainText(trace)

    def append(self, line: str, colour: QColor | None = None) -> None:
        """One line of the report, in a colour."""
        text = html.escape(line).replace(" ", "&nbsp;")
        if colour is not None:
            text = f'<span style="color:{colour.name()}">{text}</span>'
        self.report_view.appendHtml(text)

    def report_text(self) -> str:
        """The report as plain text (what Copy report copies)."""
        return self.report_view.toPlainText()
