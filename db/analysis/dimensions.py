"""The attributes a statistic can be split by, as SQL expressions over the coded rows.

Each dimension turns the ``coded`` subquery (:func:`db.analysis.scope.coded`) into a
select with one more column, ``value``: the text shown for the row's group. Missing
values get a group of their own ("(none)", "Undated", "unknown") so nothing is dropped
silently. A source in two collections counts once in each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, func, select

from db.analysis.sql import period
from db.errors import AnalysisError
from db.models import Coder, Collection, Source, source_collections

NONE = "(none)"
UNDATED = "Undated"
UNKNOWN = "unknown"
# Engagement (likes + reposts + replies) buckets, low to high.
BUCKETS = ((0, "0"), (1, "1–9"), (10, "10–99"), (100, "100–999"), (1000, "1,000+"))


@dataclass(frozen=True)
class Dimension:
    """An attribute to split by: its name, what a person reads, and its SQL."""

    name: str
    label: str
    value: Callable  # (coded subquery) -> (expression, [(table, on), ...] outer joins);
    # the sources table is always joined
    ordered: bool = False  # values sort as text (periods, buckets), not by their counts


def _source_column(column) -> Callable:
    return lambda c: (func.coalesce(func.nullif(column, ""), NONE),
                      [])


def _period(interval: str) -> Callable:
    return lambda c: (func.coalesce(period(Source.published, interval), UNDATED),
                      [])


def _collection(c):
    return (func.coalesce(Collection.name, NONE),
            [(source_collections, source_collections.c.source_id == c.c.source_id),
             (Collection, Collection.id == source_collections.c.collection_id)])


def _coder(c):
    return func.coalesce(Coder.name, UNKNOWN), [(Coder, Coder.id == c.c.coder_id)]


def _source(c):
    return cast(Source.id, String), []


def _engagement(c):
    total = (func.coalesce(Source.likes, 0) + func.coalesce(Source.reposts, 0)
             + func.coalesce(Source.replies, 0))
    none = and_(Source.likes.is_(None), Source.reposts.is_(None), Source.replies.is_(None))
    whens = [(none, UNKNOWN)] + [(total >= lo, text) for lo, text in reversed(BUCKETS)]
    return case(*whens), []


def _flag(condition, yes: str, no: str) -> Callable:
    return lambda c: (case((condition, yes), else_=no), [])


DIMENSIONS = {d.name: d for d in (
    Dimension("collection", "Collection", _collection),
    Dimension("source", "Source", _source),
    Dimension("coder", "Coder", _coder),
    Dimension("platform", "Platform", _source_column(Source.platform)),
    Dimension("author", "Author", _source_column(Source.author)),
    Dimension("handle", "Handle", _source_column(Source.handle)),
    Dimension("language", "Language", _source_column(Source.language)),
    Dimension("kind", "Kind", _source_column(Source.kind)),
    Dimension("year", "Year", _period("year"), ordered=True),
    Dimension("month", "Month", _period("month"), ordered=True),
    Dimension("week", "Week (Monday)", _period("week"), ordered=True),
    Dimension("day", "Day", _period("day"), ordered=True),
    Dimension("reply", "Reply", _flag(Source.reply_to_id != "", "reply", "not a reply")),
    Dimension("repost", "Repost", _flag(Source.is_repost.is_(True), "repost", "original")),
    Dimension("engagement", "Engagement (likes + reposts + replies)", _engagement,
              ordered=True),
)}


def dimension(name: str) -> Dimension:
    """The dimension called ``name``; AnalysisError naming the choices if there is none."""
    if name not in DIMENSIONS:
        raise AnalysisError(f"cannot split by '{name}'; use one of: {', '.join(DIMENSIONS)}")
    return DIMENSIONS[name]


def split(coded, name: str, *columns):
    """A select of ``columns`` (over ``coded`` joined to its sources) and the dimension's
    ``value``; also returns the value's expression."""
    value, joins = dimension(name).value(coded)
    q = (select(*columns, value.label("value")).select_from(coded)
         .join(Source, Source.id == coded.c.source_id))
    for target, on in joins:
        q = q.outerjoin(target, on)
    return q, value


def value_order(name: str, values: list[str], totals: dict[str, float]) -> list[str]:
    """The values in the order a table shows them: by time or bucket for ordered
    dimensions, else largest first; missing-value groups last."""
    missing = {NONE, UNDATED, UNKNOWN}
    present = [v for v in values if v not in missing]
    if name == "engagement":
        rank = {text: i for i, (_, text) in enumerate(BUCKETS)}
        present.sort(key=lambda v: rank.get(v, 99))
    elif dimension(name).ordered:
        present.sort()
    else:
        present.sort(key=lambda v: (-totals.get(v, 0), v))
    return present + [v for v in values if v in missing]
