"""The short form of a title, for the shortened notes of works cited again.

The Chicago Manual (17th ed., 14.33) shortens a title to "up to four key words" of the
main title, leaving out an initial "A", "An" or "The": *The Omnivore's Dilemma: A Natural
History of Four Meals* becomes *Omnivore's Dilemma*. Which words are "key" is an editor's
choice; here the main title (before a colon, a dash, or after a question mark) is kept
when it has four words or fewer, else its first clause or its first four words, never
ending on a small word. A short title the item carries (``title-short``) is always used
instead (:func:`db.citations.format.prepared`).
"""

from __future__ import annotations

import re

MAX_WORDS = 4
_ARTICLES = ("a", "an", "the")
_SMALL = frozenset("a an the and or nor but of on in to for at by with from as into "
                   "over per via".split())
_SUBTITLE = re.compile(r"\s*(?::|\s[—–]\s|\s-\s)\s*|(?<=[?!؟])\s+")
_CLAUSE = re.compile(r"\s*[,;،؛]\s*")


def short_title(title: str) -> str:
    """The short form of ``title`` ("" for none)."""
    main = _SUBTITLE.split(" ".join((title or "").split()), maxsplit=1)[0].strip()
    words = main.split()
    if len(words) > 1 and words[0].lower() in _ARTICLES:
        words = words[1:]
    if len(words) <= MAX_WORDS:
        return _trimmed(" ".join(words))
    clause = _CLAUSE.split(" ".join(words), maxsplit=1)[0].split()
    if 2 <= len(clause) <= MAX_WORDS:
        return _trimmed(" ".join(clause))
    kept = words[:MAX_WORDS]
    while len(kept) > 1 and kept[-1].lower().strip(",;:") in _SMALL:
        kept.pop()
    return _trimmed(" ".join(kept))


def _trimmed(text: str) -> str:
    return text.rstrip(" ,;:،؛—–-")
