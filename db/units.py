"""Growing a search hit to the unit a researcher wants to code: sentence, paragraph, source.

All positions are code-point offsets into the canonical text, half-open (DESIGN.md
rule 6). The result never starts or ends with white space.

* A sentence ends after ``. ! ? …`` (and the Arabic ``؟`` and ``۔``, the ideographic
  ``。``) when white space or the end of the text follows, possibly after closing quotes
  or brackets, and the next word does not start with a lower-case letter: "3.5" and
  "e.g. far" do not end one. A line break always ends one.
* A paragraph ends at a blank line (a line break followed by white space and another
  line break) or at U+2029 PARAGRAPH SEPARATOR. Single line breaks stay inside a
  paragraph: importers separate paragraphs with blank lines and keep single breaks for
  list items, lines of verse and the hard-wrapped lines of PDF and plain-text articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from db.errors import CodingError

UNITS = ("hit", "sentence", "paragraph", "source")

_ENDS = ".!?…؟۔。‼⁇⁈⁉"
_CLOSERS = "\"'”’»›)]}"
_LINE_BREAKS = "\n\u2028\u2029\x0b\x0c\x85"
# The end of a sentence: a terminator (with more terminators and closers) before white
# space or the end of the text; or a line break.
_SENTENCE_END = re.compile(rf"[{re.escape(_ENDS)}][{re.escape(_ENDS + _CLOSERS)}]*(?=\s|\Z)"
                           rf"|[{_LINE_BREAKS}]")
_PARAGRAPH_END = re.compile(r"\n[^\S\n]*\n\s*|\u2029\s*")
_WORD_AFTER = re.compile(r"[^\S\n]+(\w)")
_BOUNDARIES = {"sentence": _SENTENCE_END, "paragraph": _PARAGRAPH_END}


def expand(text: str, start: int, end: int, unit: str) -> tuple[int, int]:
    """``[start, end)`` grown to the whole ``unit`` around it, white space trimmed.

    ``unit`` is "hit" (the span itself), "sentence", "paragraph" or "source" (the whole
    text). A span covering several sentences or paragraphs grows to all of them.
    Returns ``(start, end)``; CodingError for an unknown unit or a span outside the text.
    """
    if unit not in UNITS:
        raise CodingError(f"unknown unit '{unit}'; use one of: {', '.join(UNITS)}")
    if not 0 <= start <= end <= len(text):
        raise CodingError(f"the span [{start}, {end}) is outside a text of {len(text)} "
                          "characters")
    if unit == "source":
        return trim(text, 0, len(text))
    start, end = trim(text, start, end)
    if unit == "hit" or start == end:
        return start, end
    boundary = _BOUNDARIES[unit]
    return trim(text, _begin(text, start, boundary), _stop(text, start, end, boundary))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without white space at either end (empty stays empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _begin(text: str, start: int, boundary: re.Pattern[str]) -> int:
    """The end of the last boundary that ends at or before ``start`` (0 if none).

    Looks back in growing windows, so a hit late in a long article does not scan it all.
    """
    lo, window = start, 512
    while True:
        lo = max(0, lo - window)
        found = None
        for m in _matches(text, lo, boundary):
            if m.end() > start:
                break
            found = m.end()
        if found is not None or lo == 0:
            return found or 0
        window *= 4


def _stop(text: str, start: int, end: int, boundary: re.Pattern[str]) -> int:
    """The end of the first boundary that ends at or after ``end`` (the text's end if none).

    The search starts before any terminators and closing quotes the span ends with, so
    that a span ending in 'dawn.”' ends its own sentence rather than the next one.
    """
    pos = end - 1
    while pos > start and text[pos - 1] in _ENDS + _CLOSERS:
        pos -= 1
    for m in _matches(text, pos, boundary):
        if m.end() >= end:
            return m.end()
    return len(text)


def _matches(text: str, pos: int, boundary: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Boundaries from ``pos`` on, leaving out a full stop (or ? !) before a lower-case word:
    an abbreviation ("e.g. far") rather than the end of a sentence."""
    for m in boundary.finditer(text, pos):
        if boundary is _SENTENCE_END and m.group()[0] not in _LINE_BREAKS:
            nxt = _WORD_AFTER.match(text, m.end())
            if nxt and nxt.group(1).islower():
                continue
        yield m


def starts(text: str, unit: str) -> list[int]:
    """Where each sentence (or paragraph) of ``text`` after the first begins, in order:
    the unit holding position ``p`` is ``bisect.bisect_right(starts(...), p)``."""
    if unit not in _BOUNDARIES:
        raise CodingError(f"'{unit}' has no boundaries; use sentence or paragraph")
    return [m.end() for m in _matches(text, 0, _BOUNDARIES[unit])]
