"""Memos as the Memos pane lists them, and the links inside their Markdown bodies.

Every memo row says what it is on (its kind and a readable label), who wrote it and
when; an orphaned memo (its target was deleted and the memo kept) is flagged and
labelled with what it was on. A memo body links to excerpts, sources and codes with
``quire:`` links, ``[the dawn passage](quire:excerpt/12)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    MEMO_TARGETS,
    Code,
    Coder,
    Collection,
    Excerpt,
    Memo,
    ProjectInfo,
    Source,
)
from db.queries.codes import code_path
from db.queries.sources import iso

TARGET_COLUMNS = {"collection": "collection_id", "source": "source_id", "code": "code_id",
                  "excerpt": "excerpt_id"}
LINK_KINDS = ("excerpt", "source", "code", "collection", "memo")
_LINK = re.compile(r"quire:(?://)?(" + "|".join(LINK_KINDS) + r")/(\d+)")
SNIPPET_WORDS = 8
SORTS = ("updated", "created")


# --- labels ---------------------------------------------------------------------------------

def target_label(session: Session, target: str, target_id: int | None) -> str:
    """How a memo's target reads in a list: "collection “Tweets”", "excerpt 12 of
    “Dawn”: “They left at dawn…”"; "" when it does not exist."""
    if target == "project":
        name = session.scalar(select(ProjectInfo.name))
        return f"project “{name}”" if name else "the project"
    if target_id is None:
        return ""
    return _LABELLERS[target](session, target_id)


def _collection_label(session: Session, cid: int) -> str:
    name = session.scalar(select(Collection.name).where(Collection.id == cid))
    return f"collection “{name}”" if name is not None else ""


def _source_label(session: Session, sid: int) -> str:
    row = session.execute(select(Source.title, func.substr(Source.text, 1, 200))
                          .where(Source.id == sid)).first()
    return f"source {sid} “{row[0] or snippet(row[1])}”" if row else ""


def _code_label(session: Session, cid: int) -> str:
    if session.get(Code, cid) is None:
        return ""
    return f"code “{code_path(session, cid)}”"


def _excerpt_label(session: Session, eid: int) -> str:
    row = session.execute(
        select(Excerpt.source_id, Source.title,
               func.substr(Source.text, Excerpt.start + 1, Excerpt.end - Excerpt.start))
        .join(Source, Source.id == Excerpt.source_id).where(Excerpt.id == eid)).first()
    if row is None:
        return ""
    where = f"“{row[1]}”" if row[1] else f"source {row[0]}"
    return f"excerpt {eid} of {where}: “{snippet(row[2])}”"


_LABELLERS = {"collection": _collection_label, "source": _source_label,
              "code": _code_label, "excerpt": _excerpt_label}


def snippet(text: str | None, words: int = SNIPPET_WORDS) -> str:
    """The first words of ``text`` on one line, with "…" when there were more."""
    parts = (text or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def memo_target(memo: Memo) -> tuple[str, int | None]:
    """A memo's target kind and id (id None for the project or an orphaned memo)."""
    column = TARGET_COLUMNS.get(memo.target)
    return memo.target, getattr(memo, column) if column else None


# --- listing --------------------------------------------------------------------------------

def memo_list(session: Session, *, kinds: Iterable[str] | None = None,
              coder_ids: Iterable[int] | None = None, text: str = "",
              orphaned: bool | None = None, sort: str = "updated",
              newest_first: bool = True) -> list[dict[str, Any]]:
    """Memos with their targets, filtered and sorted for the Memos pane.

    ``kinds``: only memos on these kinds of target ("project", "collection", "source",
    "code", "excerpt"); ``coder_ids``: only these authors'; ``text``: only memos whose
    title or body contains it (ignoring case); ``orphaned``: only orphaned (True) or only
    attached (False) memos; ``sort``: by "updated" or "created" date.
    """
    q = _filtered(select(Memo, Coder.name).outerjoin(Coder, Coder.id == Memo.coder_id),
                  kinds, coder_ids, text, orphaned)
    column = Memo.updated_at if sort != "created" else Memo.created_at
    q = q.order_by(column.desc() if newest_first else column, Memo.id.desc()
                   if newest_first else Memo.id)
    return [memo_row(session, memo, author) for memo, author in session.execute(q)]


def _filtered(q, kinds, coder_ids, text: str, orphaned: bool | None):
    if kinds is not None:
        q = q.where(Memo.target.in_([k for k in kinds if k in MEMO_TARGETS]))
    if coder_ids is not None:
        q = q.where(Memo.coder_id.in_(list(coder_ids)))
    if text.strip():
        q = q.where(or_(Memo.title.icontains(text.strip(), autoescape=True),
                        Memo.body.icontains(text.strip(), autoescape=True)))
    if orphaned is not None:
        q = q.where(Memo.detached_from.isnot(None) if orphaned else
                    Memo.detached_from.is_(None))
    return q


def memo_row(session: Session, memo: Memo, author: str | None = None) -> dict[str, Any]:
    """One memo as a plain dictionary (for a table row or JSON)."""
    kind, target_id = memo_target(memo)
    orphaned = memo.detached_from is not None
    label = memo.detached_from if orphaned else target_label(session, kind, target_id)
    return {"id": memo.id, "uuid": memo.uuid, "target": kind, "target_id": target_id,
            "target_label": label, "orphaned": orphaned, "title": memo.title,
            "body": memo.body, "coder_id": memo.coder_id, "author": author or "",
            "created_at": iso(memo.created_at), "updated_at": iso(memo.updated_at),
            "links": [{"kind": k, "id": i} for k, i in links_in(memo.body)]}


def memos_on(session: Session, target: str, target_id: int | None = None
             ) -> list[dict[str, Any]]:
    """The memos on one target (oldest first): what the Reader shows beside an excerpt."""
    q = select(Memo, Coder.name).outerjoin(Coder, Coder.id == Memo.coder_id).where(
        Memo.target == target)
    column = TARGET_COLUMNS.get(target)
    if column:
        q = q.where(getattr(Memo, column) == target_id)
    q = q.order_by(Memo.created_at, Memo.id)
    return [memo_row(session, memo, author) for memo, author in session.execute(q)]


def memo_counts(session: Session, target: str, target_ids: Iterable[int]) -> dict[int, int]:
    """How many memos each of ``target_ids`` has (only those with any)."""
    column = getattr(Memo, TARGET_COLUMNS[target])
    ids = list(target_ids)
    out: dict[int, int] = {}
    for i in range(0, len(ids), 900):
        q = select(column, func.count(Memo.id)).where(column.in_(ids[i:i + 900])) \
            .group_by(column)
        out.update({k: n for k, n in session.execute(q)})
    return out


# --- links ----------------------------------------------------------------------------------

def link_for(kind: str, target_id: int) -> str:
    """The link a memo body uses for an excerpt, source, code, collection or memo."""
    return f"quire:{kind}/{int(target_id)}"


def links_in(body: str) -> list[tuple[str, int]]:
    """The ``quire:`` links of a memo body, in order, without repeats."""
    seen = dict.fromkeys((m.group(1), int(m.group(2))) for m in _LINK.finditer(body or ""))
    return list(seen)


def parse_link(url: str) -> tuple[str, int] | None:
    """``(kind, id)`` of a ``quire:`` link, or None for any other link."""
    m = _LINK.fullmatch((url or "").strip())
    return (m.group(1), int(m.group(2))) if m else None
