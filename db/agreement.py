"""Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha.

The data are binary decisions. A *unit* is either a **character** of a source's text
(white space is not counted, so whether a selection took the space after a word does not
matter) or a **segment**: a sentence (or paragraph) of the text, as
:mod:`db.units` cuts it. For each unit, each code and each coder the decision is "coded"
or "not coded": a character is coded when one of the coder's excerpts with that code
covers it; a segment is coded when one of them overlaps it. A coder's coding is the
coding's own coder (the excerpt's when the coding has none).

*Uncoded text* is a unit that none of the coders compared coded with any of the codes
compared. By default it counts (all coders agree that nothing applies there);
``ignore_uncoded`` leaves it out, so the figures speak only of the text someone coded.

For each code, and for all codes together (every (unit, code) pair pooled as one
binary decision):

* **percent agreement**: the share of units on which all coders made the same decision
  (per pair: on which the two did);
* **Cohen's kappa** for each pair of coders: (p_o - p_e) / (1 - p_e), p_e from each
  coder's own share of coded units;
* **Krippendorff's alpha** (nominal) over all coders: 1 - (n - 1) o_01 / (n_0 n_1) from
  the coincidence matrix (every unit has a decision from every coder).

A figure that is undefined (every coder made the same single decision everywhere, so no
chance agreement can be told apart) is None. Sources compared: the ones given, else every
source where one of the coders coded one of the codes.
"""

from __future__ import annotations

import csv
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from itertools import accumulate, combinations
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import ImportCancelled, QuireError
from db.models import Coder, Coding, Excerpt, Source
from db.queries.codes import code_path
from db.units import expand

UNITS = ("char", "segment")
SEGMENTS = ("sentence", "paragraph")
ALL_CODES = "All codes"


class AgreementError(QuireError):
    """Agreement cannot be computed as asked (fewer than two coders, unknown unit...)."""


# --- the figures -----------------------------------------------------------------------------

@dataclass
class Tally:
    """Counts for one code (or all pooled): agreement tables and the coincidence matrix."""

    coders: int
    units: float = 0.0
    agreed: float = 0.0
    pairs: dict[tuple[int, int], list[float]] = field(default_factory=dict)  # n11 n10 n01 n00
    o11: float = 0.0
    o00: float = 0.0
    o01: float = 0.0

    def add(self, values: list[bool], weight: float = 1.0) -> None:
        """One unit: each coder's decision, counted ``weight`` times."""
        m, ones = len(values), sum(values)
        self.units += weight
        self.agreed += weight if ones in (0, m) else 0
        for (i, a), (j, b) in combinations(enumerate(values), 2):
            cell = self.pairs.setdefault((i, j), [0.0, 0.0, 0.0, 0.0])
            cell[(0 if a else 2) + (0 if b else 1)] += weight
        zeros = m - ones
        self.o11 += weight * ones * (ones - 1) / (m - 1)
        self.o00 += weight * zeros * (zeros - 1) / (m - 1)
        self.o01 += weight * ones * zeros / (m - 1)

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts (pooling codes)."""
        self.units += other.units
        self.agreed += other.agreed
        for key, cell in other.pairs.items():
            mine = self.pairs.setdefault(key, [0.0, 0.0, 0.0, 0.0])
            for k in range(4):
                mine[k] += cell[k]
        self.o11, self.o00, self.o01 = (self.o11 + other.o11, self.o00 + other.o00,
                                        self.o01 + other.o01)

    def percent(self) -> float | None:
        """Percent agreement among all coders."""
        return 100.0 * self.agreed / self.units if self.units else None

    def alpha(self) -> float | None:
        """Krippendorff's alpha, nominal."""
        return krippendorff_binary(self.o11, self.o00, self.o01)


def cohen_kappa(n11: float, n10: float, n01: float, n00: float) -> float | None:
    """Cohen's kappa of a 2x2 table (first coder yes/no by second coder yes/no)."""
    n = n11 + n10 + n01 + n00
    if not n:
        return None
    p_o = (n11 + n00) / n
    a1, b1 = (n11 + n10) / n, (n11 + n01) / n
    p_e = a1 * b1 + (1 - a1) * (1 - b1)
    return None if p_e >= 1 else (p_o - p_e) / (1 - p_e)


def krippendorff_binary(o11: float, o00: float, o01: float) -> float | None:
    """Krippendorff's alpha (nominal) from a binary coincidence matrix (o01 = o10)."""
    n1, n0 = o11 + o01, o00 + o01
    n = n1 + n0
    if not n1 or not n0:
        return None
    return 1.0 - (n - 1) * o01 / (n1 * n0)


@dataclass
class PairFigures:
    """Two coders' agreement on one code."""

    coder_a: str
    coder_b: str
    percent: float | None
    kappa: float | None


@dataclass
class CodeFigures:
    """The figures of one code (``code_id`` None: all codes pooled)."""

    code_id: int | None
    path: str
    units: float
    percent: float | None
    alpha: float | None
    pairs: list[PairFigures]


def _figures(code_id: int | None, path: str, tally: Tally, names: list[str]) -> CodeFigures:
    pairs = []
    for (i, j), cell in sorted(tally.pairs.items()):
        n = sum(cell)
        pct = 100.0 * (cell[0] + cell[3]) / n if n else None
        pairs.append(PairFigures(names[i], names[j], pct, cohen_kappa(*cell)))
    return CodeFigures(code_id, path, tally.units, tally.percent(), tally.alpha(), pairs)


@dataclass
class AgreementReport:
    """Agreement between coders: per code, then all codes pooled (``overall``)."""

    coders: list[str]
    coder_ids: list[int]
    unit: str
    segment: str
    ignore_uncoded: bool
    source_ids: list[int]
    codes: list[CodeFigures]
    overall: CodeFigures

    def rows(self) -> list[dict]:
        """The table: per code, one row for all coders, then one per pair (if more than
        two coders). Columns: code, coders, units, percent, kappa, alpha."""
        out = []
        for f in [*self.codes, self.overall]:
            if len(self.coders) == 2:
                p = f.pairs[0] if f.pairs else None
                out.append(_row(f, " / ".join(self.coders), f.percent,
                                p.kappa if p else None, f.alpha))
                continue
            out.append(_row(f, f"all {len(self.coders)}", f.percent, None, f.alpha))
            out += [_row(f, f"{p.coder_a} / {p.coder_b}", p.percent, p.kappa, None)
                    for p in f.pairs]
        return out

    def lines(self) -> list[str]:
        """The table as text for a terminal."""
        unit = "characters" if self.unit == "char" else f"{self.segment}s"
        head = (f"{len(self.coders)} coders ({', '.join(self.coders)}), "
                f"{len(self.source_ids)} source(s), units: {unit}, uncoded text "
                f"{'ignored' if self.ignore_uncoded else 'counted'}")
        table = [f"{'code':<32} {'coders':<28} {'units':>8} {'agree%':>7} {'kappa':>6} "
                 f"{'alpha':>6}"]
        table += [f"{r['code'][:32]:<32} {r['coders'][:28]:<28} {r['units']:>8.0f} "
                  f"{_fmt(r['percent'], 1):>7} {_fmt(r['kappa']):>6} {_fmt(r['alpha']):>6}"
                  for r in self.rows()]
        return [head, *table]

    def write_csv(self, path: str | Path) -> Path:
        """Save the table as CSV (UTF-8 with a BOM, so spreadsheets read Arabic)."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS))
            writer.writeheader()
            for r in self.rows():
                writer.writerow({k: ("" if r[k] is None else r[k]) for k in CSV_COLUMNS})
        return path

    def to_dict(self) -> dict:
        """The report as JSON-ready values."""
        return asdict(self)


CSV_COLUMNS = ("code", "coders", "units", "percent", "kappa", "alpha")


def _row(f: CodeFigures, coders: str, pct, kappa, alpha) -> dict:
    return {"code": f.path, "code_id": f.code_id, "coders": coders, "units": f.units,
            "percent": _round(pct), "kappa": _round(kappa), "alpha": _round(alpha)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# --- collecting the decisions ----------------------------------------------------------------

Spans = dict[int, dict[int, tuple[list[int], list[int]]]]  # code -> coder -> (starts, ends)


def coded_spans(session: Session, source_id: int, coder_ids: list[int],
                code_ids: list[int] | None) -> Spans:
    """Each code's merged spans in one source, by coder."""
    who = func.coalesce(Coding.coder_id, Excerpt.coder_id)
    q = (select(Coding.code_id, who, Excerpt.start, Excerpt.end)
         .join(Excerpt, Excerpt.id == Coding.excerpt_id)
         .where(Excerpt.source_id == source_id, who.in_(coder_ids)))
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(code_ids))
    raw: dict[int, dict[int, list[tuple[int, int]]]] = {}
    for code, coder, start, end in session.execute(q):
        raw.setdefault(code, {}).setdefault(coder, []).append((start, end))
    return {code: {coder: _merged(spans) for coder, spans in by.items()}
            for code, by in raw.items()}


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(spans):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def covers(span: tuple[list[int], list[int]] | None, a: int, b: int, whole: bool) -> bool:
    """Whether merged spans cover piece ``[a, b)`` (``whole``) or overlap it."""
    if not span:
        return False
    starts, ends = span
    i = (bisect_right(starts, a) if whole else bisect_left(starts, b)) - 1
    return i >= 0 and ends[i] > a


def pieces(text: str, spans: Spans) -> list[tuple[int, int, int]]:
    """The text cut at every span boundary: ``(start, end, non-space characters)``."""
    cuts = {0, len(text)}
    for by in spans.values():
        for starts, ends in by.values():
            cuts.update(starts)
            cuts.update(ends)
    marks = sorted(c for c in cuts if 0 <= c <= len(text))
    counts = [0, *accumulate(0 if ch.isspace() else 1 for ch in text)]
    return [(a, b, counts[b] - counts[a]) for a, b in zip(marks, marks[1:], strict=False)]


def segments(text: str, kind: str) -> list[tuple[int, int]]:
    """The sentences (or paragraphs) of ``text`` as spans, white space trimmed."""
    out, pos = [], 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        a, b = expand(text, pos, pos + 1, kind)
        b = max(b, pos + 1)
        out.append((min(a, pos), b))
        pos = b
    return out


def _tally_source(text: str, spans: Spans, codes: list[int], coders: list[int],
                  args: _Args, tallies: dict[int, Tally]) -> None:
    if args.unit == "char":
        units = [(a, b, w) for a, b, w in pieces(text, spans) if w]
    else:
        units = [(a, b, 1) for a, b in segments(text, args.segment)]
    whole = args.unit == "char"
    for a, b, w in units:
        row = {k: [covers(spans.get(k, {}).get(c), a, b, whole) for c in coders]
               for k in codes}
        if args.ignore_uncoded and not any(any(v) for v in row.values()):
            continue
        for k, values in row.items():
            tallies[k].add(values, w)


# --- the entry point -------------------------------------------------------------------------

@dataclass
class _Args:
    unit: str
    segment: str
    ignore_uncoded: bool


def compute_agreement(session: Session, *, coder_ids: Iterable[int] | None = None,
                      code_ids: Iterable[int] | None = None,
                      source_ids: Iterable[int] | None = None, unit: str = "char",
                      segment: str = "sentence", ignore_uncoded: bool = False,
                      progress: Callable[[int, int, str], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> AgreementReport:
    """Agreement between coders (default: everyone who coded) on the codes given
    (default: every code they used) in the sources given (default: every source one of
    them coded). AgreementError for fewer than two coders or an unknown unit."""
    if unit not in UNITS or segment not in SEGMENTS:
        raise AgreementError(f"unknown unit '{unit}/{segment}'; use char or segment "
                             f"({', '.join(SEGMENTS)})")
    codes = None if code_ids is None else sorted(set(code_ids))
    coders = _coders(session, coder_ids, codes, source_ids)
    sources = _sources(session, coders, codes, source_ids)
    used = codes if codes is not None else _codes_used(session, coders, sources)
    tallies = {k: Tally(len(coders)) for k in used}
    args = _Args(unit, segment, ignore_uncoded)
    for n, sid in enumerate(sources):
        if cancelled and cancelled():
            raise ImportCancelled()
        if progress:
            progress(n, len(sources), f"Comparing source {n + 1} of {len(sources)}")
        text = session.scalar(select(Source.text).where(Source.id == sid)) or ""
        _tally_source(text, coded_spans(session, sid, coders, used), used, coders, args,
                      tallies)
    return _report(session, coders, sources, tallies, args)


def _report(session: Session, coders: list[int], sources: list[int],
            tallies: dict[int, Tally], args: _Args) -> AgreementReport:
    names = [session.get(Coder, c).name for c in coders]
    figures = sorted((_figures(k, code_path(session, k), t, names)
                      for k, t in tallies.items()), key=lambda f: f.path.casefold())
    pooled = Tally(len(coders))
    for t in tallies.values():
        pooled.merge(t)
    return AgreementReport(names, coders, args.unit, args.segment, args.ignore_uncoded,
                           sources, figures, _figures(None, ALL_CODES, pooled, names))


def _who():
    return func.coalesce(Coding.coder_id, Excerpt.coder_id)


def _scoped(q, codes: list[int] | None, source_ids: Iterable[int] | None):
    q = q.select_from(Coding).join(Excerpt, Excerpt.id == Coding.excerpt_id)
    if codes is not None:
        q = q.where(Coding.code_id.in_(codes))
    if source_ids is not None:
        q = q.where(Excerpt.source_id.in_(list(source_ids)))
    return q


def _coders(session: Session, coder_ids, codes, source_ids) -> list[int]:
    if coder_ids is None:
        q = _scoped(select(_who()).distinct(), codes, source_ids)
        found = sorted(c for c in session.scalars(q) if c is not None)
    else:
        found = list(dict.fromkeys(coder_ids))
        missing = [c for c in found if session.get(Coder, c) is None]
        if missing:
            raise AgreementError(f"no coder with id {missing[0]}")
    if len(found) < 2:
        raise AgreementError("agreement needs at least two coders who coded these sources "
                             f"(found {len(found)})")
    return found


def _sources(session: Session, coders: list[int], codes, source_ids) -> list[int]:
    if source_ids is not None:
        return sorted(set(source_ids))
    q = _scoped(select(Excerpt.source_id).distinct(), codes, None).where(_who().in_(coders))
    return sorted(session.scalars(q))


def _codes_used(session: Session, coders: list[int], sources: list[int]) -> list[int]:
    q = _scoped(select(Coding.code_id).distinct(), None, sources).where(_who().in_(coders))
    return sorted(session.scalars(q))


# --- one source, side by side ----------------------------------------------------------------

@dataclass
class SourceComparison:
    """One source as the comparison view draws it: each coder's spans and where they differ.

    ``spans``: coder id -> [(start, end, code id)], merged per code; ``disagreements``:
    the spans (white space only left out) where the coders' codes differ.
    """

    source_id: int
    text: str
    coder_ids: list[int]
    spans: dict[int, list[tuple[int, int, int]]]
    disagreements: list[tuple[int, int]]


def compare_source(session: Session, source_id: int, coder_ids: list[int],
                   code_ids: Iterable[int] | None = None) -> SourceComparison:
    """Each coder's coded spans in one source, and the places where the coders differ."""
    text = session.scalar(select(Source.text).where(Source.id == source_id)) or ""
    codes = None if code_ids is None else sorted(set(code_ids))
    spans = coded_spans(session, source_id, list(coder_ids), codes)
    by_coder: dict[int, list[tuple[int, int, int]]] = {c: [] for c in coder_ids}
    for code, by in spans.items():
        for coder, (starts, ends) in by.items():
            by_coder[coder] += [(a, b, code) for a, b in zip(starts, ends, strict=True)]
    for rows in by_coder.values():
        rows.sort()
    return SourceComparison(source_id, text, list(coder_ids), by_coder,
                            _differences(text, spans, list(coder_ids)))


def _differences(text: str, spans: Spans, coders: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b, weight in pieces(text, spans):
        if not weight:
            continue
        sets = {frozenset(k for k, by in spans.items() if covers(by.get(c), a, b, True))
                for c in coders}
        if len(sets) > 1:
            if out and out[-1][1] == a:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
    return out
