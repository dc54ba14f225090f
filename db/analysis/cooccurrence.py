"""Code co-occurrence: a code × code matrix of where both codes apply, at a chosen unit.

* ``excerpt`` (overlapping excerpts): two codes co-occur on the excerpts of one that
  overlap (or are) an excerpt of the other, in the same source. The count is the number
  of distinct excerpts taking part in such an overlap (those coded with either code);
  clicking the cell shows exactly these.
* ``sentence``, ``paragraph`` (:mod:`db.units` finds them), ``source``: the count is the
  number of units holding an excerpt of each code.

The diagonal is each code's own count (its excerpts; the units holding one of its
excerpts). Jaccard is the count over the union: ``n_ab / |A ∪ B|``, where the union
counts the excerpts (or units) of either code once.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from itertools import combinations
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from db import units
from db.analysis.result import Result, Spec
from db.analysis.scope import Scope, coded
from db.errors import AnalysisCancelled
from db.models import Source

CHUNK = 500


def cooccurrence(session: Session, sc: Scope, spec: Spec, *, progress=None,
                 cancelled: Callable[[], bool] | None = None) -> Result:
    """The co-occurrence matrix at ``spec.unit`` (see the module)."""
    codes = sc.codes(session)
    if spec.unit == "excerpt":
        own, pairs, both = _overlaps(session, sc)
    elif spec.unit == "source":
        own, pairs = _per_source(session, sc)
        both = pairs
    else:
        own, pairs = _tally(_unit_codes(session, sc, spec.unit, progress, cancelled))
        both = pairs
    return _result(spec, codes, own, pairs, both)


def _result(spec: Spec, codes: list[dict[str, Any]], own: dict[int, int],
            pairs: dict[tuple[int, int], int], both: dict[tuple[int, int], int]) -> Result:
    ids = [c["id"] for c in codes]
    count = [[own.get(a, 0) if a == b else pairs.get(_key(a, b), 0) for b in ids] for a in ids]
    jac = [[_jaccard(a, b, own, pairs, both) for b in ids] for a in ids]
    noun = "excerpts" if spec.unit == "excerpt" else f"{spec.unit}s"
    res = Result(spec, f"Code co-occurrence ({_UNIT_NAMES[spec.unit]})",
                 ["Code", "With code", f"Co-occurring ({noun})", "Jaccard"], [],
                 colors={c["id"]: c["color"] for c in codes}, notes=_notes(spec))
    res.row_labels = res.col_labels = [c["path"] for c in codes]
    res.matrix_rows = res.matrix_cols = ids
    res.layers = {"count": count, "jaccard": jac}
    for i, j in combinations(range(len(ids)), 2):
        if count[i][j]:
            res.rows.append([codes[i]["path"], codes[j]["path"], count[i][j], jac[i][j]])
            res.row_keys.append((ids[i], ids[j]))
    return res


_UNIT_NAMES = {"excerpt": "overlapping excerpts", "sentence": "same sentence",
               "paragraph": "same paragraph", "source": "same source"}


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _jaccard(a: int, b: int, own: dict, pairs: dict, both: dict) -> float:
    if a == b:
        return 1.0 if own.get(a) else 0.0
    n = pairs.get(_key(a, b), 0)
    union = own.get(a, 0) + own.get(b, 0) - both.get(_key(a, b), 0)
    return round(n / union, 4) if union else 0.0


# --- overlapping excerpts (SQL) ---------------------------------------------------------------

def _overlap_join(c):
    a, b = aliased(c), aliased(c)
    on = and_(a.c.source_id == b.c.source_id, a.c.start < b.c.end, b.c.start < a.c.end,
              a.c.code_id != b.c.code_id)
    return a, b, on


def _overlaps(session: Session, sc: Scope):
    c = coded(sc)
    own = dict(session.execute(select(c.c.code_id, func.count(func.distinct(c.c.excerpt_id)))
                               .group_by(c.c.code_id)).all())
    a, b, on = _overlap_join(c)
    lo = case((a.c.code_id < b.c.code_id, a.c.code_id), else_=b.c.code_id)
    hi = case((a.c.code_id < b.c.code_id, b.c.code_id), else_=a.c.code_id)
    q = (select(lo, hi, func.count(func.distinct(a.c.excerpt_id))).select_from(a)
         .join(b, on).group_by(lo, hi))
    pairs = {(x, y): n for x, y, n in session.execute(q)}
    same = q.where(a.c.excerpt_id == b.c.excerpt_id)
    both = {(x, y): n for x, y, n in session.execute(same)}
    return own, pairs, both


# --- same source (SQL) ------------------------------------------------------------------------

def _per_source(session: Session, sc: Scope):
    c = coded(sc)
    s = select(c.c.source_id, c.c.code_id).distinct().subquery()
    own = dict(session.execute(select(s.c.code_id, func.count()).group_by(s.c.code_id)).all())
    a, b = aliased(s), aliased(s)
    q = (select(a.c.code_id, b.c.code_id, func.count()).select_from(a)
         .join(b, and_(a.c.source_id == b.c.source_id, a.c.code_id < b.c.code_id))
         .group_by(a.c.code_id, b.c.code_id))
    return own, {(x, y): n for x, y, n in session.execute(q)}


# --- sentences and paragraphs -------------------------------------------------------------

def _unit_codes(session: Session, sc: Scope, unit: str, progress=None,
                cancelled: Callable[[], bool] | None = None
                ) -> dict[tuple[int, int], dict[int, set[int]]]:
    """For each (source, unit index) holding coded excerpts: code -> its excerpt ids there.

    Reads the excerpts' positions (not their text) and, a chunk of sources at a time,
    the texts of the sources they lie in, to find the unit boundaries.
    """
    c = coded(sc)
    rows = session.execute(select(c.c.source_id, c.c.excerpt_id, c.c.code_id, c.c.start,
                                  c.c.end).order_by(c.c.source_id)).all()
    by_source: dict[int, list] = {}
    for r in rows:
        by_source.setdefault(r.source_id, []).append(r)
    out: dict[tuple[int, int], dict[int, set[int]]] = {}
    sources = list(by_source)
    for i in range(0, len(sources), CHUNK):
        if cancelled is not None and cancelled():
            raise AnalysisCancelled("co-occurrence cancelled")
        chunk = sources[i:i + CHUNK]
        texts = session.execute(select(Source.id, Source.text).where(Source.id.in_(chunk)))
        for sid, text in texts:
            _place(out, sid, text, unit, by_source[sid])
        if progress is not None:
            progress(min(i + CHUNK, len(sources)), len(sources),
                     f"Finding {unit}s: {min(i + CHUNK, len(sources)):,} of "
                     f"{len(sources):,} sources")
    return out


def _place(out: dict, sid: int, text: str, unit: str, rows: list) -> None:
    starts = units.starts(text, unit)
    for r in rows:
        s, e = units.trim(text, r.start, min(r.end, len(text)))
        if s >= e:
            continue
        first, last = bisect.bisect_right(starts, s), bisect.bisect_right(starts, e - 1)
        for k in range(first, last + 1):
            out.setdefault((sid, k), {}).setdefault(r.code_id, set()).add(r.excerpt_id)


def _tally(placed: dict[tuple[int, int], dict[int, set[int]]]):
    own: dict[int, int] = {}
    pairs: dict[tuple[int, int], int] = {}
    for codes in placed.values():
        ids = sorted(codes)
        for a in ids:
            own[a] = own.get(a, 0) + 1
        for a, b in combinations(ids, 2):
            pairs[a, b] = pairs.get((a, b), 0) + 1
    return own, pairs


# --- what a cell holds ------------------------------------------------------------------------

def cooccurrence_behind(session: Session, sc: Scope, spec: Spec, a: int, b: int) -> list[int]:
    """The excerpts behind one cell: on the diagonal, the code's excerpts; else those of
    either code that take part in a co-occurrence at the unit. Sorted ids."""
    c = coded(sc)
    if a == b:
        return sorted(set(session.scalars(select(c.c.excerpt_id).where(c.c.code_id == a))))
    if spec.unit == "excerpt":
        x, y, on = _overlap_join(c)
        q = select(x.c.excerpt_id).select_from(x).join(y, on).where(
            x.c.code_id.in_((a, b)), y.c.code_id.in_((a, b)))
        return sorted(set(session.scalars(q)))
    if spec.unit == "source":
        placed = _source_codes(session, c, a, b)
    else:
        placed = _unit_codes(session, sc, spec.unit)
    return sorted({e for codes in placed.values() if a in codes and b in codes
                   for e in codes[a] | codes[b]})


def _source_codes(session: Session, c, a: int, b: int) -> dict:
    out: dict[int, dict[int, set[int]]] = {}
    q = select(c.c.source_id, c.c.code_id, c.c.excerpt_id).where(c.c.code_id.in_((a, b)))
    for sid, code, eid in session.execute(q):
        out.setdefault(sid, {}).setdefault(code, set()).add(eid)
    return out


def _notes(spec: Spec) -> list[str]:
    if spec.unit == "excerpt":
        first = ("Count: the excerpts of either code that overlap (or are) an excerpt of "
                 "the other in the same source. Diagonal: each code's excerpts.")
    else:
        first = (f"Count: the {spec.unit}s holding an excerpt of each code (an excerpt "
                 f"spanning two {spec.unit}s is in both). Diagonal: the {spec.unit}s "
                 "holding an excerpt of the code.")
    return [first, "Jaccard: the count divided by the excerpts (or units) of either code, "
                   "each counted once; 1 means the two codes always go together."]
