"""The fonts a PDF export embeds, and which of them draws each character.

Three families ship in ``resources/fonts``: Amiri (Arabic script), DejaVu Sans
(everything else) and Noto Emoji (emoji, in outline: a PDF embeds it like any font and
prints it in black, where colour emoji fonts are bitmaps or layers reportlab cannot
embed). Arabic letters always take Amiri; emoji, with their joiners, variation selectors,
skin tones, flags and keycaps, take Noto Emoji and are shaped by HarfBuzz, so a family or
a flag is one glyph; other letters take DejaVu Sans; spaces, digits and punctuation take
the font of the letters before them (else after them), so that the comma and the
brackets of an Arabic sentence match it.

:func:`sanitize` replaces a character that no shipped font can draw with one grey ``□``
(:data:`PLACEHOLDER`), and drops invisible format characters no font has; the export
counts the replacements and says so on its title page.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from db.resources import resource

LATIN, ARABIC, EMOJI = "latin", "arabic", "emoji"
_FILES = {(LATIN, False): ("QuireSans", "DejaVuSans.ttf"),
          (LATIN, True): ("QuireSans-Bold", "DejaVuSans-Bold.ttf"),
          (ARABIC, False): ("QuireArabic", "Amiri-Regular.ttf"),
          (ARABIC, True): ("QuireArabic-Bold", "Amiri-Bold.ttf"),
          (EMOJI, False): ("QuireEmoji", "NotoEmoji-Regular.ttf"),
          (EMOJI, True): ("QuireEmoji", "NotoEmoji-Regular.ttf")}
# Amiri's letters are small for their body: drawn 20% larger they match DejaVu's x-height.
SCALE = {LATIN: 1.0, ARABIC: 1.2, EMOJI: 1.0}
PLACEHOLDER = "\u25a1"
ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe"
_ARABIC = re.compile(f"[{ARABIC_CHARS}]+")
_LETTERS = re.compile(r"[^\W\d_]+")
# Characters that belong to the emoji before them (joiners, selectors, skin tones, tags).
_CLUSTER = {0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)}
_lock = threading.Lock()


def register() -> None:
    """Register the shipped fonts with reportlab (once; safe from any thread)."""
    with _lock:
        for name, file in set(_FILES.values()):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file))))


def font_name(script: str, bold: bool = False) -> str:
    """The registered name of the font for ``script`` ("latin" or "arabic")."""
    return _FILES[(script, bold)][0]


@lru_cache(maxsize=4)
def _cmap(name: str) -> frozenset[int]:
    register()
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def covered(ch: str) -> bool:
    """Whether a shipped font can draw ``ch`` (a line break counts: it is never drawn)."""
    return ord(ch) in _covered()


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    return _cmap(font_name(LATIN)) | _cmap(font_name(ARABIC)) | _cmap(font_name(EMOJI)) \
        | {10}


@lru_cache(maxsize=1)
def _uncovered() -> re.Pattern:
    """A pattern matching any character no shipped font has (or a spacing control)."""
    return re.compile(f"[^{_char_class(_covered() - {9, 11, 12, 13})}]")


@lru_cache(maxsize=1)
def _emoji() -> re.Pattern:
    """A run of emoji: characters only Noto Emoji has, emoji from U+1F000 on, and the
    joiners, selectors, skin tones, keycaps and tags that make sequences of them."""
    own = _cmap(font_name(EMOJI))
    text_fonts = _cmap(font_name(LATIN)) | _cmap(font_name(ARABIC))
    points = {cp for cp in own if cp not in text_fonts or cp >= 0x1F000} | \
        (_CLUSTER & own) - {0x23, 0x2A} - set(range(0x30, 0x3A))
    return re.compile(f"[{_char_class(points)}]+")


def _char_class(points) -> str:
    """The body of a regex character class matching exactly ``points``."""
    points = sorted(points)
    ranges, start, prev = [], points[0], points[0]
    for cp in points[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                   for a, b in ranges)


def sanitize(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` with undrawable characters replaced, and the edits made.

    Each edit is ``(start, end, replacement)`` in ``text``'s positions: an emoji cluster
    becomes :data:`PLACEHOLDER`; an invisible format character no font has becomes "".
    ASCII text is returned at once.
    """
    if not text or not _uncovered().search(text):
        return text, []
    edits: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in "\t\r\f\v":  # spacing controls: a space
            edits.append((i, i + 1, " "))
            i += 1
            continue
        if covered(text[i]):
            i += 1
            continue
        j = i + 1
        while j < n and (ord(text[j]) in _CLUSTER or not covered(text[j])
                         and unicodedata.category(text[j]) in ("Mn", "Me", "Cf", "So")):
            j += 1
        invisible = all(unicodedata.category(c) == "Cf" for c in text[i:j])
        edits.append((i, j, "" if invisible else PLACEHOLDER))
        i = j
    return _apply(text, edits), edits


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, new in edits:
        out += [text[last:start], new]
        last = end
    out.append(text[last:])
    return "".join(out)


def scripts(text: str) -> list[tuple[int, int, str]]:
    """``text`` cut into (start, end, script) pieces: which family draws each part."""
    if text.isascii():
        return [(0, len(text), LATIN)] if text else []
    if not _ARABIC.search(text):
        return _with_emoji(text, [(0, len(text), LATIN)])
    arabic = [(m.start(), m.end(), ARABIC) for m in _ARABIC.finditer(text)]
    starts = [a for a, _, _ in arabic]
    latin = [piece for m in _LETTERS.finditer(text) if not _ARABIC.fullmatch(m.group())
             for piece in _outside(m.start(), m.end(), arabic, starts)]
    return _with_emoji(text, _fill_neutrals(text, sorted(arabic + latin)))


def _with_emoji(text: str, pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``pieces`` with the emoji runs of ``text`` cut out of them as EMOJI pieces."""
    runs = [(m.start(), m.end(), EMOJI) for m in _emoji().finditer(text)]
    if not runs:
        return pieces
    starts = [a for a, _, _ in runs]
    out = [p for a, b, script in pieces for p in _outside(a, b, runs, starts, script)]
    return sorted(out + runs)


def _outside(start: int, end: int, runs: list[tuple[int, int, str]], starts: list[int],
             script: str = LATIN) -> list[tuple[int, int, str]]:
    """The parts of [start, end) that none of ``runs`` covers, as ``script`` pieces (the
    runs near it found by bisection on their ``starts``: a long mixed text stays linear)."""
    out, pos = [], start
    for k in range(max(bisect.bisect_right(starts, start) - 1, 0), len(runs)):
        a, b, _ = runs[k]
        if a >= end:
            break
        if b <= pos:
            continue
        if a > pos:
            out.append((pos, a, script))
        pos = max(pos, b)
    if pos < end:
        out.append((pos, end, script))
    return out


def _fill_neutrals(text: str, strong: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Give each gap between letter runs a script: that of its neighbours when they
    agree, else that of its paragraph's first letter (so "(UNDP) 2017" inside Arabic
    keeps Arabic brackets on both sides)."""
    out: list[tuple[int, int, str]] = []
    pos, firsts = 0, [s for s, _, _ in strong]
    breaks = [m.start() for m in re.finditer("\n", text)]
    for k, (start, end, script) in enumerate(strong + [(len(text), len(text), "")]):
        if start > pos:
            before = strong[k - 1][2] if k else ""
            out += _gap(text, (pos, start), (before, script), strong, firsts, breaks)
        if script:
            out.append((start, end, script))
        pos = end
    return _joined(out)


def _gap(text: str, span: tuple[int, int], sides: tuple[str, str],
         strong: list[tuple[int, int, str]], firsts: list[int], breaks: list[int]
         ) -> list[tuple[int, int, str]]:
    (a, b), (before, after) = span, sides
    newline = text.rfind("\n", a, b)
    if newline >= 0:  # each side of a paragraph break belongs to its own paragraph
        return (_neutral(text, a, newline + 1, before or after or LATIN)
                + _neutral(text, newline + 1, b, after or before or LATIN))
    if not before or not after or before == after:
        return _neutral(text, a, b, before or after or LATIN)
    above = bisect.bisect_left(breaks, a)  # the paragraph's start, without a scan back
    para = breaks[above - 1] + 1 if above else 0
    k = bisect.bisect_left(firsts, para)
    return _neutral(text, a, b, strong[k][2] if k < len(strong) else before)


def _neutral(text: str, start: int, end: int, script: str) -> list[tuple[int, int, str]]:
    """A gap in ``script``, except characters that script's font lacks."""
    if script == LATIN:
        return [(start, end, LATIN)]
    amiri = _cmap(font_name(ARABIC))
    return [(i, i + 1, ARABIC if ord(text[i]) in amiri else LATIN) for i in range(start, end)]


def _joined(parts: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for start, end, script in parts:
        if out and out[-1][2] == script and out[-1][1] == start:
            out[-1] = (out[-1][0], end, script)
        else:
            out.append((start, end, script))
    return out
