"""Evaluating a query tree against the index: sets of source ids, no scoring.

Each node becomes the set of source ids it matches. Words, wildcards and fuzzy words
are posting lists; wildcards and fuzzy words are first expanded against the index's
own vocabulary (capped, so ``the*`` cannot explode); dates come from the per-segment
day column; ``collection:`` and ``code:`` names are looked up in the database.

A phrase outside ``NOT`` is first matched as "all its words" (cheap), and then checked
word by word when its hits are located (``hits.py``), where a source with no real
occurrence is dropped. Under ``NOT`` a phrase is checked exactly here, from positions
in the index, so that nothing is excluded by mistake.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import QuerySyntaxError, SearchError
from db.models import Code, Collection
from db.search.analysis import stem
from db.search.documents import day_number
from db.search.leaves import Leaf, leaves
from db.search.query import And, DateRange, Meta, Node, Not, Or, Pattern, Phrase, Words

MAX_EXPANSION = 500
"""How many different words a wildcard or fuzzy word may stand for."""

TIME_LIMIT = 20.0
"""Seconds after which a search stops with a message (the user can cancel sooner)."""

_FIELDS = {"text": ("body", "note"), "title": ("title",), "note": ("note",),
           "memo": ("memo",), "author": ("author",)}


def text_fields(name: str, stemmed: bool) -> tuple[str, ...]:
    """The index fields a text node searches (``author`` has no stemmed twin)."""
    fields = _FIELDS[name]
    return tuple(f"{f}_stem" for f in fields) if stemmed and name != "author" else fields


class Evaluator:
    """Evaluates one query tree; keeps each node's set and expansion for ``hits.py``."""

    def __init__(self, reader, session: Session, query: str, *, stemmed: bool = False,
                 cancelled: Callable[[], bool] | None = None):
        self.leaves: list[Leaf] = leaves(reader)
        self.session, self.query, self.stemmed = session, query, stemmed
        self.cancelled = cancelled or (lambda: False)
        self.deadline = time.monotonic() + TIME_LIMIT
        self.sets: dict[int, set[int]] = {}
        self.terms: dict[int, tuple[tuple[str, ...], list[str]]] = {}
        self.codes: dict[int, set[int]] = {}
        self._universe: set[int] | None = None

    def check(self) -> None:
        """Stop if the user cancelled or the time limit passed."""
        if self.cancelled():
            raise SearchError("the search was cancelled")
        if time.monotonic() > self.deadline:
            raise SearchError("the search took too long; make the query more specific")

    def universe(self) -> set[int]:
        """Every indexed source."""
        if self._universe is None:
            self._universe = set().union(*(leaf.live_sids() for leaf in self.leaves))
        return self._universe

    def run(self, node: Node, exact: bool = False) -> set[int]:
        """The source ids ``node`` matches (a superset for phrases unless ``exact``)."""
        self.check()
        method = getattr(self, "_" + type(node).__name__.lower())
        result = method(node, exact)
        if exact or not isinstance(node, Phrase):
            self.sets[id(node)] = result
        return result

    # --- boolean ---------------------------------------------------------------------

    def _and(self, node: And, exact: bool) -> set[int]:
        pos = [c for c in node.children if not isinstance(c, Not)]
        neg = [c.child for c in node.children if isinstance(c, Not)]
        for c in node.children:
            if isinstance(c, Not):
                self.sets[id(c)] = set()  # membership is tested through the child
        sets = sorted((self.run(c, exact) for c in pos), key=len)
        out = set(sets[0]) if sets else set(self.universe())
        for s in sets[1:]:
            out &= s
        for c in neg:
            out -= self.run(c, True)
        return out

    def _or(self, node: Or, exact: bool) -> set[int]:
        out: set[int] = set()
        for c in node.children:
            out |= self.run(c, exact)
        return out

    def _not(self, node: Not, exact: bool) -> set[int]:
        return self.universe() - self.run(node.child, True)

    # --- text ------------------------------------------------------------------------

    def _words(self, node: Words, exact: bool) -> set[int]:
        fields = text_fields(node.field, self.stemmed)
        terms = [stem(t) for t in node.terms] if self.stemmed and node.field != "author" \
            else list(node.terms)
        self.terms[id(node)] = (fields, terms)
        return self._postings(fields, terms)

    def _postings(self, fields: tuple[str, ...], terms: list[str]) -> set[int]:
        out: set[int] = set()
        for leaf in self.leaves:
            for f in fields:
                for t in terms:
                    out.update(leaf.sids_of(leaf.reader_postings(f, t)))
            self.check()
        return out

    def _phrase(self, node: Phrase, exact: bool) -> set[int]:
        fields = text_fields(node.field, self.stemmed)
        terms = [stem(t) for t in node.terms] if self.stemmed and node.field != "author" \
            else list(node.terms)
        self.terms[id(node)] = (fields, terms)
        out: set[int] = set()
        for f in fields:
            sets = sorted((self._postings((f,), [t]) for t in set(terms)), key=len)
            found = set.intersection(*sets) if sets else set()
            if exact and len(terms) > 1 and found:
                found = self._positional(f, terms, node.slop, found)
            out |= found
        return out

    def _positional(self, field: str, terms: list[str], slop: int, among: set[int]) -> set[int]:
        from db.search.spans import positions_match

        out: set[int] = set()
        for leaf in self.leaves:
            per_term = [_positions(leaf, field, t, among) for t in terms]
            docs = set.intersection(*(set(p) for p in per_term))
            for d in docs:
                if positions_match([p[d] for p in per_term], slop):
                    out.add(leaf.cols.sids[d])
            self.check()
        return out

    def _pattern(self, node: Pattern, exact: bool) -> set[int]:
        fields = _FIELDS[node.field]  # patterns match the words as written, not stems
        terms: set[str] = set()
        for leaf in self.leaves:
            for f in fields:
                terms |= self._expand(leaf, f, node)
                if len(terms) > MAX_EXPANSION:
                    raise QuerySyntaxError(
                        f"'{node.text}' stands for more than {MAX_EXPANSION} different "
                        "words; make it longer", node.pos, self.query)
        self.terms[id(node)] = (fields, sorted(terms))
        return self._postings(fields, sorted(terms))

    def _expand(self, leaf: Leaf, field: str, node: Pattern) -> set[str]:
        r = leaf.reader
        if node.kind == "fuzzy":
            try:
                return set(r.terms_within(field, node.terms[0], node.edits, prefix=1))
            except KeyError:  # a segment without this field
                return set()
        pattern = node.terms[0]
        prefix = re.split(r"[*?]", pattern, maxsplit=1)[0]
        rx = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))
        out: set[str] = set()
        for t in r.expand_prefix(field, prefix):
            t = t.decode("utf-8") if isinstance(t, bytes) else t
            if rx.fullmatch(t):
                out.add(t)
                if len(out) > MAX_EXPANSION:
                    break
        return out

    # --- metadata --------------------------------------------------------------------

    def _meta(self, node: Meta, exact: bool) -> set[int]:
        value = node.value.lower()
        if node.field == "collection":
            return self._postings(("collection",), [str(i) for i in self._named(node, Collection)])
        if node.field == "code":
            ids = self._named(node, Code)
            self.codes[id(node)] = ids
            return self._postings(("code",), [str(i) for i in ids])
        if node.field == "handle":
            value = value.lstrip("@")
        if value.endswith("*"):
            return self._meta_prefix(node.field, value.rstrip("*"))
        return self._postings((node.field,), [value])

    def _meta_prefix(self, field: str, prefix: str) -> set[int]:
        terms: set[str] = set()
        for leaf in self.leaves:
            terms |= {t.decode() if isinstance(t, bytes) else t
                      for t in leaf.reader.expand_prefix(field, prefix)}
        return self._postings((field,), sorted(terms))

    def _named(self, node: Meta, model) -> set[int]:
        """Ids of the collections or codes called ``node.value``, with everything under them."""
        rows = self.session.execute(select(model.id, model.name, model.parent_id)).all()
        wanted = node.value.casefold()
        found = {r.id for r in rows if r.name.casefold() == wanted}
        if not found:
            what = "collection" if model is Collection else "code"
            raise QuerySyntaxError(f"there is no {what} called '{node.value}'", node.pos,
                                   self.query)
        children: dict[int | None, list[int]] = {}
        for r in rows:
            children.setdefault(r.parent_id, []).append(r.id)
        stack, out = list(found), set()
        while stack:
            i = stack.pop()
            if i not in out:
                out.add(i)
                stack += children.get(i, [])
        return out

    def _daterange(self, node: DateRange, exact: bool) -> set[int]:
        lo = day_number(node.lo) if node.lo else -(2**31) + 1
        hi = day_number(node.hi) if node.hi else 2**31 - 1
        out: set[int] = set()
        for leaf in self.leaves:
            out |= leaf.days_between(lo, hi)
        return out


def _positions(leaf: Leaf, field: str, term: str, among: set[int]) -> dict[int, list[int]]:
    """Local doc number -> positions of ``term``, for documents whose source is ``among``."""
    try:
        m = leaf.reader.postings(field, term)
    except Exception:  # TermNotFound
        return {}
    sids, out = leaf.cols.sids, {}
    while m.is_active():
        d = m.id()
        if sids[d] in among:
            out[d] = m.value_as("positions")
        m.next()
    return out
