"""Code all hits: apply a code to search hits, grown to a unit, as one undoable step.

Given the hits of a search, the researcher chooses a code (or names a new one, "Parent/
Child" allowed), a unit (the hit itself, its sentence, its paragraph, or the whole post
or article, grown by ``db.units.expand``) and which hits to code (all, by default). The
preview shows exactly the passages that will be coded, hits in bold; several hits in
one passage code it once. Accepting runs ``db.ops.coding.code_spans`` (or
``db.ops.actions.code_spans_with_new_code``) as a single undo step on the worker, with
progress and Cancel (which codes nothing); the dialog closes when it is done.

The search panel or the main window calls :func:`code_hits`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.ops import bind
from db.ops.actions import code_spans_with_new_code
from db.ops.coding import code_spans
from db.queries import codes as code_queries
from db.queries import sources as source_queries
from db.units import expand
from desktop.fonts import reading_font
from desktop.models.codes import swatch
from desktop.models.sources import is_rtl
from desktop.session import CANCELLED
from desktop.widgets.feedback import TaskProgress

if TYPE_CHECKING:
    from desktop.session import ProjectSession, Step

UNITS = (("hit", "The hit itself"), ("sentence", "Its sentence"),
         ("paragraph", "Its paragraph"), ("source", "The whole post or article"))
NEW_CODE = -1  # the code combo's data for "a new code"
PREVIEW_PASSAGES = 200  # the preview shows this many passages, then says how many more
PREVIEW_CHARS = 700  # a longer passage is shown by its start and end
CONTEXT_COLUMNS = 40  # characters of context in the list of hits

Hit = tuple[int, int, int, str, str, str]  # source id, start, end, left, hit, right


def hits_from_kwic(rows: Iterable[Any]) -> list[Hit]:
    """The search panel's KWIC rows as hits to code (only hits in the text itself)."""
    return [(r.hit.source_id, r.hit.start, r.hit.end, r.left, r.match, r.right)
            for r in rows if r.hit.where in ("text", "coded")]


@dataclass
class Passage:
    """A span that will be coded, and the hits it grew from."""

    source_id: int
    start: int
    end: int
    hits: list[tuple[int, int]] = field(default_factory=list)


class CodeHitsDialog(QDialog):
    """Choose a code, a unit and the hits; see the passages; code them in one step."""

    def __init__(self, session: ProjectSession, hits: list[Hit],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Code All Hits")
        self.resize(1000, 720)
        self._session = session
        self.hits = list(hits)
        self._texts, self._titles = self._read_sources()
        self.coded: list[int] | None = None  # excerpt ids, once coded
        self._build()
        self._fill_codes()
        self._fill_hits()
        self._connect()
        self.update_preview()

    # -- building ----------------------------------------------------------------------

    def _read_sources(self) -> tuple[dict[int, str], dict[int, str]]:
        texts, titles = {}, {}
        with self._session.read() as s:
            for source_id in dict.fromkeys(h[0] for h in self.hits):
                detail = source_queries.detail(s, source_id)
                texts[source_id] = detail["text"]
                titles[source_id] = _title(detail)
        return texts, titles

    def _build(self) -> None:
        self.code_combo = QComboBox(self)
        self.code_combo.setMaxVisibleItems(20)
        self.new_code_edit = QLineEdit(self)
        self.new_code_edit.setPlaceholderText("Name of the new code (Parent/Child to nest it)")
        self.unit_combo = QComboBox(self)
        for key, text in UNITS:
            self.unit_combo.addItem(text, key)
        self.hit_list = self._make_hit_list()
        self.all_button = QPushButton("Tick &All", self)
        self.none_button = QPushButton("Tick &None", self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.preview = QTextBrowser(self)
        self.preview.setOpenLinks(False)
        self.preview.setFont(reading_font(self.preview.font()))  # as the Reader shows text
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.progress = TaskProgress(self, cancelling="Cancelling… (nothing will be coded)")
        self._lay_out()

    def _make_hit_list(self) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setHeaderLabels(["Source", "Context", "Hit", "Context"])
        header = tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        tree.setColumnWidth(0, 190)
        tree.setColumnWidth(1, 260)
        tree.setColumnWidth(2, 110)
        return tree

    def _lay_out(self) -> None:
        form = QFormLayout()
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_combo, 1)
        code_row.addWidget(self.new_code_edit, 1)
        code_label = QLabel("&Code:", self)
        code_label.setBuddy(self.code_combo)
        form.addRow(code_label, code_row)
        form.addRow("&Unit to code:", self.unit_combo)
        ticks = QHBoxLayout()
        ticks.addWidget(QLabel(f"{_count(len(self.hits), 'hit')} in "
                               f"{_count(len(self._texts), 'source')}:", self))
        ticks.addStretch(1)
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        top = QWidget(self)
        top_column = QVBoxLayout(top)
        top_column.setContentsMargins(0, 0, 0, 0)
        top_column.addLayout(ticks)
        top_column.addWidget(self.hit_list)
        bottom = QWidget(self)
        bottom_column = QVBoxLayout(bottom)
        bottom_column.setContentsMargins(0, 0, 0, 0)
        bottom_column.addWidget(self.summary)
        bottom_column.addWidget(self.preview)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([260, 380])
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(splitter, 1)
        column.addWidget(self.progress)
        column.addWidget(self.buttons)

    def _fill_codes(self) -> None:
        with self._session.read() as s:
            rows = code_queries.code_tree(s)
        self.code_combo.addItem("New code…", NEW_CODE)
        for row in rows:
            self.code_combo.addItem(swatch(row["color"]), row["path"], row["id"])
        self.code_combo.setCurrentIndex(1 if rows else 0)
        self.new_code_edit.setVisible(not rows)

    def _fill_hits(self) -> None:
        bold = QFont(self.hit_list.font())
        bold.setBold(True)
        for i, (source_id, _start, _end, left, hit, right) in enumerate(self.hits):
            before, after = left[-CONTEXT_COLUMNS:], right[:CONTEXT_COLUMNS]
            if is_rtl(hit or right):  # the words before an Arabic hit sit on its right
                before, after = after, before
            item = QTreeWidgetItem(self.hit_list, [self._titles[source_id], before, hit, after])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            item.setCheckState(0, Qt.CheckState.Checked)
            item.setFont(2, bold)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(1, left)
            item.setToolTip(3, right)

    def _connect(self) -> None:
        self.code_combo.currentIndexChanged.connect(self._on_code_combo_current_index_changed)
        self.new_code_edit.textChanged.connect(self._on_new_code_edit_text_changed)
        self.unit_combo.currentIndexChanged.connect(self.update_preview)
        self.hit_list.itemChanged.connect(self._on_hit_list_item_changed)
        self.all_button.clicked.connect(lambda: self.tick_all(True))
        self.none_button.clicked.connect(lambda: self.tick_all(False))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # -- choices -----------------------------------------------------------------------

    def unit(self) -> str:
        """The unit chosen: "hit", "sentence", "paragraph" or "source"."""
        return self.unit_combo.currentData()

    def set_unit(self, unit: str) -> None:
        """Choose a unit."""
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit))

    def choose_code(self, code_id: int | None, new_name: str = "") -> None:
        """Choose an existing code, or (``code_id`` None) a new code called ``new_name``."""
        self.code_combo.setCurrentIndex(self.code_combo.findData(
            NEW_CODE if code_id is None else code_id))
        self.new_code_edit.setText(new_name)

    def code_label(self) -> str:
        """The chosen code as the user sees it ("" while a new code has no name)."""
        if self.code_combo.currentData() == NEW_CODE:
            return " ".join(self.new_code_edit.text().split())
        return self.code_combo.currentText()

    def ticked(self) -> list[int]:
        """Indexes (into ``hits``) of the hits ticked."""
        return [item.data(0, Qt.ItemDataRole.UserRole) for item in self._items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def tick(self, indexes: Iterable[int]) -> None:
        """Tick exactly these hits."""
        wanted = set(indexes)
        self.hit_list.blockSignals(True)
        for item in self._items():
            on = item.data(0, Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.hit_list.blockSignals(False)
        self.update_preview()

    def tick_all(self, on: bool) -> None:
        """Tick every hit, or none."""
        self.tick(range(len(self.hits)) if on else [])

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.hit_list.topLevelItem(i) for i in range(self.hit_list.topLevelItemCount())]

    # -- what will be coded --------------------------------------------------------------

    def passages(self) -> list[Passage]:
        """The passages the ticked hits grow to, in order, each once."""
        found: dict[tuple[int, int, int], Passage] = {}
        unit = self.unit()
        for i in self.ticked():
            source_id, start, end = self.hits[i][:3]
            a, b = expand(self._texts[source_id], start, end, unit)
            if a < b:
                found.setdefault((source_id, a, b), Passage(source_id, a, b)).hits.append(
                    (start, end))
        return list(found.values())

    def spans(self) -> list[tuple[int, int, int]]:
        """The ``(source_id, start, end)`` spans that will be coded."""
        return [(p.source_id, p.start, p.end) for p in self.passages()]

    def update_preview(self) -> None:
        """Show the passages that will be coded, and say how many."""
        passages = self.passages()
        self._show_summary(passages)
        self._show_passages(passages)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Code {_count(len(passages), 'Passage')}" if passages else "Code")
        ok.setEnabled(bool(passages) and bool(self.code_label()))

    def _show_summary(self, passages: list[Passage]) -> None:
        n_hits, code = len(self.ticked()), self.code_label() or "the new code"
        if not passages:
            self.summary.setText("Tick the hits to code.")
            return
        shared = n_hits - len(passages)
        note = f" ({_count(shared, 'hit')} share a passage with another)" if shared > 0 else ""
        sources = len({p.source_id for p in passages})
        self.summary.setText(f"<b>{_count(len(passages), 'passage')}</b> in "
                             f"{_count(sources, 'source')} will be coded “{_esc(code)}”{note}:")

    def _show_passages(self, passages: list[Passage]) -> None:
        self.preview.clear()
        cursor = QTextCursor(self.preview.document())
        for n, passage in enumerate(passages[:PREVIEW_PASSAGES]):
            self._add_passage(cursor, passage, first=n == 0)
        if len(passages) > PREVIEW_PASSAGES:
            cursor.insertBlock()
            cursor.insertText(f"… and {_count(len(passages) - PREVIEW_PASSAGES, 'more passage')}.")
        self.preview.moveCursor(QTextCursor.MoveOperation.Start)

    def _add_passage(self, cursor: QTextCursor, passage: Passage, *, first: bool) -> None:
        text = self._texts[passage.source_id]
        head, body = QTextCharFormat(), QTextCharFormat()
        head.setForeground(QColor("#6b6b6b"))
        head.setFontPointSize(self.preview.font().pointSizeF() * 0.9)
        block = QTextBlockFormat()
        block.setTopMargin(0 if first else 10)
        if not first:
            cursor.insertBlock(block)
        else:
            cursor.setBlockFormat(block)
        cursor.insertText(self._titles[passage.source_id], head)
        rtl = is_rtl(text[passage.start:passage.end])
        line = QTextBlockFormat()
        line.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl
                                else Qt.LayoutDirection.LeftToRight)
        cursor.insertBlock(line)
        for piece, is_hit in _pieces(text, passage):
            form = QTextCharFormat(body)
            if is_hit:
                form.setFontWeight(QFont.Weight.Bold)
                form.setBackground(QColor("#fff2a8"))
            cursor.insertText(piece.replace("\n", "\u2028"), form)

    # -- coding --------------------------------------------------------------------------

    def operation(self):
        """The operation that codes the passages (creating the new code first, if any)."""
        spans, coder = self.spans(), self._session.coder_id()
        if self.code_combo.currentData() == NEW_CODE:
            return bind(code_spans_with_new_code, path=self.code_label(), spans=spans,
                        coder_id=coder)
        return bind(code_spans, spans=spans, code_id=self.code_combo.currentData(),
                    coder_id=coder)

    def apply(self) -> Step:
        """Code the passages as one undoable step, on the worker; the dialog closes when
        they are coded, and stays open (saying why) when the core refuses."""
        n = len(self.passages())
        step = self._session.run(self.operation(), initiator=self, slow=True,
                                 done=self._on_coded, refused=self._on_refused)
        self.progress.follow(step.task, f"Coding {_count(n, 'passage')}…")
        self._set_running(True)
        return step

    def accept(self) -> None:
        """Code (the dialog closes when that is done)."""
        if self.passages() and self.code_label() and not self.progress.is_running():
            self.apply()

    def reject(self) -> None:
        """Close, or, while coding, Cancel (nothing is coded)."""
        if not self.progress.cancel():
            super().reject()

    def _set_running(self, running: bool) -> None:
        for widget in (self.code_combo, self.new_code_edit, self.unit_combo, self.hit_list,
                       self.all_button, self.none_button):
            widget.setEnabled(not running)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not running)
        # While coding, the progress's Cancel is the one Cancel.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setVisible(not running)

    def _on_coded(self, excerpt_ids: list[int]) -> None:
        self.coded = excerpt_ids
        super().accept()

    def _on_refused(self, message: str) -> None:
        self._set_running(False)
        self.update_preview()
        if message == CANCELLED:
            self.summary.setText(message)
        else:
            QMessageBox.warning(self, "Code All Hits", message)

    # -- what the widgets report ---------------------------------------------------------

    def _on_code_combo_current_index_changed(self, _index: int) -> None:
        new = self.code_combo.currentData() == NEW_CODE
        self.new_code_edit.setVisible(new)
        if new:
            self.new_code_edit.setFocus()
        self.update_preview()

    def _on_new_code_edit_text_changed(self, _text: str) -> None:
        self.update_preview()

    def _on_hit_list_item_changed(self, _item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self.update_preview()


def code_hits(session: ProjectSession, hits: list[Hit], parent: QWidget | None = None) -> bool:
    """Offer to code search hits; True when they were coded (one undoable step)."""
    if not hits:
        return False
    dialog = CodeHitsDialog(session, hits, parent)
    return bool(dialog.exec()) and dialog.coded is not None


def _pieces(text: str, passage: Passage) -> list[tuple[str, bool]]:
    """The passage as (text, is a hit) pieces; a long passage keeps its start and end."""
    marks = sorted((max(a, passage.start), min(b, passage.end)) for a, b in passage.hits)
    pieces, at = [], passage.start
    for a, b in marks:
        if a > at:
            pieces.append((text[at:a], False))
        if b > max(a, at):
            pieces.append((text[max(a, at):b], True))
        at = max(at, b)
    if at < passage.end:
        pieces.append((text[at:passage.end], False))
    return _shortened(pieces, passage.end - passage.start)


def _shortened(pieces: list[tuple[str, bool]], length: int) -> list[tuple[str, bool]]:
    """Pieces of a passage longer than PREVIEW_CHARS cut in the middle, saying how much."""
    if length <= PREVIEW_CHARS:
        return pieces
    head, tail = PREVIEW_CHARS * 2 // 3, PREVIEW_CHARS // 3
    gap = (f" … [{length - head - tail:,} more characters] … ", False)
    return _take(pieces, head) + [gap] + [(p[::-1], h) for p, h in
                                          reversed(_take([(p[::-1], h) for p, h in
                                                          reversed(pieces)], tail))]


def _take(pieces: list[tuple[str, bool]], n: int) -> list[tuple[str, bool]]:
    """The first ``n`` characters of the pieces, as pieces."""
    out: list[tuple[str, bool]] = []
    for piece, hit in pieces:
        if n <= 0:
            break
        out.append((piece[:n], hit))
        n -= len(piece)
    return out


def _title(detail: dict[str, Any]) -> str:
    title = " ".join((detail.get("title") or "").split())
    if title:
        return title
    who = detail.get("author") or (f"@{detail['handle']}" if detail.get("handle") else "")
    return f"{who}: post" if who else f"Source {detail['id']}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
