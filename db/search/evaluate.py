"""Turning a query tree into matchers, one tree per segment, for lazy evaluation.

Nothing is scored and nothing is materialized: each node becomes a matcher
(``matchers.py``) over the segment's postings. Wildcards and fuzzy words are expanded
against the index's own vocabulary first (capped, so ``the*`` cannot explode), in
every segment, so that a query that asks too much fails at once, not half-way through
its hits; ``collection:`` and ``code:`` names are looked up in the database; dates
come from the publication-time column.
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
from db.search.documents import day_bounds
from db.search.leaves import Leaf
from db.search.matchers import (
    AndMatcher,
    FilterMatcher,
    ListMatcher,
    Matcher,
    Nothing,
    OrMatcher,
    PhraseMatcher,
    RangeMatcher,
    TermMatcher,
)
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
    """One query over the leaves of an open index (see the module docstring).

    :meth:`prepare` does everything that can fail on the query itself; then
    :meth:`matcher` gives each leaf its matcher tree. ``terms`` keeps, for each text
    node, the fields and terms it looks for (to locate hits without the index).
    """

    def __init__(self, leaves: list[Leaf], session: Session, query: str, *,
                 stemmed: bool = False, cancelled: Callable[[], bool] | None = None):
        self.leaves, self.session, self.query, self.stemmed = leaves, session, query, stemmed
        self.cancelled = cancelled or (lambda: False)
        self.deadline = time.monotonic() + TIME_LIMIT
        self.terms: dict[int, tuple[tuple[str, ...], list[str]]] = {}
        self.codes: dict[int, set[int]] = {}
        self._expanded: dict[tuple[int, int], dict[str, set[str]]] = {}
        self._meta: dict[int, tuple[str, list[str]]] = {}
        self.fields_found: set[str] = set()  # text fields with postings for the query

    def check(self) -> None:
        """Stop if the user cancelled or the time limit passed."""
        if self.cancelled():
            raise SearchError("the search was cancelled")
        if time.monotonic() > self.deadline:
            raise SearchError("the search took too long; make the query more specific")

    # --- before any hit ----------------------------------------------------------------

    def prepare(self, node: Node) -> None:
        """Look up what each node needs (raises QuerySyntaxError for what cannot be)."""
        for child in getattr(node, "children", ()):
            self.prepare(child)
        if isinstance(node, Not):
            self.prepare(node.child)
        elif isinstance(node, Pattern):
            self._prepare_pattern(node)
        elif isinstance(node, Words):
            stemmed = self.stemmed and node.field != "author"
            terms = [stem(t) for t in node.terms] if stemmed else list(node.terms)
            self.terms[id(node)] = (text_fields(node.field, self.stemmed), terms)
        elif isinstance(node, Meta):
            self._meta[id(node)] = (node.field, self._meta_terms(node))

    def _prepare_pattern(self, node: Pattern) -> None:
        fields = _FIELDS[node.field]  # patterns match the words as written, not stems
        found: set[str] = set()
        for k, leaf in enumerate(self.leaves):
            per_field = {f: self._expand(leaf, f, node) for f in fields}
            self._expanded[(id(node), k)] = per_field
            found = found.union(*per_field.values())
            if len(found) > MAX_EXPANSION:
                raise QuerySyntaxError(f"'{node.text}' stands for more than {MAX_EXPANSION} "
                                       "different words; make it longer", node.pos, self.query)
        self.terms[id(node)] = (fields, sorted(found))

    def _expand(self, leaf: Leaf, field: str, node: Pattern) -> set[str]:
        if node.kind == "fuzzy":
            try:
                return set(leaf.reader.terms_within(field, node.terms[0], node.edits, prefix=1))
            except KeyError:  # a segment without this field
                return set()
        pattern = node.terms[0]
        prefix = re.split(r"[*?]", pattern, maxsplit=1)[0]
        rx = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))
        out: set[str] = set()
        for t in leaf.expand_prefix(field, prefix):
            if rx.fullmatch(t):
                out.add(t)
                if len(out) > MAX_EXPANSION:
                    break
        return out

    def _meta_terms(self, node: Meta) -> list[str]:
        value = node.value.lower()
        if node.field in ("collection", "code"):
            ids = self._named(node, Collection if node.field == "collection" else Code)
            if node.field == "code":
                self.codes[id(node)] = ids
            return sorted(map(str, ids))
        if node.field == "handle":
            value = value.lstrip("@")
        if value.endswith("*"):
            prefix = value.rstrip("*")
            return sorted({t for leaf in self.leaves
                           for t in leaf.expand_prefix(node.field, prefix)})
        return [value]

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

    # --- per leaf ------------------------------------------------------------------------

    def matcher(self, k: int, node: Node) -> Matcher:
        """The matcher of ``node`` in leaf number ``k``."""
        leaf = self.leaves[k]
        if isinstance(node, And):
            pos = [self.matcher(k, c) for c in node.children if not isinstance(c, Not)]
            neg = [self.matcher(k, c.child) for c in node.children if isinstance(c, Not)]
            return _and(pos or [RangeMatcher(0, leaf.maxdoc)], neg, id(node))
        if isinstance(node, Or):
            return _or([self.matcher(k, c) for c in node.children], id(node))
        if isinstance(node, Not):
            return _and([RangeMatcher(0, leaf.maxdoc)], [self.matcher(k, node.child)],
                        id(node))
        if isinstance(node, DateRange):
            return _dates(leaf, node)
        if isinstance(node, Meta):
            field, terms = self._meta[id(node)]
            return self._terms(leaf, [(field, t) for t in terms], id(node))
        if isinstance(node, Pattern):
            expanded = self._expanded[(id(node), k)]
            return self._terms(leaf, [(f, t) for f, ts in expanded.items()
                                      for t in sorted(ts)], id(node))
        if isinstance(node, Phrase) and len(self.terms[id(node)][1]) > 1:
            return self._phrase(leaf, node)
        fields, terms = self.terms[id(node)]
        return self._terms(leaf, [(f, terms[0]) for f in fields], id(node))

    def _terms(self, leaf: Leaf, pairs: list[tuple[str, str]], node_id: int) -> Matcher:
        """Documents holding any of the ``(field, term)`` pairs."""
        ms = [TermMatcher(p, node_id, f, t) for f, t in pairs if (p := leaf.postings(f, t))]
        self.fields_found.update(m.field for m in ms)
        return _or(ms, 0)

    def _phrase(self, leaf: Leaf, node: Phrase) -> Matcher:
        fields, terms = self.terms[id(node)]
        out = []
        for f in fields:
            found = {t: leaf.postings(f, t) for t in set(terms)}
            if all(found.values()):
                self.fields_found.add(f)
                ms = {t: TermMatcher(p, field=f, term=t) for t, p in found.items()}
                out.append(PhraseMatcher(terms, ms, node.slop, id(node), f))
        return _or(out, 0)


def _or(children: list[Matcher], node_id: int) -> Matcher:
    children = [c for c in children if not isinstance(c, Nothing)]
    if not children:
        return Nothing()
    m = children[0] if len(children) == 1 else OrMatcher(children)
    if node_id:
        m = _marked(m, node_id)
    return m


def _and(pos: list[Matcher], neg: list[Matcher], node_id: int) -> Matcher:
    if any(isinstance(c, Nothing) for c in pos):
        return Nothing()
    neg = [c for c in neg if not isinstance(c, Nothing)]
    m = AndMatcher(pos, neg)
    m.node_id = node_id
    return m


def _marked(m: Matcher, node_id: int) -> Matcher:
    """``m``, also recording ``node_id`` when it matches (a filter that keeps all)."""
    if not m.node_id or m.node_id == node_id:
        m.node_id = node_id
        return m
    f = FilterMatcher(m, lambda _d: True)
    f.node_id = node_id
    return f


def _dates(leaf: Leaf, node: DateRange) -> Matcher:
    lo, hi = day_bounds(node.lo, node.hi)
    found = leaf.when_range(lo, hi)
    m = RangeMatcher(*found) if isinstance(found, tuple) else ListMatcher(found)
    m.node_id = id(node)
    return m


def scoped(m: Matcher, leaf: Leaf, sids: set[int]) -> Matcher:
    """``m`` limited to documents whose source is in ``sids``."""
    col = leaf.sids
    return FilterMatcher(m, lambda d: col[d] in sids)
