"""The one place where code-point positions meet Qt's UTF-16 positions (DESIGN.md rule 6).

Every position in the core is an index into a Python ``str``: a Unicode code point.
Qt (``QString``, ``QTextCursor``, ``QTextDocument``) counts UTF-16 code units, in which
every character outside the Basic Multilingual Plane (most emoji: 🕊 🇸🇾 💔) takes two
units, a surrogate pair. Everything else -- Arabic letters and harakat, combining
marks, variation selectors, CJK -- is one unit in both counts, so the two positions
differ by the number of astral (non-BMP) characters before them.

A ``QTextDocument`` built with ``setPlainText`` turns each ``\\n`` into a block
separator that still counts as one position, so these conversions hold for document
positions too.

For one-off conversions use :func:`to_qt` and :func:`from_qt` (linear in the text);
for a text that is converted often (the Reader's open source), build an
:class:`OffsetMap` once: each conversion is then a binary search.

A Qt position can fall between the two halves of a surrogate pair; converting it back
rounds down to the character that contains it, or up past it with ``ceil=True`` (use
that for the end of a span, so a selection keeps the whole character).
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def qt_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as ``QString.size()`` would report it."""
    return len(text) + len(_ASTRAL.findall(text))


def to_qt(text: str, pos: int) -> int:
    """The Qt (UTF-16) position of code-point position ``pos`` in ``text``."""
    _check_range(pos, len(text), "code-point")
    return pos + len(_ASTRAL.findall(text, 0, pos))


def from_qt(text: str, qpos: int, *, ceil: bool = False) -> int:
    """The code-point position of Qt (UTF-16) position ``qpos`` in ``text``.

    A position inside a surrogate pair rounds down, or up when ``ceil`` is true.
    """
    return OffsetMap(text).from_qt(qpos, ceil=ceil)


def _check_range(pos: int, length: int, unit: str) -> None:
    """Raise ``ValueError`` unless ``0 <= pos <= length``."""
    if not 0 <= pos <= length:
        raise ValueError(f"{unit} position {pos} is outside a text of length {length}")


class OffsetMap:
    """Precomputed conversions between code points and UTF-16 units for one text.

    Building the map is one regular-expression scan of the text; each conversion is
    then O(log k) for k astral characters (O(1) when there are none).

    >>> m = OffsetMap("a🕊b")
    >>> m.to_qt(2), m.from_qt(3), m.qt_length
    (3, 2, 4)
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Code-point index of every astral character, and where each starts in UTF-16.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._qt_astral = [pos + i for i, pos in enumerate(self._astral)]
        self.qt_length = self.length + len(self._astral)

    def __repr__(self) -> str:
        return f"OffsetMap(length={self.length}, qt_length={self.qt_length})"

    def to_qt(self, pos: int) -> int:
        """The Qt (UTF-16) position of code-point position ``pos``."""
        _check_range(pos, self.length, "code-point")
        if not self._astral:
            return pos
        return pos + bisect_left(self._astral, pos)

    def from_qt(self, qpos: int, *, ceil: bool = False) -> int:
        """The code-point position of Qt position ``qpos``.

        A position between the halves of a surrogate pair rounds down to the start
        of that character, or up to its end when ``ceil`` is true.
        """
        _check_range(qpos, self.qt_length, "UTF-16")
        before = bisect_left(self._qt_astral, qpos)  # astral characters starting before
        if before and self._qt_astral[before - 1] + 1 == qpos:
            start = self._astral[before - 1]
            return start + 1 if ceil else start
        return qpos - before

    def to_qt_span(self, start: int, end: int) -> tuple[int, int]:
        """A code-point span ``[start, end)`` as a Qt span."""
        return self.to_qt(start), self.to_qt(end)

    def from_qt_span(self, qstart: int, qend: int) -> tuple[int, int]:
        """A Qt span as a code-point span that covers every character it touches."""
        return self.from_qt(qstart), self.from_qt(qend, ceil=True)
