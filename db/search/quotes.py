"""Quoted text in a search: ``-in:quote`` leaves it out, ``in:quote`` searches only it.

Forum posts quote earlier posts; a researcher counting who said "X" wants the words a
poster wrote, not the ones they quoted. Quotes are stored as spans of the post's text
(``Source.extra["quotes"]``, see :mod:`db.queries.quotes`), so the scope is applied
where hits are located (``hits.py``), with no change to the index or to query
evaluation: the query finds its candidates as usual, then each text hit lying wholly
inside a quote is dropped (``-in:quote``) or kept alone (``in:quote``), and a source
left with no hit is not shown. The scope applies to the whole query, wherever it is
written in it, and also comes as the ``quotes=`` option of :func:`db.search.search`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Source
from db.queries.quotes import spans
from db.search.spans import Hit

ALL, OUTSIDE, INSIDE = "all", "outside", "inside"
"""Every hit; hits outside quoted text only; hits inside quoted text only."""

_WORDS = {"in:quote": INSIDE, "in:quotes": INSIDE, "-in:quote": OUTSIDE, "-in:quotes": OUTSIDE}


def split_scope(query: str, scope: str = ALL) -> tuple[str, str]:
    """``query`` with its ``in:quote`` / ``-in:quote`` (or ``NOT in:quote``) blanked out
    (so positions in syntax errors stay right), and the scope: the query's, else ``scope``."""
    chars, found = list(query), scope
    words = _words(query)
    for k, (start, end) in enumerate(words):
        wanted = _WORDS.get(query[start:end].lower())
        if wanted is None:
            continue
        negated = k > 0 and query[slice(*words[k - 1])] == "NOT"
        if negated:
            chars[words[k - 1][0]:words[k - 1][1]] = " " * 3
        found = OUTSIDE if negated else wanted
        chars[start:end] = " " * (end - start)
    return "".join(chars), found


def _words(query: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each space-separated word outside "quoted phrases"."""
    out, start, in_phrase = [], None, False
    for i, ch in enumerate(query + " "):
        if ch == '"':
            in_phrase = not in_phrase
        if ch.isspace() and not in_phrase:
            if start is not None:
                out.append((start, i))
            start = None
        elif start is None:
            start = i
    return out


def quote_spans(session: Session, sids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """The quote spans of the sources ``sids`` that have any."""
    q = select(Source.id, Source.extra, Source.length).where(
        Source.id.in_(sids), Source.kind == "post")
    out = {}
    for sid, extra, length in session.execute(q):
        found = spans(extra, length) if extra and extra.get("quotes") else []
        if found:
            out[sid] = found
    return out


def in_scope(hits: list[Hit], quoted: list[tuple[int, int]], scope: str) -> list[Hit]:
    """The ``hits`` of one source that the scope keeps (see the module docstring)."""
    if scope == ALL:
        return hits

    def inside(h: Hit) -> bool:
        return h.where == "text" and any(s <= h.start and h.end <= e for s, e in quoted)

    return [h for h in hits if inside(h) == (scope == INSIDE)]
