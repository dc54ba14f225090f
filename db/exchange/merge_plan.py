"""Deciding, before anything is written, what of a bundle is already in the project.

The rules (each entity is looked at in this order; the first that applies wins):

* coders: the same UUID; else the same name (ignoring case);
* codes: the same UUID; else the same name (ignoring case) under the code its parent
  became, so "Emotions/Hope" finds "emotions/hope" (the code's path);
* collections: the same UUID; else the same name under the same parent;
* sources: the same UUID with the same text; else the same text (its hash), except
  that a post is never matched to a post with another id on the same platform (two
  retweets can have one text). A UUID already used by a source with another text gets
  a new UUID, and the source is added;
* excerpts: the same UUID in the same source; else the same span of the same source by
  the same coder; codings: the same UUID, or the same code by the same coder on the
  same excerpt; memos: the same UUID.

Everything else is added, keeping its UUID unless the project already uses it for
something else. Every coder's excerpts stay under that coder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.exchange.bundle import BExcerpt, BMemo, BSource, Bundle
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
)
from db.text import text_hash

KINDS = ("coders", "codes", "collections", "sources", "excerpts", "codings", "memos")


@dataclass
class Plan:
    """What merging a bundle will do: for each kind, the matches and the additions."""

    bundle: Bundle
    matched: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    added: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in KINDS})
    uuid: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    alias: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    how: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    links: list[tuple[str, str]] = field(default_factory=list)  # (source, collection) uuids
    post_ids_cleared: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def match(self, kind: str, key: str, target_id: int, how: str) -> None:
        """Record that bundle entity ``key`` is the project's ``target_id``."""
        self.matched[kind][key] = target_id
        self.how[kind][how] += 1

    def add(self, kind: str, item: Any, key: str, taken: set[str]) -> None:
        """Record that ``item`` will be added, under its own UUID unless it is taken."""
        self.added[kind].append(item)
        self.uuid[kind][key] = new_uuid() if key in taken else key
        taken.add(self.uuid[kind][key])

    def resolve(self, kind: str, key: str | None) -> tuple[str, Any] | None:
        """("old", id) for a match, ("new", uuid) for an addition, None if unknown."""
        if key is None:
            return None
        key = self.alias[kind].get(key, key)
        if key in self.matched[kind]:
            return "old", self.matched[kind][key]
        if key in self.uuid[kind]:
            return "new", key
        return None


def plan_merge(session: Session, bundle: Bundle) -> Plan:
    """Decide what merging ``bundle`` into the project does; nothing is written."""
    plan = Plan(bundle)
    _coders(session, plan)
    _tree(session, plan, "codes", Code, fold=True)
    _tree(session, plan, "collections", Collection, fold=False)
    _sources(session, plan)
    _excerpts(session, plan)
    _memos(session, plan)
    return plan


def _uuids(session: Session, model) -> set[str]:
    return set(session.scalars(select(model.uuid)))


def _coders(session: Session, plan: Plan) -> None:
    rows = session.execute(select(Coder.id, Coder.uuid, Coder.name)).all()
    by_uuid = {r.uuid: r.id for r in rows}
    by_name = {r.name.casefold(): r.id for r in rows}
    pending: dict[str, str] = {}
    taken = set(by_uuid)
    for c in plan.bundle.coders:
        name = c.name.casefold()
        if c.uuid in by_uuid:
            plan.match("coders", c.uuid, by_uuid[c.uuid], "UUID")
        elif name in by_name:
            plan.match("coders", c.uuid, by_name[name], "name")
        elif name in pending:
            plan.alias["coders"][c.uuid] = pending[name]
        else:
            pending[name] = c.uuid
            plan.add("coders", c, c.uuid, taken)


def _tree(session: Session, plan: Plan, kind: str, model, fold: bool) -> None:
    """Codes or collections: by UUID, else by name under the parent they map to."""
    rows = session.execute(select(model.id, model.uuid, model.name, model.parent_id)).all()
    by_uuid = {r.uuid: r.id for r in rows}
    taken = set(by_uuid)

    def key(name: str) -> str:
        return name.casefold() if fold else name

    old = {(("old", r.parent_id), key(r.name)): r.id for r in rows}
    new: dict[tuple, str] = {}
    items = plan.bundle.codes if kind == "codes" else plan.bundle.collections
    for item in items:
        parent = plan.resolve(kind, item.parent) or ("old", None)
        spot = (parent, key(item.name))
        if item.uuid in by_uuid:
            plan.match(kind, item.uuid, by_uuid[item.uuid], "UUID")
        elif spot in old:
            plan.match(kind, item.uuid, old[spot], "path" if fold else "name")
        elif spot in new:  # a twin among the bundle's own new ones
            plan.alias[kind][item.uuid] = new[spot]
        else:
            plan.add(kind, item, item.uuid, taken)
            new[spot] = item.uuid


def _sources(session: Session, plan: Plan) -> None:
    rows = session.execute(select(Source.id, Source.uuid, Source.text_hash, Source.platform,
                                  Source.post_id)).all()
    by_uuid = {r.uuid: r for r in rows}
    by_hash: dict[str, list[Any]] = {}
    for r in rows:
        by_hash.setdefault(r.text_hash, []).append(r)
    posts = {(r.platform, r.post_id) for r in rows if r.post_id}
    taken = set(by_uuid)
    for s in plan.bundle.sources:
        h = text_hash(s.text)
        same = by_uuid.get(s.uuid)
        if same is not None and same.text_hash == h:
            plan.match("sources", s.uuid, same.id, "UUID")
            continue
        if same is not None:
            plan.notes.append(f"source '{_label(s)}' has the UUID of a source with another "
                              "text; it is added as a new source")
        twin = _text_twin(s, by_hash.get(h, []))
        if twin is not None:
            plan.match("sources", s.uuid, twin, "text")
            continue
        _new_source(plan, s, posts, taken)


def _text_twin(s: BSource, candidates: list[Any]) -> int | None:
    post = (s.meta.get("platform") or "", s.meta.get("post_id"))
    for r in candidates:
        if not post[1] or not r.post_id or (r.platform, r.post_id) == post:
            return r.id
    return None


def _new_source(plan: Plan, s: BSource, posts: set, taken: set[str]) -> None:
    post = (s.meta.get("platform") or "", s.meta.get("post_id"))
    if post[1] and post in posts:
        plan.post_ids_cleared.add(s.uuid)
        plan.notes.append(f"post '{_label(s)}' has the id of another {post[0] or ''} post "
                          "with a different text; it is added without its post id")
    elif post[1]:
        posts.add(post)
    plan.add("sources", s, s.uuid, taken)


def _label(s: BSource) -> str:
    return (s.title or " ".join(s.text.split())[:40]).strip()


def _excerpts(session: Session, plan: Plan) -> None:
    rows = session.execute(select(Excerpt.id, Excerpt.uuid, Excerpt.source_id, Excerpt.start,
                                  Excerpt.end, Excerpt.coder_id)).all()
    by_uuid = {r.uuid: r for r in rows}
    by_span = {(r.source_id, r.start, r.end, r.coder_id): r.id for r in rows}
    taken, coding_taken = set(by_uuid), _uuids(session, Coding)
    codings = _codings_of(session, plan)
    lengths = {s.uuid: len(s.text) for s in plan.bundle.sources}
    for e in plan.bundle.excerpts:
        source = plan.resolve("sources", e.source)
        if source is None or not 0 <= e.start < e.end <= lengths.get(e.source, -1):
            plan.notes.append(f"excerpt {e.uuid} [{e.start}, {e.end}) does not fit its "
                              "source; it is left out")
            continue
        coder = plan.resolve("coders", e.coder)
        found = _same_excerpt(e, source, coder, by_uuid, by_span)
        if found is None:
            plan.add("excerpts", e, e.uuid, taken)
        else:
            plan.match("excerpts", e.uuid, found[0], found[1])
        _plan_codings(plan, e, codings, coding_taken)


def _same_excerpt(e: BExcerpt, source, coder, by_uuid, by_span) -> tuple[int, str] | None:
    if source[0] != "old":
        return None
    same = by_uuid.get(e.uuid)
    if same is not None and same.source_id == source[1]:
        return same.id, "UUID"
    if coder is None or coder[0] == "old":
        span = by_span.get((source[1], e.start, e.end, coder[1] if coder else None))
        if span is not None:
            return span, "span"
    return None


def _codings_of(session: Session, plan: Plan) -> dict[str, Any]:
    rows = session.execute(select(Coding.uuid, Coding.excerpt_id, Coding.code_id,
                                  Coding.coder_id)).all()
    return {"uuid": {r.uuid: r.excerpt_id for r in rows},
            "key": {(r.excerpt_id, r.code_id, r.coder_id) for r in rows}}


def _plan_codings(plan: Plan, e: BExcerpt, existing: dict, taken: set[str]) -> None:
    excerpt = plan.resolve("excerpts", e.uuid)
    seen: set[tuple] = set()
    for c in e.codings:
        code = plan.resolve("codes", c.code)
        coder = plan.resolve("coders", c.coder or e.coder)
        if code is None:
            plan.notes.append(f"coding {c.uuid} refers to a code that is not there; left out")
            continue
        key = (code, coder)
        if excerpt[0] == "old" and existing["uuid"].get(c.uuid) == excerpt[1]:
            plan.match("codings", c.uuid, 0, "UUID")
        elif excerpt[0] == "old" and code[0] == "old" and (coder is None or coder[0] == "old") \
                and (excerpt[1], code[1], coder[1] if coder else None) in existing["key"]:
            plan.match("codings", c.uuid, 0, "same code")
        elif key not in seen:
            plan.add("codings", (e.uuid, c), c.uuid, taken)
        seen.add(key)


def _memos(session: Session, plan: Plan) -> None:
    have = _uuids(session, Memo)
    taken = set(have)
    for m in plan.bundle.memos:
        if m.uuid in have:
            plan.match("memos", m.uuid, 0, "UUID")
        else:
            plan.add("memos", m, m.uuid, taken)
    _memberships(session, plan)


def _memberships(session: Session, plan: Plan) -> None:
    have = set(session.execute(select(source_collections.c.source_id,
                                      source_collections.c.collection_id)).all())
    for s in plan.bundle.sources:
        src = plan.resolve("sources", s.uuid)
        for c in s.collections:
            coll = plan.resolve("collections", c)
            if src is None or coll is None:
                continue
            if src[0] == "old" and coll[0] == "old" and (src[1], coll[1]) in have:
                continue
            plan.links.append((s.uuid, c))


def footnote_uuids(session: Session) -> set[str]:
    """The footnote UUIDs the project uses (a merged footnote keeps its own when free)."""
    return _uuids(session, Footnote)


def memo_target(plan: Plan, m: BMemo) -> tuple[str, Any] | None:
    """What a memo will be on: ("old", id) or ("new", uuid); None for the project or when
    its target was not merged (the memo is then kept as orphaned)."""
    if m.target == "project" or m.detached_from is not None:
        return None
    return plan.resolve(m.target + "s", m.about)
