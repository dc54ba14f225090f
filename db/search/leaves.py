"""The segments of an open index ("leaves"): postings, columns and deletions, fast.

Each segment keeps three per-document columns: the source id, the publication time
(microseconds, :data:`~db.search.schema.NO_TIME` when undated) and the text's length.
They are read once per segment as arrays and cached (segments never change, only
their deletions do). A segment Quire wrote in one piece is marked ``quire_ordered``:
its documents are in date order, so document order is date order there and a date
range is a contiguous run of documents.
"""

from __future__ import annotations

import sys
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from whoosh.reading import TermNotFound

from db.search.postings import Postings
from db.search.schema import LEN_COLUMN, SID_COLUMN, WHEN_COLUMN

_CACHE: OrderedDict[str, _Columns] = OrderedDict()
_CACHE_SIZE = 64
_guard = threading.Lock()


class _Columns:
    """The immutable per-segment arrays, by local document number."""

    def __init__(self, reader):
        n = reader.doc_count_all()
        self.sids = _column(reader, "sid", SID_COLUMN, n)
        self.whens = _column(reader, "when", WHEN_COLUMN, n)
        self.lengths = _column(reader, "len", LEN_COLUMN, n)
        self._by_when: list[int] | None = None

    def by_when(self) -> list[int]:
        """Document numbers in date order (for a segment that is not in date order)."""
        if self._by_when is None:
            whens, sids = self.whens, self.sids
            self._by_when = sorted(range(len(whens)), key=lambda d: (whens[d], sids[d]))
        return self._by_when


def _column(reader, field: str, column, n: int) -> array:
    """A whole numeric column as an array, read in one piece."""
    out = array(column._typecode)
    if reader.has_column(field):
        cr = reader.column_reader(field, translate=False)
        out.frombytes(cr._dbfile.get(cr._basepos, cr._count * cr._fixedlen))
        if sys.byteorder == "little":
            out.byteswap()  # Whoosh writes big-endian
    out.extend([column._default] * (n - len(out)))
    return out


def segment_sids(storage, schema, segment):
    """The source id of each document of a segment (from the cache when it is there)."""
    from whoosh.reading import SegmentReader

    with _guard:
        cols = _CACHE.get(segment.segment_id())
    if cols is not None:
        return cols.sids
    reader = SegmentReader(storage, schema, segment)
    try:
        return _columns(reader).sids
    finally:
        reader.close()


def _columns(reader) -> _Columns:
    key = reader.segment().segment_id()
    with _guard:
        cols = _CACHE.get(key)
        if cols is None:
            cols = _CACHE[key] = _Columns(reader)
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        _CACHE.move_to_end(key)
    return cols


class Leaf:
    """One segment reader with its columns and deletions."""

    def __init__(self, reader):
        self.reader = reader
        self.cols = _columns(reader)
        self.sids, self.whens = self.cols.sids, self.cols.whens
        self.maxdoc = len(self.sids)
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self.ordered = bool(getattr(reader.segment(), "quire_ordered", False))
        self._terms = reader._terms  # Whoosh's terms reader: term infos, postings file

    def postings(self, field: str, term: str) -> Postings | None:
        """The posting list of ``term`` in ``field``, or None."""
        try:
            info = self._terms.term_info(field, term.encode("utf-8"))
        except (TermNotFound, KeyError):
            return None
        return Postings(self._terms._postfile, info)

    def expand_prefix(self, field: str, prefix: str):
        """The terms of ``field`` that start with ``prefix``."""
        for t in self.reader.expand_prefix(field, prefix):
            yield t.decode("utf-8") if isinstance(t, bytes) else t

    def when_range(self, lo: int, hi: int) -> tuple[int, int] | list[int]:
        """Documents published between ``lo`` and ``hi`` (inclusive): a ``[start, stop)``
        range in a segment in date order, else a sorted list."""
        whens = self.whens
        if self.ordered:
            return bisect_left(whens, lo), bisect_right(whens, hi)
        return [d for d in range(self.maxdoc) if lo <= whens[d] <= hi]

    def live_sids(self) -> set[int]:
        """Source ids of every live document of this segment."""
        deleted, sids = self.deleted, self.sids
        return {sids[d] for d in range(self.maxdoc) if d not in deleted} if deleted \
            else set(sids)


def leaves(reader) -> list[Leaf]:
    """The leaves of a Whoosh reader."""
    return [Leaf(r) for r, _offset in reader.leaf_readers()]
