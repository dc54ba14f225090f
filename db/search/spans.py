"""Where exactly a query matches inside one source: code-point spans.

The matchers (``matchers.py``) capture, at each matching document, the spans the
postings hold for each text node. This module turns them into :class:`Hit` objects,
every one an exact ``[start, end)`` span of the canonical text (DESIGN.md rule 6):

* hits in the text itself come from the postings, after checking that the document
  is still this source's (its text length matches) and that each word's span, folded,
  is the word the index says it is; a source that fails either check is located by
  tokenizing its text instead, so a stale index never gives a wrong span;
* hits in footnotes, memos and the title (which can change) are always located by
  tokenizing what the database holds now;
* ``code:`` limits hits to the coded passages, read from the database.

Per node, :meth:`SpanFinder.hits` returns None (no match), ``[]`` (a match without a
place in the text: ``author:``, ``date:``, ``NOT ...``) or the list of hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.fold import FOLD
from db.search.analysis import analyze, stem, stems
from db.search.query import And, DateRange, Meta, Node, Not, Or, Pattern, Phrase, Words, walk

WHERE_ORDER = {"text": 0, "coded": 0, "footnote": 1, "title": 2, "memo": 3, "source": 4}


@dataclass(slots=True, unsafe_hash=True)  # not frozen: 3x cheaper to make
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


@dataclass(slots=True)
class Doc:
    """What locating hits needs to know about one source (``text`` is None for a huge
    source, whose context is read a window at a time)."""

    sid: int
    text: str | None
    title: str = ""
    author: str = ""
    published: object = None
    length: int = 0
    # (empty tuples until loaded: a batch makes thousands of Docs that need none)
    footnotes: list[tuple[int, int, int, str, str]] | tuple = ()
    memos: list[tuple[int, tuple[int, int] | None, str]] | tuple = ()
    regions: dict[int, list[tuple[int, int]]] | None = None
    window: object = None  # for a huge source: (start, size) -> that part of the text
    _cache: dict | None = None

    def raw(self, what: str, index: int) -> str:
        """The text ("body"), a footnote's, a memo's or the title."""
        if what == "body":
            return self.text or ""
        if what == "title":
            return self.title
        if what == "author":
            return self.author
        return self.footnotes[index][4] if what == "note" else self.memos[index][2]

    def toks(self, what: str, index: int, stemmed: bool) -> list[tuple[str, int, int, int]]:
        """``(term, position, start, end)`` of the text, a footnote, a memo or the title."""
        key = (what, index, stemmed)
        if self._cache is None:
            self._cache = {}
        if key not in self._cache:
            terms, poss, starts, ends = analyze(self.raw(what, index))
            if stemmed:
                terms = stems(terms)
            self._cache[key] = list(zip(terms, poss, starts, ends, strict=True))
        return self._cache[key]


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
    """Locates the hits of an evaluated query tree in matching sources."""

    def __init__(self, root: Node, evaluator):
        self.root, self.ev = root, evaluator
        # A query of one text node (a word, phrase or pattern): a source with one trusted
        # hit in its text takes it as is (what hits() would find, without the walk).
        self._single = id(root) if isinstance(root, Words) and root.field != "author" else 0
        # A query of no place at all (dates, authors, keywords): every source as a whole.
        self._whole = not any(_placed(n) for n in walk(root))
        self.quick = bool(self._single or self._whole)
        """Whether :meth:`quick_hit` may find a source's hit."""

    def doc_hits(self, doc: Doc, captured: dict, indexed_length: int) -> list[Hit]:
        """Every hit of the query in ``doc``, in reading order; [] if it does not match.

        ``captured`` is what the matchers recorded at the document; ``indexed_length``
        the length of the text the index saw.
        """
        if self.quick and (one := self.quick_hit(doc.sid, doc.text, doc.length,
                                                 indexed_length, captured)):
            return [one]
        trusted = doc.text is None or (indexed_length == doc.length
                                       and (not any(captured.values())  # no spans to check
                                            or self._valid(doc, captured)))
        found = self.hits(self.root, doc, captured, trusted)
        if found is None:
            return []
        if not found:
            return [Hit(doc.sid, 0, 0, "source")]
        if len(found) == 1:
            return found
        return sorted(set(found), key=lambda h: (WHERE_ORDER[h.where], h.start, h.end,
                                                h.ref, h.inner or (0, 0)))

    def quick_hit(self, sid: int, text: str | None, length: int, indexed_length: int,
                  captured: dict) -> Hit | None:
        """A source's only hit when it needs nothing but the index and the source's text
        (``text`` and ``length`` as the database holds them; None for a huge source): a
        query of no place matches the source as a whole; a query of one text node that
        the postings found once in the text, where the index can be trusted, has that
        hit. Otherwise None (then :meth:`doc_hits` finds the hits)."""
        if text is None:
            return None
        if self._whole:
            return Hit(sid, 0, 0, "source")
        if indexed_length != length:
            return None
        spans = captured.get(self._single)  # the query's only node: nothing else to check
        if spans and len(spans) == 1:
            f, term, s, e = spans[0]
            if f[0] == "b" and _is_term(text, f, term, s, e):  # (body, body_stem)
                return Hit(sid, s, e)
        return None

    def _valid(self, doc: Doc, captured: dict) -> bool:
        """Whether every word span the postings gave in the text is that word."""
        text = doc.text
        return all(_is_term(text, *span) for spans in captured.values() for span in spans)

    def hits(self, node: Node, doc: Doc, cap: dict, trusted: bool) -> list[Hit] | None:
        """None, [] or hits; see the module docstring."""
        if isinstance(node, And):
            return self._and(node, doc, cap, trusted)
        if isinstance(node, Or):
            parts = [h for c in node.children
                     if (h := self.hits(c, doc, cap, trusted)) is not None]
            return None if not parts else [x for p in parts for x in p]
        if id(node) not in cap:
            return None
        if isinstance(node, Meta) and node.field == "code":
            regions = doc.regions or {}
            spans = {s for code in self.ev.codes[id(node)] for s in regions.get(code, ())}
            return [Hit(doc.sid, s, e, "coded") for s, e in sorted(spans)] or None
        if isinstance(node, Meta | DateRange | Not):
            return []
        if node.field == "author":  # a match, but not a place in the text
            return []
        return self._text(node, doc, cap[id(node)], trusted) or None

    def _and(self, node: And, doc: Doc, cap: dict, trusted: bool) -> list[Hit] | None:
        results = [(c, self.hits(c, doc, cap, trusted)) for c in node.children
                   if not isinstance(c, Not)]  # the AND matched: its NOTs hold
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

    def _text(self, node: Words, doc: Doc, spans: list, trusted: bool) -> list[Hit]:
        fields, terms = self.ev.terms[id(node)]
        phrase = isinstance(node, Phrase) and len(terms) > 1
        slop = node.slop if isinstance(node, Phrase) else 0
        if trusted and len(spans) == 1 and spans[0][0][0] == "b":  # one hit in the body
            return [Hit(doc.sid, spans[0][2], spans[0][3])]
        found = {f for f, _t, _s, _e in spans}
        out: list[Hit] = []
        for f in fields:
            if f not in found:
                continue
            base, stemmed = f.removesuffix("_stem"), f.endswith("_stem")
            if base == "body" and trusted:
                out += [Hit(doc.sid, s, e) for g, _t, s, e in spans if g == f]
                continue
            wanted = terms if not isinstance(node, Pattern) else sorted(
                {t for g, t, _s, _e in spans if g == f})
            for i, place in enumerate(_places(doc, base)):
                out += [_hit(doc, base, place, s, e) for s, e in
                        _find(doc.toks(base, i, stemmed), wanted, phrase, slop)]
        return out


def _placed(node: Node) -> bool:
    """Whether ``node`` may match at places in a source (words, not ``author:``; codes)."""
    if isinstance(node, Meta):
        return node.field == "code"
    return isinstance(node, Words) and node.field != "author"


def _is_term(text: str, f: str, term: str | None, s: int, e: int) -> bool:
    """Whether the span of the text is ``term`` (any span not of the text, or of a
    phrase, whose words were checked one by one, is not checked here)."""
    if term is None or not f.startswith("body"):
        return True
    word = text[s:e]
    folded = word.lower() if word.isascii() else word.translate(FOLD)  # (same on ASCII)
    return (stem(folded) if f == "body_stem" else folded) == term


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


def _find(toks: list[tuple[str, int, int, int]], terms: list[str], phrase: bool,
          slop: int) -> list[tuple[int, int]]:
    if not phrase:
        wanted = set(terms)
        return [(s, e) for t, _p, s, e in toks if t in wanted]
    occ: list[list[tuple[int, int, int]]] = [[] for _ in terms]
    index: dict[str, list[int]] = {}
    for k, term in enumerate(terms):
        index.setdefault(term, []).append(k)
    for t, p, s, e in toks:
        for k in index.get(t, ()):
            occ[k].append((p, s, e))
    return occurrences(occ, slop)


def _inside(h: Hit, regions: list[Hit]) -> bool:
    return any(r.start <= h.start and h.end <= r.end and h.end > h.start for r in regions)


def _overlaps(h: Hit, regions: list[Hit]) -> bool:
    return any(r.start < h.end and h.start < r.end for r in regions)
