"""Document streams of one segment: the query, evaluated lazily in document order.

Every matcher walks the document numbers it matches in increasing order: ``next()``
moves to the next one, ``advance(target)`` to the first at or after ``target`` (a term
skips whole posting blocks by their last document number without decoding them), and
``doc`` is where it stands (:data:`END` when it is done). An ``AND`` leapfrogs from its
rarest part; a phrase is an ``AND`` of its words whose candidates are confirmed from the
positions stored in the postings. Since a segment built in one piece holds its
documents in date order, the first screen of hits in date order costs a few blocks of
the rarest list, however large the project.

At a matching document, :meth:`Matcher.capture` says where: for each text node of the
query, the ``(field, start, end)`` spans of its occurrences (phrases as whole spans).
"""

from __future__ import annotations

import heapq
import struct
from bisect import bisect_left
from collections.abc import Iterator
from itertools import repeat

from db.search.postings import Postings, decode_spans

END = 2**62
"""``doc`` of a matcher that has no more documents."""

_PART = 32  # documents a block of documents is given in (Matcher.blocks)
_ONE = struct.Struct("<3H")  # one (position, start, end) posting value, 16 bits each


class Matcher:
    """A stream of document numbers; see the module docstring. ``node_id`` names the
    query node this matcher stands for (0 for none), so that a capture says which
    nodes matched the current document."""

    doc = -1
    node_id = 0

    def next(self) -> int:
        """Move past the current document; the new current one (or END)."""
        return self.advance(self.doc + 1)

    def advance(self, target: int) -> int:
        """Move to the first document at or after ``target``; it (or END)."""
        raise NotImplementedError

    def cost(self) -> int:
        """About how many documents this matches (rarest parts lead an AND)."""
        raise NotImplementedError

    def capture(self, out: dict) -> None:
        """Record the nodes that match the current document, and where (text nodes:
        ``(field, term, start, end)`` spans; ``term`` is None for a phrase)."""
        if self.node_id:
            out.setdefault(self.node_id, [])

    def blocks(self) -> Iterator[list[tuple[int, dict]]]:
        """Every document of a fresh matcher with what :meth:`capture` records there, as
        lists of ``(document, captured)``: one document at a time here (a matcher that
        does work per document does no more than it is asked for); simple matchers give
        whole blocks, without a call per document."""
        doc, capture = self.next(), self.capture
        while doc < END:
            cap: dict = {}
            capture(cap)
            yield [(doc, cap)]
            doc = self.next()


class TermMatcher(Matcher):
    """One term's posting list in one field."""

    def __init__(self, postings: Postings, node_id: int = 0, field: str = "", term: str = ""):
        self.p, self.node_id, self.field, self.term = postings, node_id, field, term
        self.ids: tuple = ()
        self.values: tuple | None = None  # the current block's
        self.i = 0

    def cost(self) -> int:
        return self.p.df

    def advance(self, target: int) -> int:
        if self.doc >= target:
            return self.doc
        p = self.p
        if p.done or (target > p.maxid and not p.skip_to(target)):  # (else in this block)
            self.doc = END
            return END
        ids = self.ids
        if ids is not p.ids or not ids:
            ids, self.values, self.i = p.block_ids(), p.block_values(), 0
            self.ids = ids
        self.i = bisect_left(ids, target, self.i)  # found: skip_to saw maxid >= target
        self.doc = ids[self.i]
        return self.doc

    def value(self) -> bytes | None:
        """The posting value at the current document."""
        values = self.values
        return None if values is None else values[self.i]

    def capture(self, out: dict) -> None:
        if not self.node_id:
            return
        spans = out.setdefault(self.node_id, [])
        value = self.value()
        if value is not None:
            spans += term_spans(self.field, self.term, value)

    def blocks(self) -> Iterator[list[tuple[int, dict]]]:
        p, f, t, nid = self.p, self.field, self.term, self.node_id
        while not p.done:
            ids, values = p.block_ids(), p.block_values()
            if not nid or values is None:
                yield from _listed(ids, nid)
            else:  # (a part at a time: a first screen decodes little more than it shows)
                for i in range(0, len(ids), _PART):
                    yield [(d, {nid: term_spans(f, t, v)}) for d, v in
                           zip(ids[i:i + _PART], values[i:i + _PART], strict=True)]
            p.next_block()
        self.doc = END


def _positions(value: bytes):
    """The positions a posting value holds."""
    if len(value) == 7 and value[0] == 2:  # one occurrence in 16 bits
        return (value[1] | value[2] << 8,)
    return decode_spans(value)[0::3]


def _lined_up(values: list[bytes]) -> bool:
    """Whether the words (their posting values, in the phrase's order) stand at
    consecutive positions somewhere."""
    if len(values) == 2:  # the usual phrase: one word's position next to the other's
        a, b = _positions(values[0]), _positions(values[1])
        if len(b) == 1:
            return b[0] - 1 in a
        if len(a) == 1:
            return a[0] + 1 in b
    starts = set(_positions(values[0]))
    for k, v in enumerate(values[1:], 1):
        starts.intersection_update([p - k for p in _positions(v)])
        if not starts:
            return False
    return True


def _near(values: list[bytes], slop: int) -> bool:
    """Whether two words may stand within ``slop`` words of each other (more words: the
    full check decides)."""
    if len(values) != 2:
        return True
    b = _positions(values[1])
    return any(abs(x - y) <= slop + 1 for x in _positions(values[0]) for y in b)


def term_spans(field: str, term: str, value: bytes) -> list[tuple]:
    """``(field, term, start, end)`` of each occurrence a posting value holds."""
    if len(value) == 7 and value[0] == 2:  # one occurrence in 16 bits, the usual case
        _p, s, e = _ONE.unpack_from(value, 1)
        return [(field, term, s, e)]
    a = decode_spans(value)
    return list(zip(repeat(field), repeat(term), a[1::3], a[2::3]))


class ListMatcher(Matcher):
    """A sorted list of document numbers (a materialized result)."""

    def __init__(self, docs: list[int]):
        self.docs, self.i = docs, 0

    def cost(self) -> int:
        return len(self.docs)

    def advance(self, target: int) -> int:
        if self.doc >= target:
            return self.doc
        self.i = bisect_left(self.docs, target, self.i)
        self.doc = self.docs[self.i] if self.i < len(self.docs) else END
        return self.doc

    def blocks(self) -> Iterator[list[tuple[int, dict]]]:
        yield from _listed(self.docs, self.node_id)
        self.doc = END


class RangeMatcher(Matcher):
    """Every document number in ``[lo, hi)``."""

    def __init__(self, lo: int, hi: int):
        self.lo, self.hi = lo, hi

    def cost(self) -> int:
        return max(0, self.hi - self.lo)

    def advance(self, target: int) -> int:
        if self.doc >= target:
            return self.doc
        target = max(target, self.lo)
        self.doc = target if target < self.hi else END
        return self.doc

    def blocks(self) -> Iterator[list[tuple[int, dict]]]:
        yield from _listed(range(self.lo, self.hi), self.node_id)
        self.doc = END


def _listed(docs, node_id: int) -> Iterator[list[tuple[int, dict]]]:
    """``docs`` with an empty capture each (or none without a node), a part at a time."""
    for i in range(0, len(docs), _PART):
        yield [(d, {node_id: []} if node_id else {}) for d in docs[i:i + _PART]]


class OrMatcher(Matcher):
    """Documents any of the children match."""

    def __init__(self, children: list[Matcher]):
        self.children = children
        self.heap: list[tuple[int, int]] = []
        self.started = False

    def cost(self) -> int:
        return sum(c.cost() for c in self.children)

    def advance(self, target: int) -> int:
        if self.doc >= target:
            return self.doc
        heap = self.heap
        if not self.started:
            self.started = True
            heap[:] = [(c.advance(target), k) for k, c in enumerate(self.children)]
            heapq.heapify(heap)
        while heap and heap[0][0] < target:
            _, k = heap[0]
            heapq.heapreplace(heap, (self.children[k].advance(target), k))
        self.doc = heap[0][0] if heap else END
        return self.doc

    def capture(self, out: dict) -> None:
        super().capture(out)
        for c in self.children:
            if c.doc == self.doc:
                c.capture(out)


class AndMatcher(Matcher):
    """Documents every child matches and no excluded child does (leapfrog from the
    rarest child)."""

    def __init__(self, children: list[Matcher], excluded: list[Matcher] | None = None):
        self.children = sorted(children, key=lambda c: c.cost())
        self.excluded = excluded or []

    def cost(self) -> int:
        return self.children[0].cost()

    def advance(self, target: int) -> int:
        if self.doc >= target:
            return self.doc
        lead, rest = self.children[0], self.children[1:]
        doc = lead.advance(target)
        while doc < END:
            for c in rest:
                d = c.advance(doc)
                if d != doc:
                    doc = lead.advance(d)
                    break
            else:
                if (not self.excluded or not any(x.advance(doc) == doc for x in self.excluded)) \
                        and self.confirm(doc):
                    break
                doc = lead.advance(doc + 1)
        self.doc = doc
        return doc

    def confirm(self, doc: int) -> bool:
        """A last check at a document all children match (phrases check positions)."""
        return True

    def capture(self, out: dict) -> None:
        super().capture(out)
        for c in self.children:
            c.capture(out)


class PhraseMatcher(AndMatcher):
    """Words in order (``slop`` 0) or within ``slop`` words of each other in any order,
    checked from the positions in the postings."""

    def __init__(self, terms: list[str], matchers: dict[str, TermMatcher], slop: int,
                 node_id: int, field: str):
        super().__init__(list(matchers.values()))
        self.terms, self.by_term, self.slop = terms, matchers, slop
        self.in_order = [matchers[t] for t in terms]  # a repeated word's matcher repeated
        self.node_id, self.field = node_id, field
        self.found: list[tuple[int, int]] = []

    def confirm(self, doc: int) -> bool:
        values = [m.value() for m in self.in_order]
        if not (_lined_up(values) if self.slop <= 0 else _near(values, self.slop)):
            return False  # (most candidates fail there, without decoding every span)
        from db.search.spans import occurrences

        occ = {}
        for t, m in self.by_term.items():
            a = decode_spans(m.value())
            occ[t] = list(zip(a[0::3], a[1::3], a[2::3], strict=True))
        self.found = occurrences([occ[t] for t in self.terms], self.slop)
        return bool(self.found)

    def capture(self, out: dict) -> None:
        out.setdefault(self.node_id, []).extend((self.field, None, s, e) for s, e in self.found)


class FilterMatcher(Matcher):
    """The child's documents for which ``keep(doc)`` is true."""

    def __init__(self, child: Matcher, keep):
        self.child, self.keep = child, keep

    def cost(self) -> int:
        return self.child.cost()

    def advance(self, target: int) -> int:
        if self.doc >= target:
            return self.doc
        doc = self.child.advance(target)
        while doc < END and not self.keep(doc):
            doc = self.child.advance(doc + 1)
        self.doc = doc
        return doc

    def capture(self, out: dict) -> None:
        super().capture(out)
        self.child.capture(out)

    def blocks(self) -> Iterator[list[tuple[int, dict]]]:
        keep, nid = self.keep, self.node_id
        for block in self.child.blocks():
            kept = [(d, cap) for d, cap in block if keep(d)]
            if nid:
                for _d, cap in kept:
                    cap.setdefault(nid, [])
            if kept:
                yield kept
        self.doc = END


class Nothing(Matcher):
    """Matches no document."""

    doc = END

    def cost(self) -> int:
        return 0

    def advance(self, target: int) -> int:
        return END
