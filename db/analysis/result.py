"""What a statistic asks (:class:`Spec`) and what it answers (:class:`Result`).

A result is a table (``columns`` and ``rows``: what CSV, XLSX, JSON and the command line
print) and, for the matrix views (co-occurrence, crosstab, timeline), the same numbers
as matrices (``layers``: counts, percentages, Jaccard...) with the keys of their rows
and columns, which the window draws and clicks through.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from db.errors import AnalysisError

KINDS = ("frequencies", "cooccurrence", "crosstab", "timeline", "words")
UNITS = ("excerpt", "sentence", "paragraph", "source")
COUNTED = ("excerpts", "sources")


@dataclass
class Spec:
    """One statistic and its options (those that do not apply to it are ignored)."""

    kind: str = "frequencies"
    by: str | None = None  # frequencies, crosstab: the dimension to split by
    rollup: bool = False  # count each code with its sub-codes
    unit: str = "excerpt"  # co-occurrence: excerpt (overlapping), sentence, paragraph, source
    interval: str = "month"  # timeline: day, week, month, year
    counted: str = "excerpts"  # crosstab, timeline: count excerpts or sources (posts)
    share: bool = False  # timeline: as a share of all sources published in the period
    stacked: bool = False  # timeline chart: stacked areas instead of lines
    ngram: int = 1  # words: 1, 2 or 3 word phrases
    top: int = 30  # words: how many to show
    text: str = "coded"  # words: the coded text, or the whole text of the sources in scope
    stopwords: bool = True  # words: leave stopwords out
    reference: list[int] | None = None  # words: keyness against these codes' text...
    keyness: bool = False  # ...or, with no reference codes, against the rest of the corpus

    def check(self) -> None:
        """Raise AnalysisError for an option out of range."""
        if self.kind not in KINDS:
            raise AnalysisError(f"unknown analysis '{self.kind}'; use one of: "
                                + ", ".join(KINDS))
        if self.unit not in UNITS:
            raise AnalysisError(f"unknown unit '{self.unit}'; use one of: {', '.join(UNITS)}")
        if self.counted not in COUNTED:
            raise AnalysisError(f"count excerpts or sources, not '{self.counted}'")
        if self.ngram not in (1, 2, 3):
            raise AnalysisError("phrases are 1, 2 or 3 words long")
        if self.kind == "crosstab" and not self.by:
            raise AnalysisError("a crosstab needs an attribute to split by (--by)")


@dataclass
class Result:
    """A statistic's answer; see the module."""

    spec: Spec
    title: str
    columns: list[str]
    rows: list[list[Any]]
    row_keys: list[Any] = field(default_factory=list)  # per table row: what it counts
    notes: list[str] = field(default_factory=list)  # how it was counted, what was left out
    # Matrix views: row and column labels and keys, and named layers of numbers.
    row_labels: list[str] = field(default_factory=list)
    col_labels: list[str] = field(default_factory=list)
    matrix_rows: list[Any] = field(default_factory=list)
    matrix_cols: list[Any] = field(default_factory=list)
    layers: dict[str, list[list[float]]] = field(default_factory=dict)
    colors: dict[Any, str] = field(default_factory=dict)  # code id -> the code's colour
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (what ``quire analyze --json`` prints)."""
        out = {"kind": self.spec.kind, "title": self.title, "spec": asdict(self.spec),
               "columns": self.columns, "rows": self.rows, "notes": self.notes}
        if self.layers:
            out["matrix"] = {"rows": self.row_labels, "columns": self.col_labels,
                             "row_keys": self.matrix_rows, "column_keys": self.matrix_cols,
                             **self.layers}
        out.update(self.extra)
        return out

    def lines(self) -> list[str]:
        """The table as aligned text, then the notes (what ``quire analyze`` prints)."""
        cells = [self.columns] + [[_cell(v) for v in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.columns))]
        out = [self.title, ""]
        for row in cells:
            out.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w)
                                 for i, (v, w) in enumerate(zip(row, widths, strict=True)))
                       .rstrip())
        return out + ([""] + self.notes if self.notes else [])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return str(value)


def percent(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (0 when the whole is 0), to 0.1."""
    return round(100.0 * part / whole, 1) if whole else 0.0
