"""Posting lists in Whoosh's W3 format, written and read a block at a time.

Whoosh stays the engine and its on-disk format is the index format (anything Whoosh
can open, it can open). What this module adds is speed where Whoosh spends its time
in Python one posting at a time:

* :class:`SpanFormat`, the format of the text fields: each posting's value is the
  positions *and* the code-point spans of the term in the document, as little-endian
  triples ``(position, start, end)`` (16 bits when they fit, else 32), decoded with
  one ``array.frombytes``;
* :class:`TermWriter`, which writes a posting list as W3 blocks as its postings come,
  holding no more than a block (128 postings a block; a block info tuple and a data
  tuple pickled with protocol 5, which is 8 times faster to write and read than
  Whoosh's protocol 2 and as small as its zlib'd blocks, so no compression) without
  a Python call per posting;
* :class:`Postings`, which reads a posting list block by block: a block's document
  numbers in one ``accumulate``, its values only when asked for, and ``skip_to`` that
  steps over whole blocks by their last document number without decoding them.

Whoosh's own writer and matchers read and write the same bytes (a test checks both
ways), so incremental updates through Whoosh and merges stay compatible.
"""

from __future__ import annotations

import io
import operator
import pickle
import struct
import sys
import zlib  # blocks Whoosh itself wrote are compressed
from array import array
from collections import defaultdict
from itertools import accumulate, chain

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.formats import Format

BLOCK = 128
"""Postings per block, as Whoosh writes them."""

MAGIC = b"W3Bl"
_INT = struct.Struct("!i")
_PROTOCOL = 5  # Whoosh writes protocol 2, where bytes pickle as codecs calls: 8x slower
# to write and read, and twice the size; any protocol reads back the same
_LITTLE = sys.byteorder == "little"
assert array("I").itemsize == 4 and array("H").itemsize == 2


def _width(flat) -> str:
    return "H" if max(flat, default=0) < 65536 else "I"


def encode_spans(flat) -> bytes:
    """``(position, start, end)`` triples, flattened, as a posting value: a byte giving
    the width of the numbers (2 when they all fit, else 4), then the numbers."""
    a = array(_width(flat), flat)
    if not _LITTLE:
        a.byteswap()
    return bytes((a.itemsize,)) + a.tobytes()


def decode_spans(value: bytes) -> array:
    """A posting value as a flat array ``[position, start, end, position, ...]``."""
    a = array("H" if value[0] == 2 else "I")
    a.frombytes(value[1:])
    if not _LITTLE:
        a.byteswap()
    return a


def encode_many(triples: array, counts: list[int] | None) -> list[bytes]:
    """The values of a whole posting list at once: ``triples`` holds every posting's
    flattened triples in order, ``counts`` how many triples each posting has (None:
    one each)."""
    a = array(_width(triples), triples)
    if not _LITTLE:
        a.byteswap()
    raw, head, size = a.tobytes(), bytes((a.itemsize,)), 3 * a.itemsize
    if counts is None:
        return [head + raw[i:i + size] for i in range(0, len(raw), size)]
    ends = list(accumulate(counts))
    return [head + raw[size * i:size * j] for i, j in zip(chain((0,), ends), ends,
                                                          strict=False)]


class SpanFormat(Format):
    """Postings that carry positions and code-point spans (see the module docstring).

    Pickled into the index's schema by Whoosh: keep the class here, under this name.
    """

    posting_size = -1

    def __init__(self, field_boost=1.0, **options):
        super().__init__(field_boost, **options)

    def word_values(self, value, analyzer, **kwargs):
        """Whoosh's per-document path: ``(term, frequency, weight, value)`` per term."""
        seen: dict[str, list[int]] = defaultdict(list)
        kwargs.update(positions=True, chars=True)
        for t in analyzer(value, **kwargs):
            seen[t.text] += (t.pos, t.startchar, t.endchar)
        for term, flat in seen.items():
            yield term, len(flat) // 3, 1.0, encode_spans(flat)

    def decode_frequency(self, value: bytes) -> int:
        return (len(value) - 1) // (3 * value[0])

    def decode_weight(self, value: bytes) -> float:
        return 1.0

    def decode_positions(self, value: bytes) -> list[int]:
        return list(decode_spans(value)[0::3])

    def decode_characters(self, value: bytes) -> list[tuple[int, int, int]]:
        a = decode_spans(value)
        return list(zip(a[0::3], a[1::3], a[2::3], strict=True))


def _deltas(ids) -> tuple[int, ...]:
    return tuple(map(operator.sub, ids, chain((0,), ids)))


_TERMINFO = struct.Struct(W3TermInfo._struct.format + "qi")  # + the postings' extent


class TermWriter:
    """One posting list written to ``postfile`` (which stands at ``offset``) as W3 blocks
    while its postings come, in ascending document numbers, a slice at a time
    (:meth:`add`): however long the list, no more than a block is held back.

    :meth:`finish` returns the number of bytes written and the term info (as
    W3TermInfo writes it).
    """

    def __init__(self, postfile, offset: int):
        self._file, self._offset = postfile, offset
        self._ids: array = array("I")
        self._values: list[bytes] | None = None
        self._head = MAGIC  # written with the first blocks
        self.n, self.first, self.size = 0, -1, 0

    def add(self, ids: array, values: list[bytes] | None) -> None:
        """Append postings: ``ids`` (an array of type ``I``, which the writer may keep)
        with their ``values`` (None for a format without values); every full block but
        the last is written at once."""
        if not len(ids):
            return
        if self.first < 0:
            self.first, self._ids, self._values = ids[0], ids, values
        else:
            self._ids.extend(ids)
            if values is not None:
                self._values.extend(values)
        self.n += len(ids)
        if len(self._ids) > BLOCK:
            stop = (len(self._ids) - 1) // BLOCK * BLOCK  # keep the last block, 1 to BLOCK
            self._write(self._ids, self._values, stop, last=False)
            del self._ids[:stop]
            if values is not None:
                del self._values[:stop]

    def _write(self, ids, values, stop: int, last: bool) -> None:
        out, self._head = [self._head], b""
        for b in range(0, stop, BLOCK):
            block = ids[b:b + BLOCK]
            out.append(_block(block, None if values is None else values[b:b + BLOCK],
                              last and b + BLOCK >= stop))
        blob = b"".join(out)
        self._file.write(blob)
        self.size += len(blob)

    def finish(self) -> tuple[int, bytes]:
        """Write the last block; the bytes written and the term info."""
        last = self._ids[-1]
        self._write(self._ids, self._values, len(self._ids), last=True)
        # Flags (not inlined), total weight, document frequency, min and max length bytes
        # (none kept), max weight, first and last document, then where the postings are.
        n = self.n
        info = _TERMINFO.pack(0, float(n), n, 0, 0, 1.0, self.first, last, self._offset,
                              self.size)
        return self.size, info


def _block(ids, values, last: bool) -> bytes:
    """One W3 block of postings: its size (negative for the last block of the list),
    its info and its data."""
    data = pickle.dumps((_deltas(ids), None, None if values is None else tuple(values)),
                        _PROTOCOL)
    head = pickle.dumps((len(ids), ids[-1], 1.0, 0, 0, 0), _PROTOCOL)
    size = len(head) + len(data)
    return b"".join((_INT.pack(-size if last else size), head, data))


def one_block(ids: array, values: list[bytes] | None, offset: int) -> tuple[bytes, bytes]:
    """A whole posting list of at most :data:`BLOCK` postings (what :class:`TermWriter`
    writes for it, without its bookkeeping): the bytes to write at ``offset`` and the
    term info."""
    blob = MAGIC + _block(ids, values, True)
    n = len(ids)
    return blob, _TERMINFO.pack(0, float(n), n, 0, 0, 1.0, ids[0], ids[-1], offset, len(blob))


class Postings:
    """One posting list, read a block at a time from a postings file (anything with
    ``get(offset, length)``) or from the term info when Whoosh inlined it."""

    __slots__ = ("_file", "_next", "_last", "_raw", "_data", "ids", "count", "maxid", "df",
                 "done")

    def __init__(self, dbfile, terminfo: W3TermInfo):
        self.df = terminfo.doc_frequency()
        self._file, self.done = dbfile, False
        if terminfo.is_inlined():
            ids, _weights, values = terminfo.inlined_postings()
            self._raw, self._data, self._last = None, (None, None, tuple(values)), True
            self.ids, self.count, self.maxid = tuple(ids), len(ids), ids[-1]
            return
        offset, _length = terminfo.extent()
        self._next, self._last = offset + len(MAGIC), False
        self._read_head()

    def _read_head(self) -> None:
        pos = self._next
        raw = self._file.get(pos, 4 + 64)
        size = _INT.unpack_from(raw)[0]
        self._last = size < 0
        size = abs(size)
        bio = io.BytesIO(raw[4:])
        head = pickle.Unpickler(bio).load()
        skip = bio.tell()
        self.count, self.maxid = head[0], head[1]
        self._raw = (pos + 4 + skip, size - skip, head[3])
        self._next = pos + 4 + size
        self.ids = self._data = None

    def _load(self) -> None:
        pos, size, comp = self._raw
        data = self._file.get(pos, size)
        self._data = pickle.loads(zlib.decompress(data) if comp else data)
        self.ids = tuple(accumulate(self._data[0]))

    def block_ids(self) -> tuple[int, ...]:
        """The document numbers of the current block."""
        if self.ids is None:
            self._load()
        return self.ids

    def block_values(self) -> tuple | None:
        """The values of the current block (None for a format without values)."""
        if self.ids is None:
            self._load()
        return self._data[2]

    def next_block(self) -> bool:
        """Move to the next block; False (and ``done``) at the end of the list."""
        if self._last:
            self.done, self.ids, self.count = True, (), 0
            return False
        self._read_head()
        return True

    def skip_to(self, target: int) -> bool:
        """Move to the block that may hold ``target``, skipping blocks that end before
        it without decoding them; False if the list ends before ``target``."""
        while self.maxid < target:
            if not self.next_block():
                return False
        return not self.done

    def all_ids(self) -> list[int]:
        """Every document number of the list, from the current block on."""
        out: list[int] = []
        while not self.done:
            out += self.block_ids()
            self.next_block()
        return out
