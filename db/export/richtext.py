"""RichText: the one flowable every text of an export is set in.

It takes plain logical text (never markup: ``<b>`` or ``&amp;`` in a source are printed
as they are), style pieces, highlight bands and margin marks, and sets it with
:mod:`db.export.arabic` (logical line breaking, per-line bidi, HarfBuzz shaping). It
splits between lines, so long excerpts and footnotes flow over pages, and it tells the
footnote area (:mod:`db.export.footnotes`) which notes its lines carry, so that every
note starts on the page of its marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from reportlab.lib.colors import HexColor as _HexColor
from reportlab.platypus import Flowable, PageBreak

from db.export import fonts
from db.export.arabic import (
    Face,
    Line,
    Run,
    Style,
    faces,
    layout,
    needs_shaping,
    shape,
    visual_runs,
)
from db.export.arabic import width as text_width

HexColor = lru_cache(maxsize=1024)(_HexColor)
# Line boxes in multiples of the set size (Amiri needs room for its marks).
ASCENT = {fonts.LATIN: 0.93, fonts.ARABIC: 0.78, fonts.EMOJI: 0.93}
DESCENT = {fonts.LATIN: 0.3, fonts.ARABIC: 0.42, fonts.EMOJI: 0.3}
LEADING = {fonts.LATIN: 1.32, fonts.ARABIC: 1.3, fonts.EMOJI: 1.32}
LABEL_SIZE = 6.8
LANE = 3.2  # width of a margin stripe, gap included
MAX_LANES = 8


@dataclass(frozen=True)
class Band:
    """Highlight colours over logical [start, end): one stripe per colour, stacked."""

    start: int
    end: int
    colors: tuple[str, ...]


@dataclass(frozen=True)
class Mark:
    """A margin stripe beside [start, end), with its label where it begins."""

    start: int
    end: int
    color: str
    label: str
    label_color: str = "#000000"


@dataclass(frozen=True)
class Box:
    """A frame drawn around the text (a memo's note box)."""

    fill: str = "#fff8dc"
    stroke: str = "#d8c690"
    pad: float = 5.0


@dataclass
class Setting:
    """Everything about a text that does not change when it is split."""

    text: str
    pieces: list[tuple[int, int, Face]]
    bands: list[Band] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    notes: list[tuple[int, Any]] = field(default_factory=list)  # (offset, Note)
    gutter: float = 0.0
    box: Box | None = None
    base: int | None = None
    align: str = ""  # "", "center" or "right"; "" follows each paragraph's direction
    outline: tuple[str, int, str] | None = None  # (title, level, key)
    links: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, URI)


def rich(text: str, styles: list[tuple[int, int, Style]] | None = None, *,
         style: Style | None = None, area=None, space_before: float = 0.0,
         space_after: float = 0.0, **options: Any) -> RichText:
    """A RichText over ``text`` in ``style`` (or the style pieces ``styles``); ``options``
    are :class:`Setting` fields, ``area`` the footnote area its notes go to."""
    styles = styles or [(0, len(text), style or Style())]
    return RichText(Setting(text, faces(text, styles), **options), area=area,
                    space_before=space_before, space_after=space_after)


class RichText(Flowable):
    """Logical text set line by line; splits between lines; registers its footnotes."""

    def __init__(self, setting: Setting, *, area=None, lines: list[Line] | None = None,
                 first: bool = True, last: bool = True, space_before: float = 0.0,
                 space_after: float = 0.0):
        super().__init__()
        self.setting, self.area = setting, area
        self.first, self.last = first, last
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self._lines, self._width = lines, None if lines is None else -1.0
        self._heights: list[float] = []
        self.width = self.height = 0.0

    # --- layout --------------------------------------------------------------------------

    def _pad(self) -> tuple[float, float]:
        box = self.setting.box
        if box is None:
            return 0.0, 0.0
        return (box.pad if self.first else 0.0), (box.pad if self.last else 0.0)

    def _text_width(self, avail: float) -> float:
        box = self.setting.box
        return max(20.0, avail - self.setting.gutter - (2 * box.pad if box else 0.0))

    def lay_out(self, avail: float) -> None:
        """Break the text into lines for ``avail`` points (once per width)."""
        if self._width == -1.0:  # a split part: lines are fixed
            self._width = avail
        if self._width != avail:
            s = self.setting
            self._lines = layout(s.text, s.pieces, self._text_width(avail), s.base)
            self._width = avail
        self._heights = [line_box(self.setting, ln)[2] for ln in self._lines]

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        """Lay out; ask for more than fits when the notes this part carries do not fit."""
        self.lay_out(availWidth)
        self.width, self.height = availWidth, self._own_height()
        need = self.area.need(self.notes()) if self.area is not None else 0.0
        if need and self.height + need > availHeight + 0.01:
            return availWidth, availHeight + 1.0 + min(need, self.height + need)
        return availWidth, self.height

    def _own_height(self) -> float:
        """Lines and paddings, or lower when the margin's labels reach further down."""
        top, bottom = self._pad()
        text = top + sum(self._heights) + bottom
        if not self.setting.marks or not self._lines:
            return text
        tops = _line_tops(text - top, self._heights)
        labels = [y for *_, y in margin_layout(self.setting, self._lines, tops,
                                               self._heights) if y is not None]
        return text + max(0.0, -(min(labels, default=0.0) - 2.0))

    def notes(self, lines: list[Line] | None = None) -> list[Any]:
        """The notes whose markers are on ``lines`` (default: this part's lines)."""
        lines = self._lines if lines is None else lines
        if not lines or not self.setting.notes:
            return []
        a, b = lines[0].start, lines[-1].end
        return [n for off, n in self.setting.notes if a <= off < b or
                (off == b and off == len(self.setting.text))]

    # --- splitting -----------------------------------------------------------------------

    def split(self, availWidth, availHeight):  # noqa: N803
        """Two parts: the lines that fit with their notes (and margin labels), the rest."""
        self.lay_out(availWidth)
        k = self._fitting(availHeight)
        while k > 0 and self._part(0, k).wrap(availWidth, availHeight)[1] > availHeight:
            k -= 1  # the margin's labels reach below the lines: give up a line
        at_top = getattr(getattr(self, "_frame", None), "_atTop", False)
        if k == 0 and at_top:
            if self.area is not None and self.area.pending():
                return [PageBreak(), self]  # the page is taken by a note going on
            k = 1  # an empty page would not help: the line goes, its notes follow later
        if k == 0 or k >= len(self._lines):
            return []
        return [self._part(0, k), self._part(k, len(self._lines))]

    def _fitting(self, avail: float) -> int:
        top, bottom = self._pad()
        used, k = top + bottom, 0
        for i, h in enumerate(self._heights):
            used += h
            need = self.area.need(self.notes(self._lines[:i + 1])) if self.area else 0.0
            if used + need > avail + 0.01:
                break
            k = i + 1
        return k

    def _part(self, i: int, j: int) -> RichText:
        n = len(self._lines)
        setting = self.setting if i == 0 else replace(self.setting, outline=None)
        part = RichText(setting, area=self.area, lines=self._lines[i:j],
                        first=self.first and i == 0, last=self.last and j == n,
                        space_before=self.spaceBefore if i == 0 else 0.0,
                        space_after=self.spaceAfter if j == n else 0.0)
        part.lay_out(self._width)
        return part

    # --- drawing -------------------------------------------------------------------------

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802
        """Draw, then hand this part's notes to the footnote area (it knows the page)."""
        super().drawOn(canvas, x, y, _sW)
        if self.area is not None:
            self.area.place(self.notes(), y)

    def draw(self):
        """Box, outline entry, highlights, text and margin, top to bottom."""
        canv, s = self.canv, self.setting
        top, _ = self._pad()
        if s.box:
            _draw_box(canv, s.box, s.gutter, self.width - s.gutter, self.height)
        if s.outline and self.first:
            title, level, key = s.outline
            canv.bookmarkPage(key, fit="XYZ", top=self.height)
            canv.addOutlineEntry(title, key, level=level, closed=False)
        x0 = s.gutter + (s.box.pad if s.box else 0.0)
        tops = _line_tops(self.height - top, self._heights)
        for line, y in zip(self._lines, tops, strict=True):
            draw_line(canv, s, line, x0, y, self._text_width(self.width))
        if s.marks:
            draw_margin(canv, s, self._lines, tops, self._heights)


def _line_tops(y: float, heights: list[float]) -> list[float]:
    out = []
    for h in heights:
        out.append(y)
        y -= h
    return out


def line_box(setting: Setting, line: Line) -> tuple[float, float, float]:
    """(ascent, descent, height) of a line from the faces on it."""
    asc = desc = lead = 0.0
    for a, b, face in setting.pieces:
        if b <= line.start or a >= max(line.end, line.start + 1):
            continue
        asc = max(asc, face.pt * ASCENT[face.script] + face.rise)
        desc = max(desc, face.pt * DESCENT[face.script])
        lead = max(lead, face.pt * LEADING[face.script])
    if lead == 0.0:  # an empty line: the face just before it
        face = _face_near(setting.pieces, line.start)
        asc, desc, lead = (face.pt * ASCENT[face.script], face.pt * DESCENT[face.script],
                           face.pt * LEADING[face.script])
    return asc, desc, max(lead, asc + desc)


def _face_near(pieces: list[tuple[int, int, Face]], pos: int) -> Face:
    best = pieces[0][2] if pieces else Face()
    for a, _, face in pieces:
        if a > pos:
            break
        best = face
    return best


# --- one line ---------------------------------------------------------------------------------

@dataclass
class Placed:
    """A run with its place on the line and what to draw."""

    run: Run
    x: float
    width: float
    drawable: Any
    shaped: Any = None


def place_runs(text: str, line: Line, pieces: list[tuple[int, int, Face]]) -> list[Placed]:
    """The line's visual runs with their x offsets from the line's left end."""
    out, x = [], 0.0
    for run in visual_runs(text, line, pieces):
        piece, rtl = text[run.start:run.end], bool(run.level % 2)
        if needs_shaping(run.face, rtl):
            shaped = shape(piece, run.face.font, rtl)
            w = shaped.width * run.face.pt / 1000
            out.append(Placed(run, x, w, shaped.text, shaped))
        else:
            w = text_width(piece, run.face)
            out.append(Placed(run, x, w, piece))
        x += w
    return out


def _start_x(setting: Setting, line: Line, total: float, avail: float) -> float:
    align = setting.align or ("right" if line.base % 2 else "")
    if align == "right":
        return avail - total
    if align == "center":
        return (avail - total) / 2
    return 0.0


def draw_line(canv, setting: Setting, line: Line, x0: float, top: float,
              avail: float) -> None:
    """Draw one line (highlights first) with its top at ``top``."""
    asc, desc, height = line_box(setting, line)
    baseline = top - (height - asc - desc) / 2 - asc
    placed = place_runs(setting.text, line, setting.pieces)
    if not placed:
        return
    x = x0 + _start_x(setting, line, placed[-1].x + placed[-1].width, avail)
    for band in setting.bands:
        if band.start < line.end and band.end > line.start:
            _draw_band(canv, setting.text, band, placed, x, baseline - desc, asc + desc)
    for p in placed:
        face = p.run.face
        canv.setFont(face.font, face.pt)
        canv.setFillColor(HexColor(face.color))
        canv.drawString(x + p.x, baseline + face.rise, p.drawable)
    for a, b, uri in setting.links:
        if a < line.end and b > line.start:
            _link(canv, setting.text, (a, b, uri), placed, x, baseline - desc, asc + desc)


def _link(canv, text: str, link: tuple[int, int, str], placed: list[Placed], x: float,
          y: float, h: float) -> None:
    """A live link over the part of a web address on this line."""
    a, b, uri = link
    edges = [run_edges(text, p, max(a, p.run.start), min(b, p.run.end)) for p in placed
             if p.run.start < b and p.run.end > a]
    if edges:
        left, right = min(e[0] for e in edges), max(e[1] for e in edges)
        canv.linkURL(uri, (x + left, y, x + right, y + h), relative=1, thickness=0)


def _draw_band(canv, text: str, band: Band, placed: list[Placed], x: float, y: float,
               h: float) -> None:
    stripe = h / len(band.colors)
    for p in placed:
        a, b = max(band.start, p.run.start), min(band.end, p.run.end)
        if a >= b:
            continue
        left, right = run_edges(text, p, a, b)
        for i, color in enumerate(band.colors):
            canv.setFillColor(HexColor(color))
            canv.rect(x + left, y + h - (i + 1) * stripe, right - left, stripe + 0.05,
                      stroke=0, fill=1)


def run_edges(text: str, p: Placed, a: int, b: int) -> tuple[float, float]:
    """The x extent (from the line's left end) of logical [a, b) within a placed run."""
    face = p.run.face
    if p.shaped is None:
        left = text_width(text[p.run.start:a], face)
        return p.x + left, p.x + left + text_width(text[a:b], face)
    lo, hi, x = None, None, 0.0
    ra, rb = a - p.run.start, b - p.run.start
    for cluster, adv in zip(p.shaped.clusters, p.shaped.advances, strict=True):
        w = adv * face.pt / 1000
        if ra <= cluster < rb:
            lo = x if lo is None else lo
            hi = x + w
        x += w
    if lo is None:
        return p.x, p.x
    return p.x + lo, p.x + hi


def _draw_box(canv, box: Box, x: float, w: float, h: float) -> None:
    canv.setFillColor(HexColor(box.fill))
    canv.setStrokeColor(HexColor(box.stroke))
    canv.setLineWidth(0.6)
    canv.rect(x, 0, w, h, stroke=1, fill=1)


# --- the margin ---------------------------------------------------------------------------------

def margin_layout(setting: Setting, lines: list[Line], tops: list[float],
                  heights: list[float]) -> list[tuple[Mark, int, float, float, float | None]]:
    """Each mark on these lines: (mark, lane, stripe top, stripe bottom, label baseline or
    None). Labels stack downwards when several begin on the same line."""
    lanes = _lanes(setting.marks)
    out, floor = [], None
    for mark, lane in zip(setting.marks, lanes, strict=True):
        rows = [i for i, ln in enumerate(lines) if mark.start < max(ln.end, ln.start + 1)
                and mark.end > ln.start]
        if not rows:
            continue
        label_y = None
        if mark.start >= lines[0].start:  # it begins in this part: label it here
            label_y = tops[rows[0]] - LABEL_SIZE - 1
            if floor is not None:
                label_y = min(label_y, floor - LABEL_SIZE - 1.5)
            floor = label_y
        out.append((mark, lane % MAX_LANES, tops[rows[0]],
                    tops[rows[-1]] - heights[rows[-1]], label_y))
    return out


def draw_margin(canv, setting: Setting, lines: list[Line], tops: list[float],
                heights: list[float]) -> None:
    """Stripes beside the lines each mark covers, and its label where it begins."""
    placed = margin_layout(setting, lines, tops, heights)
    right = setting.gutter - 4.0
    widest = max((lane for _, lane, _, _, _ in placed), default=0)
    width = right - (widest + 1) * LANE - 3
    for mark, lane, y_top, y_bottom, label_y in placed:
        x = right - (lane + 1) * LANE
        canv.setFillColor(HexColor(mark.color))
        canv.rect(x, y_bottom + 1, LANE - 1.0, y_top - y_bottom - 2, stroke=0, fill=1)
        if label_y is not None:
            draw_label(canv, mark.label, width, label_y, LABEL_SIZE, mark.label_color,
                       align="right", max_width=width)


def _lanes(marks: list[Mark]) -> list[int]:
    """A lane per mark: the first whose marks have ended (marks come in start order)."""
    ends: list[int] = []
    out = []
    for m in marks:
        for lane, end in enumerate(ends):
            if end <= m.start:
                ends[lane] = m.end
                out.append(lane)
                break
        else:
            ends.append(m.end)
            out.append(len(ends) - 1)
    return out


def label_width(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` is on one line at ``size``."""
    setting = Setting(text, faces(text, [(0, len(text), Style(bold, size))]))
    return sum(p.width for p in place_runs(text, Line(0, len(text), 0, None, 0.0),
                                           setting.pieces)) if text else 0.0


def draw_label(canv, text: str, x: float, y: float, size: float, color: str = "#000000",
               *, align: str = "left", max_width: float = 1e9, bold: bool = False) -> None:
    """One line of text at baseline ``y``: ``x`` is its left end, or its right end when
    right-aligned, or its centre; shortened with "…" to ``max_width``."""
    text = " ".join(text.split())
    while len(text) > 1 and label_width(text, size, bold) > max_width:
        text = text[:max(1, int(len(text) * 0.9) - 1)].rstrip() + "…"
    if not text:
        return
    setting = Setting(text, faces(text, [(0, len(text), Style(bold, size, 0.0, color))]))
    line = layout(text, setting.pieces, 1e9)[0]
    placed = place_runs(text, line, setting.pieces)
    total = placed[-1].x + placed[-1].width if placed else 0.0
    left = {"right": x - total, "center": x - total / 2}.get(align, x)
    for p in placed:
        canv.setFont(p.run.face.font, p.run.face.pt)
        canv.setFillColor(HexColor(color))
        canv.drawString(left + p.x, y, p.drawable)
