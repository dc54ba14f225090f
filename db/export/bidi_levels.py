"""Unicode bidi embedding levels of a paragraph, and the visual order of one line of it.

python-bidi's pure-Python algorithm (``bidi.algorithm``, shipped with python-bidi 0.5+)
resolves the levels; its fast Rust core only returns a reordered string, which is of no
use here because the export must know where each character goes (highlights, footnote
markers, font changes). The Python algorithm predates the bracket-pair rule N0 of UAX #9
(Unicode 6.3), without which "(UNDP) 2017" inside Arabic comes out as "2017 (UNDP";
:func:`_pair_brackets` adds N0 between the weak and the neutral rules.

Levels are resolved once per paragraph; each line is then reordered on its own (rules L1
and L2), which is what keeps a wrapped Arabic paragraph's lines in reading order.
"""

from __future__ import annotations

import re
import unicodedata

from bidi import algorithm as uba

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u202b\u202e\u200f\u061c"
                  "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_OPENING = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u207d": "\u207e",
            "\u208d": "\u208e", "\u2329": "\u232a", "\u27e8": "\u27e9", "\u3008": "\u3009",
            "\ufe59": "\ufe5a", "\uff08": "\uff09", "\uff3b": "\uff3d", "\uff5b": "\uff5d"}
_CLOSING = set(_OPENING.values())
_STRONG = {"L": "L", "R": "R", "AL": "R", "EN": "R", "AN": "R"}
_TRAILING = {"WS", "S", "B", "BN", "LRE", "RLE", "LRO", "RLO", "PDF"}


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds any right-to-left character or control."""
    return bool(_RTL.search(text))


def paragraph_levels(text: str, base: int | None = None) -> tuple[int, list[int] | None]:
    """(base level, the level of each character) of one paragraph (no newline inside).

    ``base`` None: from the first strong character (P2, P3). Levels are None when every
    character is left-to-right at level 0 (the common case, answered without work).
    """
    if not has_rtl(text):
        return (base or 0), (None if not base else _levels(text, base))
    if base is None:
        base = uba.get_base_level(text)
    return base, _levels(text, base)


def _levels(text: str, base: int) -> list[int]:
    storage = uba.get_empty_storage()
    storage["base_level"], storage["base_dir"] = base, ("L", "R")[base]
    uba.get_embedding_levels(text, storage)
    for i, ch in enumerate(storage["chars"]):
        ch["i"] = i  # explicit_embed_and_overrides drops controls (X9): keep positions
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    _pair_brackets(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels = [-1] * len(text)
    for ch in storage["chars"]:
        levels[ch["i"]] = ch["level"]
    last = base
    for i, level in enumerate(levels):  # removed controls take the level before them
        levels[i] = last = level if level >= 0 else last
    return levels


def _pair_brackets(storage: dict) -> None:
    """Rule N0: a bracket pair takes the direction of what it encloses and its context."""
    for run in storage["runs"]:
        chars = storage["chars"][run["start"]:run["start"] + run["length"]]
        if not chars:
            continue
        embedding = "R" if chars[0]["level"] % 2 else "L"
        for o, c in _bracket_pairs(chars):
            direction = _pair_direction(chars, o, c, embedding, run["sor"])
            if direction:
                for k in (o, c):
                    chars[k]["type"] = direction
                    j = k + 1
                    while j < len(chars) and chars[j]["orig"] == "NSM":
                        chars[j]["type"] = direction
                        j += 1


def _bracket_pairs(chars: list[dict]) -> list[tuple[int, int]]:
    """BD16: matching bracket pairs of a run (positions), by opening position."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(chars):
        if ch["type"] != "ON":
            continue
        c = ch["ch"]
        if c in _OPENING:
            if len(stack) == 63:
                break
            stack.append((_OPENING[c], i))
        elif c in _CLOSING:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == c:
                    pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    return sorted(pairs)


def _pair_direction(chars: list[dict], o: int, c: int, embedding: str, sor: str) -> str:
    inside = {_STRONG.get(ch["type"]) for ch in chars[o + 1:c]} - {None}
    if embedding in inside:
        return embedding
    if not inside:
        return ""
    before = next((_STRONG[ch["type"]] for ch in reversed(chars[:o])
                   if ch["type"] in _STRONG), sor)
    return before if before != embedding else embedding


def visual_order(text: str, levels: list[int] | None, base: int) -> list[int]:
    """The logical positions of a line's characters in visual (left-to-right) order.

    ``levels`` are the line's slice of its paragraph's levels (None: all at 0). Rule L1
    puts trailing white space at the paragraph's level; rule L2 reverses.
    """
    n = len(text)
    if levels is None:
        return list(range(n))
    levels = list(levels)
    i = n
    while i > 0 and unicodedata.bidirectional(text[i - 1]) in _TRAILING:
        i -= 1
    levels[i:] = [base] * (n - i)
    order = list(range(n))
    top = max(levels, default=0)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        _reverse_at(order, levels, level)
    return order


def _reverse_at(order: list[int], levels: list[int], level: int) -> None:
    """Reverse every maximal stretch of ``order`` whose characters are at ``level`` or above."""
    i, n = 0, len(order)
    while i < n:
        if levels[order[i]] < level:
            i += 1
            continue
        j = i
        while j < n and levels[order[j]] >= level:
            j += 1
        order[i:j] = order[i:j][::-1]
        i = j
