"""``quire analyze``: the Analysis view's numbers on the command line.

``quire analyze frequencies|cooccurrence|crosstab|timeline|words PROJECT [filters]``
prints the same table the window shows (or JSON with ``--json``, CSV with ``--csv``),
and with ``--chart OUT.svg|png|pdf`` and ``--table OUT.csv|xlsx`` writes the chart and
the table. The filters are the export commands' (``desktop/cli_export.py``) plus the
Sources pane's (``--platform``, ``--kind``, ``--match``). Never imports Qt.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from db.analysis import KINDS, UNITS, Spec, analyze
from db.analysis.dimensions import DIMENSIONS
from db.analysis.sql import INTERVALS
from db.errors import AnalysisError
from db.queries.codes import code_by_path
from desktop.cli_export import add_filters, selection_from
from desktop.cli_output import clear_progress, emit, progress
from desktop.cli_project import add_project, open_project

COMMANDS = ("analyze",)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add ``analyze`` to ``quire``'s subparsers."""
    p = subparsers.add_parser(
        "analyze", help="code frequencies, co-occurrence, crosstabs, timelines, words",
        description="Count what the coding shows, over the coded excerpts the filters "
                    "select (the export's filters). See the README's Analysis section for "
                    "how each number is counted.")
    p.add_argument("kind", choices=KINDS)
    add_project(p)
    add_filters(p)
    p.add_argument("--platform", default="", help="only sources from this platform")
    p.add_argument("--kind", dest="source_kind", choices=("article", "post"), default="")
    p.add_argument("--match", default="", metavar="WORDS",
                   help="only sources whose title, author or handle has these words")
    p.add_argument("--by", choices=sorted(DIMENSIONS), help="split by this attribute")
    p.add_argument("--rollup", action="store_true", help="count codes with their sub-codes")
    p.add_argument("--unit", choices=UNITS, default="excerpt",
                   help="co-occurrence: overlapping excerpts, sentence, paragraph, source")
    p.add_argument("--interval", choices=INTERVALS, default="month")
    p.add_argument("--count", dest="counted", choices=("excerpts", "sources"),
                   default="excerpts", help="crosstab and timeline: what to count")
    p.add_argument("--share", action="store_true",
                   help="timeline: as a share of all sources published in each period")
    p.add_argument("--stacked", action="store_true", help="timeline chart: stacked areas")
    _word_options(p)
    p.add_argument("--layer", default=None,
                   help="which matrix the chart shows (count, jaccard, row %%, column %%)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print the table as CSV")
    p.add_argument("--chart", type=Path, metavar="OUT.svg|png|pdf")
    p.add_argument("--table", type=Path, metavar="OUT.csv|xlsx")
    p.set_defaults(run=cmd_analyze)


def _word_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ngram", type=int, choices=(1, 2, 3), default=1,
                   help="words: phrases of this many words")
    p.add_argument("--top", type=int, default=30, help="words: how many to list")
    p.add_argument("--text", choices=("coded", "sources"), default="coded",
                   help="words: the coded text, or the whole text of the sources in scope")
    p.add_argument("--keep-stopwords", action="store_true")
    p.add_argument("--keyness", action="store_true",
                   help="words: log-likelihood against the rest of the sources in scope")
    p.add_argument("--against", action="append", default=[], metavar="CODE",
                   help="words: keyness against this code's text (repeatable)")


def spec_from(s, args: argparse.Namespace) -> Spec:
    """The Spec the options describe (code paths resolved in the project)."""
    reference = [_code(s, path) for path in args.against] or None
    return Spec(kind=args.kind, by=args.by, rollup=args.rollup, unit=args.unit,
                interval=args.interval, counted=args.counted, share=args.share,
                stacked=args.stacked, ngram=args.ngram, top=max(1, args.top),
                text=args.text, stopwords=not args.keep_stopwords, reference=reference,
                keyness=args.keyness)


def _code(s, path: str) -> int:
    found = code_by_path(s, path)
    if found is None:
        raise AnalysisError(f"no code '{path}'")
    return found


def cmd_analyze(args: argparse.Namespace) -> int:
    """``quire analyze KIND PROJECT [options]``."""
    from db.analysis.charts import save
    from db.analysis.tables import write_table

    quiet = args.json or args.csv
    with open_project(args) as proj, proj.sessions() as s:
        sel = selection_from(s, args)
        pane = {"platform": args.platform, "kind": args.source_kind, "text": args.match}
        sel.source_filter = {k: v for k, v in pane.items() if v} or None
        result = analyze(s, sel, spec_from(s, args), project=proj,
                         progress=None if quiet else progress)
    clear_progress(quiet)
    written = []
    if args.chart:
        written.append(str(save(result, args.chart, args.layer)))
    if args.table:
        written.append(str(write_table(result, args.table)))
    if args.csv:
        out = csv.writer(sys.stdout)
        out.writerow(result.columns)
        out.writerows(result.rows)
    else:
        emit(args, {**result.to_dict(), "written": written},
             result.lines() + [f"wrote {w}" for w in written])
    return 0
