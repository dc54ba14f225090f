"""Fast access to the segments of an index: source ids, days and postings as plain sets.

Queries are evaluated as sets of source ids. Each Whoosh segment (a "leaf") keeps two
per-document columns, the source id and the day of publication; they are read once
per segment as arrays and cached (segments never change, only their deletions do), so
turning a posting list into source ids or selecting a date range needs no stored
fields and no numeric-range terms.
"""

from __future__ import annotations

import bisect
import sys
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from db.search.schema import NO_DAY

_CACHE: OrderedDict[str, _Columns] = OrderedDict()
_CACHE_SIZE = 64
_guard = threading.Lock()


class _Columns:
    """The immutable per-segment arrays: sid and day by local document number."""

    def __init__(self, reader):
        self.sids = _column(reader, "sid", "I", 0)
        self.days = _column(reader, "day", "i", NO_DAY)
        pairs = sorted((d, n) for n, d in enumerate(self.days) if d != NO_DAY)
        self.by_day = [d for d, _ in pairs]
        self.by_day_docs = [n for _, n in pairs]
        self.live: tuple[int, set[int]] | None = None


def _column(reader, field: str, typecode: str, default: int) -> array:
    """A whole numeric column as an array, read in one piece where Whoosh allows."""
    n = reader.doc_count_all()
    cr = reader.column_reader(field, translate=False)
    raw = getattr(cr, "_dbfile", None)
    out = array(typecode)
    if raw is not None and getattr(cr, "_fixedlen", 0) == out.itemsize:
        out.frombytes(raw.get(cr._basepos, cr._count * cr._fixedlen))
        if sys.byteorder == "little":
            out.byteswap()  # Whoosh writes big-endian
        out.extend([default] * (n - len(out)))
        return out
    out.extend(int(v) for v in cr)
    return out


class Leaf:
    """One segment reader with its cached columns."""

    def __init__(self, reader):
        self.reader = reader
        key = reader.segment().segment_id() if reader.segment() else str(id(reader))
        with _guard:
            cols = _CACHE.get(key)
            if cols is None:
                cols = _CACHE[key] = _Columns(reader)
                if len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
            _CACHE.move_to_end(key)
        self.cols = cols
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()

    def reader_postings(self, field: str, term: str) -> Iterable[int]:
        """Live local document numbers containing ``term`` in ``field``."""
        try:
            m = self.reader.postings(field, term)
        except TermNotFound:
            return ()
        m = getattr(m, "child", m) if isinstance(m, FilterMatcher) else m
        ids = _block_ids(m) if type(m) is W3LeafMatcher else list(m.all_ids())
        if self.deleted:
            deleted = self.deleted
            ids = [d for d in ids if d not in deleted]
        return ids

    def sids_of(self, docnums: Iterable[int]) -> Iterable[int]:
        """The source ids of local document numbers (an iterator, mapped in C)."""
        return map(self.cols.sids.__getitem__, docnums)

    def live_sids(self) -> set[int]:
        """Source ids of every live document of this segment."""
        cached = self.cols.live
        if cached is None or cached[0] != len(self.deleted):
            deleted, sids = self.deleted, self.cols.sids
            live = {sids[d] for d in range(len(sids)) if d not in deleted} if deleted \
                else set(sids)
            self.cols.live = cached = (len(self.deleted), live)
        return cached[1]

    def days_between(self, lo: int, hi: int) -> set[int]:
        """Source ids of live documents whose day is in ``[lo, hi]``."""
        c = self.cols
        i, j = bisect.bisect_left(c.by_day, lo), bisect.bisect_right(c.by_day, hi)
        docs = c.by_day_docs[i:j]
        if self.deleted:
            docs = [d for d in docs if d not in self.deleted]
        return set(self.sids_of(docs))

    def day_of(self, docnum: int) -> int:
        """The day column of a local document."""
        return self.cols.days[docnum]


def _block_ids(m) -> list[int]:
    """Every document number of a posting list, a block at a time (no per-id calls)."""
    out: list[int] = []
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        out.extend(m._ids[m._i:])
        m._next_block()
    return out


def leaves(reader) -> list[Leaf]:
    """The leaves of a Whoosh reader."""
    return [Leaf(r) for r, _offset in reader.leaf_readers()]


_DAY_MAPS: OrderedDict[tuple, dict[int, int]] = OrderedDict()


def day_map(leaf_list: list[Leaf]) -> dict[int, int]:
    """Sort key (day, then id, as one integer) of every live source id, cached per state."""
    key = tuple((id(leaf.cols), len(leaf.deleted)) for leaf in leaf_list)
    with _guard:
        cached = _DAY_MAPS.get(key)
    if cached is not None:
        return cached
    out: dict[int, int] = {}
    for leaf in leaf_list:
        sids, days, deleted = leaf.cols.sids, leaf.cols.days, leaf.deleted
        keys = [(d << 32) | s for s, d in zip(sids, days, strict=True)]
        if deleted:
            out.update((sids[n], keys[n]) for n in range(len(sids)) if n not in deleted)
        else:
            out.update(zip(sids, keys, strict=True))
    with _guard:
        _DAY_MAPS[key] = out
        if len(_DAY_MAPS) > 4:
            _DAY_MAPS.popitem(last=False)
    return out
