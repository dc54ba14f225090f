"""Shared set-up of the exchange tests: a small coded project, comparable dumps, schemas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import (
    Change,
    Code,
    Coder,
    Coding,
    Collection,
    Excerpt,
    Memo,
    Source,
    source_collections,
)
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span, delete_excerpt
from db.ops.memos import create_memo
from db.text import text_hash

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "resources" / "refi"
SHARED_SCHEMAS = ROOT.parent / "shared" / "refi"
UTC = dt.UTC

ENGLISH = ("Families returned to Raqqa after the strikes ended. There is no water and no "
           "electricity.\n\nMany feel hopeless; some still hope to rebuild their homes.")
ARABIC = ("عادَت العائلات إلى الرقة بعد توقف الغارات. لا ماء ولا كهرباء في المدينة.\n\n"
          "يخشى المدنيون من عودة القتال، لكن الأمل باقٍ.")
POST = "💔 Mosul: the old bridge is gone 🕊 and the river is the only way across. #Mosul"


def add_source(s, text: str, *, collection: str | None = None, **meta) -> int:
    """A source (an article unless ``kind`` says otherwise), maybe in a collection."""
    meta.setdefault("kind", "article")
    src = Source(text=text, length=len(text), text_hash=text_hash(text), **meta)
    if collection:
        found = s.scalar(select(Collection).where(Collection.name == collection))
        src.collections.append(found or Collection(name=collection))
    s.add(src)
    s.flush()
    return src.id


def span(text: str, words: str) -> tuple[int, int]:
    """The code-point span of ``words`` in ``text``."""
    start = text.index(words)
    return start, start + len(words)


def build_study(proj) -> dict[str, int]:
    """Three sources, a two-level codebook, two coders' excerpts, memos of every kind."""
    with proj.session() as s:
        ids = {
            "english": add_source(s, ENGLISH, title="Return to Raqqa", author="Hana Salim",
                                  published=dt.datetime(2018, 3, 1, 9, tzinfo=UTC),
                                  collection="Raqqa", url="https://example.org/r"),
            "arabic": add_source(s, ARABIC, title="العودة إلى الرقة", language="ar",
                                 collection="Raqqa"),
            "post": add_source(s, POST, kind="post", author="Mosul Eye", handle="mosuleye",
                               platform="twitter", post_id="42", likes=7, is_repost=False,
                               hashtags=["Mosul"],
                               published=dt.datetime(2019, 1, 5, 12, tzinfo=UTC)),
        }
        ids["amira"] = ensure_coder(s, name="Amira").value
        ids["omar"] = ensure_coder(s, name="Omar").value
        ids["emotions"] = create_code(s, name="Emotions", description="How people feel",
                                      color="#fb8072").value
        ids["hope"] = create_code(s, name="Hope", parent_id=ids["emotions"],
                                  description="أمل: hope for the future").value
        ids["infra"] = create_code(s, name="Infrastructure").value
        ids["water"] = create_code(s, name="Water", parent_id=ids["infra"]).value
        _code(s, ids, "english", ENGLISH, "no water and no electricity", "water", "amira")
        _code(s, ids, "english", ENGLISH, "There is no water", "water", "omar")
        _code(s, ids, "english", ENGLISH, "some still hope to rebuild", "hope", "amira")
        _code(s, ids, "arabic", ARABIC, "لا ماء", "water", "omar")
        _code(s, ids, "arabic", ARABIC, "الأمل باقٍ", "hope", "amira")
        ids["x_post"] = _code(s, ids, "post", POST, "the old bridge is gone 🕊", "infra",
                              "omar")
        coll = s.scalar(select(Collection.id).where(Collection.name == "Raqqa"))
        create_memo(s, target="project", title="Research questions", body="Who returns?")
        create_memo(s, target="collection", target_id=coll, title="Raqqa set", body="2018")
        create_memo(s, target="source", target_id=ids["arabic"], body="مقال مهم",
                    coder_id=ids["omar"])
        create_memo(s, target="code", target_id=ids["hope"], title="When to use Hope",
                    body="Only explicit hope.", coder_id=ids["amira"])
        create_memo(s, target="excerpt", target_id=ids["x_post"], title="Bridge",
                    body="The *bridge* again.", coder_id=ids["omar"])
        gone = _code(s, ids, "english", ENGLISH, "Many feel hopeless", "emotions", "omar")
        create_memo(s, target="excerpt", target_id=gone, title="Orphan", body="kept")
        delete_excerpt(s, excerpt_id=gone)  # keeps its memo, orphaned
    return ids


def _code(s, ids: dict, source: str, text: str, words: str, code: str, coder: str) -> int:
    start, end = span(text, words)
    return code_span(s, source_id=ids[source], start=start, end=end, code_id=ids[code],
                     coder_id=ids[coder]).value


def entities(proj) -> dict[str, set[tuple]]:
    """What the round trip must keep, keyed by UUIDs (never database ids)."""
    with proj.sessions() as s:
        u = {m.__tablename__: dict(s.execute(select(m.id, m.uuid)).all())
             for m in (Coder, Code, Collection, Source, Excerpt)}
        return {
            "coders": {(c.uuid, c.name) for c in s.scalars(select(Coder))},
            "codes": {(c.uuid, c.name, u["codes"].get(c.parent_id), c.color, c.description,
                       c.position) for c in s.scalars(select(Code))},
            "collections": {(c.uuid, c.name) for c in s.scalars(select(Collection))},
            "sources": {_source_key(x) for x in s.scalars(select(Source))},
            "members": {(u["sources"][a], u["collections"][b])
                        for a, b in s.execute(select(source_collections))},
            "excerpts": {(e.uuid, u["sources"][e.source_id], e.start, e.end,
                          u["coders"].get(e.coder_id), e.created_at)
                         for e in s.scalars(select(Excerpt))},
            "codings": {(c.uuid, u["excerpts"][c.excerpt_id], u["codes"][c.code_id],
                         u["coders"].get(c.coder_id)) for c in s.scalars(select(Coding))},
            "memos": {_memo_key(m, u) for m in s.scalars(select(Memo))},
        }


def _source_key(x: Source) -> tuple:
    return (x.uuid, x.kind, x.title, x.text, x.author, x.handle, x.platform, x.url,
            x.language, x.published, x.post_id, x.likes, tuple(x.hashtags), x.is_repost)


def _memo_key(m: Memo, u: dict) -> tuple:
    about = {"collection": ("collections", m.collection_id), "source": ("sources", m.source_id),
             "code": ("codes", m.code_id), "excerpt": ("excerpts", m.excerpt_id)}
    table, key = about.get(m.target, (None, None))
    return (m.uuid, m.target, u[table].get(key) if table else None, m.title, m.body,
            u["coders"].get(m.coder_id), m.created_at, m.detached_from)


def change_count(proj) -> int:
    """How many entries the change log has."""
    with proj.sessions() as s:
        return s.scalar(select(func.count()).select_from(Change))


def schema_dirs() -> list[Path]:
    """The schema folders to validate against: the bundled copy, and ../shared/refi when
    this checkout has it beside it."""
    return [SCHEMAS] + ([SHARED_SCHEMAS] if (SHARED_SCHEMAS / "Project.xsd").exists() else [])


def assert_valid(data: bytes, schema: str) -> None:
    """Validate XML bytes against ``schema`` from every schema folder there is."""
    from lxml import etree

    for folder in schema_dirs():
        xsd = etree.XMLSchema(etree.parse(str(folder / schema)))
        doc = etree.fromstring(data)
        if not xsd.validate(doc):
            pytest.fail(f"{folder / schema}: {xsd.error_log}")
