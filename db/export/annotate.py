"""An excerpt (or a whole source) as annotated text: highlights, margin marks, markers.

The text drawn is the source's own text, with three kinds of edit: the article's footnote
markers inside it ("[3]") become the document's note numbers, set as superscripts; the
numbers of the excerpt's citations are added after its last character; characters no
shipped font can draw become a placeholder (:func:`db.export.fonts.sanitize`). Every
coded span of the source that overlaps the text is highlighted in its code's colour,
lightened until black text on it stays readable; where codes overlap, the highlight is
cut into horizontal stripes, one per code, and the margin has a stripe per code with
the code's name where it begins.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from db.export.arabic import Style
from db.export.fonts import PLACEHOLDER, sanitize
from db.export.richtext import Band, Mark

GREY = "#6b6b6b"
MAX_STRIPES = 4


# --- colours ---------------------------------------------------------------------------------

def _rgb(color: str) -> tuple[float, float, float]:
    c = (color or "#ffd54f").lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        return tuple(int(c[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return (1.0, 0.835, 0.31)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, v)) * 255):02x}" for v in rgb)


@lru_cache(maxsize=4096)
def luminance(color: str) -> float:
    """WCAG relative luminance of a colour (0 black, 1 white)."""
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _mix(color: str, other: tuple[float, float, float], share: float) -> str:
    return _hex(tuple(c * (1 - share) + o * share
                      for c, o in zip(_rgb(color), other, strict=True)))  # type: ignore[arg-type]


@lru_cache(maxsize=4096)
def readable(color: str, floor: float = 0.45) -> str:
    """``color`` mixed with white until black text on it has a contrast of 10:1 or more."""
    share = 0.0
    while luminance(_mix(color, (1, 1, 1), share)) < floor and share < 0.95:
        share += 0.05
    return _mix(color, (1, 1, 1), share)


@lru_cache(maxsize=4096)
def ink(color: str, ceiling: float = 0.18) -> str:
    """``color`` darkened until it reads as text on white (for labels)."""
    share = 0.0
    while luminance(_mix(color, (0, 0, 0), share)) > ceiling and share < 0.95:
        share += 0.05
    return _mix(color, (0, 0, 0), share)


# --- edits -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Edit:
    """Replace [start, end) of the source stretch by ``text`` (start == end: insert)."""

    start: int
    end: int
    text: str
    kind: str  # "marker", "placeholder" or "context"


class Edited:
    """A stretch of text with edits applied, and the map from old to new positions."""

    def __init__(self, text: str, edits: list[Edit]):
        edits = sorted(edits, key=lambda e: (e.start, e.end))
        out, last, self.spans = [], 0, []
        self._ends, self._shift, shift = [], [], 0
        for e in edits:
            out.append(text[last:e.start])
            new_start = e.start + shift
            out.append(e.text)
            shift += len(e.text) - (e.end - e.start)
            self.spans.append((new_start, new_start + len(e.text), e.kind))
            self._ends.append(e.end)
            self._shift.append(shift)
            last = e.end
        out.append(text[last:])
        self.text = "".join(out)

    def pos(self, p: int) -> int:
        """The new position of old position ``p`` (after any edit ending at or before it)."""
        k = bisect.bisect_right(self._ends, p)
        return p + (self._shift[k - 1] if k else 0)


def stretch_edits(stretch: str, markers: list[tuple[int, int, str]]) -> list[Edit]:
    """The marker edits given, plus placeholders for what no font can draw."""
    edits = [Edit(a, b, t, "marker") for a, b, t in markers]
    _, missing = sanitize(stretch)
    taken = [(a, b) for a, b, _ in markers]
    for a, b, new in missing:
        if not any(a < y and x < b for x, y in taken):
            edits.append(Edit(a, b, new, "placeholder" if new == PLACEHOLDER else "space"))
    return edits


# --- the annotated text --------------------------------------------------------------------------

@dataclass
class Annotated:
    """What a RichText needs: text, style pieces, bands, marks and note offsets."""

    text: str
    styles: list[tuple[int, int, Style]]
    bands: list[Band]
    marks: list[Mark]
    note_offsets: list[int]
    placeholders: int


def annotate(stretch: str, lo: int, start: int, end: int, *, source_length: int,
             spans: list[dict[str, Any]], markers: list[tuple[int, int, int]],
             end_numbers: list[int], size: float = 10.0, labels: bool = True
             ) -> Annotated:
    """``stretch``: the text of a source from ``lo`` on, whose [start, end) is the excerpt
    (the rest is context, in grey). ``spans``: the source's excerpts (rows of
    ``for_source``); ``markers``: (offset, end, number) of the footnote markers inside the
    excerpt; ``end_numbers``: citation numbers to add after the excerpt."""
    hi = lo + len(stretch)
    marks_in = [(a - lo, b - lo, str(n)) for a, b, n in markers]
    if end_numbers:  # after a marker that ends the excerpt, a comma keeps "1,2" from "12"
        comma = "," if markers and max(b for _, b, _ in markers) == end else ""
        marks_in.append((end - lo, end - lo, comma + ",".join(map(str, end_numbers))))
    edits = stretch_edits(stretch, marks_in)
    if lo < start and lo > 0:
        edits.append(Edit(0, 0, "…", "context"))
    if hi > end and hi < source_length:
        edits.append(Edit(hi - lo, hi - lo, "…", "context"))
    ed = Edited(stretch, edits)
    a, b = ed.pos(start - lo), ed.pos(end - lo)
    styles = _styles(ed, a, b, size)
    clipped = _clipped(spans, start, end)
    bands = _bands(clipped, lambda p: ed.pos(p - lo))
    marks = _marks(clipped, lambda p: ed.pos(p - lo)) if labels else []
    offsets = [ed.pos(m[0] - lo) for m in markers]
    if end_numbers:  # the numbers added after the excerpt
        offsets += [b - len(marks_in[-1][2])] * len(end_numbers)
    holders = sum(1 for _, _, k in ed.spans if k == "placeholder")
    return Annotated(ed.text, styles, bands, marks, offsets, holders)


def _styles(ed: Edited, a: int, b: int, size: float) -> list[tuple[int, int, Style]]:
    """Context grey, excerpt black, markers raised and small, placeholders grey."""
    n = len(ed.text)
    plain, grey = Style(size=size), Style(size=size, color=GREY)
    sup = Style(size=size * 0.62, rise=size * 0.4, color="#1f3f8f")
    cuts = [(0, a, grey), (a, b, plain), (b, n, grey)]
    for s, e, kind in ed.spans:
        if kind != "space":
            cuts.append((s, e, sup if kind == "marker" else grey))
    return _flatten(cuts, n)


def _flatten(cuts: list[tuple[int, int, Style]], n: int) -> list[tuple[int, int, Style]]:
    """Later pieces win; returns pieces covering [0, n) in order."""
    owner: list[Style | None] = [None] * n
    for s, e, style in cuts:
        owner[s:e] = [style] * max(0, e - s)
    out: list[tuple[int, int, Style]] = []
    for i, style in enumerate(owner):
        style = style or Style()
        if out and out[-1][2] == style:
            out[-1] = (out[-1][0], i + 1, style)
        else:
            out.append((i, i + 1, style))
    return out


def _clipped(spans: list[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    return [{**s, "start": max(s["start"], start), "end": min(s["end"], end)}
            for s in spans if s["start"] < end and s["end"] > start]


def _colours(span: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, colour) of a span's codes, or its marker colour when it has none."""
    if span["codes"]:
        return [(f"c{c['id']}", c["color"]) for c in span["codes"]]
    return [(f"h{span['id']}", span.get("color") or "#ffd54f")]


def _bands(spans: list[dict[str, Any]], pos) -> list[Band]:
    cuts = sorted({p for s in spans for p in (s["start"], s["end"])})
    order: dict[str, int] = {}
    for s in spans:
        for key, _ in _colours(s):
            order.setdefault(key, len(order))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        over = {k: c for s in spans if s["start"] <= a and s["end"] >= b
                for k, c in _colours(s)}
        if over:
            keys = sorted(over, key=order.get)[:MAX_STRIPES]
            out.append(Band(pos(a), pos(b), tuple(readable(over[k]) for k in keys)))
    return out


def _marks(spans: list[dict[str, Any]], pos) -> list[Mark]:
    ranges: dict[int, list[list[int]]] = {}
    info: dict[int, dict[str, Any]] = {}
    for s in sorted(spans, key=lambda s: s["start"]):
        for c in s["codes"]:
            info[c["id"]] = c
            merged = ranges.setdefault(c["id"], [])
            if merged and s["start"] <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], s["end"])
            else:
                merged.append([s["start"], s["end"]])
    marks = [Mark(pos(a), pos(b), _stripe(info[cid]["color"]), info[cid]["name"],
                  ink(info[cid]["color"]))
             for cid, rs in ranges.items() for a, b in rs]
    return sorted(marks, key=lambda m: (m.start, -m.end))


def _stripe(color: str) -> str:
    """A margin stripe: the code's colour, darkened a little if it is nearly white."""
    return ink(color, 0.6) if luminance(color) > 0.8 else _hex(_rgb(color))


def sup_style(size: float) -> Style:
    """The style of a note number."""
    return Style(size=size * 0.62, rise=size * 0.4, color="#1f3f8f")


def note_text(number: int, text: str, size: float = 8.0
              ) -> tuple[str, list[tuple[int, int, Style]], int]:
    """A footnote's text with its number in front; (text, styles, placeholders)."""
    clean, missing = sanitize(" ".join(text.split()) if "\n" not in text else text)
    label = str(number)
    full = f"{label}\u2009{clean}"
    return full, [(0, len(label), sup_style(size * 1.2)),
                  (len(label), len(full), Style(size=size))], \
        sum(1 for _, _, new in missing if new == PLACEHOLDER)
