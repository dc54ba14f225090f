"""Coding in the Reader: paint the shown source's excerpts and run the coding actions.

:class:`ReaderCoding` belongs to one :class:`desktop.views.reader.Reader`. It reads the
excerpts of the shown source (only the coders the session shows), paints them as
``ExtraSelection`` layers and margin stripes (:mod:`desktop.views.reader_layers`), and
turns the user's actions -- context menu, quick-code palette, number keys, drops --
into operations (``db.ops``). Each action runs through the session's runner as one
undoable step named for the Edit menu ("Apply code 'Despair'"); an action the core
refuses (a blank selection, a taken name) shows its message beside the text and
leaves neither the project nor the undo history changed. The Reader repaints when the
session announces a change to excerpts, codings, codes or coders, whoever made it
(this window, another window, a command in a terminal).
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolTip

from db.changes import Changes
from db.models import Code, Coder, Coding, Excerpt, Memo
from db.ops import bind
from db.ops import coding as coding_ops
from db.ops.actions import code_in_vivo
from db.queries import codes as code_queries
from db.queries import excerpts as excerpt_queries
from db.queries import memos as memo_queries
from desktop.views import reader_layers as layers
from desktop.views.reader_menu import coding_menu
from desktop.views.reader_paint import Highlighter
from desktop.widgets import quick_code
from desktop.widgets.margin import Stripe
from desktop.widgets.quick_code import QuickCodePalette

if TYPE_CHECKING:
    from desktop.session import ProjectSession, Step
    from desktop.views.reader import Reader

WATCHED = (Excerpt.__tablename__, Coding.__tablename__, Code.__tablename__,
           Coder.__tablename__, Memo.__tablename__)
MAX_RECENT = 5
MAX_IN_VIVO = 80
_TRIM = string.punctuation + string.whitespace + "“”‘’«»„‹›،؛؟…—–"


def in_vivo_name(text: str) -> str:
    """The selected words as a code name: one line, without surrounding punctuation."""
    name = " ".join(text.split()).strip(_TRIM)
    if len(name) > MAX_IN_VIVO:
        name = name[:MAX_IN_VIVO].rsplit(" ", 1)[0]
    return name


class ReaderCoding(QObject):
    """The coding half of a Reader: what it paints and what the user can do to it."""

    excerpts_painted = Signal(int)  # how many excerpts the Reader now shows

    def __init__(self, reader: Reader) -> None:
        super().__init__(reader)
        self._reader = reader
        self.session: ProjectSession | None = None
        self._excerpts: list[dict[str, Any]] = []
        self._memos: set[int] = set()  # the painted excerpts that have a memo
        self._codes: list[dict[str, Any]] | None = None
        self._recent: list[int] = []
        self._palette: QuickCodePalette | None = None
        self._stripes: dict[layers.Layer, Stripe] = {}
        self.highlighter = Highlighter(reader.view)
        self.marker_color = layers.MARKER_COLOR
        view = reader.view
        view.span_of_selection = self._selected_span_with_source
        view.code_dropped.connect(self._on_view_code_dropped)
        view.margin.stripe_clicked.connect(self._on_margin_stripe_clicked)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.actions = self._make_actions()

    # -- actions ------------------------------------------------------------------

    def _make_actions(self) -> dict[str, QAction]:
        """The keyboard actions, active while the focus is in the Reader."""
        made = {
            "quick_code": self._action("Quick code…", ["Ctrl+K", "Ctrl+E"], self.quick_code),
            "in_vivo": self._action("New code from selection (in vivo)", ["Ctrl+I"],
                                    self.new_code_from_selection),
            "highlight": self._action("Highlight selection", ["Ctrl+Shift+H"],
                                      lambda: self.highlight(self.marker_color)),
        }
        for n in range(1, quick_code.MAX_FAVOURITES + 1):
            made[f"favourite_{n}"] = self._action(
                f"Apply favourite code {n}", [str(n)],
                lambda _checked=False, n=n: self.apply_favourite(n))
        return made

    def _action(self, text: str, keys: list[str], slot) -> QAction:
        action = QAction(text, self._reader)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        action.setEnabled(False)
        self._reader.addAction(action)
        return action

    def _enable_actions(self) -> None:
        on = self.session is not None and self._reader.source() is not None
        for action in self.actions.values():
            action.setEnabled(on)

    # -- the session --------------------------------------------------------------

    def set_session(self, session: ProjectSession | None) -> None:
        """Code into ``session``'s project (None: show and code nothing)."""
        if self.session is not None:
            self.session.project_changed.disconnect(self._on_session_project_changed)
            self.session.coder_filter_changed.disconnect(self._on_session_coder_filter_changed)
        self.session, self._codes, self._recent = session, None, []
        if session is not None:
            session.project_changed.connect(self._on_session_project_changed)
            session.coder_filter_changed.connect(self._on_session_coder_filter_changed)
        self.source_shown()

    def _on_session_project_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touched(Code.__tablename__):
            self._codes = None
        if changes.touched(*WATCHED):
            self.refresh()

    def _on_session_coder_filter_changed(self, _coders: object) -> None:
        self.refresh()

    # -- painting -----------------------------------------------------------------

    def source_shown(self) -> None:
        """The Reader shows another source (or none): show its margin and excerpts."""
        detail = self._reader.source()
        direction = self._reader.text_direction()
        self._stripes = {}
        self._reader.view.show_margin(self.session is not None and detail is not None,
                                      direction)
        self._enable_actions()
        self.refresh()

    def refresh(self) -> None:
        """Read the shown source's excerpts again and repaint them."""
        detail = self._reader.source()
        if self.session is None or detail is None:
            self._excerpts = []
        else:
            with self.session.read() as s:
                self._excerpts = excerpt_queries.for_source(
                    s, detail["id"], coder_ids=self.session.visible_coders)
                self._memos = set(memo_queries.memo_counts(
                    s, "excerpt", [ex["id"] for ex in self._excerpts]))
        self._paint()

    def _paint(self) -> None:
        """Highlights in the text and stripes in the margin for the excerpts read."""
        reader, view = self._reader, self._reader.view
        shown = layers.layers_of(self._excerpts)
        text = (reader.source() or {}).get("text") or ""
        self.highlighter.show_layers(shown, text, reader.offsets)
        self._stripes = layers.stripes(shown, reader.offsets, text, self._stripes)
        for stripe in self._stripes.values():
            stripe.memo = stripe.key in self._memos
        view.margin.set_stripes(list(self._stripes.values()))
        self.excerpts_painted.emit(len(self._excerpts))

    def excerpts(self) -> list[dict[str, Any]]:
        """The excerpts painted, as ``db.queries.excerpts.for_source`` gives them."""
        return list(self._excerpts)

    def excerpts_at(self, pos: int) -> list[dict[str, Any]]:
        """The painted excerpts covering code point ``pos``, innermost first."""
        found = [ex for ex in self._excerpts if ex["start"] <= pos < ex["end"]]
        return sorted(found, key=lambda ex: (ex["end"] - ex["start"], ex["id"]))

    def excerpt(self, excerpt_id: int) -> dict[str, Any] | None:
        """The painted excerpt with this id, if it is shown."""
        return next((ex for ex in self._excerpts if ex["id"] == excerpt_id), None)

    # -- codes --------------------------------------------------------------------

    def codes(self) -> list[dict[str, Any]]:
        """The codebook (``code_tree`` rows), read once per change to the codes."""
        if self._codes is None:
            if self.session is None:
                return []
            with self.session.read() as s:
                self._codes = code_queries.code_tree(s)
        return self._codes

    def code_name(self, code_id: int) -> str:
        return next((c["name"] for c in self.codes() if c["id"] == code_id), f"#{code_id}")

    def recent_codes(self) -> list[dict[str, Any]]:
        """The codes applied most recently in this Reader, newest first."""
        by_id = {c["id"]: c for c in self.codes()}
        return [by_id[i] for i in self._recent if i in by_id]

    def favourites(self) -> dict[int, int]:
        """``{key: code id}`` of the favourite codes that still exist."""
        if self.session is None:
            return {}
        return quick_code.favourite_keys(self.session.project.uuid,
                                         {c["id"] for c in self.codes()})

    def favourite_ids(self) -> list[int]:
        """Every code marked favourite, in key order (only the first nine have keys)."""
        if self.session is None:
            return []
        return quick_code.favourite_codes(self.session.project.uuid)

    def set_favourite(self, code_id: int, favourite: bool) -> None:
        """Mark a code as a favourite (keys 1-9 apply the first nine) or unmark it."""
        if self.session is not None:
            quick_code.set_favourite(self.session.project.uuid, code_id, favourite)

    # -- coding actions -----------------------------------------------------------

    def apply_code(self, code_id: int) -> bool:
        """Apply a code to the selected text; True when it was applied."""
        span = self._selection_or_say()
        if span is None:
            return False
        op = bind(coding_ops.code_span, source_id=self._source_id(), start=span[0],
                  end=span[1], code_id=code_id, coder_id=self.session.coder_id())
        if self._run(op, f"Apply code '{self.code_name(code_id)}'", collapse=True) is None:
            return False
        self._recent = [code_id] + [i for i in self._recent if i != code_id][:MAX_RECENT - 1]
        return True

    def apply_code_to_excerpt(self, excerpt_id: int, code_id: int) -> bool:
        """Add a code to an existing excerpt (a code dropped on it)."""
        op = bind(coding_ops.apply_code, excerpt_id=excerpt_id, code_id=code_id,
                  coder_id=self.session.coder_id())
        return self._run(op, f"Apply code '{self.code_name(code_id)}'") is not None

    def apply_favourite(self, key: int) -> bool:
        """Apply the favourite code on number key ``key`` to the selection."""
        code_id = self.favourites().get(key)
        if code_id is None:
            self._say(f"No favourite code on key {key}. Right-click the text and mark "
                      "codes under Favourite codes.")
            return False
        return self.apply_code(code_id)

    def new_code_from_selection(self) -> int | None:
        """In vivo: the selected words become a new code, applied to them; its id."""
        span = self._selection_or_say()
        if span is None:
            return None
        name = in_vivo_name(self._reader.source()["text"][span[0]:span[1]])
        if not name:
            self._say("The selection has no words to name a code with.")
            return None
        op = bind(code_in_vivo, name=name, source_id=self._source_id(), start=span[0],
                  end=span[1], coder_id=self.session.coder_id())
        result = self._run(op, f"New code '{name}' from selection", collapse=True)
        return None if result is None else result.value

    def highlight(self, color: str) -> bool:
        """Mark the selection with a colour and no code (to code later)."""
        span = self._selection_or_say()
        if span is None:
            return False
        self.marker_color = color
        op = bind(coding_ops.code_span, source_id=self._source_id(), start=span[0],
                  end=span[1], code_id=None, coder_id=self.session.coder_id(), color=color)
        return self._run(op, "Highlight", collapse=True) is not None

    def remove_code(self, excerpt_id: int, code_id: int) -> bool:
        """Take one code off an excerpt."""
        op = bind(coding_ops.remove_code, excerpt_id=excerpt_id, code_id=code_id)
        return self._run(op, f"Remove code '{self.code_name(code_id)}'") is not None

    def delete_excerpt(self, excerpt_id: int) -> bool:
        """Delete an excerpt with all its codes."""
        op = bind(coding_ops.delete_excerpt, excerpt_id=excerpt_id)
        return self._run(op, "Delete excerpt") is not None

    def memo_requested(self, kind: str, target_id: int) -> None:
        """Ask the window for the memo on a target of this source ("excerpt", "source")."""
        self._reader.memo_requested.emit(kind, target_id)

    def memo_on_selection(self) -> bool:
        """A memo on the selected words: they become an excerpt with no code (highlighted
        in the marker colour, one undoable step), whose memo then opens."""
        span = self._selection_or_say()
        if span is None:
            return False
        op = bind(coding_ops.code_span, source_id=self._source_id(), start=span[0],
                  end=span[1], code_id=None, coder_id=self.session.coder_id(),
                  color=self.marker_color)
        step = self.session.run(op, label="Highlight for a memo", initiator=self._reader,
                                done=lambda excerpt_id: self.memo_requested("excerpt",
                                                                            excerpt_id),
                                refused=self._say)
        return not step.refused

    def resize_excerpt(self, excerpt_id: int) -> bool:
        """Give an excerpt the boundaries of the selection."""
        span = self._selection_or_say()
        if span is None:
            return False
        shown = self.excerpt(excerpt_id)  # refused if someone changed it since it was painted
        op = bind(coding_ops.resize_excerpt, excerpt_id=excerpt_id, start=span[0], end=span[1],
                  expected_version=shown["version"] if shown else None)
        return self._run(op, "Resize excerpt", collapse=True) is not None

    def quick_code(self) -> None:
        """Open the quick-code palette by the selection; Enter applies the code."""
        if self._selection_or_say() is None:
            return
        if not self.codes():
            self._say("The codebook is empty: make a code with New code from selection.")
            return
        if self._palette is None:
            self._palette = QuickCodePalette(self._reader)
            self._palette.code_chosen.connect(self.apply_code)
        self._palette.set_codes(self.codes(), self.favourites())
        view = self._reader.view
        corner = view.cursorRect().bottomLeft() + QPoint(0, 4)
        self._palette.open_at(view.viewport().mapToGlobal(corner))

    @property
    def palette(self) -> QuickCodePalette | None:
        """The quick-code palette, once it has been opened."""
        return self._palette

    # -- running an action --------------------------------------------------------

    def _run(self, op, label: str, *, collapse: bool = False) -> Step | None:
        """Run ``op`` through the session's runner as one step called ``label``; None
        when the core refused it, which changes nothing (its message is shown)."""
        done = (lambda _value: self._collapse_selection()) if collapse else None
        self._reader.view.working_at = self._reader.view.textCursor().selectionStart()
        step = self.session.run(op, label=label, initiator=self._reader, done=done,
                                refused=self._say)
        return None if step.refused else step

    def _collapse_selection(self) -> None:
        """Drop the selection (keeping the cursor) so the new colour shows at once."""
        view = self._reader.view
        bars = (view.verticalScrollBar(), view.horizontalScrollBar())
        place = [bar.value() for bar in bars]
        cursor = view.textCursor()
        cursor.clearSelection()
        view.setTextCursor(cursor)  # it would scroll to the cursor: the reader stays put
        for bar, value in zip(bars, place, strict=True):
            bar.setValue(value)

    def _selection_or_say(self) -> tuple[int, int] | None:
        """The selected span, or None after telling the user to select something."""
        if self.session is None or self._reader.source() is None:
            return None
        span = self._reader.selection_span()
        if span is None:
            self._say("Select the text to code first.")
        return span

    def _source_id(self) -> int:
        return self._reader.source()["id"]

    def _selected_span_with_source(self) -> tuple[int, int, int] | None:
        span = self._reader.selection_span()
        detail = self._reader.source()
        return None if span is None or detail is None else (detail["id"], *span)

    def _say(self, message: str) -> None:
        """Tell the user why nothing happened: beside the text and to the window."""
        view = self._reader.view
        at = view.viewport().mapToGlobal(view.cursorRect().bottomLeft())
        QToolTip.showText(at, message, view)
        self._reader.message.emit(message)

    # -- what the widgets report --------------------------------------------------

    def _on_view_code_dropped(self, code_id: int, point: QPoint) -> None:
        """A dropped code codes the selection, else the excerpt under the drop."""
        if self.session is None or self._reader.source() is None:
            return
        if self._reader.selection_span() is not None:
            self.apply_code(code_id)
            return
        pos = self._reader.position_at(point)
        under = self.excerpts_at(pos) if pos is not None else []
        if under:
            self.apply_code_to_excerpt(under[0]["id"], code_id)
        else:
            self._say("Select the text to code, or drop the code onto an excerpt.")

    def _on_margin_stripe_clicked(self, excerpt_id: int) -> None:
        excerpt = self.excerpt(excerpt_id)
        if excerpt is not None:
            self._reader.select_span(excerpt["start"], excerpt["end"])
            self._reader.excerpt_activated.emit(excerpt_id)

    def _on_view_context_menu_requested(self, point: QPoint) -> None:
        menu = coding_menu(self, point)
        menu.exec(self._reader.view.viewport().mapToGlobal(point))
        menu.deleteLater()
