"""Codes that come with imported files: coded passages of drafts, written with the sources.

A draft may carry passages (:class:`db.importers.base.PassageDraft`): a table row whose
code column is mapped codes its whole post, and a Taguette document export codes its
highlights. :class:`PassageWriter` writes them for the import pipeline
(:mod:`db.importing`): each passage becomes an excerpt by the import's coder (one that
is already there at the same span is reused), each code path a coding (the code is
found, or made with its parents, as :func:`db.ops.codes.ensure_code_path` does), and
a passage without codes an uncoded highlight.

A row that repeats a post already read (the same id, or the same text when there is no
id column) adds its codes to that post. What the writer made is recorded in the import
batch, so that the import's undo and :func:`db.ops.sources.remove_import` take it away
again, on posts of earlier imports too (:func:`made_rows`).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.importers.base import PassageDraft
from db.models import Code, Coding, Excerpt, new_uuid, utcnow
from db.ops import OpResult
from db.ops.codes import clean_code_name, create_code, ensure_code_path
from db.restore import no_op

MARKER_COLOR = "#ffd54f"  # the colour of a highlight without a code (as REFI import uses)
MADE = ("codes", "excerpts", "codings")


class PassageWriter:
    """Writes passages for one import run, in bulk, and remembers what it made."""

    def __init__(self, session: Session, coder_id: int | None, changes: Changes):
        self.s, self.coder_id, self.changes = session, coder_id, changes
        self.made: dict[str, list[int]] = {k: [] for k in MADE}
        self._codes: dict[tuple[str, bool], int] = {}

    def write(self, items: list[tuple[int, list[PassageDraft]]]) -> list[int]:
        """Write the passages of each (source id, passages); for each, how many excerpts
        and codings were added (0 when everything was already there)."""
        first: dict[tuple, int] = {}  # each span and coding counts for the first item
        spans: dict[tuple, PassageDraft] = {}
        for i, (sid, ps) in enumerate(items):
            for p in ps:
                spans.setdefault((sid, p.start, p.end), p)
                first.setdefault((sid, p.start, p.end), i)
        excerpts, fresh = self._excerpts(spans)
        wanted: dict[tuple[int, int], int] = {}
        for i, (sid, ps) in enumerate(items):
            for p in ps:
                for path in p.codes:
                    key = (excerpts[(sid, p.start, p.end)], self._code(path, p.whole_names))
                    wanted.setdefault(key, i)
        coded = self._codings(wanted)
        added = Counter(first[k] for k in fresh) + Counter(wanted[k] for k in coded)
        return [added[i] for i in range(len(items))]

    def _excerpts(self, spans: dict[tuple, PassageDraft]) -> tuple[dict[tuple, int], list]:
        """The excerpt of every span (by this coder), made when missing; the spans made."""
        found = {}
        for chunk in _chunks(sorted({sid for sid, _, _ in spans})):
            q = select(Excerpt.id, Excerpt.source_id, Excerpt.start, Excerpt.end).where(
                Excerpt.source_id.in_(chunk), self._by_coder(Excerpt.coder_id))
            found.update({(r.source_id, r.start, r.end): r.id for r in self.s.execute(q)})
        fresh = [k for k in spans if k not in found]
        rows = [{"uuid": new_uuid(), "source_id": sid, "start": a, "end": b,
                 "coder_id": self.coder_id, "created_at": utcnow(),
                 "color": "" if spans[(sid, a, b)].codes else MARKER_COLOR}
                for sid, a, b in fresh]
        found.update(zip(fresh, self._insert(Excerpt, rows), strict=True))
        return found, fresh

    def _codings(self, wanted: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
        """Code each (excerpt, code) pair not coded yet by this coder; the pairs coded."""
        have: set[tuple[int, int]] = set()
        for chunk in _chunks(sorted({e for e, _ in wanted})):
            q = select(Coding.excerpt_id, Coding.code_id).where(
                Coding.excerpt_id.in_(chunk), self._by_coder(Coding.coder_id))
            have.update((r.excerpt_id, r.code_id) for r in self.s.execute(q))
        new = [k for k in wanted if k not in have]
        self._insert(Coding, [{"uuid": new_uuid(), "excerpt_id": e, "code_id": c,
                               "coder_id": self.coder_id, "created_at": utcnow()}
                              for e, c in new])
        return new

    def _by_coder(self, column):
        return column.is_(None) if self.coder_id is None else column == self.coder_id

    def _insert(self, model, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids = list(self.s.scalars(stmt, rows))
        changes.log(self.s, model.__tablename__, ids)
        self.changes.add(model.__tablename__, ids)
        self.made[model.__tablename__].extend(ids)
        return ids

    def _code(self, path: str, whole: bool) -> int:
        if (path, whole) not in self._codes:
            made = self._top_level(path) if whole else \
                ensure_code_path(self.s, path=path, coder_id=self.coder_id)
            new = sorted(made.changes.ids.get(Code.__tablename__, ()))
            self.made["codes"] += new
            self.changes.add(Code.__tablename__, new)
            self._codes[(path, whole)] = made.value
        return self._codes[(path, whole)]

    def _top_level(self, name: str) -> OpResult:
        """The top-level code named ``name`` (any case), made when there is none."""
        clean = clean_code_name(name)
        for cid, other in self.s.execute(select(Code.id, Code.name).where(
                Code.parent_id.is_(None))):
            if other.casefold() == clean.casefold():
                return no_op(self.s, value=cid)
        return create_code(self.s, name=clean, coder_id=self.coder_id)

    def _coding(self, excerpt_id: int, code_id: int) -> int:
        found = self.s.scalar(select(Coding.id).where(
            Coding.excerpt_id == excerpt_id, Coding.code_id == code_id,
            Coding.coder_id.is_(None) if self.coder_id is None
            else Coding.coder_id == self.coder_id).limit(1))
        if found is not None:
            return 0
        self._add(Coding(excerpt_id=excerpt_id, code_id=code_id, coder_id=self.coder_id),
                  "codings")
        return 1

    def _add(self, row, kind: str) -> int:
        self.s.add(row)
        self.s.flush()  # the change log is written by the session's flush hook
        self.made[kind].append(row.id)
        self.changes.add(row.__tablename__, [row.id])
        return row.id


def made_rows(session: Session, made: dict) -> dict[str, list[int]]:
    """The rows an import's passages made (``made``: table -> ids, as the import batch
    records them) that are still there, for the import's undo and its removal."""
    out: dict[str, list[int]] = {}
    for model in (Code, Excerpt, Coding):
        wanted = sorted(made.get(model.__tablename__) or [])
        out[model.__tablename__] = [i for part in _chunks(wanted) for i in session.scalars(
            select(model.id).where(model.id.in_(part)))]
    return out


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    """Id lists short enough for SQLite's bound-parameter limit."""
    return [ids[i:i + size] for i in range(0, len(ids), size)]
