"""Writing a merge plan into the project, and the operation that takes it back exactly.

Everything the plan adds is inserted in one transaction (the caller's), parents
first, and every row added is remembered: the inverse is a restore to a state in which
they are all absent (:mod:`db.restore`), so it removes exactly what was added and
nothing else, and redo puts back the same rows with the same ids and UUIDs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.errors import ImportCancelled
from db.exchange.bundle import BCode, BCollection, BExcerpt, BMemo, BSource
from db.exchange.merge_plan import Plan, footnote_uuids, memo_target
from db.models import (
    Code,
    Coder,
    Coding,
    Collection,
    Excerpt,
    Footnote,
    Memo,
    Source,
    new_uuid,
    source_collections,
    utcnow,
)
from db.palette import next_color
from db.state import State
from db.text import text_hash

_TABLE = {"coders": Coder, "codes": Code, "collections": Collection, "sources": Source,
          "excerpts": Excerpt, "codings": Coding, "memos": Memo}
_CHUNK = 500


class Writer:
    """Inserts a plan's additions, remembering the new ids for the inverse."""

    def __init__(self, session: Session, plan: Plan, cancelled: Callable[[], bool]):
        self.s, self.plan, self.cancelled = session, plan, cancelled
        self.ids: dict[str, dict[str, int]] = {k: {} for k in _TABLE}
        self.footnotes: list[int] = []
        self.links: list[tuple[int, int]] = []  # (source, collection) memberships added
        self.done = Changes()
        self._bundle_excerpts = {e.uuid: e for e in plan.bundle.excerpts}

    def run(self, progress: Callable[[int, int, str], None]) -> Changes:
        """Insert everything the plan adds; the changes made."""
        steps = [("coders", self._coders), ("codes", self._codes),
                 ("collections", self._collections), ("sources", self._sources),
                 ("excerpts", self._excerpts), ("memos", self._memos)]
        for i, (what, step) in enumerate(steps):
            if self.cancelled():
                raise ImportCancelled()
            progress(i, len(steps), f"Adding {what}")
            step()
        progress(len(steps), len(steps), "Merged")
        return self.done

    def _id(self, kind: str, key: str | None) -> int | None:
        found = self.plan.resolve(kind, key)
        if found is None:
            return None
        return found[1] if found[0] == "old" else self.ids[kind][found[1]]

    def _insert(self, kind: str, rows: list[dict], keys: list[str]) -> None:
        table = _TABLE[kind].__table__
        for i in range(0, len(rows), _CHUNK):
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids = list(self.s.scalars(stmt, rows[i:i + _CHUNK]))
            self.ids[kind].update(zip(keys[i:i + _CHUNK], ids, strict=True))
        made = list(self.ids[kind].values())
        changes.log(self.s, table.name, made)
        self.done.add(table.name, made)

    # -- entities ----------------------------------------------------------------------------

    def _coders(self) -> None:
        new = self.plan.added["coders"]
        rows = [{"uuid": self.plan.uuid["coders"][c.uuid], "name": c.name, "color": c.color,
                 "created_at": utcnow()} for c in new]
        self._insert("coders", rows, [c.uuid for c in new])

    def _codes(self) -> None:
        for code in self.plan.added["codes"]:  # one by one: a child needs its parent's id
            self._insert_one("codes", code.uuid, self._code_row(code))

    def _code_row(self, c: BCode) -> dict[str, Any]:
        parent = self._id("codes", c.parent)
        top = self.s.scalar(select(func.max(Code.position)).where(
            Code.parent_id.is_(None) if parent is None else Code.parent_id == parent))
        return {"uuid": self.plan.uuid["codes"][c.uuid], "name": c.name, "parent_id": parent,
                "position": 0 if top is None else top + 1,
                "color": c.color or next_color(self.s), "description": c.description,
                "created_at": c.created_at or utcnow(),
                "coder_id": self._id("coders", c.coder)}

    def _insert_one(self, kind: str, key: str, row: dict[str, Any]) -> None:
        table = _TABLE[kind].__table__
        new_id = self.s.scalar(insert(table).returning(table.c.id), row)
        self.ids[kind][key] = new_id
        changes.log(self.s, table.name, [new_id])
        self.done.add(table.name, [new_id])

    def _collections(self) -> None:
        for c in self.plan.added["collections"]:
            self._insert_one("collections", c.uuid, self._collection_row(c))

    def _collection_row(self, c: BCollection) -> dict[str, Any]:
        return {"uuid": self.plan.uuid["collections"][c.uuid], "name": c.name,
                "parent_id": self._id("collections", c.parent), "description": c.description,
                "created_at": utcnow()}

    def _sources(self) -> None:
        new = self.plan.added["sources"]
        self._insert("sources", [self._source_row(s) for s in new], [s.uuid for s in new])
        self._footnotes(new)
        self._links()

    def _source_row(self, s: BSource) -> dict[str, Any]:
        meta = s.meta
        row = {f: meta.get(f) for f in ("author", "handle", "platform", "site_name", "url",
                                         "language", "reply_to_id", "thread_id", "file_name",
                                         "format")}
        row = {k: v or "" for k, v in row.items()}
        row.update({f: meta.get(f) for f in ("published", "likes", "reposts", "replies",
                                             "views", "raw")})
        row.update({f: list(meta.get(f) or []) for f in ("hashtags", "mentions", "links")})
        cleared = s.uuid in self.plan.post_ids_cleared
        row.update(uuid=self.plan.uuid["sources"][s.uuid], kind=s.kind, title=s.title,
                   text=s.text, length=len(s.text), text_hash=text_hash(s.text),
                   file_hash="", is_repost=bool(meta.get("is_repost")),
                   post_id=None if cleared else (meta.get("post_id") or None),
                   extra=dict(meta.get("extra") or {}), csl=dict(meta.get("csl") or {}),
                   import_id=None, added_at=meta.get("added_at") or utcnow())
        return row

    def _footnotes(self, new: list[BSource]) -> None:
        taken = footnote_uuids(self.s)
        rows = []
        for s in new:
            for f in s.footnotes:
                rows.append({"uuid": f.uuid if f.uuid not in taken else new_uuid(),
                             "source_id": self.ids["sources"][s.uuid], "label": f.label,
                             "text": f.text, "offset": f.offset, "end": f.end, "kind": f.kind})
                taken.add(rows[-1]["uuid"])
        for i in range(0, len(rows), _CHUNK):
            stmt = insert(Footnote).returning(Footnote.id, sort_by_parameter_order=True)
            self.footnotes += list(self.s.scalars(stmt, rows[i:i + _CHUNK]))
        changes.log(self.s, Footnote.__tablename__, self.footnotes)

    def _links(self) -> None:
        rows, old = [], set()
        for source, coll in self.plan.links:
            sid, cid = self._id("sources", source), self._id("collections", coll)
            if (sid, cid) in old:
                continue
            old.add((sid, cid))
            rows.append({"source_id": sid, "collection_id": cid})
            self.links.append((sid, cid))
        if rows:
            self.s.execute(insert(source_collections), rows)
            changes.log(self.s, Source.__tablename__, sorted({r["source_id"] for r in rows}))

    def _excerpts(self) -> None:
        new = self.plan.added["excerpts"]
        self._insert("excerpts", [self._excerpt_row(e) for e in new], [e.uuid for e in new])
        codings = self.plan.added["codings"]
        rows = [self._coding_row(e, c) for e, c in codings]
        self._insert("codings", rows, [c.uuid for _, c in codings])

    def _excerpt_row(self, e: BExcerpt) -> dict[str, Any]:
        return {"uuid": self.plan.uuid["excerpts"][e.uuid],
                "source_id": self._id("sources", e.source), "start": e.start, "end": e.end,
                "coder_id": self._id("coders", e.coder), "color": e.color or "",
                "created_at": e.created_at or utcnow()}

    def _coding_row(self, excerpt: str, c) -> dict[str, Any]:
        owner = self._bundle_excerpts[excerpt]
        return {"uuid": self.plan.uuid["codings"][c.uuid],
                "excerpt_id": self._id("excerpts", excerpt),
                "code_id": self._id("codes", c.code),
                "coder_id": self._id("coders", c.coder or owner.coder),
                "created_at": c.created_at or utcnow()}

    def _memos(self) -> None:
        new = self.plan.added["memos"]
        self._insert("memos", [self._memo_row(m) for m in new], [m.uuid for m in new])

    def _memo_row(self, m: BMemo) -> dict[str, Any]:
        row = {"uuid": self.plan.uuid["memos"][m.uuid], "target": m.target, "title": m.title,
               "body": m.body, "coder_id": self._id("coders", m.coder),
               "created_at": m.created_at or utcnow(), "updated_at": m.updated_at or utcnow(),
               "collection_id": None, "source_id": None, "code_id": None, "excerpt_id": None,
               "detached_from": m.detached_from}
        found = memo_target(self.plan, m)
        if found is not None:
            key = m.target + "_id"
            row[key] = found[1] if found[0] == "old" else self.ids[m.target + "s"][found[1]]
        elif m.target != "project" and m.detached_from is None:
            row["detached_from"] = f"a {m.target} that was not merged"
        return row

    # -- the inverse ---------------------------------------------------------------------------

    def before(self) -> State:
        """The project as it was: every row :meth:`run` added, absent."""
        state = State().include("footnotes", self.footnotes)
        state.include("source_collections", self.links)
        for kind, model in _TABLE.items():
            state.include(model.__tablename__, self.ids[kind].values())
        return state
