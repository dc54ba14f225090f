"""Counting coded excerpts per code, optionally split by a dimension, in one SQL query.

The measures, for each code (and value): ``excerpts`` (distinct coded excerpts),
``sources`` (distinct sources they lie in), ``characters`` (the excerpts' lengths in
code points, summed) and ``words`` (their search tokens, summed; see
:class:`db.analysis.sql.word_count`). An excerpt coded with a code by two coders counts
once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.analysis import sql
from db.analysis.dimensions import split
from db.analysis.scope import Scope, coded
from db.errors import AnalysisError
from db.models import Source

MEASURES = ("excerpts", "sources", "characters", "words")


def _measures(c, wanted: tuple[str, ...]) -> list:
    text = func.substr(Source.text, c.c.start + 1, c.c.end - c.c.start)
    exprs = {"excerpts": func.count(func.distinct(c.c.excerpt_id)),
             "sources": func.count(func.distinct(c.c.source_id)),
             "characters": func.coalesce(func.sum(c.c.end - c.c.start), 0),
             "words": func.coalesce(func.sum(sql.word_count(text)), 0)}
    return [exprs[m].label(m) for m in wanted]


def counts(session: Session, sc: Scope, *, by: str | None = None,
           measures: tuple[str, ...] = MEASURES) -> list[dict[str, Any]]:
    """One dict per code (and value of ``by``) with the asked ``measures``; codes and
    values with nothing coded are absent."""
    for m in measures:
        if m not in MEASURES:
            raise AnalysisError(f"unknown measure '{m}'; use one of: {', '.join(MEASURES)}")
    sql.prepare(session)
    c = coded(sc)
    needs_text = "words" in measures
    if by is None:
        q = select(c.c.code_id, *_measures(c, measures)).select_from(c)
        if needs_text:
            q = q.join(Source, Source.id == c.c.source_id)
        q = q.group_by(c.c.code_id)
    else:
        q, value = split(c, by, c.c.code_id, *_measures(c, measures))
        q = q.group_by(c.c.code_id, value)
    return [dict(r._mapping) for r in session.execute(q)]


def excerpts_behind(session: Session, sc: Scope, *, code_ids: list[int] | None = None,
                    by: str | None = None, value: str | None = None) -> list[int]:
    """The excerpts counted in one cell: coded with one of ``code_ids`` (rolled up as the
    scope is) and, with ``by``, whose ``by`` value is ``value``. Sorted ids."""
    c = coded(sc)
    if by is None:
        q = select(c.c.excerpt_id).select_from(c)
    else:
        q, expr = split(c, by, c.c.excerpt_id)
        q = q.where(expr == value)
    if code_ids is not None:
        q = q.where(c.c.code_id.in_(code_ids))
    return sorted(set(session.scalars(q)))


def posts_per(session: Session, conditions: list, interval: str) -> dict[str, int]:
    """How many sources in scope were published in each period (undated ones left out)."""
    p = sql.period(Source.published, interval)
    q = (select(p, func.count(Source.id)).where(Source.published.is_not(None), *conditions)
         .group_by(p))
    return dict(session.execute(q).all())


def undated(session: Session, sc: Scope) -> dict[str, int]:
    """How many coded excerpts and sources in scope have no publication date."""
    c = coded(sc)
    q = (select(func.count(func.distinct(c.c.excerpt_id)),
                func.count(func.distinct(c.c.source_id)))
         .select_from(c).join(Source, Source.id == c.c.source_id)
         .where(Source.published.is_(None)))
    n_ex, n_src = session.execute(q).one()
    return {"excerpts": n_ex, "sources": n_src}

