"""Setting mixed Arabic and English text for reportlab: line breaking, bidi and shaping.

reportlab wraps text that was put in visual order before wrapping, so a wrapped Arabic
paragraph comes out with its lines in the wrong order (python-arabic-reshaper #90). Here
the order of work is the one UAX #9 prescribes:

1. the paragraph's embedding levels are resolved on the LOGICAL text
   (:mod:`db.export.bidi_levels`);
2. lines are broken on the logical text, at spaces, measuring each word as it will be
   drawn (Arabic words shaped by HarfBuzz, so their joined width counts);
3. each line is reordered on its own (rules L1, L2) into visual runs of one direction
   and one face;
4. each run is shaped by HarfBuzz with its direction set (uharfbuzz, the engine behind
   reportlab's ``shaping=1``; right-to-left runs come back in visual order, brackets
   mirrored) and drawn with reportlab's support for shaped strings.

A right-to-left paragraph is right-aligned by the caller (``Line.base`` is 1).
arabic-reshaper is not used: HarfBuzz with Amiri gives real ligatures and marks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import regex
import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from db.export import fonts
from db.export.bidi_levels import paragraph_levels, visual_order

_UNITS = re.compile(r"[^\s\u200b]+[\s\u200b]*|[\s\u200b]+")  # a zero-width space: a break
_GRAPHEME = regex.compile(r"\X")  # a letter with its marks, an emoji with its modifiers
# A word this many times longer (in characters) than the line is wide (in points) cannot
# fit on it: no glyph is narrower than a quarter point. Such a word (a 1 MB field) is cut
# without being measured whole.
_CHARS_PER_POINT = 4
_FEATURES = {"kern": True, "liga": True}
_PUA_TEXT: dict[tuple[str, int], str] = {}
_UNI = re.compile(r"uni([0-9A-Fa-f]{4})|(?<![0-9A-Za-z])u([0-9A-Fa-f]{4,6})")


@dataclass(frozen=True)
class Face:
    """How a piece of text is drawn: family, weight, size (pt), baseline rise, colour."""

    script: str = fonts.LATIN
    bold: bool = False
    size: float = 10.0
    rise: float = 0.0
    color: str = "#000000"

    @cached_property
    def font(self) -> str:
        """The registered reportlab font name."""
        return fonts.font_name(self.script, self.bold)

    @cached_property
    def pt(self) -> float:
        """The size the font is set at (Amiri is enlarged to match DejaVu)."""
        return self.size * fonts.SCALE[self.script]


@dataclass(frozen=True)
class Style:
    """A caller's style for a stretch of text; the script is added by :func:`faces`."""

    bold: bool = False
    size: float = 10.0
    rise: float = 0.0
    color: str = "#000000"


@dataclass
class Line:
    """One line: logical [start, end) of the whole text, its paragraph's base level and
    levels, and its width (trailing spaces excluded)."""

    start: int
    end: int
    base: int
    levels: list[int] | None
    width: float
    arabic: bool = False


@dataclass
class Run:
    """A visual run of a line: logical [start, end), one level and one face."""

    start: int
    end: int
    level: int
    face: Face


# --- faces -------------------------------------------------------------------------------

def faces(text: str, styles: list[tuple[int, int, Style]]) -> list[tuple[int, int, Face]]:
    """``text`` cut into (start, end, Face) pieces, covering it all, from the caller's
    style pieces (which must cover the text, in order) and the script of each part."""
    out: list[tuple[int, int, Face]] = []
    scripts = fonts.scripts(text)
    k = 0
    for s0, s1, style in styles:
        while k < len(scripts) and scripts[k][1] <= s0:
            k += 1
        j = k
        while j < len(scripts) and scripts[j][0] < s1:
            a, b, script = scripts[j]
            a, b = max(a, s0), min(b, s1)
            face = _face(script, style.bold, style.size, style.rise, style.color)
            if out and out[-1][1] == a and out[-1][2] is face:
                out[-1] = (out[-1][0], b, face)
            else:
                out.append((a, b, face))
            j += 1
    return out


@lru_cache(maxsize=4096)
def _face(script: str, bold: bool, size: float, rise: float, color: str) -> Face:
    """One Face object per look, so that runs compare faces by identity."""
    return Face(script, bold, size, rise, color)


# --- shaping and measuring -----------------------------------------------------------------

@dataclass(frozen=True)
class Shaped:
    """A shaped run: the string reportlab draws, its glyphs' clusters and advances (in
    thousandths of the font size, visual order)."""

    text: ShapedStr
    clusters: tuple[int, ...]
    advances: tuple[float, ...]
    width: float  # thousandths of the font size


@lru_cache(maxsize=16)
def _hb_font(name: str):
    fonts.register()
    return pdfmetrics.getFont(name).hbFont(10)


@lru_cache(maxsize=200_000)
def shape(text: str, font: str, rtl: bool) -> Shaped:
    """HarfBuzz-shape ``text`` (logical order) in ``font`` with the given direction."""
    ttf, hbf = pdfmetrics.getFont(font), _hb_font(font)
    buf = hb.Buffer()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    hb.shape(hbf, buf, _FEATURES)
    chars, data = [], []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        advance = ttf.pdfScale(pos.x_advance)
        uchar = _glyph_char(ttf, hbf, info, advance, text)
        chars.append(chr(uchar))
        data.append(ShapeData(info.cluster, advance, ttf.pdfScale(pos.y_advance),
                              ttf.pdfScale(pos.x_offset), ttf.pdfScale(pos.y_offset),
                              ttf.face.charWidths[uchar]))
    shaped = ShapedStr("".join(chars), shapeData=data)
    return Shaped(shaped, tuple(d.cluster for d in data), tuple(d.x_advance for d in data),
                  sum(d.x_advance for d in data))


def _glyph_char(ttf, hbf, info, advance: float, text: str) -> int:
    """The code reportlab draws a glyph by; a glyph with no character of its own (a
    contextual form, a ligature) gets a private-use one, remembered with the letters it
    shows so that the PDF's ToUnicode map gives them back (copy, search, extraction)."""
    found = ttf.face.glyphToChar.get(info.codepoint)
    if found:
        return found[0]
    name = hbf.glyph_to_string(info.codepoint)
    uchar = ttf.hbAddPrivate(name, info.codepoint, advance)
    key = (ttf.face.name.decode("latin-1") if isinstance(ttf.face.name, bytes)
           else str(ttf.face.name), uchar)
    if key not in _PUA_TEXT:
        _PUA_TEXT[key] = glyph_letters(name, text[info.cluster])
    return uchar


def glyph_letters(name: str, cluster_char: str) -> str:
    """The letters a glyph shows, from its name ("uni0644.init" is "ل"); a kashida the
    shaper inserted ("uni0640.1" where the text has no tatweel) shows none."""
    letters = "".join(chr(int(a or b, 16)) for a, b in _UNI.findall(name))
    if not letters:
        return cluster_char
    if letters.strip("\u0640") == "" and cluster_char != "\u0640":
        return ""
    return letters


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode map, with shaped glyphs mapped back to their letters and
    emoji written as UTF-16."""
    cmap = _ORIGINAL_CMAP(fontname, subset)
    face = fontname.split("+", 1)[-1]
    for i, v in enumerate(subset):
        letters = _PUA_TEXT.get((face, v))
        if letters is not None:
            utf16 = letters.encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{i:02X}> <{v:04X}>", f"<{i:02X}> <{utf16}>")
    return _ASTRAL.sub(_surrogates, cmap)


_ASTRAL = re.compile(r"(<[0-9A-F]{2}> )<([0-9A-F]{5,6})>")


def _surrogates(m: re.Match) -> str:
    """A character beyond U+FFFF (an emoji) written as UTF-16, as ToUnicode maps want;
    reportlab writes its code point as it is, which readers cannot decode."""
    return m.group(1) + "<" + chr(int(m.group(2), 16)).encode("utf-16-be").hex().upper() + ">"


_ORIGINAL_CMAP = getattr(ttfonts.makeToUnicodeCMap, "original", ttfonts.makeToUnicodeCMap)
_to_unicode_cmap.original = _ORIGINAL_CMAP  # type: ignore[attr-defined]
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def needs_shaping(face: Face, rtl: bool) -> bool:
    """Arabic script, emoji (sequences are ligatures) and every right-to-left run go
    through HarfBuzz."""
    return rtl or face.script != fonts.LATIN


def width(text: str, face: Face, rtl: bool = False) -> float:
    """The drawn width of ``text`` (one face, one direction) in points."""
    if not text:
        return 0.0
    if needs_shaping(face, rtl):
        return shape(text, face.font, rtl).width * face.pt / 1000
    return _latin_width(text, face.font) * face.pt


@lru_cache(maxsize=200_000)
def _latin_width(text: str, font: str) -> float:
    return pdfmetrics.stringWidth(text, font, 1.0)


def span_width(text: str, pieces: list[tuple[int, int, Face]], start: int, end: int,
               rtl_scripts: bool = True) -> float:
    """The width of logical [start, end) of ``text`` cut into face pieces."""
    total = 0.0
    for a, b, face in pieces:
        if b <= start:
            continue
        if a >= end:
            break
        piece = text[max(a, start):min(b, end)]
        total += width(piece, face, rtl_scripts and face.script == fonts.ARABIC)
    return total


# --- line breaking -------------------------------------------------------------------------

class _Meter:
    """Widths of logical stretches of a text, walking its face pieces forward."""

    def __init__(self, text: str, pieces: list[tuple[int, int, Face]]):
        self.text, self.pieces, self.k = text, pieces, 0
        self._alone: dict[tuple[str, int], float] = {}

    def __call__(self, start: int, end: int) -> float:
        pieces, k = self.pieces, self.k
        while k < len(pieces) and pieces[k][1] <= start:
            k += 1
        self.k = k
        total = 0.0
        while k < len(pieces) and pieces[k][0] < end:
            a, b, face = pieces[k]
            total += width(self.text[max(a, start):min(b, end)], face,
                           face.script == fonts.ARABIC)
            k += 1
        return total

    def alone(self, start: int, end: int) -> float:
        """The width of one grapheme, remembered by its letters (and face piece)."""
        key = (self.text[start:end], self.k)
        found = self._alone.get(key)
        if found is None:
            found = self._alone[key] = self(start, end)
        return found


def layout(text: str, pieces: list[tuple[int, int, Face]], avail: float,
           base: int | None = None) -> list[Line]:
    """Break ``text`` into lines no wider than ``avail`` points, paragraph by paragraph
    ("\\n" ends a paragraph; an empty paragraph gives an empty line). ``base`` forces a
    paragraph direction (0 left-to-right, 1 right-to-left); None: from its first letter."""
    lines: list[Line] = []
    meter, pos = _Meter(text, pieces), 0
    for para in text.split("\n"):
        lines += _paragraph(text, pos, pos + len(para), meter, avail, base)
        pos += len(para) + 1
    return lines


def _paragraph(text: str, p0: int, p1: int, meter: _Meter, avail: float,
               base: int | None) -> list[Line]:
    level, levels = paragraph_levels(text[p0:p1], base)
    breaks = _breaks(text, p0, p1, meter, avail)
    arabic = fonts.ARABIC_CHARS
    out = []
    for a, b, w in breaks:
        piece = levels[a - p0:b - p0] if levels is not None else None
        out.append(Line(a, b, level, piece, w,
                        arabic=bool(re.search(f"[{arabic}]", text[a:b]))))
    return out


def _breaks(text: str, p0: int, p1: int, meter: _Meter, avail: float
            ) -> list[tuple[int, int, float]]:
    """(start, end, width without trailing spaces) of each line of a paragraph."""
    out: list[tuple[int, int, float]] = []
    start, used, trimmed = p0, 0.0, 0.0
    for m in _UNITS.finditer(text, p0, p1):
        s, e = m.start(), m.end()
        t = s + len(m.group().rstrip())
        word = meter(s, t) if t - s <= avail * _CHARS_PER_POINT else float("inf")
        if s > start and used + word > avail + 0.01:
            out.append((start, s, trimmed))
            start, used = s, 0.0
        if word > avail and used == 0.0:
            *whole, (start, _, word) = _split_word(text, s, t, meter, avail)
            out += whole
        trimmed = used + word
        used = trimmed + meter(t, e)
    out.append((start, p1, trimmed))
    return out


def _split_word(text: str, s: int, t: int, meter: _Meter, avail: float
                ) -> list[tuple[int, int, float]]:
    """A word wider than the line cut, between graphemes, into pieces that fit (at least
    one grapheme each), with their widths.

    Linear in the word's length: each grapheme's width is looked up once to find where a
    piece ends, and each piece is measured whole once (more only where shaping made it
    wider than its graphemes' sum), so a 1 MB field costs seconds, not hours."""
    ends = [m.end() for m in _GRAPHEME.finditer(text, s, t)]
    out, start, i = [], s, 0
    while i < len(ends):
        j, used = i, 0.0
        while j < len(ends):
            w = meter.alone(ends[j - 1] if j > i else start, ends[j])
            if j > i and used + w > avail:
                break
            used, j = used + w, j + 1
        width = meter(start, ends[j - 1])
        while j - 1 > i and width > avail:
            j -= 1
            width = meter(start, ends[j - 1])
        out.append((start, ends[j - 1], width))
        start, i = ends[j - 1], j
    return out


# --- visual order --------------------------------------------------------------------------

def drawn_end(text: str, line: Line) -> int:
    """The end of the line's visible text (trailing spaces dropped)."""
    end = line.end
    while end > line.start and text[end - 1].isspace():
        end -= 1
    return end


def visual_runs(text: str, line: Line, pieces: list[tuple[int, int, Face]]) -> list[Run]:
    """The line's runs in visual order (left to right), each of one level and one face."""
    end = drawn_end(text, line)
    n = end - line.start
    if n <= 0:
        return []
    levels = line.levels[:n] if line.levels is not None else None
    order = visual_order(text[line.start:end], levels, line.base)
    face_at = _faces_of(pieces, line.start, end)
    level_at = levels if levels is not None else [0] * n
    runs: list[Run] = []
    for i in order:
        lv, face = level_at[i], face_at[i]
        last = runs[-1] if runs else None
        if last and last.level == lv and last.face is face:
            if lv % 2 and i == last.start - 1:
                last.start = i
                continue
            if not lv % 2 and i == last.end:
                last.end = i + 1
                continue
        runs.append(Run(i, i + 1, lv, face))
    for r in runs:
        r.start += line.start
        r.end += line.start
    return runs


def _faces_of(pieces: list[tuple[int, int, Face]], start: int, end: int) -> list[Face]:
    out: list[Face] = []
    k = max(0, bisect.bisect_right(pieces, start, key=lambda p: p[0]) - 1)
    for a, b, face in pieces[k:]:
        if a >= end:
            break
        if b > start:
            out += [face] * (min(b, end) - max(a, start))
    return out
