"""Text folding for matching: the one normalisation search, the index and find-in-text share.

Folding maps every character to one character or to nothing, so a folded text is as
long as the original unless characters were removed, and offsets come back through a
small map only then (:func:`fold_offsets`). It removes Arabic harakat, Quranic marks,
tatweel and invisible formatting characters; folds alef variants (أ إ آ ٱ) to ا and ى
to ي, Arabic-Indic digits to 0-9 and typographic apostrophes to '; lower-cases; and
removes Latin accents (é→e). Arabic letters keep their hamza (ؤ ئ) and their shape.

This module imports nothing but the standard library, so the window's find bar can use
it without loading the search engine. Changing what it does changes the index: bump
``schema.VERSION`` with it.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_MARKS = ("\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
                 "\u0640")  # the last one is tatweel
_INVISIBLE = "\u00ad\u200b\u200d-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_ALEFS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"}
_APOSTROPHES = {"’": "'", "ʼ": "'", "‘": "'"}
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
REMOVED = re.compile(f"[{_ARABIC_MARKS}{_INVISIBLE}]|{_COMBINING.pattern}")
"""The characters folding removes."""


def _fold_char(c: str) -> str:
    """What one character folds to: one character, or '' when it is removed."""
    if REMOVED.fullmatch(c):
        return ""
    if c in _ALEFS:
        return _ALEFS[c]
    if c in _APOSTROPHES:
        return _APOSTROPHES[c]
    if "\u0660" <= c <= "\u0669" or "\u06f0" <= c <= "\u06f9":
        return str(unicodedata.digit(c))
    lower = c.lower()
    c2 = lower if len(lower) == 1 else c
    if "\u0600" <= c2 <= "\u06ff":  # Arabic letters keep their hamza (ؤ ئ) and shape
        return c2
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", c2))
    bare = "".join(_ALEFS.get(ch, ch) for ch in REMOVED.sub("", bare))
    if len(bare.lower()) == 1:
        bare = bare.lower()
    return bare if len(bare) == 1 else c2


def _build_fold() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x10000):
        if 0x3400 <= cp < 0xA640 or 0xAC00 <= cp < 0xF900:  # CJK, Hangul, surrogates
            continue
        c = chr(cp)
        f = _fold_char(c)
        if f != c:
            table[cp] = f
    return table


FOLD: dict[int, str] = _build_fold()
"""``str.translate`` table: each character to one character or '' (removed)."""


def fold(text: str) -> str:
    """``text`` folded for matching: lower case, no accents, harakat or tatweel."""
    return unicodedata.normalize("NFC", text).translate(FOLD)


def kept_offsets(text: str) -> list[int] | None:
    """For each character of ``text.translate(FOLD)``, its offset in ``text``; None when
    folding removed nothing (then the offsets agree)."""
    if not REMOVED.search(text):
        return None
    return [i for i, c in enumerate(text) if FOLD.get(ord(c), c) != ""]


def fold_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` (canonical, NFC) folded, and for each folded character the offset of the
    character of ``text`` it came from, plus ``len(text)`` at the end; a span
    ``[a, b)`` of the folded text is ``[offsets[a], offsets[b - 1] + 1)`` of ``text``."""
    folded = text.translate(FOLD)
    kept = kept_offsets(text) if len(folded) != len(text) else None
    offsets = list(range(len(text))) if kept is None else kept
    offsets.append(len(text))
    return folded, offsets
