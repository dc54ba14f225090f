"""The running half of the Import dialog: progress with Cancel, then the report."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from db.importing import SKIPPED, ImportReport
from desktop.tasks import Task
from desktop.widgets.feedback import TaskProgress

RED, ORANGE, GREY = QColor("#b00020"), QColor("#a05a00"), QColor("#666666")


class RunPanel(QWidget):
    """Progress while the import runs; the report, one line per file, when it ends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.progress = TaskProgress(self, cancelling="Cancelling… (sources already "
                                                      "imported are kept)")
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setReadOnly(True)
        self.report_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.progress)
        box.addWidget(self.message_label)
        box.addWidget(QLabel("<b>Report</b>", self))
        box.addWidget(self.report_view, 1)

    def start(self, task: Task) -> None:
        """Follow the import's task: files done out of all, and what is being read."""
        self.report_view.clear()
        self.set_message("")
        self.progress.follow(task, "Starting…")

    def set_message(self, text: str, colour: QColor | None = None) -> None:
        """The summary line under the progress (once the import has ended)."""
        self.message_label.setStyleSheet(f"color: {colour.name()};" if colour else "")
        self.message_label.setText(text)

    def show_report(self, report: ImportReport, added: int, unread: list[str]) -> None:
        """The report, failures in red; ``added`` counts what stayed in the project and
        ``unread`` names the files Cancel stopped before they were read."""
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

    def show_failure(self, reason: str, trace: str) -> None:
        """An import that stopped: the core's sentence (a full disk, the project file
        gone, with what was kept), or an unexpected error's message with details below."""
        self.report_view.clear()
        if not trace:  # said in words by the core: nothing to add under it
            self.set_message(reason, RED)
            self.append(reason, RED)
            return
        message = f"The import stopped because of an error: {reason}"
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
