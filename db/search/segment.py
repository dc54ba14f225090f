"""Writing a Whoosh segment in bulk: postings gathered per term, written a list at a time.

Whoosh's own writer costs a Python call per posting (``add_document`` →
``word_values`` → a pool of tuples → ``add_posting``). Here each text is tokenized once
for both its exact and its stemmed field, each token costs one ``array.extend``, and a
term's posting list is written a slice of :data:`SLICE` postings at a time
(:class:`db.search.postings.TermWriter`).

Memory is bounded, whatever the number of sources: an :class:`Accumulator` keeps at
most about :data:`BUDGET` bytes of postings; beyond that it writes them, sorted by
term, to a *run* file and starts afresh (and, in a tokenizing process, appends its
per-document columns to column files). :func:`write_segment` merges the runs (which may
come from several processes, each having indexed a contiguous range of document
numbers) term by term into one segment, holding a slice of a term's postings, the runs'
current records and a few bytes a term for Whoosh's term table.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import struct
import sys
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import chain, groupby, repeat
from operator import add, itemgetter
from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PerDocWriter
from whoosh.system import pack_ushort

from db.errors import IndexCancelled
from db.search.analysis import analyze, forget, stems
from db.search.documents import IndexDoc
from db.search.postings import BLOCK, TermWriter, encode_many, one_block
from db.search.schema import COLUMNS, KEYWORD_FIELDS, STEMMED

BUDGET = 12 * 2**20
"""Bytes of postings an accumulator holds before it writes a run."""

_RECORD = struct.Struct("<II")

RECORD = 1 << 16
"""Bytes of postings in a record of a run at most (a multiple of 16: whole quads); a
longer list is written as several records with the same key."""


_new_array = partial(array, "I")  # a C call, not a Python function per new term

_TERM_COST = 120  # bytes a new term costs in the dictionaries, roughly
_LITTLE = sys.byteorder == "little"


class Accumulator:
    """Postings of documents added in document-number order; see the module docstring."""

    def __init__(self, folder: Path, name: str, budget: int | None = None,
                 spill_columns: bool = False):
        self.folder, self.name = folder, name
        self.budget = BUDGET if budget is None else budget
        self.text: dict[str, dict[str, array]] = {}
        self.keys: dict[str, dict[str, array]] = {}
        self.columns = {"sid": array("I"), "when": array("q"), "len": array("I")}
        self.spill_columns = spill_columns
        self.runs: list[Path] = []
        self.size = self.count = 0

    def add(self, docnum: int, doc: IndexDoc) -> None:
        """Add one document; it gets the next document number, ``docnum``."""
        self.count += 1
        cols = self.columns
        cols["sid"].append(doc.sid)
        cols["when"].append(doc.when)
        cols["len"].append(doc.length)
        for name, values in doc.keywords.items():
            d = self.keys.setdefault(name, {})
            for v in set(values):
                a = d.get(v)
                if a is None:
                    a = d[v] = array("I")
                    self.size += _TERM_COST
                a.append(docnum)
        for name, value in doc.texts.items():
            if name != "body":
                self._add_text(name, docnum, analyze(value))
        base = 0
        for offset, window in doc.windows():
            toks = analyze(window)
            if offset or base:
                toks = (toks[0], [p + base for p in toks[1]], [s + offset for s in toks[2]],
                        [e + offset for e in toks[3]])
            self._add_text("body", docnum, toks)
            base = toks[1][-1] + 1 if toks[1] else base
            self.check()

    def _add_text(self, name: str, docnum: int, toks) -> None:
        terms, poss, starts, ends = toks
        quads = list(zip(repeat(docnum), poss, starts, ends))
        self._add_terms(name, terms, quads)
        if name in STEMMED:
            self._add_terms(f"{name}_stem", stems(terms), quads)

    def _add_terms(self, name: str, terms: list[str], quads: list[tuple]) -> None:
        d = self.text.get(name)
        if d is None:
            d = self.text[name] = defaultdict(_new_array)
        before = len(d)
        # One C-level pass: each token extends its term's array with its quad.
        deque(map(array.extend, map(d.__getitem__, terms), quads), maxlen=0)
        self.size += 16 * len(terms) + _TERM_COST * (len(d) - before)

    def check(self) -> None:
        """Write a run if the postings held have outgrown the budget."""
        if self.size > self.budget:
            self.spill()

    def spill(self) -> None:
        """Write the postings held to a new run file and forget them (and, if
        ``spill_columns``, append the columns to their files)."""
        if self.spill_columns:
            for name, values in self.columns.items():
                with open(column_file(self.folder, self.name, name), "ab") as fh:
                    fh.write(_le(values).tobytes())
                del values[:]
        if not self.size:
            return
        path = self.folder / f"{self.name}.{len(self.runs)}.run"
        with open(path, "wb") as fh:
            for key, payload in self._records():
                fh.write(_RECORD.pack(len(key), len(payload)) + key + payload)
        self.runs.append(path)
        self.text, self.keys, self.size = {}, {}, 0

    def column_pieces(self) -> dict[str, Iterable[array]]:
        """Each column, in pieces, in document order (see :func:`write_segment`)."""
        if self.spill_columns:
            return read_columns(self.folder, [self.name])
        return {name: [values] for name, values in self.columns.items()}

    def _records(self) -> Iterator[tuple[bytes, bytes]]:
        fields = {**self.text, **self.keys}
        for name in sorted(fields):
            prefix = name.encode("ascii") + b"\0"
            d = fields[name]
            for term in sorted(d):
                key, raw = prefix + term.encode("utf-8"), _le(d[term]).tobytes()
                if len(raw) <= RECORD:
                    yield key, raw
                else:  # the merge holds a record of every run at once: keep them small
                    for at in range(0, len(raw), RECORD):
                        yield key, raw[at:at + RECORD]


def _le(a: array) -> array:
    """``a`` in little-endian byte order (a copy on a big-endian machine)."""
    if _LITTLE:
        return a
    a = array(a.typecode, a)
    a.byteswap()
    return a


def _read_run(path: Path, offset: int, stop) -> Iterator[tuple[bytes, bytes]]:
    """The records of a run file, document numbers shifted by ``offset``."""
    keyword = {f.encode("ascii") for f in KEYWORD_FIELDS}
    with open(path, "rb") as fh:
        n = 0
        while head := fh.read(_RECORD.size):
            klen, plen = _RECORD.unpack(head)
            key, payload = fh.read(klen), fh.read(plen)
            if offset:
                step = 1 if key[:key.index(b"\0")] in keyword else 4
                a = _from_le("I", [payload])
                a[0::step] = array("I", map(add, a[0::step], repeat(offset)))
                payload = _le(a).tobytes()
            n += 1
            if stop is not None and n % 4096 == 0 and stop():
                raise IndexCancelled("building the search index was cancelled")
            yield key, payload


def _from_le(typecode: str, payloads: Iterable[bytes]) -> array:
    a = array(typecode)
    a.frombytes(b"".join(payloads))
    if not _LITTLE:
        a.byteswap()
    return a


def text_postings(quads: array) -> tuple[array, list[bytes]]:
    """Document numbers and posting values from ``(docnum, pos, start, end)`` quads."""
    docs = quads[0::4]
    triples = array("I", quads)
    del triples[0::4]
    if len(set(docs)) == len(docs):  # one occurrence per document: the usual case
        return docs, encode_many(triples, None)
    counts = Counter(docs)
    return array("I", counts), encode_many(triples, list(counts.values()))


SLICE = 1 << 15
"""Postings (quads) of a term merged at a time, however long its list."""


def _slices(payloads: Iterable[bytes], step: int) -> Iterator[array]:
    """The numbers of ``payloads`` (each a multiple of ``step`` numbers) as arrays of
    :data:`SLICE` steps (the last one fewer): small payloads are joined, large ones cut."""
    size, pieces, held = 4 * step * SLICE, [], 0
    for p in payloads:
        if held + len(p) < size:  # the usual case: the whole term in one slice
            pieces.append(p)
            held += len(p)
            continue
        view = memoryview(p)
        while held + len(view) >= size:
            cut = size - held
            pieces.append(view[:cut])
            yield _from_le("I", pieces)
            pieces, held, view = [], 0, view[cut:]
        if view:
            pieces.append(view)
            held += len(view)
    if pieces:
        yield _from_le("I", pieces)


def _text_slices(payloads: Iterable[bytes]) -> Iterator[array]:
    """Quads of ``payloads`` a slice at a time, a document's quads never split between
    slices (a huge document's may come in several runs)."""
    pending = None
    for quads in _slices(payloads, 4):
        if pending is not None:  # its last document may go on in ``quads``
            cut = 4 * bisect_left(memoryview(pending)[0::4], pending[-4])
            if cut:
                yield pending[:cut]
            quads = pending[cut:] + quads
        pending = quads
    if pending is not None:
        yield pending


class _Bucket:
    """One of the 256 buckets of Whoosh's term table writer as two arrays (12 bytes a
    term, where Whoosh keeps a tuple of two ints, about 130), read back the same."""

    __slots__ = ("hashes", "positions")

    def __init__(self):
        self.hashes, self.positions = array("I"), array("q")

    def append(self, entry: tuple[int, int]) -> None:
        self.hashes.append(entry[0])
        self.positions.append(entry[1])

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.hashes, self.positions, strict=True)


class _FieldWriter(W3FieldWriter):
    """Whoosh's field writer, fed posting lists a slice at a time; its term table
    holds a few bytes a term (:class:`_Bucket`)."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self._tindex.buckets = [_Bucket() for _ in range(256)]

    def start_field(self, fieldname, fieldobj) -> None:
        super().start_field(fieldname, fieldobj)
        self._at = self._postfile.tell()
        self._prefix = pack_ushort(self._fieldid)

    def add_term(self, term: bytes, payloads: Iterator[bytes], keyword: bool) -> None:
        """Write the term's posting list from its runs' ``payloads``: document numbers
        (a keyword) or ``(docnum, pos, start, end)`` quads."""
        first = next(payloads)
        second = next(payloads, None)
        w = TermWriter(self._postfile, self._at)
        if second is None:  # one record (most terms), always smaller than a slice
            numbers = _from_le("I", (first,))
            ids, values = (numbers, None) if keyword else text_postings(numbers)
            if len(ids) <= BLOCK:  # one block: written without the writer's bookkeeping
                blob, info = one_block(ids, values, self._at)
                self._postfile.write(blob)
                self._add_info(term, len(blob), info)
                return
            w.add(ids, values)
        elif keyword:
            for numbers in _slices(chain((first, second), payloads), 1):
                w.add(numbers, None)
        else:
            for quads in _text_slices(chain((first, second), payloads)):
                w.add(*text_postings(quads))
        self._add_info(term, *w.finish())

    def _add_info(self, term: bytes, size: int, info: bytes) -> None:
        self._at += size
        self._tindex.add(self._prefix + term, info)


class _NoWriter:
    """Stands in for a column writer whose column was written in one piece."""

    def finish(self, doccount: int) -> None:
        return None


def write_segment(storage, indexname: str, schema, runs: list[Iterable],
                  columns: dict[str, Iterable[array]], count: int):
    """A new segment in ``storage`` of ``count`` documents from sorted ``runs`` and the
    per-document ``columns`` (each in pieces, in document order)."""
    codec = W3Codec()
    segment = codec.new_segment(storage, indexname)
    fw = _FieldWriter(codec, storage, segment)
    current = None
    merged = heapq.merge(*runs, key=itemgetter(0))
    keyword = False
    for key, group in groupby(merged, key=itemgetter(0)):
        name, _, term = key.partition(b"\0")
        if name != current:
            if current is not None:
                fw.finish_field()
            current, field = name, name.decode("ascii")
            keyword = field in KEYWORD_FIELDS
            fw.start_field(field, schema[field])
        fw.add_term(term, map(itemgetter(1), group), keyword)
    if current is not None:
        fw.finish_field()
    fw.close()
    _write_columns(codec, storage, segment, columns, count)
    segment.set_doc_count(count)
    segment.quire_ordered = True  # see leaves.py: documents are in date order
    return segment


def _write_columns(codec, storage, segment, columns: dict[str, Iterable[array]],
                   n: int) -> None:
    pdw: W3PerDocWriter = codec.per_document_writer(storage, segment)
    for name, pieces in columns.items():
        f = pdw._cols.create_file(name)
        for values in pieces:
            big = array(values.typecode, values)
            if _LITTLE:
                big.byteswap()  # Whoosh's numeric columns are big-endian
            f.write(big.tobytes())
        pdw._colwriters[name] = _NoWriter()
    pdw._doccount, pdw._indoc = n, None
    pdw.close()


def column_file(folder: Path, part: str, name: str) -> Path:
    """Where an accumulator named ``part`` spills its column ``name``."""
    return folder / f"{part}.{name}.col"


def read_columns(folder: Path, parts: list[str]) -> dict[str, Iterator[array]]:
    """The columns spilled by the accumulators named ``parts``, in that order, each as
    arrays of at most a megabyte."""
    return {name: _column_pieces([column_file(folder, p, name) for p in parts], code)
            for name, code in ((k, c._typecode) for k, c in COLUMNS.items())}


def _column_pieces(paths: list[Path], typecode: str) -> Iterator[array]:
    for path in paths:
        with open(path, "rb") as fh:
            while raw := fh.read(1 << 20):
                yield _from_le(typecode, [raw])


def run_files(acc: Accumulator) -> list[Path]:
    """Spill what ``acc`` holds and return every run file it wrote (its tokenizing is
    done: the analyzer's caches are emptied)."""
    acc.spill()
    forget()
    return list(acc.runs)


def read_runs(paths: list[Path], offset: int = 0, stop=None) -> list[Iterator]:
    """The run files as record iterators, in the order given (document order), their
    document numbers shifted by ``offset``; ``stop()`` true cancels."""
    return [_read_run(p, offset, stop) for p in paths]


def remove_runs(paths: list[Path]) -> None:
    """Delete run files (missing ones are fine)."""
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)
