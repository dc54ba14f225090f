"""The fonts a PDF export embeds, and which of them draws each character.

Two families ship in ``resources/fonts``: Amiri (Arabic script) and DejaVu Sans
(everything else). Arabic letters always take Amiri; other letters take DejaVu Sans;
spaces, digits and punctuation take the font of the letters before them (else after
them), so that the comma and the brackets of an Arabic sentence match it.

No shipped font has emoji. :func:`sanitize` replaces every character that no font can
draw -- an emoji together with its variation selectors, skin tones and joiners -- with
one grey ``□`` (:data:`PLACEHOLDER`), and drops invisible format characters no font has;
the export counts the replacements and says so on its title page.
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

LATIN, ARABIC = "latin", "arabic"
_FILES = {(LATIN, False): ("QuireSans", "DejaVuSans.ttf"),
          (LATIN, True): ("QuireSans-Bold", "DejaVuSans-Bold.ttf"),
          (ARABIC, False): ("QuireArabic", "Amiri-Regular.ttf"),
          (ARABIC, True): ("QuireArabic-Bold", "Amiri-Bold.ttf")}
# Amiri's letters are small for their body: drawn 20% larger they match DejaVu's x-height.
SCALE = {LATIN: 1.0, ARABIC: 1.2}
PLACEHOLDER = "\u25a1"
ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe"
_ARABIC = re.compile(f"[{ARABIC_CHARS}]+")
_LETTERS = re.compile(r"[^\W\d_]+")
# Characters that belong to the emoji before them (joiners, selectors, skin tones, tags).
_CLUSTER = {0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)}
_lock = threading.Lock()


def register() -> None:
    """Register the four shipped fonts with reportlab (once; safe from any thread)."""
    with _lock:
        for name, file in _FILES.values():
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
    return _cmap(font_name(LATIN)) | _cmap(font_name(ARABIC)) | {10}


@lru_cache(maxsize=1)
def _uncovered() -> re.Pattern:
    """A pattern matching any character no shipped font has (or a spacing control)."""
    points = sorted(_covered() - {9, 11, 12, 13})
    ranges, start, prev = [], points[0], points[0]
    for cp in points[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                   for a, b in ranges)
    return re.compile(f"[^{body}]")


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
    if text.isascii() or not _ARABIC.search(text):
        return [(0, len(text), LATIN)] if text else []
    arabic = [(m.start(), m.end(), ARABIC) for m in _ARABIC.finditer(text)]
    latin = [piece for m in _LETTERS.finditer(text) if not _ARABIC.fullmatch(m.group())
             for piece in _outside(m.start(), m.end(), arabic)]
    return _fill_neutrals(text, sorted(arabic + latin))


def _outside(start: int, end: int, runs: list[tuple[int, int, str]]
             ) -> list[tuple[int, int, str]]:
    """The parts of [start, end) that no Arabic run covers, as Latin pieces."""
    out, pos = [], start
    for a, b, _ in runs:
        if b <= pos or a >= end:
            continue
        if a > pos:
            out.append((pos, a, LATIN))
        pos = max(pos, b)
    if pos < end:
        out.append((pos, end, LATIN))
    return out


def _fill_neutrals(text: str, strong: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Give each gap between letter runs a script: that of its neighbours when they
    agree, else that of its paragraph's first letter (so "(UNDP) 2017" inside Arabic
    keeps Arabic brackets on both sides)."""
    out: list[tuple[int, int, str]] = []
    pos, firsts = 0, [s for s, _, _ in strong]
    for k, (start, end, script) in enumerate(strong + [(len(text), len(text), "")]):
        if start > pos:
            before = strong[k - 1][2] if k else ""
            out += _gap(text, pos, start, before, script, strong, firsts)
        if script:
            out.append((start, end, script))
        pos = end
    return _joined(out)


def _gap(text: str, a: int, b: int, before: str, after: str,
         strong: list[tuple[int, int, str]], firsts: list[int]) -> list[tuple[int, int, str]]:
    newline = text.rfind("\n", a, b)
    if newline >= 0:  # each side of a paragraph break belongs to its own paragraph
        return (_neutral(text, a, newline + 1, before or after or LATIN)
                + _neutral(text, newline + 1, b, after or before or LATIN))
    if not before or not after or before == after:
        return _neutral(text, a, b, before or after or LATIN)
    para = text.rfind("\n", 0, a) + 1
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
