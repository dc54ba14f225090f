"""What the Reader paints for one source's excerpts: layers, overlaps and stripes.

A *layer* is one code on one excerpt, or the marker colour of an excerpt that has no
code. The text is cut at every layer's ends into pieces covered by the same layers;
each piece is painted as one ``ExtraSelection`` (:mod:`desktop.views.reader_paint`; the
document itself is never changed):

- the background is the page colour tinted with the average of the layers' colours,
  a little stronger where layers overlap, never so strong that the text's contrast
  falls below 7:1;
- where two layers overlap, the text is also underlined in the second layer's colour;
  three or more draw a wavy underline. The margin shows every layer exactly.

Positions here are code points; Qt positions come from :class:`desktop.offsets.OffsetMap`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any, NamedTuple

from PySide6.QtGui import QColor, QTextCharFormat

from desktop.offsets import OffsetMap
from desktop.widgets.margin import Stripe

MARKER_COLOR = "#ffd54f"  # a marker saved without a colour
HIGHLIGHT_LABEL = "Highlight"
TINT, TINT_STEP, TINT_MAX = 0.80, 0.10, 0.95
MIN_CONTRAST = 7.0  # WCAG AAA between the text and a highlight
PREVIEW_CHARS = 90


class Layer(NamedTuple):
    """One code on one excerpt (``code_id`` None: the excerpt's marker).

    A named tuple: thousands are made on every repaint, and they key the paint cache.
    """

    excerpt_id: int
    code_id: int | None
    name: str
    color: str
    start: int
    end: int
    coder: str


def coder_name(excerpt: dict[str, Any]) -> str:
    """The name of the coder who made ``excerpt`` (whatever shape the query gives it)."""
    coder = excerpt.get("coder")
    if coder.__class__ is str:
        return coder
    if isinstance(coder, dict):
        return str(coder.get("name") or "")
    return str(excerpt.get("coder_name") or coder or "")


def layers_of(excerpts: Iterable[dict[str, Any]]) -> list[Layer]:
    """Every layer of ``excerpts``, outermost first: by start, longest first."""
    layers = []
    add = layers.append
    for ex in excerpts:
        coder = coder_name(ex)
        eid, start, end = ex["id"], ex["start"], ex["end"]
        codes = ex["codes"]
        for code in codes:
            add(Layer(eid, code["id"], code["name"] or "", code["color"] or MARKER_COLOR,
                      start, end, coder))
        if not codes:
            add(Layer(eid, None, HIGHLIGHT_LABEL, ex["color"] or MARKER_COLOR, start, end,
                      coder))
    layers.sort(key=lambda layer: (layer.start, -layer.end, layer.excerpt_id))
    return layers


def segments(layers: list[Layer]) -> list[tuple[int, int, tuple[Layer, ...]]]:
    """``(start, end, covering layers)`` for each piece of text some layer covers.

    ``layers`` must be sorted as :func:`layers_of` sorts them; each piece lists its
    layers in that order, so the outer layer comes first.
    """
    bounds = sorted({p for layer in layers for p in (layer.start, layer.end)})
    pieces: list[tuple[int, int, tuple[Layer, ...]]] = []
    active: list[Layer] = []
    k, count = 0, len(layers)
    for a, b in zip(bounds, bounds[1:], strict=False):
        if active:
            active = [layer for layer in active if layer.end > a]
        while k < count and layers[k].start == a:
            active.append(layers[k])
            k += 1
        if active:
            pieces.append((a, b, tuple(active)))
    return pieces


def _linear(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


_LINEAR = [_linear(v) for v in range(256)]


def luminance(color: QColor) -> float:
    """The relative luminance of ``color`` (WCAG 2)."""
    return (0.2126 * _LINEAR[color.red()] + 0.7152 * _LINEAR[color.green()]
            + 0.0722 * _LINEAR[color.blue()])


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _luminance_rgb(r: float, g: float, b: float) -> float:
    return (0.2126 * _LINEAR[round(r)] + 0.7152 * _LINEAR[round(g)]
            + 0.0722 * _LINEAR[round(b)])


def blend(colors: Iterable[str], page: QColor, ink: QColor) -> QColor:
    """The page tinted with the average of ``colors``, as strongly as the text allows.

    One layer starts at :data:`TINT` of its colour, overlaps a step stronger; the tint
    is then weakened until the text keeps a contrast of :data:`MIN_CONTRAST` with it, so
    a dark code colour (or a dark theme) never makes a passage hard to read.
    """
    shades = [QColor(c).getRgb()[:3] for c in colors]
    mix = [sum(shade[i] for shade in shades) / len(shades) for i in range(3)]
    base = page.getRgb()[:3]
    ink_lum = luminance(ink)
    share = min(TINT + TINT_STEP * (len(shades) - 1), TINT_MAX)
    while True:
        rgb = [b + (m - b) * share for b, m in zip(base, mix, strict=True)]
        hi, lo = sorted((_luminance_rgb(*rgb), ink_lum), reverse=True)
        if share <= 0.15 or (hi + 0.05) / (lo + 0.05) >= MIN_CONTRAST:
            return QColor(*(round(v) for v in rgb))
        share -= 0.05


def piece_format(colors: tuple[str, ...], page: QColor, ink: QColor) -> QTextCharFormat:
    """The format of a piece covered by layers of ``colors`` (outermost first)."""
    fmt = QTextCharFormat()
    fmt.setBackground(blend(colors, page, ink))
    if len(colors) > 1:
        style = (QTextCharFormat.UnderlineStyle.SingleUnderline if len(colors) == 2
                 else QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineStyle(style)
        fmt.setUnderlineColor(QColor(colors[1]).darker(170))
    return fmt


def stripes(layers: list[Layer], offsets: OffsetMap, text: str,
            known: dict[Layer, Stripe] | None = None) -> dict[Layer, Stripe]:
    """One margin stripe per layer, with its tooltip (code, coder, start of the text),
    written only when the mouse rests on the stripe. Stripes in ``known`` (made by the
    last paint of the same text) are reused."""
    known = known or {}
    return {layer: known.get(layer) or _stripe(layer, offsets, text) for layer in layers}


def _stripe(layer: Layer, offsets: OffsetMap, text: str) -> Stripe:
    return Stripe(key=layer.excerpt_id, qstart=offsets.to_qt(layer.start),
                  qend=offsets.to_qt(layer.end), color=QColor(layer.color), label=layer.name,
                  tooltip=partial(tooltip, layer, text), code_id=layer.code_id)


def tooltip(layer: Layer, text: str) -> str:
    """``Code: Despair`` / ``Coder: Lina`` / the first words of the excerpt."""
    quoted = " ".join(text[layer.start:layer.end].split())
    if len(quoted) > PREVIEW_CHARS:
        quoted = quoted[:PREVIEW_CHARS - 1] + "…"
    kind = "Code" if layer.code_id is not None else "Highlight (no code yet)"
    lines = [f"{kind}: {layer.name}" if layer.code_id is not None else kind,
             f"Coder: {layer.coder or 'unknown'}", f"“{quoted}”"]
    return "\n".join(lines)
