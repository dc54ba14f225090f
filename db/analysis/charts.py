"""Charts of analysis results with matplotlib (no pyplot, no Qt): the window puts the same
:class:`~matplotlib.figure.Figure` on its Qt canvas, the command line and the PDF export
save it.

Bars, lines and areas are in the codes' own colours; heatmaps use one sequential colour
map with each code's colour in a strip beside its name. Labels are set in DejaVu Sans
with Amiri for what it lacks; matplotlib (3.11+) shapes Arabic and orders mixed
right-to-left text itself (HarfBuzz, SheenBidi through libraqm). Every bar, cell and
point is registered in :attr:`Chart.targets`, so a click can be turned back into the
result's row and column keys (:meth:`Chart.keys_at`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from db.analysis.result import Result
from db.errors import AnalysisError
from db.resources import resource

FORMATS = (".png", ".svg", ".pdf")
FAMILY = ["DejaVu Sans", "Amiri"]
NEUTRAL = "#4a6fa5"
MAX_BARS = 40
MAX_TICKS = 14


@lru_cache(maxsize=1)
def _fonts() -> None:
    """Make the bundled fonts known to matplotlib (once)."""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "Amiri-Regular.ttf",
                 "Amiri-Bold.ttf"):
        font_manager.fontManager.addfont(str(resource("fonts", name)))


@dataclass
class Chart:
    """A figure and what each clickable artist stands for."""

    figure: Figure
    targets: dict[Any, Any] = field(default_factory=dict)  # artist -> keys or a function

    def keys_at(self, artist, event) -> tuple[Any, Any] | None:
        """The (row, column) keys of the result behind a picked artist, or None."""
        found = self.targets.get(artist)
        return found(event) if callable(found) else found


def draw(result: Result, layer: str | None = None, *, size=(8.0, 5.0)) -> Chart:
    """The chart of ``result`` (``layer``: which matrix layer a heatmap or timeline shows;
    by default the result's first)."""
    _fonts()
    fig = Figure(figsize=size, layout="constrained")
    chart = Chart(fig)
    ax = fig.add_subplot()
    kind, spec = result.spec.kind, result.spec
    if not result.rows and not any(any(r) for r in _layer(result, layer)):
        ax.text(0.5, 0.5, "Nothing to show: no coded excerpt matches the filters.",
                ha="center", va="center", fontfamily=FAMILY, transform=ax.transAxes)
        ax.set_axis_off()
    elif kind == "frequencies" and spec.by is None:
        _code_bars(chart, ax, result)
    elif kind == "frequencies":
        _grouped_bars(chart, ax, result)
    elif kind in ("crosstab", "cooccurrence"):
        _heatmap(chart, ax, result, layer or next(iter(result.layers)))
    elif kind == "timeline":
        _timeline(chart, ax, result, layer or ("share %" if spec.share else "count"))
    else:
        _word_bars(chart, ax, result)
    ax.set_title(result.title, fontfamily=FAMILY, fontsize=12, loc="left")
    return chart


def _layer(result: Result, layer: str | None) -> list[list[float]]:
    if not result.layers:
        return [[1]] if result.rows else [[]]
    return result.layers.get(layer or "", next(iter(result.layers.values())))


def _labels(ax, axis: str, ticks, labels, **kw) -> None:
    getattr(ax, f"set_{axis}ticks")(ticks, labels, fontfamily=FAMILY, **kw)


def _code_bars(chart: Chart, ax, result: Result) -> None:
    rows = result.rows[:MAX_BARS]
    ys = list(range(len(rows)))[::-1]
    colors = [result.colors.get(k, NEUTRAL) for k in result.row_keys[:MAX_BARS]]
    bars = ax.barh(ys, [r[1] for r in rows], color=colors, edgecolor="#333333", linewidth=0.4)
    for bar, key in zip(bars, result.row_keys, strict=False):
        bar.set_picker(True)
        chart.targets[bar] = (key, None)
    ax.bar_label(bars, padding=3, fontsize=8)
    _labels(ax, "y", ys, [r[0] for r in rows], fontsize=9)
    ax.set_xlabel("Coded excerpts", fontfamily=FAMILY)
    ax.set_ylabel("Code", fontfamily=FAMILY)
    ax.margins(x=0.12)


def _grouped_bars(chart: Chart, ax, result: Result) -> None:
    values = result.col_labels[:MAX_TICKS]
    counts = result.layers["count"]
    n = max(1, len(result.matrix_rows))
    width = 0.8 / n
    for i, code in enumerate(result.matrix_rows):
        xs = [j + i * width - 0.4 + width / 2 for j in range(len(values))]
        bars = ax.bar(xs, counts[i][:len(values)], width, label=result.row_labels[i],
                      color=result.colors.get(code, NEUTRAL), edgecolor="#333333",
                      linewidth=0.3)
        for bar, value in zip(bars, result.matrix_cols, strict=False):
            bar.set_picker(True)
            chart.targets[bar] = ((code, value), None)
    _labels(ax, "x", range(len(values)), values, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("Coded excerpts", fontfamily=FAMILY)
    ax.set_xlabel(_dimension_label(result), fontfamily=FAMILY)
    ax.legend(prop={"family": FAMILY, "size": 8}, frameon=False)


def _dimension_label(result: Result) -> str:
    return result.columns[1] if len(result.columns) > 1 else ""


def _heatmap(chart: Chart, ax, result: Result, layer: str) -> None:
    data = result.layers[layer]
    image = ax.imshow(data, cmap="Blues", aspect="auto", interpolation="nearest")
    image.set_picker(True)
    chart.targets[image] = lambda ev: _cell(result, ev)
    top = max((max(r) for r in data if r), default=0) or 1
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            text = f"{v:g}" if isinstance(v, float) else str(v)
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if v > top * 0.6 else "#222222")
    _labels(ax, "y", range(len(result.row_labels)), result.row_labels, fontsize=8)
    _labels(ax, "x", range(len(result.col_labels)), result.col_labels, rotation=35,
            ha="right", fontsize=8)
    for i, key in enumerate(result.matrix_rows):
        if key in result.colors:
            ax.add_patch(Rectangle((-0.5 - 0.09, i - 0.5), 0.07, 1, clip_on=False,
                                   color=result.colors[key]))
    cbar = chart.figure.colorbar(image, ax=ax, shrink=0.8)
    cbar.set_label(_LAYER_NAMES.get(layer, layer), fontfamily=FAMILY)
    ax.set_xlabel(_dimension_label(result) if result.spec.kind == "crosstab" else "Code",
                  fontfamily=FAMILY)
    ax.set_ylabel("Code", fontfamily=FAMILY)


_LAYER_NAMES = {"count": "Count", "jaccard": "Jaccard", "row %": "Row %",
                "column %": "Column %", "share %": "Share of sources published (%)"}


def _cell(result: Result, event) -> tuple[Any, Any] | None:
    x, y = event.mouseevent.xdata, event.mouseevent.ydata
    if x is None or y is None:
        return None
    i, j = int(round(y)), int(round(x))
    if 0 <= i < len(result.matrix_rows) and 0 <= j < len(result.matrix_cols):
        return result.matrix_rows[i], result.matrix_cols[j]
    return None


def _timeline(chart: Chart, ax, result: Result, layer: str) -> None:
    data = result.layers[layer]
    xs = list(range(len(result.row_labels)))
    series = [[row[k] for row in data] for k in range(len(result.matrix_cols))]
    colors = [result.colors.get(c, NEUTRAL) for c in result.matrix_cols]
    if result.spec.stacked:
        areas = ax.stackplot(xs, series, labels=result.col_labels, colors=colors, alpha=0.85)
        for area, code in zip(areas, result.matrix_cols, strict=True):
            area.set_picker(True)
            chart.targets[area] = lambda ev, c=code: _point(result, ev, c)
    else:
        for ys, label, color, code in zip(series, result.col_labels, colors,
                                          result.matrix_cols, strict=True):
            (line,) = ax.plot(xs, ys, marker="o", markersize=3, label=label, color=color,
                              linewidth=1.6, picker=5)
            chart.targets[line] = lambda ev, c=code: _point(result, ev, c)
    step = max(1, len(xs) // MAX_TICKS + (len(xs) % MAX_TICKS > 0))
    _labels(ax, "x", xs[::step], result.row_labels[::step], rotation=35, ha="right",
            fontsize=8)
    ax.set_xlabel(result.columns[0], fontfamily=FAMILY)
    ax.set_ylabel(_LAYER_NAMES.get(layer, layer) if layer != "count"
                  else f"Coded {result.spec.counted}", fontfamily=FAMILY)
    ax.legend(prop={"family": FAMILY, "size": 8}, frameon=False)
    ax.set_ylim(bottom=0)


def _point(result: Result, event, code) -> tuple[Any, Any] | None:
    ind = getattr(event, "ind", None)
    if ind is not None and len(ind):
        k = int(ind[0])
    elif event.mouseevent.xdata is not None:
        k = int(round(event.mouseevent.xdata))
    else:
        return None
    return (result.matrix_rows[k], code) if 0 <= k < len(result.matrix_rows) else None


def _word_bars(chart: Chart, ax, result: Result) -> None:
    rows = result.rows[:MAX_BARS]
    column = len(result.columns) - 1 if "Log-likelihood" in result.columns else 1
    ys = list(range(len(rows)))[::-1]
    bars = ax.barh(ys, [r[column] for r in rows], color=NEUTRAL)
    for bar, row in zip(bars, rows, strict=True):
        bar.set_picker(True)
        chart.targets[bar] = (row[0], None)
    _labels(ax, "y", ys, [r[0] for r in rows], fontsize=8)
    ax.set_xlabel(result.columns[column], fontfamily=FAMILY)
    ax.set_ylabel(result.columns[0], fontfamily=FAMILY)


def save(result: Result, path: str | Path, layer: str | None = None,
         size=(8.0, 5.0)) -> Path:
    """Write ``result``'s chart to ``path`` as PNG (200 dpi), SVG or PDF (vector), by the
    suffix; the file appears whole or not at all."""
    from db.export.atomic import atomic_target

    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise AnalysisError(f"a chart is written as {', '.join(FORMATS)}, not "
                            f"'{target.suffix}'")
    figure = draw(result, layer, size=size).figure
    with atomic_target(target) as tmp:
        figure.savefig(tmp, format=target.suffix[1:].lower(), dpi=200,
                       metadata=_metadata(result, target.suffix.lower()))
    return target


def _metadata(result: Result, suffix: str) -> dict[str, str]:
    if suffix == ".png":
        return {"Title": result.title, "Software": "Quire"}
    return {"Title": result.title, "Creator": "Quire"}
