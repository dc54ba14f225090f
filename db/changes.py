"""What an operation changed, and the change log the search index follows.

Every operation returns a :class:`Changes` record (which tables, which rows); the
desktop passes it with its one ``project_changed`` signal and views decide what to
redraw. The same facts are appended to the ``changes`` table, a monotonically
increasing sequence, so a search index can catch up after a crash (DESIGN.md rule 7).
ORM writes are logged automatically by :func:`install_change_log`; bulk writes through
SQLAlchemy Core call :func:`log` themselves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, sessionmaker

from db.bulk import insert_rows
from db.models import Change, ColumnMappingRow, HistoryStep, utcnow

UPSERT = "upsert"
DELETE = "delete"


class IdRanges(AbstractSet[int]):
    """A set of ids kept as runs of consecutive ids: an import's million new sources take
    a few runs, not a million entries. Compares, iterates and tests membership as a set."""

    def __init__(self, ids: Iterable[int] = ()):
        self._starts: list[int] = []
        self._ends: list[int] = []  # a run is [start, end)
        self._count = 0
        self.update(ids)

    def update(self, ids: Iterable[int]) -> None:
        for i in ids:
            self.add(i)

    def add(self, i: int) -> None:
        if self._ends and self._ends[-1] == i:  # the common case: the next id
            self._ends[-1] += 1
        elif i in self:
            return
        else:
            at = bisect_right(self._starts, i)
            self._starts.insert(at, i)
            self._ends.insert(at, i + 1)
        self._count += 1

    def __contains__(self, i: object) -> bool:
        at = bisect_right(self._starts, i) - 1 if isinstance(i, int) else -1
        return at >= 0 and i < self._ends[at]

    def __iter__(self) -> Iterator[int]:
        for start, end in zip(self._starts, self._ends, strict=True):
            yield from range(start, end)

    def __len__(self) -> int:
        return self._count

    @classmethod
    def _from_iterable(cls, it: Iterable[int]) -> set[int]:
        return set(it)  # what set operations with it give: a plain set


@dataclass
class Changes:
    """Which rows of which tables an operation added, changed or removed."""

    ids: dict[str, IdRanges] = field(default_factory=dict)

    def add(self, table: str, ids: Iterable[int]) -> Changes:
        """Record ``ids`` of ``table`` as changed; returns self for chaining."""
        if table not in self.ids:
            self.ids[table] = IdRanges()
        self.ids[table].update(ids)
        return self

    def merge(self, other: Changes) -> Changes:
        """Add everything ``other`` records; returns self."""
        for table, ids in other.ids.items():
            self.add(table, ids)
        return self

    def touched(self, *tables: str) -> bool:
        """True if any of ``tables`` changed."""
        return any(t in self.ids for t in tables)

    def __bool__(self) -> bool:
        return bool(self.ids)


def log(session: Session, table: str, ids: Iterable[int], action: str = UPSERT) -> None:
    """Append ``ids`` of ``table`` to the change log (for writes that bypass the ORM)."""
    at = utcnow()  # one time for the whole write, not a call per row
    rows = [{"entity": table, "entity_id": i, "action": action, "at": at} for i in ids]
    insert_rows(session, Change.__table__, rows)  # no ORM nor Core bookkeeping per row


# Tables whose rows the search index and the views do not follow.
_UNLOGGED = {Change.__tablename__, ColumnMappingRow.__tablename__, HistoryStep.__tablename__}


def _loggable(obj) -> bool:
    table = getattr(obj, "__tablename__", None)
    return table is not None and table not in _UNLOGGED and hasattr(obj, "id")


def _after_flush(session: Session, _context) -> None:
    rows = [(o, UPSERT) for o in (*session.new, *session.dirty) if _loggable(o)]
    rows += [(o, DELETE) for o in session.deleted if _loggable(o)]
    if rows:
        session.connection().execute(insert(Change), [
            {"entity": o.__tablename__, "entity_id": o.id, "action": a} for o, a in rows])


def install_change_log(factory: sessionmaker) -> None:
    """Log every ORM insert, update and delete made through sessions of ``factory``."""
    event.listen(factory, "after_flush", _after_flush)
