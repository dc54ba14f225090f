"""Rows of a project at one moment: the one capture mechanism behind every undo.

A :class:`State` covers some rows of some tables, by key (ids; ``(source_id,
collection_id)`` pairs for memberships) and by :class:`Query` (every source of an import
batch, found again whenever the state is used), and holds the covered rows that existed
when it was captured: a covered key without a row was absent. :func:`db.restore.restore`
puts a state back exactly, by diff.

States are stored in the project's history and project files are mailed, so a state is
never pickled: rows are compressed JSON, by column name, with typed values (datetimes as
ISO 8601 text). A state recorded before a schema change is refused when read
(:class:`StepSchemaError`) rather than misapplied. Rows stay compressed in chunks in
memory too: undoing "remove 100,000 posts" must not hold them all as Python objects.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import DateTime, Table, column, select, tuple_
from sqlalchemy.orm import Session

from db.errors import QuireError
from db.models import Base

FORMAT = 1
MAGIC = b"QST1"
CHUNK = 2000  # rows per compressed chunk
IN_CHUNK = 400  # keys per IN (...) list, below SQLite's bound-parameter limit with pairs
UNTRACKED = {"changes", "history", "column_mappings", "alembic_version"}
# Parents before children: the order of inserts (deletes go the other way).
TABLES: tuple[Table, ...] = tuple(t for t in Base.metadata.sorted_tables
                                  if t.name not in UNTRACKED)
BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

Key = Any  # an int, or a tuple for a table with a composite primary key
Row = dict[str, Any]


class StepSchemaError(QuireError):
    """A stored step was recorded by a Quire with another schema: it cannot be applied."""


# --- keys ------------------------------------------------------------------------------------

def key_columns(table: Table) -> list[str]:
    """The names of ``table``'s primary-key columns."""
    return [c.name for c in table.primary_key.columns]


def key_of(table: Table, row: Mapping[str, Any]) -> Key:
    """The key of ``row`` in ``table``: its id, or a tuple for a composite key."""
    cols = key_columns(table)
    return row[cols[0]] if len(cols) == 1 else tuple(row[c] for c in cols)


def key_clause(table: Table, keys: list[Key]):
    """``WHERE key IN (keys)`` for either kind of key."""
    cols = [table.c[c] for c in key_columns(table)]
    return cols[0].in_(keys) if len(cols) == 1 else tuple_(*cols).in_(keys)


def chunks(items: list, size: int = IN_CHUNK) -> Iterator[list]:
    """``items`` in slices of ``size``."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _plain_key(key: Any) -> Key:
    return tuple(key) if isinstance(key, list) else key


# --- queries ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """Rows of ``table`` whose ``column`` equals ``value``, or (with ``within``) whose
    ``column`` is the id of a row ``within`` finds. Plain data, so it can be stored."""

    table: str
    column: str
    value: Any = None
    within: Query | None = None

    def statement(self):
        """The SELECT of the keys of the rows it finds."""
        table = BY_NAME[self.table]
        col = table.c[self.column]
        cond = col.in_(self.within.id_statement()) if self.within else col == self.value
        return select(*(table.c[c] for c in key_columns(table))).where(cond)

    def id_statement(self):
        """The SELECT of the ids of the rows it finds."""
        table = BY_NAME[self.table]
        return self.statement().with_only_columns(table.c.id)

    def keys(self, session: Session) -> set[Key]:
        """The keys of the rows it finds now."""
        return {r[0] if len(r) == 1 else tuple(r) for r in session.execute(self.statement())}

    def to_dict(self) -> dict[str, Any]:
        """As plain JSON data."""
        out = {"table": self.table, "column": self.column, "value": self.value}
        if self.within is not None:
            out["within"] = self.within.to_dict()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Query:
        """The query :meth:`to_dict` wrote."""
        within = cls.from_dict(d["within"]) if d.get("within") else None
        return cls(d["table"], d["column"], d.get("value"), within)


# --- values ----------------------------------------------------------------------------------

def _codec(column) -> tuple:
    """(encode, decode) of a column's values as JSON."""
    if isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None),
                                                       DateTime):
        return (lambda v: None if v is None else v.isoformat(),
                lambda v: None if v is None else dt.datetime.fromisoformat(v))
    return (lambda v: v), (lambda v: v)


def columns_of(table: Table) -> list[list[str]]:
    """``[name, type]`` of every column: what a stored state is checked against."""
    return [[c.name, type(c.type).__name__] for c in table.columns]


@functools.cache
def _encoders(table: Table) -> list[tuple[str, Any]]:
    return [(c.name, _codec(c)[0]) for c in table.columns]


def encode_row(table: Table, row: Mapping[str, Any]) -> list:
    """A row as a JSON-ready list, in column order."""
    return [encode(row[name]) for name, encode in _encoders(table)]


def _decoder(table: Table, columns: list[list[str]]):
    if columns != columns_of(table):
        raise StepSchemaError(
            f"this step was recorded by a version of Quire whose table '{table.name}' was "
            "different; it can no longer be undone or redone")
    decoders = [(c.name, _codec(c)[1]) for c in table.columns]

    def decode(values: list) -> Row:
        return {name: dec(v) for (name, dec), v in zip(decoders, values, strict=True)}

    return decode


# --- the state -------------------------------------------------------------------------------

@dataclass
class State:
    """Some rows of some tables at one moment: what restore puts back.

    ``keys`` and ``queries`` say what it covers; ``chunks`` hold the rows that existed
    (compressed JSON lists in ``columns`` order) and ``have`` their keys. A covered key
    without a row is absent.
    """

    keys: dict[str, set[Key]] = field(default_factory=dict)
    queries: list[Query] = field(default_factory=list)
    chunks: dict[str, list[bytes]] = field(default_factory=dict)
    columns: dict[str, list[list[str]]] = field(default_factory=dict)
    have: dict[str, set[Key]] = field(default_factory=dict)

    def include(self, table: str, keys: Iterable[Key]) -> State:
        """Also cover ``keys`` of ``table`` (absent unless captured); returns self."""
        self.keys.setdefault(table, set()).update(keys)
        return self

    def covering(self, *queries: Query) -> State:
        """Also cover the rows these queries find whenever the state is used."""
        self.queries += [q for q in queries if q not in self.queries]
        return self

    def all_keys(self, session: Session) -> dict[str, set[Key]]:
        """Every key covered now: the explicit keys and what the queries find."""
        out = {t: set(k) for t, k in self.keys.items()}
        for q in self.queries:
            out.setdefault(q.table, set()).update(q.keys(session))
        return out

    def rows(self, table: str) -> Iterator[list[Row]]:
        """The captured rows of ``table``, a chunk at a time, as dicts."""
        if not self.chunks.get(table):
            return
        decode = _decoder(BY_NAME[table], self.columns[table])
        for blob in self.chunks[table]:
            yield [decode(r) for r in json.loads(zlib.decompress(blob))]

    def present(self, table: str) -> set[Key]:
        """The keys of ``table`` that had a row."""
        return self.have.get(table, set())

    def add_rows(self, table: str, rows: list[list]) -> None:
        """Add encoded rows (lists in column order) of ``table``, covering their keys."""
        t = BY_NAME[table]
        self.columns[table] = columns_of(t)
        names = [c.name for c in t.columns]
        at = [names.index(c) for c in key_columns(t)]
        keys = [r[at[0]] if len(at) == 1 else tuple(r[i] for i in at) for r in rows]
        self.include(table, keys)
        self.have.setdefault(table, set()).update(keys)
        for part in chunks(rows, CHUNK):
            blob = zlib.compress(json.dumps(part, ensure_ascii=False).encode(), 6)
            self.chunks.setdefault(table, []).append(blob)

    def merge(self, later: State) -> State:
        """Add what ``later`` (captured after this one) covers that this one does not:
        for a key both cover, this earlier capture wins. Returns self."""
        for table in later.keys:
            new = later.keys[table] - self.keys.get(table, set())
            t = BY_NAME[table]
            rows = [encode_row(t, r) for chunk in later.rows(table) for r in chunk
                    if key_of(t, r) in new]
            self.include(table, new)
            if rows:
                self.add_rows(table, rows)
        return self.covering(*later.queries)

    @property
    def size(self) -> int:
        """Compressed bytes of its rows."""
        return sum(len(b) for blobs in self.chunks.values() for b in blobs)

    # -- storing -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The state as bytes to store: a compressed JSON header, then the row chunks."""
        order = [t for t in self.chunks if self.chunks[t]]
        header = {"format": FORMAT, "queries": [q.to_dict() for q in self.queries],
                  "keys": {t: sorted(k, key=_sort_key) for t, k in self.keys.items()},
                  "have": {t: sorted(k, key=_sort_key) for t, k in self.have.items()},
                  "tables": {t: {"columns": self.columns[t],
                                 "chunks": [len(b) for b in self.chunks[t]]} for t in order}}
        head = zlib.compress(json.dumps(header).encode(), 6)
        body = b"".join(b for t in order for b in self.chunks[t])
        return MAGIC + struct.pack(">I", len(head)) + head + body

    @classmethod
    def from_bytes(cls, data: bytes) -> State:
        """The state :meth:`to_bytes` wrote; StepSchemaError for a foreign format."""
        if data[:4] != MAGIC:
            raise StepSchemaError("this step was stored in a format this Quire cannot read")
        (n,) = struct.unpack(">I", data[4:8])
        header = json.loads(zlib.decompress(data[8:8 + n]))
        if header.get("format") != FORMAT:
            raise StepSchemaError("this step was stored in a format this Quire cannot read")
        unknown = [t for t in header["keys"] if t not in BY_NAME]
        if unknown:
            raise StepSchemaError(f"this step covers a table this Quire does not have "
                                  f"({unknown[0]}); it can no longer be undone or redone")
        state = cls(keys=_key_sets(header["keys"]), have=_key_sets(header["have"]),
                    queries=[Query.from_dict(q) for q in header["queries"]])
        pos = 8 + n
        for table, info in header["tables"].items():
            state.columns[table] = info["columns"]
            for length in info["chunks"]:
                state.chunks.setdefault(table, []).append(data[pos:pos + length])
                pos += length
        return state


def _key_sets(raw: dict[str, list]) -> dict[str, set[Key]]:
    return {t: {_plain_key(k) for k in ks} for t, ks in raw.items()}


def _sort_key(key: Key):
    return (0, key, ()) if not isinstance(key, tuple) else (1, 0, key)


def absent(keys: Mapping[str, Iterable[Key]]) -> State:
    """A state in which the rows ``keys`` names do not exist."""
    state = State()
    for table, ks in keys.items():
        state.include(table, ks)
    return state


# --- capturing -------------------------------------------------------------------------------

def read_rows(session: Session, table: Table, keys: Iterable[Key]) -> Iterator[list[Row]]:
    """The current rows of ``table`` with these keys, a slice at a time."""
    for part in chunks(sorted(keys, key=_sort_key)):
        yield [dict(r._mapping) for r in
               session.execute(select(*table.columns).where(key_clause(table, part)))]


def capture(session: Session, keys: Mapping[str, Iterable[Key]] | None = None,
            queries: Iterable[Query] = ()) -> State:
    """The current rows that ``keys`` (table name -> keys) and ``queries`` cover."""
    session.flush()
    state = State().covering(*queries)
    wanted = state.all_keys(session)
    for table, ks in (keys or {}).items():
        wanted.setdefault(table, set()).update(ks)
    for name, ks in wanted.items():
        state.include(name, ks)
        table, rows = BY_NAME[name], []
        for part in read_rows(session, table, ks):  # a chunk at a time: never all in memory
            rows += [encode_row(table, r) for r in part]
            if len(rows) >= CHUNK:
                state.add_rows(name, rows)
                rows = []
        if rows:
            state.add_rows(name, rows)
    return state


# --- versions: what undo and redo check before they write ---------------------------------

Versions = dict[str, dict[Key, list | None]]


def versions(session: Session, keys: Mapping[str, Iterable[Key]]) -> Versions:
    """For every covered key, ``[uuid, version, fingerprint]`` of its row now (``[]`` for
    a row of a table without them, such as a membership), or None when there is none.

    The fingerprint is a short digest of the row's values as the database driver gives
    them (no type conversion: cheap enough for 100,000 rows), its version aside.
    """
    out: Versions = {}
    for name, ks in keys.items():
        table = BY_NAME[name]
        found: dict[Key, list | None] = dict.fromkeys(ks)
        raw = [column(c.name) for c in table.columns]  # untyped: the driver's values
        at = {c.name: i for i, c in enumerate(table.columns)}
        pk = [at[c] for c in key_columns(table)]
        for part in chunks(sorted(ks, key=_sort_key)):
            q = select(*raw).select_from(table).where(key_clause(table, part))
            for row in session.execute(q):
                key = row[pk[0]] if len(pk) == 1 else tuple(row[i] for i in pk)
                found[key] = _identity(row, at) if "version" in at else []
        out[name] = found
    return out


def _identity(row: Sequence[Any], at: dict[str, int]) -> list:
    content = tuple(v for i, v in enumerate(row) if i != at["version"])
    digest = hashlib.blake2b(repr(content).encode(), digest_size=8).hexdigest()
    return [row[at["uuid"]], row[at["version"]], digest]


def versions_to_bytes(v: Versions) -> bytes:
    """Versions as compressed JSON."""
    data = {t: [[k, val] for k, val in sorted(rows.items(), key=lambda kv: _sort_key(kv[0]))]
            for t, rows in v.items()}
    return zlib.compress(json.dumps(data).encode(), 6)


def versions_from_bytes(data: bytes) -> Versions:
    """The versions :func:`versions_to_bytes` wrote."""
    raw = json.loads(zlib.decompress(data))
    return {t: {_plain_key(k): val for k, val in rows} for t, rows in raw.items()}
