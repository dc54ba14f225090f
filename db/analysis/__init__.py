"""The statistics behind the Analysis view and ``quire analyze`` (headless, Qt-free).

:func:`analyze` answers a :class:`Spec` -- frequencies, co-occurrence, crosstab,
timeline or words -- over the coded excerpts an export's
:class:`~db.export.selection.Selection` holds, so a chart and an export of the same
filters always agree. The numbers are counted by the database (SQL aggregation over
the codings); only sentence and paragraph co-occurrence read the texts of the coded
sources (to find the boundaries) and word counts read the text they count.
:func:`behind` gives the excerpts behind one bar, cell or point, for the click-through.
Long runs take ``progress(done, total, message)`` and ``cancelled()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from db.analysis.cooccurrence import cooccurrence, cooccurrence_behind
from db.analysis.counts import excerpts_behind
from db.analysis.frequencies import crosstab, frequencies
from db.analysis.result import KINDS, UNITS, Result, Spec
from db.analysis.scope import scope
from db.analysis.timeline import timeline
from db.analysis.words import words, words_behind
from db.export.selection import Selection

__all__ = ["KINDS", "UNITS", "Result", "Spec", "analyze", "behind"]


def analyze(session: Session, sel: Selection, spec: Spec, *, project=None,
            progress: Callable[[int, int, str], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Result:
    """The statistic ``spec`` over the excerpts ``sel`` selects (see the module)."""
    spec.check()
    sc = scope(session, sel, rollup=spec.rollup and spec.kind != "words", project=project,
               cancelled=cancelled)
    if spec.kind == "frequencies":
        return frequencies(session, sc, spec)
    if spec.kind == "crosstab":
        return crosstab(session, sc, spec)
    if spec.kind == "timeline":
        return timeline(session, sc, spec)
    if spec.kind == "cooccurrence":
        return cooccurrence(session, sc, spec, progress=progress, cancelled=cancelled)
    return words(session, sc, spec, project=project, progress=progress, cancelled=cancelled)


def behind(session: Session, sel: Selection, spec: Spec, row: Any, column: Any = None, *,
           project=None) -> list[int]:
    """The excerpt ids behind one table row or matrix cell of ``analyze``'s result.

    ``row`` and ``column`` are the result's keys: for a frequencies row its code id (or
    ``(code id, value)``); for a matrix cell its ``matrix_rows`` and ``matrix_cols``
    entries (a timeline's row is a period, its column a code); for words, the word.
    """
    sc = scope(session, sel, rollup=spec.rollup and spec.kind != "words", project=project)
    if spec.kind == "words":
        return words_behind(session, sc, row)
    if spec.kind == "cooccurrence":
        a, b = row if column is None else (row, column)
        return cooccurrence_behind(session, sc, spec, a, b)
    if spec.kind == "timeline":
        code, value = (column, row)
        return excerpts_behind(session, sc, code_ids=None if code is None else [code],
                               by=spec.interval, value=value)
    code, value = row if column is None and isinstance(row, tuple) else (row, column)
    return excerpts_behind(session, sc, code_ids=None if code is None else [code],
                           by=spec.by if value is not None else None, value=value)
