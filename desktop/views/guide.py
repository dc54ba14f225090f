"""Help ▸ Quire Guide and Help ▸ Keyboard Shortcuts: offline, in the window, searchable.

The guide's topics are the Markdown files in ``resources/guide/`` (in file-name order),
with two topics made by the program so they cannot drift from it: the query language
(the Search panel's own help) and the keyboard shortcuts (read from the window's
actions, :mod:`desktop.shortcuts`). The search box keeps the topics that contain every
word typed (case and accents ignored) and marks the first place in the topic shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.fold import fold
from db.resources import resource
from desktop import shortcuts
from desktop.views.search_help import HELP_HTML

QUERY_TOPIC = "The query language"
SHORTCUTS_TOPIC = "Keyboard shortcuts"
QUERY_AFTER = "02-"  # the query language comes after the file whose name starts so


@dataclass
class Topic:
    """One page of the guide: its title, its HTML, and its plain text for searching."""

    title: str
    html: str
    plain: str


def _topic(title: str, html: str) -> Topic:
    doc = QTextDocument()
    doc.setHtml(html)
    return Topic(title, html, fold(f"{title}\n{doc.toPlainText()}"))


def topics(window: QWidget) -> list[Topic]:
    """The guide's pages, in order."""
    found = []
    for path in sorted(resource("guide").glob("[0-9]*.md")):
        doc = QTextDocument()
        text = path.read_text(encoding="utf-8")
        doc.setMarkdown(text)
        title = text.splitlines()[0].lstrip("# ").strip()
        found.append(_topic(title, doc.toHtml()))
        if path.name.startswith(QUERY_AFTER):
            found.append(_topic(QUERY_TOPIC, HELP_HTML))
    found.append(_topic(SHORTCUTS_TOPIC, shortcuts_html(window)))
    return found


def shortcuts_html(window: QWidget) -> str:
    """The keyboard shortcuts page, generated from the window's actions and panes."""
    return ("<h1>Keyboard shortcuts</h1><p>Read from the program's own actions. Keys "
            "listed under a pane work while the focus is in it.</p>"
            + shortcuts.table_html(shortcuts.bindings(window)))


def matches(topic: Topic, query: str) -> bool:
    """Whether every word of ``query`` is in the topic (case and accents ignored)."""
    return all(word in topic.plain for word in fold(query).split())


class GuideDialog(QDialog):
    """The guide: a search box and the topics on the left, the page on the right."""

    def __init__(self, window: QWidget, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.setWindowTitle("Quire Guide")
        self.resize(980, 680)
        self.topics = topics(window)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search the guide")
        self.search_edit.setClearButtonEnabled(True)
        self.topic_list = QListWidget(self)
        self.page = QTextBrowser(self)
        self.page.setOpenExternalLinks(False)
        self.none_label = QLabel("No topic has these words.", self)
        self.none_label.hide()
        self._fill("")
        self._lay_out()
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.topic_list.currentRowChanged.connect(self._on_topic_list_current_row_changed)
        self._on_topic_list_current_row_changed(self.topic_list.currentRow())

    def _lay_out(self) -> None:
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search_edit)
        column.addWidget(self.topic_list, 1)
        column.addWidget(self.none_label)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(1, 1)
        width = max(240, self.topic_list.sizeHintForColumn(0) + 40)
        splitter.setSizes([width, 980 - width])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    def _fill(self, query: str) -> None:
        self.topic_list.clear()
        for i, topic in enumerate(self.topics):
            if matches(topic, query):
                item = QListWidgetItem(topic.title, self.topic_list)
                item.setData(Qt.ItemDataRole.UserRole, i)
        self.none_label.setVisible(self.topic_list.count() == 0)
        if self.topic_list.count():
            self.topic_list.setCurrentRow(0)
        else:
            self.page.clear()

    def show_topic(self, title: str) -> None:
        """Show the topic called ``title`` (the search is cleared if it hides it)."""
        if not self.topic_list.findItems(title, Qt.MatchFlag.MatchExactly):
            self.search_edit.clear()
        found = self.topic_list.findItems(title, Qt.MatchFlag.MatchExactly)
        if found:
            self.topic_list.setCurrentItem(found[0])

    def shown_titles(self) -> list[str]:
        """The titles listed (after the search)."""
        return [self.topic_list.item(i).text() for i in range(self.topic_list.count())]

    def _on_search_edit_text_changed(self, text: str) -> None:
        self._fill(text)

    def _on_topic_list_current_row_changed(self, row: int) -> None:
        item = self.topic_list.item(row)
        if item is None:
            return
        self.page.setHtml(self.topics[item.data(Qt.ItemDataRole.UserRole)].html)
        words = self.search_edit.text().split()
        if words:  # mark the first word searched for in the page
            self.page.find(words[0])


def open_guide(window: QWidget, topic: str | None = None) -> GuideDialog:
    """Show the guide (non-modal, one per window), at ``topic`` if given."""
    dialog = getattr(window, "_guide_dialog", None)
    if dialog is None:
        dialog = GuideDialog(window)
        window._guide_dialog = dialog
    if topic:
        dialog.show_topic(topic)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
