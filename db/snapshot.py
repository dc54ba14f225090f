"""Capturing rows before they are deleted, so that a deletion can be undone exactly.

A :class:`Snapshot` holds the rows of several tables (in the order they must be
re-inserted), compressed, because undoing "remove 100,000 imported posts" must not
keep hundreds of megabytes of Python objects alive on the undo stack.
"""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass, field

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from db import changes
from db.changes import Changes

_CHUNK = 2000


@dataclass
class Snapshot:
    """Rows of tables, in insertion order; each table's rows as compressed pickles."""

    parts: list[tuple[Table, list[str], list[bytes]]] = field(default_factory=list)

    def capture(self, session: Session, table: Table, where: ColumnElement[bool]) -> list[int]:
        """Add the rows of ``table`` matching ``where``; returns their ids (if any)."""
        cols = [c.name for c in table.columns]
        result = session.execute(select(*table.columns).where(where))
        blobs, ids = [], []
        while rows := result.fetchmany(_CHUNK):
            blobs.append(zlib.compress(pickle.dumps([tuple(r) for r in rows]), 1))
            if "id" in cols:
                ids.extend(r.id for r in rows)
        self.parts.append((table, cols, blobs))
        return ids

    def restore(self, session: Session) -> Changes:
        """Insert every captured row again, with its original keys."""
        done = Changes()
        for table, cols, blobs in self.parts:
            for blob in blobs:
                raw = pickle.loads(zlib.decompress(blob))  # our own bytes, never a file's
                rows = [dict(zip(cols, r, strict=True)) for r in raw]
                session.execute(insert(table), rows)
                if "id" in cols:
                    ids = [r["id"] for r in rows]
                    changes.log(session, table.name, ids)
                    done.add(table.name, ids)
        return done
