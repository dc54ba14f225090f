"""The Arabic and English stopword lists (stopwords-iso, MIT; ``resources/stopwords``),
folded as search folds text so that they match the words :mod:`db.analysis.words` counts."""

from __future__ import annotations

from functools import lru_cache

from db.resources import resource
from db.search.analysis import fold

LANGUAGES = ("ar", "en")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Every stopword of every language, folded."""
    out: set[str] = set()
    for lang in LANGUAGES:
        text = resource("stopwords", f"{lang}.txt").read_text(encoding="utf-8")
        out |= {fold(w.strip()) for w in text.splitlines() if w.strip()}
    return frozenset(out)
