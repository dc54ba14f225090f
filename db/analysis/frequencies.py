"""Code frequencies (optionally split by an attribute) and crosstabs (matrix coding).

Frequencies: per code, its coded excerpts, the sources they lie in, their characters
and words (see :mod:`db.analysis.counts`), own or with sub-codes rolled up; with
``by``, one row per code and value. Crosstab: codes × the values of an attribute,
counting excerpts (or sources), with row and column percentages. A row's total is the
sum of its cells, so its percentages add up to 100 (an excerpt of a source in two
collections counts in both columns); a column's percentages are shares of the codings
in that column (an excerpt with two codes counts in both rows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.analysis.counts import MEASURES, counts
from db.analysis.dimensions import dimension, value_order
from db.analysis.result import Result, Spec, percent
from db.analysis.scope import Scope
from db.export.selection import source_label
from db.models import Source

HEAD = {"excerpts": "Excerpts", "sources": "Sources", "characters": "Characters",
        "words": "Words"}


def frequencies(session: Session, sc: Scope, spec: Spec) -> Result:
    """The frequencies table (see the module)."""
    codes = sc.codes(session)
    found = counts(session, sc, by=spec.by)
    own = "with sub-codes" if spec.rollup else "own codings"
    colors = {c["id"]: c["color"] for c in codes}
    if spec.by is None:
        by_code = {r["code_id"]: r for r in found}
        rows = [[c["path"], *[by_code.get(c["id"], {}).get(m, 0) for m in MEASURES]]
                for c in codes]
        return Result(spec, f"Code frequencies ({own})", ["Code", *HEAD.values()], rows,
                      [c["id"] for c in codes], _notes(spec), colors=colors)
    return _split(session, spec, codes, found, own, colors)


def _split(session: Session, spec: Spec, codes: list[dict[str, Any]],
           found: list[dict[str, Any]], own: str, colors: dict[int, str]) -> Result:
    dim = dimension(spec.by)
    values, names = _values(session, spec.by, found, "excerpts")
    cell = {(r["code_id"], r["value"]): r for r in found}
    rows, keys = [], []
    for c in codes:
        for v in values:
            if (c["id"], v) in cell:
                rows.append([c["path"], names[v], *[cell[c["id"], v][m] for m in MEASURES]])
                keys.append((c["id"], v))
    res = Result(spec, f"Code frequencies by {dim.label.lower()} ({own})",
                 ["Code", dim.label, *HEAD.values()], rows, keys, _notes(spec), colors=colors)
    _matrix(res, codes, values, names, {k: cell[k]["excerpts"] for k in cell})
    return res


def crosstab(session: Session, sc: Scope, spec: Spec) -> Result:
    """Codes × the values of ``spec.by``: counts, row and column percentages."""
    dim, codes = dimension(spec.by), sc.codes(session)
    found = counts(session, sc, by=spec.by, measures=(spec.counted,))
    values, names = _values(session, spec.by, found, spec.counted)
    cell = {(r["code_id"], r["value"]): r[spec.counted] for r in found}
    res = Result(spec, f"Codes × {dim.label.lower()} ({spec.counted})",
                 ["Code", dim.label, spec.counted.capitalize(), "Row %", "Column %"], [],
                 colors={c["id"]: c["color"] for c in codes}, notes=_notes(spec))
    _matrix(res, codes, values, names, cell)
    _percentages(res)
    for i, c in enumerate(codes):
        for j, v in enumerate(values):
            res.rows.append([c["path"], names[v], *[res.layers[k][i][j] for k in
                                                    ("count", "row %", "column %")]])
            res.row_keys.append((c["id"], v))
    return res


def _matrix(res: Result, codes: list[dict[str, Any]], values: list[str],
            names: dict[str, str], cell: dict) -> None:
    res.row_labels = [c["path"] for c in codes]
    res.matrix_rows = [c["id"] for c in codes]
    res.col_labels = [names[v] for v in values]
    res.matrix_cols = list(values)
    res.layers["count"] = [[cell.get((c["id"], v), 0) for v in values] for c in codes]


def _percentages(res: Result) -> None:
    counts_ = res.layers["count"]
    row_tot = [sum(r) for r in counts_]
    col_tot = [sum(col) for col in zip(*counts_, strict=True)] if counts_ else []
    res.layers["row %"] = [[percent(v, row_tot[i]) for v in r] for i, r in enumerate(counts_)]
    res.layers["column %"] = [[percent(v, col_tot[j]) for j, v in enumerate(r)]
                              for r in counts_]
    res.extra["row_totals"], res.extra["column_totals"] = row_tot, col_tot


def _values(session: Session, by: str, found: list[dict[str, Any]],
            measure: str) -> tuple[list[str], dict[str, str]]:
    """The values found, in table order, and the name each is shown by."""
    totals: dict[str, float] = {}
    for r in found:
        totals[r["value"]] = totals.get(r["value"], 0) + r[measure]
    values = value_order(by, list(totals), totals)
    names = {v: v for v in values}
    if by == "source":
        names.update(_source_names(session, [int(v) for v in values]))
    return values, names


def _source_names(session: Session, ids: list[int]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(ids), 900):
        q = select(Source.id, Source.title, Source.author, Source.handle, Source.platform) \
            .where(Source.id.in_(ids[i:i + 900]))
        for r in session.execute(q):
            out[str(r.id)] = source_label({**r._mapping, "source_id": r.id})
    return out


def _notes(spec: Spec) -> list[str]:
    out = ["Excerpts: coded passages (an excerpt coded by two coders with the same code "
           "counts once). Sources: the sources they lie in. Characters: their length in "
           "Unicode code points. Words: their words, hashtags, mentions and links, "
           "counted as search counts them."]
    if spec.rollup:
        out.append("Each code's figures include its sub-codes (an excerpt coded with a "
                   "code and one of its sub-codes counts once).")
    if spec.kind == "crosstab":
        out.append("Row %: share of the row's total (the sum of its cells). Column %: "
                   "share of the column's total (an excerpt with two codes counts in "
                   "both rows).")
    if spec.by == "collection":
        out.append("A source in two collections counts in both.")
    return out
