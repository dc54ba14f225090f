"""SQL pieces the statistics share, portable between SQLite and PostgreSQL.

* :func:`period` -- the day, ISO week (its Monday) or month of a timestamp, as text
  (``2016-06-14``, ``2016-06-13``, ``2016-06``), so that periods sort as text.
* :class:`word_count` -- how many words a text holds, counted as search counts them
  (:data:`db.search.analysis.TOKEN_RE` on the folded text: words, hashtags, mentions,
  URLs). On SQLite it is a function Quire registers on the connection
  (:func:`prepare`); on PostgreSQL a regular expression close to it.
"""

from __future__ import annotations

import functools

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String

from db.search.analysis import FOLD, TOKEN_RE

INTERVALS = ("day", "week", "month", "year")
_SQLITE_PERIOD = {"day": "date({})", "week": "date({}, '-6 days', 'weekday 1')",
                  "month": "strftime('%Y-%m', {})", "year": "strftime('%Y', {})"}
_PG_PERIOD = {"day": "to_char({}, 'YYYY-MM-DD')",
              "week": "to_char(date_trunc('week', {}), 'YYYY-MM-DD')",
              "month": "to_char({}, 'YYYY-MM')", "year": "to_char({}, 'YYYY')"}


class _Period(FunctionElement):
    """The period of a (UTC) timestamp as sortable text; one subclass per interval, so
    that SQLAlchemy's statement cache tells them apart."""

    type = String()
    inherit_cache = True
    interval = "day"


_PERIODS = {i: type(f"_Period_{i}", (_Period,), {"interval": i, "inherit_cache": True})
            for i in INTERVALS}


def period(column, interval: str) -> _Period:
    """``column``'s day, ISO week (its Monday), month or year as text."""
    return _PERIODS[interval](column)


@compiles(_Period, "sqlite")
def _period_sqlite(element, compiler, **kw):
    return _SQLITE_PERIOD[element.interval].format(compiler.process(element.clauses, **kw))


@compiles(_Period, "postgresql")
def _period_pg(element, compiler, **kw):
    return _PG_PERIOD[element.interval].format(compiler.process(element.clauses, **kw))


class word_count(FunctionElement):  # noqa: N801
    """``word_count(text)``: the number of search tokens in a text."""

    type = Integer()
    inherit_cache = True
    name = "quire_words"


@compiles(word_count, "sqlite")
def _words_sqlite(element, compiler, **kw):
    return f"quire_words({compiler.process(element.clauses, **kw)})"


@compiles(word_count, "postgresql")
def _words_pg(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    return (f"(SELECT count(*) FROM regexp_matches({arg}, "
            r"'[#@]?[[:alnum:]_]+(''[[:alnum:]_]+)*', 'g'))")


def words_in(text: str | None) -> int:
    """How many search tokens ``text`` holds (what ``word_count`` counts on SQLite)."""
    return len(TOKEN_RE.findall(text.translate(FOLD))) if text else 0


def prepare(session: Session) -> None:
    """Register Quire's SQL functions on the session's connection (SQLite only). The word
    count remembers the texts of one query: with sub-codes rolled up, one excerpt is
    counted for its code and every ancestor (2.4 times per excerpt on the benchmark)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.create_function("quire_words", 1, functools.lru_cache(maxsize=1 << 16)(words_in),
                            deterministic=True)
