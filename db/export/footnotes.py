"""Real footnotes for reportlab: each note at the foot of the page where its marker stands.

platypus has no footnotes, so the page keeps a :class:`NoteArea` at the bottom of its
frame that grows as notes are placed:

* :class:`NotesFrame` is a Frame whose bottom (``_y1p``, what platypus measures the free
  space against) is raised by the area's height, so everything laid out after a note
  sees the page shortened by it;
* a :class:`~db.export.richtext.RichText` that carries markers asks the area, while it
  is being fitted, how much room its notes need; it fits only with that room, else it
  splits between lines so that each part's notes fit with it;
* when the part is drawn it hands its notes to the area (:meth:`NoteArea.place`). A note
  that does not fit whole is split between lines: its first lines stay on the marker's
  page, the rest is carried to the top of the next page's area (and further, a page at a
  time, taking at most half of each), before the notes of that page. While a note is
  carried, no other marker may be set on the page (its note would have to wait behind
  the carried one), so text with markers moves on: a marker's note always starts on
  its page;
* at the end of each page :class:`NotesDoc` draws the area (a short rule, then the notes)
  and starts the next page with the carried parts; :class:`NotesTail`, the story's last
  flowable, adds pages until no carried note is left.

Numbers are given in story order before layout, so they run on through the document.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.colors import HexColor
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak

GAP = 2.0  # above each note
RULE = 9.0  # the separator rule's band above the first note of a page
CAP = 0.5  # carried notes take at most this share of a page
BLOCKED = 1e6  # the room asked for when no note may start on this page
SHORT, MIN_LINES = 3, 2  # notes of 3 lines or fewer are never split; others after 2 lines


class Note:
    """One footnote: its number and its text as a RichText (set at the frame width)."""

    def __init__(self, number: int, flow):
        self.number, self.flow = number, flow
        flow.note_number = number


class NoteArea:
    """The notes of the current page, and the parts waiting for the next one."""

    def __init__(self, width: float):
        self.width = width
        self.frame: NotesFrame | None = None
        self.placed: list = []  # RichText parts on this page
        self.carry: list = []  # parts for the next page
        self.used = 0.0
        self.page = 0
        self.marker_pages: dict[int, int] = {}  # note number -> page of its marker
        self.note_pages: dict[int, int] = {}  # note number -> page where it begins
        self.continued: list[int] = []  # pages whose notes begin with a carried part

    # --- measuring -----------------------------------------------------------------------

    def _height(self, flow) -> float:
        return flow.wrap(self.width, 1e9)[1]

    def need(self, notes: list[Note]) -> float:
        """The room ``notes`` take on this page: every one whole but the last, which may
        split after :data:`MIN_LINES` lines when it is longer than :data:`SHORT` lines."""
        if not notes:
            return 0.0
        if self.carry:  # a note goes on overleaf: a new one would start after it, there
            return BLOCKED
        h = 0.0 if self.placed else RULE
        for note in notes[:-1]:
            h += GAP + self._height(note.flow)
        return h + GAP + self._first_part(notes[-1].flow)

    def _first_part(self, flow) -> float:
        """The least of a note that may stay on its marker's page."""
        full = self._height(flow)
        heights = flow._heights
        return full if len(heights) <= SHORT else full - sum(heights[MIN_LINES:])

    # --- placing -------------------------------------------------------------------------

    def bottom(self) -> float:
        """The frame's own bottom (the area grows up from it)."""
        return self.frame.base_bottom if self.frame is not None else 0.0

    def place(self, notes: list[Note], flow_bottom: float) -> None:
        """Put ``notes`` on this page below a flowable whose bottom is at ``flow_bottom``."""
        room = flow_bottom - self.bottom() - self.used
        for note in notes:
            self.marker_pages[note.number] = self.page
            if self.carry:
                self.carry.append(note.flow)
                continue
            room = self._put(note.flow, room)

    def _put(self, flow, room: float) -> float:
        """Place ``flow`` whole, or its first lines (carrying the rest), or carry it."""
        rule = 0.0 if self.placed else RULE
        h = self._height(flow)
        if rule + GAP + h <= room + 0.01:
            self._add(flow, rule + GAP + h)
            return room - rule - GAP - h
        parts = flow.split(self.width, room - rule - GAP) if room - rule - GAP > 0 else []
        if len(parts) == 2:
            first_h = parts[0].wrap(self.width, 1e9)[1]
            parts[1].note_number = None  # a continuation
            self._add(parts[0], rule + GAP + first_h, getattr(flow, "note_number", None))
            self.carry.append(parts[1])
            return room - rule - GAP - first_h
        self.carry.append(flow)
        return room

    def _add(self, flow, h: float, number: int | None = None) -> None:
        number = getattr(flow, "note_number", None) if number is None else number
        if number is not None:
            self.note_pages.setdefault(number, self.page)
        elif not self.placed:
            self.continued.append(self.page)
        self.placed.append(flow)
        self.used += h

    def start_page(self, page_height: float, page: int = 0) -> None:
        """Begin page ``page`` with the carried parts (up to :data:`CAP` of the page)."""
        carried, self.carry, self.placed, self.used = self.carry, [], [], 0.0
        self.page = page
        room = page_height * CAP
        for flow in carried:
            if self.carry:
                self.carry.append(flow)
            else:
                room = self._put(flow, room)

    def pending(self) -> bool:
        """Whether parts are waiting for a next page."""
        return bool(self.carry)

    # --- drawing -------------------------------------------------------------------------

    def draw(self, canv, x: float) -> None:
        """Draw the rule and this page's notes at the foot of the frame."""
        if not self.placed:
            return
        y = self.bottom() + self.used
        canv.saveState()
        canv.setStrokeColor(HexColor("#888888"))
        canv.setLineWidth(0.5)
        canv.line(x, y - RULE / 2, x + min(120.0, self.width / 3), y - RULE / 2)
        canv.restoreState()
        y -= RULE
        for flow in self.placed:
            h = flow.wrap(self.width, 1e9)[1]
            y -= GAP + h
            flow.drawOn(canv, x, y)


class NotesFrame(Frame):
    """A Frame whose usable bottom rises with the footnote area.

    Frame keeps its geometry in ``__dict__`` (its ``__setattr__`` writes there), so the
    property below reads the frame's own bottom from there and adds the area's height.
    """

    def __init__(self, area: NoteArea, *args, **kwargs):
        self.__dict__["area"] = area
        super().__init__(*args, **kwargs)
        area.frame = self

    @property
    def base_bottom(self) -> float:
        """The bottom of the frame's content, without footnotes."""
        return self.__dict__["_y1p"]

    @property
    def _y1p(self) -> float:
        return self.__dict__["_y1p"] + self.area.used


class NotesDoc(BaseDocTemplate):
    """A document that draws each page's footnotes and reports progress per flowable."""

    def __init__(self, filename, *, area: NoteArea,
                 on_flowable: Callable[[Flowable], None] | None = None, **kwargs):
        super().__init__(filename, **kwargs)
        self.area, self.on_flowable = area, on_flowable

    def beforePage(self):  # noqa: N802 (reportlab's names)
        """Begin the page's footnote area with what the last page carried over."""
        frame = self.area.frame
        self.area.start_page(frame._height if frame is not None else self.height, self.page)

    def handle_pageEnd(self):  # noqa: N802
        """Draw the footnotes before the page is shown."""
        if self.area.frame is not None:
            self.area.draw(self.canv, self.area.frame._x1 + self.area.frame._leftPadding)
        super().handle_pageEnd()

    def afterFlowable(self, flowable):  # noqa: N802
        """Report progress (and let the caller cancel) after each flowable."""
        if self.on_flowable is not None:
            self.on_flowable(flowable)


class NotesTail(Flowable):
    """The story's last flowable: breaks pages until every carried note is printed."""

    def __init__(self, area: NoteArea):
        super().__init__()
        self.area = area

    def wrap(self, availWidth, availHeight):  # noqa: N803
        """Nothing to draw; asks for more than the page when notes are still waiting."""
        return availWidth, (availHeight + 1.0 if self.area.pending() else 0.0)

    def split(self, availWidth, availHeight):  # noqa: N803
        """A page break, then itself again."""
        return [PageBreak(), NotesTail(self.area)] if self.area.pending() else []

    def draw(self):
        """Nothing to draw."""
