"""Charts and tables of :mod:`db.analysis` in the annotated PDF, before the excerpts.

Each chosen statistic (a :class:`db.analysis.Spec`, computed over the export's own
selection, so the pages and the excerpts agree) becomes a heading, its chart as vector
graphics, its table (at most :data:`MAX_ROWS` rows) and its notes. The chart goes from
matplotlib to SVG with glyphs as outlines (so Arabic stays shaped exactly as matplotlib
laid it out, with no font to embed) and from SVG to a reportlab Drawing by svglib, a
maintained converter: vector all the way, no screenshot. Table cells are set by the
export's own text machinery (shaping and bidi for Arabic).
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib import rcParams
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Spacer, Table, TableStyle
from sqlalchemy.orm import Session
from svglib.svglib import svg2rlg

from db.analysis import Result, Spec, analyze
from db.analysis.charts import draw
from db.export.arabic import Style
from db.export.selection import Selection

MAX_ROWS = 40
CHART_SIZE = (7.0, 4.2)  # inches, at the frame's width


def analysis_story(session: Session, selection: Selection, specs: list[Spec], maker,
                   width: float, *, project=None, cancelled=None) -> list:
    """The flowables of the chosen statistics (heading, chart, table, notes) for the
    annotated PDF's ``maker`` (a :class:`db.export.story.StoryMaker`) and frame ``width``."""
    out: list = []
    for spec in specs:
        result = analyze(session, selection, spec, project=project, cancelled=cancelled)
        drawing = chart_drawing(result, width)
        out.append(CondPageBreak(drawing.height + 60))  # the heading stays with its chart
        out += maker.heading(result.title, size=13)
        out += [drawing, Spacer(1, 6)]
        out += _table(result, maker, width)
        out += [maker.text(note, Style(size=8, color="#5c5c5c"), space_after=3)
                for note in result.notes]
    return out


def chart_drawing(result: Result, width: float):
    """The result's chart as a reportlab Drawing ``width`` points wide (vector)."""
    buf = io.BytesIO()
    with _paths():
        draw(result, size=CHART_SIZE).figure.savefig(buf, format="svg")
    buf.seek(0)
    drawing = svg2rlg(buf)
    scale = width / drawing.width
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    return drawing


class _paths:
    """Glyphs as outlines in the SVG (matplotlib's default, made sure of here)."""

    def __enter__(self):
        self.old = rcParams["svg.fonttype"]
        rcParams["svg.fonttype"] = "path"

    def __exit__(self, *exc):
        rcParams["svg.fonttype"] = self.old


def _table(result: Result, maker, width: float) -> list:
    if not result.rows:
        return []
    head = [maker.text(str(h), Style(bold=True, size=8)) for h in result.columns]
    body = [[maker.text(_cell(v), Style(size=8)) for v in row]
            for row in result.rows[:MAX_ROWS]]
    first = width * 0.34
    rest = (width - first) / max(1, len(result.columns) - 1)
    table = Table([head, *body], colWidths=[first] + [rest] * (len(result.columns) - 1),
                  repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1),
                                [colors.white, colors.HexColor("#f3f3f3")])]))
    more = len(result.rows) - MAX_ROWS
    tail = [maker.text(f"… and {more} more row(s): the full table is in the CSV/XLSX "
                       "export.", Style(size=8))] if more > 0 else []
    return [table, Spacer(1, 4), *tail]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    return f"{value:,}" if isinstance(value, int) else str(value)
