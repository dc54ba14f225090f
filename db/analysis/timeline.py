"""Coded excerpts (or coded sources) per day, week, month or year, one series per code.

Periods come from the sources' publication dates (UTC); every period between the first
and the last is listed, so a quiet one shows as 0 rather than vanishing. With ``share``
each count is also given as a percentage of all sources in scope published in that
period (so a quiet month does not look like a drop). Coded excerpts of sources without a
date are counted and reported in the notes, never silently dropped.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.analysis.counts import counts, posts_per, undated
from db.analysis.dimensions import UNDATED
from db.analysis.result import Result, Spec, percent
from db.analysis.scope import Scope
from db.analysis.sql import INTERVALS
from db.errors import AnalysisError
from db.export.selection import source_conditions


def timeline(session: Session, sc: Scope, spec: Spec) -> Result:
    """The timeline table (see the module)."""
    if spec.interval not in INTERVALS:
        raise AnalysisError(f"unknown interval '{spec.interval}'; use one of: "
                            + ", ".join(INTERVALS))
    codes = sc.codes(session)
    found = [r for r in counts(session, sc, by=spec.interval, measures=(spec.counted,))
             if r["value"] != UNDATED]
    periods = fill([r["value"] for r in found], spec.interval)
    cell = {(r["value"], r["code_id"]): r[spec.counted] for r in found}
    res = Result(spec, f"Coded {spec.counted} per {spec.interval}",
                 [spec.interval.capitalize()] + [c["path"] for c in codes], [],
                 colors={c["id"]: c["color"] for c in codes})
    res.row_labels = res.matrix_rows = periods
    res.col_labels = [c["path"] for c in codes]
    res.matrix_cols = [c["id"] for c in codes]
    res.layers["count"] = [[cell.get((p, c["id"]), 0) for c in codes] for p in periods]
    if spec.share:
        _shares(session, sc, spec, res)
    layer = res.layers["share %" if spec.share else "count"]
    res.rows = [[p, *layer[i]] for i, p in enumerate(periods)]
    res.row_keys = list(periods)
    res.notes = _notes(session, sc, spec)
    return res


def _shares(session: Session, sc: Scope, spec: Spec, res: Result) -> None:
    posts = posts_per(session, source_conditions(session, sc.selection), spec.interval)
    res.extra["sources_per_period"] = [posts.get(p, 0) for p in res.row_labels]
    res.layers["share %"] = [[percent(v, posts.get(p, 0)) for v in row]
                             for p, row in zip(res.row_labels, res.layers["count"],
                                               strict=True)]


def _notes(session: Session, sc: Scope, spec: Spec) -> list[str]:
    missing = undated(session, sc)
    out = [f"Counted: coded {spec.counted} per {spec.interval} of the sources' publication "
           "dates (UTC); weeks start on Monday."]
    if spec.share:
        out.append("Share %: the count as a percentage of all sources in scope published "
                   "in the period.")
    out.append(f"Undated: {missing['excerpts']} coded excerpt(s) in {missing['sources']} "
               "source(s) without a publication date are not on the timeline.")
    return out


def fill(found: list[str], interval: str) -> list[str]:
    """Every period from the first to the last of ``found`` (sortable text keys)."""
    if not found:
        return []
    first, last = min(found), max(found)
    out, current = [], first
    while current <= last:
        out.append(current)
        current = _next(current, interval)
    return out


def _next(key: str, interval: str) -> str:
    if interval == "year":
        return f"{int(key) + 1:04d}"
    if interval == "month":
        y, m = map(int, key.split("-"))
        return f"{y + m // 12:04d}-{m % 12 + 1:02d}"
    step = 7 if interval == "week" else 1
    return (dt.date.fromisoformat(key) + dt.timedelta(days=step)).isoformat()
