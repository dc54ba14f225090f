"""Running a search: matching sources in date order, their hits as KWIC rows, streamed.

:func:`search` parses the query and prepares it at once (syntax errors, unknown
collections or codes and over-wide wildcards are raised here) and returns a
:class:`SearchRun`. Nothing else is done until rows are asked for: the run walks the
segments' matchers in date order (a k-way merge by publication time, then source id),
loads the matching sources from the database a batch at a time and locates their hits.
So the first screen costs what it shows, and listing every hit holds one batch in
memory, whatever the number of hits. Each hit is an exact ``(source_id, start, end)``
span in code points (:class:`~db.search.spans.Hit`), and each KWIC row carries its left
context, the matched text and its right context.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from db.collector import fewer_collections
from db.errors import SearchError, SearchIndexError
from db.search.documents import published_time
from db.search.evaluate import Evaluator, scoped
from db.search.loading import doc_of, load_docs, needs_of, source_rows
from db.search.matchers import FilterMatcher
from db.search.query import Node, parse
from db.search.quotes import ALL, in_scope, quote_spans, split_scope
from db.search.spans import Doc, Hit, SpanFinder

CONTEXT = 70
"""Characters of context on each side of a hit."""

FIRST_BATCH, BATCH = 100, 1000
_CHECK_EVERY = 256


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


@dataclass(slots=True)
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
    """One prepared search: its hits, gathered on demand in date order.

    Holds an open view of the index until it is exhausted or :meth:`close` is called.
    """

    def __init__(self, index, view, session, tree: Node, ev: Evaluator,
                 scope: set[int] | None, cancelled: Callable[[], bool] | None = None,
                 quotes: str = ALL):
        self.index, self.view, self.session, self.tree, self.ev = (
            index, view, session, tree, ev)
        self.scope = scope
        self.quotes = quotes  # quoted text: ALL, OUTSIDE or INSIDE (db.search.quotes)
        self.cancelled = cancelled or (lambda: False)
        self.finder = SpanFinder(tree, ev)
        self.total_hits = 0
        self.total_sources = 0
        self.finished = False
        self.limited = False  # set by a caller that stopped at a limit
        self._needs = needs_of(tree)
        self._stream: Iterator | None = None

    def close(self) -> None:
        """Give the index view back (the run yields nothing more)."""
        if self.view is not None:
            self.index.release(self.view)
            self.view = None
        self._stream = iter(())

    def __enter__(self) -> SearchRun:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the stream of matching documents ----------------------------------------------

    def _matches(self) -> Iterator[tuple]:
        """``(key, sid, indexed length, captured)`` of every matching document, in date
        order."""
        streams = []
        for k, leaf in enumerate(self.view.leaves):
            m = self.ev.matcher(k, self.tree)
            if self.scope is not None:
                m = scoped(m, leaf, self.scope)
            if leaf.deleted:
                deleted = leaf.deleted
                m = FilterMatcher(m, lambda d, deleted=deleted: d not in deleted)
            streams.append(self._leaf_stream(leaf, m))
        if len(streams) == 1:
            return streams[0]
        return heapq.merge(*streams, key=itemgetter(0))

    def _leaf_stream(self, leaf, m) -> Iterator[tuple]:
        sids, whens, lengths = leaf.sids, leaf.whens, leaf.cols.lengths
        check, n = self.ev.check, 0
        found = []
        for block in m.blocks():
            n += len(block)
            if n >= _CHECK_EVERY:
                n = 0
                check()
            rows = [((whens[d], sids[d]), sids[d], lengths[d], cap) for d, cap in block]
            if leaf.ordered:
                yield from rows
            else:  # a small merged segment: gather, then sort
                found += rows
        yield from sorted(found, key=itemgetter(0))

    def _next_matches(self, count: int) -> list[tuple]:
        if self._stream is None:
            self._stream = self._matches()
        return list(islice(self._stream, count))

    # --- hits ----------------------------------------------------------------------------

    def batches(self, first: int = FIRST_BATCH, size: int = BATCH) -> Iterator[list[SourceHits]]:
        """Hits of the matching sources, source by source in date order, in growing
        batches (``first`` sources, then ``size`` at a time)."""
        step = first
        try:
            while True:
                with fewer_collections():
                    matches = self._next_matches(step)
                    if not matches:
                        break
                    if self.cancelled():
                        raise SearchError("the search was cancelled")
                    found = self._locate(matches)
                self.total_sources += len(found)
                self.total_hits += sum([len(h.rows) for h in found])
                yield found
                step = size
            self.finished = True
        except (SearchError, LookupError):
            raise
        except Exception as exc:  # a damaged or vanished index: rebuild, never crash
            if self.view is None:
                raise
            self.index.mark_broken()
            raise SearchIndexError(f"the search index could not be read ({exc}); "
                                   "it will be rebuilt") from exc
        finally:  # finished, failed, or abandoned by its reader: the view goes back
            self.close()

    def rows(self, first: int = FIRST_BATCH, size: int = BATCH) -> Iterator[KwicRow]:
        """Every hit as a KWIC row, streamed (one batch in memory at a time)."""
        for batch in self.batches(first, size):
            for sh in batch:
                yield from sh.rows

    def all(self, limit: int | None = None) -> list[SourceHits]:
        """Every source with hits (stopping once ``limit`` hits are gathered)."""
        out: list[SourceHits] = []
        for batch in self.batches():
            out += batch
            if limit is not None and self.total_hits >= limit:
                break
        return out

    def _locate(self, matches: list[tuple]) -> list[SourceHits]:
        sids = [m[1] for m in matches]
        needs = self._needs_now()
        if self.finder.quick and not needs and self.quotes == ALL:
            return self._locate_quick(matches, sids)
        docs = load_docs(self.session, sids, needs, self.ev.codes)
        quoted = quote_spans(self.session, sids) if self.quotes != ALL else None
        out: list[SourceHits] = []
        for _key, sid, length, cap in matches:
            doc = docs.get(sid)
            if doc is not None:  # (else removed since the index saw it)
                self._add(out, doc, cap, length, quoted)
        return out

    def _locate_quick(self, matches: list[tuple], sids: list[int]) -> list[SourceHits]:
        """:meth:`_locate` for a query that needs nothing but the sources' rows (see
        :meth:`SpanFinder.quick_hit`): a source with one hit the index locates exactly,
        or none but the source itself, has its row made straight from the source's (the
        others as any query's)."""
        rows, out = source_rows(self.session, sids), []
        quick = self.finder.quick_hit
        for _key, sid, length, cap in matches:
            r = rows.get(sid)
            if r is None:  # removed since the index saw it
                continue
            _sid, text, title, author, published, size = r
            hit = quick(sid, text, size, length, cap)
            if hit is None:
                self._add(out, doc_of(self.session, r), cap, length)
                continue
            title, author, when = title or "", author or "", published_time(published)
            out.append(SourceHits(sid, title, author, when,
                                  [text_row(hit, text, title, author, when)]))
        return out

    def _add(self, out: list[SourceHits], doc: Doc, cap: dict, length: int,
             quoted: dict | None = None) -> None:
        """The source's hits and their rows, if any, added to ``out``."""
        hits = self.finder.doc_hits(doc, cap, length)
        if quoted is not None:
            hits = in_scope(hits, quoted.get(doc.sid, []), self.quotes)
        if hits:
            out.append(SourceHits(doc.sid, doc.title, doc.author, doc.published,
                                  [kwic(doc, h) for h in hits]))

    def _needs_now(self) -> set[str]:
        """What to load besides the sources: footnotes and memos only if the index
        found the query's words in some (hits there come from those postings only)."""
        found = self.ev.fields_found
        needs = set(self._needs)
        if not found & {"note", "note_stem"}:
            needs.discard("notes")
        if not found & {"memo", "memo_stem"}:
            needs.discard("memos")
        return needs


def search(index, session, query: str, *, stemmed: bool = False,
           collection: int | None = None, within: Iterable[int] | None = None,
           cancelled: Callable[[], bool] | None = None, quotes: str = ALL) -> SearchRun:
    """Parse and prepare ``query``; the returned run gathers the hits.

    ``collection`` (an id, with its sub-collections) and ``within`` (source ids, e.g.
    what the Sources pane shows) narrow the search; ``quotes`` (or ``-in:quote`` /
    ``in:quote`` in the query) leaves quoted text out or searches only it. Raises
    ``QuerySyntaxError`` for a query that cannot be read and ``SearchIndexError`` when
    the index is unusable.
    """
    query, quotes = split_scope(query, quotes)
    tree = parse(query)
    view = index.acquire()
    try:
        ev = Evaluator(view.leaves, session, query, stemmed=stemmed, cancelled=cancelled)
        ev.prepare(tree)
        scope = None
        if collection is not None:
            from db.search.loading import collection_members

            scope = collection_members(session, collection)
        if within is not None:
            scope = set(within) if scope is None else scope & set(within)
    except BaseException:
        index.release(view)
        raise
    return SearchRun(index, view, session, tree, ev, scope, cancelled, quotes)


# --- concordance lines -------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _flat(s: str) -> str:
    """Context on one line: each run of white space (line breaks too) becomes one space."""
    return _SPACES.sub(" ", s) if ("\n" in s or "\t" in s or "  " in s) else s


def text_row(hit: Hit, text: str, title: str, author: str, published: dt.datetime | None,
             width: int = CONTEXT) -> KwicRow:
    """The concordance line of a hit in the text ``text`` of a source, or of the source
    as a whole (``where`` "source": the beginning of the text)."""
    if hit.where == "source":
        return KwicRow(hit, "", "", _flat(text[:width * 2]), title, author, published)
    s, e = hit.start, hit.end
    return KwicRow(hit, _flat(text[s - width if s > width else 0:s]), text[s:e],
                   _flat(text[e:e + width]), title, author, published)


def kwic(doc: Doc, hit: Hit, width: int = CONTEXT) -> KwicRow:
    """The concordance line of ``hit`` in ``doc``."""
    s, e, prefix, where = hit.start, hit.end, "", hit.where
    if doc.text is not None and (where == "text" or where == "source"):  # usual cases first
        return text_row(hit, doc.text, doc.title, doc.author, doc.published, width)
    if hit.where == "footnote":
        fn = next(f for f in doc.footnotes if f[0] == hit.ref)
        text, (s, e), prefix = fn[4], hit.inner, f"[{fn[3]}] "
    elif hit.where == "memo":
        memo = next(m for m in doc.memos if m[0] == hit.ref)
        text, (s, e), prefix = memo[2], hit.inner, "memo: "
    elif hit.where == "title":
        text, (s, e), prefix = doc.title, hit.inner, "title: "
    elif doc.text is None:  # a huge source: read just the context
        lo = max(0, s - width)
        text = doc.window(lo, (e if hit.where != "source" else 2 * width) + width - lo)
        s, e = s - lo, e - lo
    else:
        text = doc.text
    left = _flat(text[max(0, s - width):s])
    right = _flat(text[e:e + width]) if hit.where != "source" else _flat(text[:width * 2])
    return KwicRow(hit, prefix + left if prefix else left, text[s:e], right,
                   doc.title, doc.author, doc.published)
