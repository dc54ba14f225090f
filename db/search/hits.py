"""Running a search: matching sources, then their hits as KWIC rows, a batch at a time.

:func:`search` parses and evaluates the query at once (syntax errors and unknown
collections or codes are raised here), orders the candidate sources by date, and
returns a :class:`SearchRun`. Iterating :meth:`SearchRun.batches` then yields the
hits of a few hundred sources at a time, so the first rows can be shown while the rest
are still being gathered; ``cancelled`` stops it between batches. Each hit is an exact
``(source_id, start, end)`` span in code points (:class:`~db.search.spans.Hit`), and
each KWIC row carries its left context, the matched text and its right context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import SearchError, SearchIndexError
from db.models import Coding, Excerpt, Footnote, Memo, Source, source_collections
from db.search.evaluate import Evaluator
from db.search.leaves import day_map
from db.search.query import Meta, Node, Pattern, Phrase, Words, parse
from db.search.quotes import ALL, in_scope, quote_spans, split_scope
from db.search.spans import Doc, Hit, SpanFinder

CONTEXT = 70
"""Characters of context on each side of a hit."""

FIRST_BATCH, BATCH = 100, 1000


@dataclass(slots=True)
class KwicRow:
    """One hit as a concordance line."""

    hit: Hit
    left: str
    match: str
    right: str
    title: str
    author: str
    published: dt.datetime | None


@dataclass
class SourceHits:
    """The hits in one source."""

    source_id: int
    title: str
    author: str
    published: dt.datetime | None
    rows: list[KwicRow] = field(default_factory=list)

    @property
    def spans(self) -> list[tuple[int, int, int]]:
        """``(source_id, start, end)`` of every hit in the text itself (for coding)."""
        return [(h.source_id, h.start, h.end) for h in (r.hit for r in self.rows)
                if h.where in ("text", "coded")]


class SearchRun:
    """One evaluated search: candidate sources in order, and their hits on demand."""

    def __init__(self, session: Session, tree: Node, evaluator: Evaluator, sources: list[int],
                 cancelled: Callable[[], bool] | None = None, quotes: str = ALL):
        self.session, self.tree, self.ev = session, tree, evaluator
        self.quotes = quotes  # quoted text: ALL, OUTSIDE or INSIDE (db.search.quotes)
        self.candidates = sources
        self.cancelled = cancelled or (lambda: False)
        self.finder = SpanFinder(tree, evaluator)
        self.total_hits = 0
        self.total_sources = 0
        self.finished = False
        self._needs = _needs(tree)

    def batches(self, first: int = FIRST_BATCH, size: int = BATCH) -> Iterator[list[SourceHits]]:
        """Hits of the candidates, source by source in order, in growing batches."""
        i, step = 0, first
        while i < len(self.candidates):
            if self.cancelled():
                raise SearchError("the search was cancelled")
            chunk = self.candidates[i:i + step]
            found = [h for h in self._locate(chunk) if h.rows]
            self.total_sources += len(found)
            self.total_hits += sum(len(h.rows) for h in found)
            yield found
            i, step = i + step, size
        self.finished = True

    def all(self, limit: int | None = None) -> list[SourceHits]:
        """Every source with hits (stopping once ``limit`` hits are gathered)."""
        out: list[SourceHits] = []
        for batch in self.batches():
            out += batch
            if limit is not None and self.total_hits >= limit:
                break
        return out

    def _locate(self, sids: list[int]) -> list[SourceHits]:
        docs = _load_docs(self.session, sids, self._needs, self.ev)
        quoted = quote_spans(self.session, sids) if self.quotes != ALL else {}
        out = []
        for sid in sids:
            doc = docs.get(sid)
            if doc is None:  # removed since the index saw it
                continue
            hits = in_scope(self.finder.doc_hits(doc), quoted.get(sid, []), self.quotes)
            sh = SourceHits(sid, doc.title, doc.author, doc.published)
            sh.rows = [kwic(doc, h) for h in hits]
            out.append(sh)
        return out


def search(index, session: Session, query: str, *, stemmed: bool = False,
           collection: int | None = None, within: Iterable[int] | None = None,
           cancelled: Callable[[], bool] | None = None, quotes: str = ALL) -> SearchRun:
    """Parse and evaluate ``query``; the returned run gathers the hits.

    ``collection`` (an id, with its sub-collections) and ``within`` (source ids, e.g.
    what the Sources pane shows) narrow the search; ``quotes`` (or ``-in:quote`` /
    ``in:quote`` in the query) leaves quoted text out or searches only it. Raises
    ``QuerySyntaxError`` for a query that cannot be read and ``SearchIndexError`` when
    the index is unusable.
    """
    query, quotes = split_scope(query, quotes)
    tree = parse(query)
    reader = index.reader()
    try:
        ev = Evaluator(reader, session, query, stemmed=stemmed, cancelled=cancelled)
        found = ev.run(tree)
        if collection is not None:
            found &= _collection_members(session, ev, collection)
        if within is not None:
            found &= set(within)
        days = day_map(ev.leaves)
    except (SearchError, LookupError):
        raise
    except Exception as exc:  # a damaged or vanished index: rebuild, never crash
        index.mark_broken()
        raise SearchIndexError(f"the search index could not be read ({exc}); "
                               "it will be rebuilt") from exc
    finally:
        reader.close()
    ordered = sorted(found, key=days.get) if found <= days.keys() else \
        sorted(found, key=lambda s: days.get(s, s))
    return SearchRun(session, tree, ev, ordered, cancelled, quotes)


def _collection_members(session: Session, ev: Evaluator, collection: int) -> set[int]:
    from db.models import Collection

    rows = session.execute(select(Collection.id, Collection.parent_id)).all()
    ids, grew = {collection}, True
    while grew:
        more = {r.id for r in rows if r.parent_id in ids} - ids
        ids |= more
        grew = bool(more)
    q = select(source_collections.c.source_id).where(
        source_collections.c.collection_id.in_(ids))
    return set(session.scalars(q))


# --- what a batch needs from the database ---------------------------------------------------

def _walk(node: Node) -> Iterator[Node]:
    yield node
    for c in getattr(node, "children", ()):
        yield from _walk(c)
    if getattr(node, "child", None) is not None:
        yield from _walk(node.child)


def _needs(tree: Node) -> set[str]:
    needs = set()
    for n in _walk(tree):
        if isinstance(n, Words | Pattern | Phrase) and n.field in ("text", "note"):
            needs.add("notes")
        if isinstance(n, Words | Pattern | Phrase) and n.field == "memo":
            needs.add("memos")
        if isinstance(n, Meta) and n.field == "code":
            needs.add("regions")
    return needs


def _load_docs(session: Session, sids: list[int], needs: set[str], ev: Evaluator
               ) -> dict[int, Doc]:
    q = select(Source.id, Source.text, Source.title, Source.author, Source.published).where(
        Source.id.in_(sids))
    docs = {r.id: Doc(r.id, r.text, r.title or "", r.author or "", r.published)
            for r in session.execute(q)}
    if "notes" in needs:
        q = select(Footnote.source_id, Footnote.id, Footnote.offset, Footnote.end,
                   Footnote.label, Footnote.text).where(Footnote.source_id.in_(sids)) \
            .order_by(Footnote.offset)
        for r in session.execute(q):
            if r.source_id in docs:
                docs[r.source_id].footnotes.append(tuple(r)[1:])
    if "memos" in needs:
        _load_memos(session, sids, docs)
    if "regions" in needs:
        codes = set().union(*ev.codes.values()) if ev.codes else set()
        q = select(Excerpt.source_id, Coding.code_id, Excerpt.start, Excerpt.end).join(
            Coding, Coding.excerpt_id == Excerpt.id).where(
            Excerpt.source_id.in_(sids), Coding.code_id.in_(codes))
        for sid, code, s, e in session.execute(q):
            if sid in docs:
                docs[sid].regions.setdefault(code, []).append((s, e))
    return docs


def _load_memos(session: Session, sids: list[int], docs: dict[int, Doc]) -> None:
    on_source = select(Memo.source_id, Memo.id, Memo.title, Memo.body).where(
        Memo.target == "source", Memo.source_id.in_(sids))
    for sid, mid, title, body in session.execute(on_source):
        docs[sid].memos.append((mid, None, f"{title}\n{body}".strip()))
    on_excerpt = select(Excerpt.source_id, Memo.id, Memo.title, Memo.body, Excerpt.start,
                        Excerpt.end).join(Excerpt, Excerpt.id == Memo.excerpt_id).where(
        Memo.target == "excerpt", Excerpt.source_id.in_(sids))
    for sid, mid, title, body, s, e in session.execute(on_excerpt):
        docs[sid].memos.append((mid, (s, e), f"{title}\n{body}".strip()))


# --- concordance lines -------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _flat(s: str) -> str:
    """Context on one line: each run of white space (line breaks too) becomes one space."""
    return _SPACES.sub(" ", s) if ("\n" in s or "\t" in s or "  " in s) else s


def kwic(doc: Doc, hit: Hit, width: int = CONTEXT) -> KwicRow:
    """The concordance line of ``hit`` in ``doc``."""
    text, s, e = doc.text, hit.start, hit.end
    prefix = ""
    if hit.where == "footnote":
        fn = next(f for f in doc.footnotes if f[0] == hit.ref)
        text, (s, e), prefix = fn[4], hit.inner, f"[{fn[3]}] "
    elif hit.where == "memo":
        memo = next(m for m in doc.memos if m[0] == hit.ref)
        text, (s, e), prefix = memo[2], hit.inner, "memo: "
    elif hit.where == "title":
        text, (s, e), prefix = doc.title, hit.inner, "title: "
    left = _flat(text[max(0, s - width):s])
    right = _flat(text[e:e + width]) if hit.where != "source" else _flat(text[:width * 2])
    return KwicRow(hit, prefix + left if prefix else left, text[s:e], right,
                   doc.title, doc.author, doc.published)
