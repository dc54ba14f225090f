"""Mapping positions that other programs wrote into Quire's canonical text.

A REFI-QDA file gives a text as its author stored it (maybe with a byte-order mark,
CRLF line endings, decomposed accents) and positions counted in that text, in code
points (Python, QualCoder, Quire) or UTF-16 code units (.NET and Qt programs).
Quire keeps the canonical text (:mod:`db.text`) and code-point positions, so every
position is carried through each step of canonicalization:

* UTF-16 units become code points (a position inside a surrogate pair rounds outward);
* a leading BOM and the CR of a CRLF disappear (positions on them move to what follows);
* NFC composition: a position inside a cluster that composition changed (a letter and
  its combining marks) moves to the cluster's start (a start) or end (an end), so a
  passage never loses a character it covered.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array

from db.text import BOM

CODE_POINTS, UTF16 = "code points", "UTF-16 code units"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class PositionMap:
    """Positions in a raw text (in ``unit``) as positions in its canonical form ``text``."""

    def __init__(self, raw: str, unit: str = CODE_POINTS):
        self.unit = unit
        astral = [m.start() for m in _ASTRAL.finditer(raw)] if unit == UTF16 else []
        # The k-th astral character starts at UTF-16 unit astral[k] + k.
        self._units = [a + k for k, a in enumerate(astral)]
        self.raw_length = len(raw) + len(astral)
        self.text, self._lo, self._hi = _canonical_map(raw)

    def start(self, pos: int) -> int:
        """Where a passage starting at raw ``pos`` starts in the canonical text."""
        cp = self._code_point(pos, ceil=False)
        return cp if self._lo is None else self._lo[cp]

    def end(self, pos: int) -> int:
        """Where a passage ending at raw ``pos`` (excluded) ends in the canonical text."""
        cp = self._code_point(pos, ceil=True)
        return cp if self._hi is None else self._hi[cp]

    def _code_point(self, pos: int, ceil: bool) -> int:
        units = self._units
        if not units:
            return pos
        before = bisect.bisect_left(units, pos)  # astral characters starting before pos
        if before and units[before - 1] + 1 == pos:  # between the halves of a pair
            return pos - before + (1 if ceil else 0)
        return pos - before


def astral_count(text: str) -> int:
    """How many characters of ``text`` take two UTF-16 units."""
    return len(_ASTRAL.findall(text))


def _canonical_map(raw: str) -> tuple[str, array | None, array | None]:
    """The canonical text and, unless it equals ``raw``, raw -> canonical position maps.

    ``lo[i]``/``hi[i]`` are where raw code point ``i`` maps as a start/an end
    (``len(raw) + 1`` entries).
    """
    step1, map1 = _newlines(raw)
    if map1 is None and unicodedata.is_normalized("NFC", step1):
        return step1, None, None
    text, lo2, hi2 = _compose(step1)
    if map1 is None:
        return text, lo2, hi2
    lo = array("q", (lo2[j] for j in map1))
    hi = array("q", (hi2[j] for j in map1))
    return text, lo, hi


def _newlines(raw: str) -> tuple[str, list[int] | None]:
    """``raw`` without a leading BOM and with LF line ends, and the position map."""
    if not raw.startswith(BOM) and "\r" not in raw:
        return raw, None
    out: list[str] = []
    where: list[int] = []
    n = 0
    for i, ch in enumerate(raw):
        where.append(n)
        if (i == 0 and ch == BOM) or (ch == "\r" and raw[i + 1:i + 2] == "\n"):
            continue
        out.append("\n" if ch == "\r" else ch)
        n += 1
    where.append(n)
    return "".join(out), where


def _compose(text: str) -> tuple[str, array, array]:
    """NFC of ``text`` with start/end maps, computed line by line and cluster by cluster."""
    parts: list[str] = []
    lo, hi = array("q"), array("q")
    base = 0
    for line in text.splitlines(keepends=True):
        for piece in _clusters(line):
            norm = unicodedata.normalize("NFC", piece)
            _extend(lo, hi, base, piece, norm)
            parts.append(norm)
            base += len(norm)
    lo.append(base)
    hi.append(base)
    return "".join(parts), lo, hi


def _clusters(line: str) -> list[str]:
    """``line`` cut before each starter, or whole when cutting would change its NFC."""
    if unicodedata.is_normalized("NFC", line):
        return [line]
    cuts = [i for i, ch in enumerate(line) if i and not unicodedata.combining(ch)]
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    joined = "".join(unicodedata.normalize("NFC", p) for p in pieces)
    return pieces if joined == unicodedata.normalize("NFC", line) else [line]


def _extend(lo: array, hi: array, base: int, piece: str, norm: str) -> None:
    """Map the code points of ``piece`` (which became ``norm`` at ``base``)."""
    if piece == norm:
        lo.extend(range(base, base + len(piece)))
        hi.extend(range(base, base + len(piece)))
        return
    lo.append(base)
    hi.append(base)
    lo.extend([base] * (len(piece) - 1))
    hi.extend([base + len(norm)] * (len(piece) - 1))
