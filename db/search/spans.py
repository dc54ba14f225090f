"""Where exactly a query matches inside one source: code-point spans, checked word by word.

The evaluator (``evaluate.py``) says which sources may match; this module tokenizes a
candidate's text with the index's own tokenizer and finds each occurrence, so every
hit is an exact ``[start, end)`` span of the canonical text (DESIGN.md rule 6). It is
also the final check: a candidate in which the query has no occurrence (a phrase whose
words are all there but not together, a word outside the coded passages a ``code:``
limits it to) is dropped.

Per node, :meth:`SpanFinder.hits` returns None (no match), ``[]`` (a match without a
place in the text: ``author:``, ``date:``, ``NOT ...``) or the list of hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from db.search.analysis import Tok, find_terms, stemmed, term_finder, tokens
from db.search.query import And, DateRange, Meta, Node, Not, Or, Pattern, Phrase, Words

WHERE_ORDER = {"text": 0, "coded": 0, "footnote": 1, "title": 2, "memo": 3, "source": 4}


@dataclass(frozen=True, slots=True)
class Hit:
    """One hit: a span of a source's text.

    ``where`` is "text" (a match in the text), "coded" (a coded passage matched by
    ``code:``), "footnote" (a match in a footnote's text: the span is its marker),
    "title" or "memo" (``inner`` is the span inside that title or memo; a memo on an
    excerpt spans the excerpt), or "source" (the source matched as a whole, by its
    metadata: the span is empty). ``ref`` is the footnote or memo id.
    """

    source_id: int
    start: int
    end: int
    where: str = "text"
    ref: int = 0
    inner: tuple[int, int] | None = None


@dataclass
class Doc:
    """What locating hits needs to know about one source."""

    sid: int
    text: str
    title: str = ""
    author: str = ""
    published: object = None
    footnotes: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    memos: list[tuple[int, tuple[int, int] | None, str]] = field(default_factory=list)
    regions: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)

    def raw(self, what: str, index: int) -> str:
        """The text ("body"), a footnote's, a memo's or the title."""
        if what == "body":
            return self.text
        if what == "title":
            return self.title
        if what == "author":
            return self.author
        return self.footnotes[index][4] if what == "note" else self.memos[index][2]

    def toks(self, what: str, index: int, stem: bool) -> list[Tok]:
        """Tokens of the text ("body"), a footnote, a memo or the title."""
        key = (what, index, stem)
        if key not in self._cache:
            exact_key = (what, index, False)
            if exact_key not in self._cache:
                self._cache[exact_key] = tokens(self.raw(what, index))
            if stem:
                self._cache[key] = stemmed(self._cache[exact_key])
        return self._cache[key]


def positions_match(pos_lists: list[list[int]], slop: int) -> bool:
    """Whether positions of each word (in order) form a phrase (slop 0) or lie near."""
    occ = [[(p, 0, 0) for p in ps] for ps in pos_lists]
    return bool(occurrences(occ, slop))


def occurrences(occ: list[list[tuple[int, int, int]]], slop: int) -> list[tuple[int, int]]:
    """Spans where the words (``occ[k]``: (position, start, end) of word k) occur."""
    if any(not o for o in occ):
        return []
    if slop <= 0:
        return _phrase(occ)
    return _near(occ, slop)


def _phrase(occ: list[list[tuple[int, int, int]]]) -> list[tuple[int, int]]:
    maps = [{p: (s, e) for p, s, e in o} for o in occ]
    n, out = len(occ), []
    for p, s, _e in occ[0]:
        if all(p + k in maps[k] for k in range(1, n)):
            out.append((s, maps[n - 1][p + n - 1][1] if n > 1 else _e))
    return sorted(set(out))


def _near(occ: list[list[tuple[int, int, int]]], slop: int) -> list[tuple[int, int]]:
    width = slop + len(occ) - 1
    out = set()
    for anchor in occ[0]:
        chosen = [anchor] + [min(o, key=lambda x: abs(x[0] - anchor[0])) for o in occ[1:]]
        positions = [c[0] for c in chosen]
        if max(positions) - min(positions) <= width:
            out.add((min(c[1] for c in chosen), max(c[2] for c in chosen)))
    return sorted(out)


class SpanFinder:
    """Locates the hits of an evaluated query tree in candidate sources."""

    def __init__(self, root: Node, evaluator):
        self.root, self.ev = root, evaluator
        self._finders: dict[int, tuple[set[str], object]] = {}

    def doc_hits(self, doc: Doc) -> list[Hit]:
        """Every hit of the query in ``doc``, in reading order; [] if it does not match."""
        found = self.hits(self.root, doc)
        if found is None:
            return []
        if not found:
            return [Hit(doc.sid, 0, 0, "source")]
        return sorted(set(found), key=lambda h: (WHERE_ORDER[h.where], h.start, h.end,
                                                h.ref, h.inner or (0, 0)))

    def hits(self, node: Node, doc: Doc) -> list[Hit] | None:
        """None, [] or hits; see the module docstring."""
        if isinstance(node, And):
            return self._and(node, doc)
        if isinstance(node, Or):
            parts = [h for h in (self.hits(c, doc) for c in node.children) if h is not None]
            return None if not parts else [x for p in parts for x in p]
        if isinstance(node, Not):
            return None if doc.sid in self.ev.sets[id(node.child)] else []
        if isinstance(node, Meta) and node.field == "code":
            return self._coded(node, doc)
        if isinstance(node, Meta | DateRange):
            return [] if doc.sid in self.ev.sets[id(node)] else None
        if isinstance(node, Words | Pattern | Phrase):
            found = self._text(node, doc)
            if node.field == "author":  # a match, but not a place in the text
                return [] if found else None
            return found or None
        raise TypeError(f"unknown query node {node!r}")

    def _and(self, node: And, doc: Doc) -> list[Hit] | None:
        results = [(c, self.hits(c, doc)) for c in node.children]
        if any(r is None for _, r in results):
            return None
        coded = [r for c, r in results if isinstance(c, Meta) and c.field == "code"]
        other = [h for c, r in results if not (isinstance(c, Meta) and c.field == "code")
                 for h in r]
        if not coded:
            return other
        if other:
            kept = [h for h in other if all(_inside(h, regions) for regions in coded)]
            return kept or None
        kept = [h for h in coded[0] if all(_overlaps(h, regions) for regions in coded[1:])]
        return kept or None

    def _coded(self, node: Meta, doc: Doc) -> list[Hit] | None:
        if doc.sid not in self.ev.sets[id(node)]:
            return None
        spans = {s for code in self.ev.codes[id(node)] for s in doc.regions.get(code, ())}
        return [Hit(doc.sid, s, e, "coded") for s, e in sorted(spans)] or None

    def _text(self, node: Words, doc: Doc) -> list[Hit]:
        fields, terms = self.ev.terms[id(node)]
        slop = node.slop if isinstance(node, Phrase) else 0
        out: list[Hit] = []
        phrase = isinstance(node, Phrase)
        for f in fields:
            base, stem = f.removesuffix("_stem"), f.endswith("_stem")
            for i, place in enumerate(_places(doc, base)):
                if phrase or stem:
                    spans = _find(doc.toks(base, i, stem), terms, phrase, slop)
                else:  # plain words in the exact field: only look where they may be
                    spans = find_terms(doc.raw(base, i), *self._finder(node, terms))
                out += [_hit(doc, base, place, s, e) for s, e in spans]
        return out

    def _finder(self, node: Node, terms: list[str]):
        if id(node) not in self._finders:
            self._finders[id(node)] = (set(terms), term_finder(terms))
        return self._finders[id(node)]


def _places(doc: Doc, base: str) -> list:
    """The texts a field covers in ``doc``: one body/title, each footnote, each memo."""
    if base == "note":
        return doc.footnotes
    if base == "memo":
        return doc.memos
    return [None]


def _hit(doc: Doc, base: str, place, s: int, e: int) -> Hit:
    if base in ("body", "author"):
        return Hit(doc.sid, s, e, "text")
    if base == "note":
        fid, offset, end = place[0], place[1], place[2]
        return Hit(doc.sid, offset, end, "footnote", fid, (s, e))
    if base == "memo":
        mid, span = place[0], place[1] or (0, 0)
        return Hit(doc.sid, span[0], span[1], "memo", mid, (s, e))
    return Hit(doc.sid, 0, 0, "title", 0, (s, e))


def _find(toks: list[Tok], terms: list[str], phrase: bool, slop: int) -> list[tuple[int, int]]:
    if not phrase:
        wanted = set(terms)
        return [(t.start, t.end) for t in toks if t.term in wanted]
    occ: list[list[tuple[int, int, int]]] = [[] for _ in terms]
    index = {}
    for k, term in enumerate(terms):
        index.setdefault(term, []).append(k)
    for t in toks:
        for k in index.get(t.term, ()):
            occ[k].append((t.pos, t.start, t.end))
    return occurrences(occ, slop)


def _inside(h: Hit, regions: list[Hit]) -> bool:
    return any(r.start <= h.start and h.end <= r.end and h.end > h.start for r in regions)


def _overlaps(h: Hit, regions: list[Hit]) -> bool:
    return any(r.start < h.end and h.start < r.end for r in regions)
