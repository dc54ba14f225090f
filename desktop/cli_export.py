"""The export subcommands of ``quire``: ``export-pdf`` and ``export-excerpts``.

``desktop/cli.py`` adds them with :func:`add_commands` and lists :data:`COMMANDS` among
its headless commands. They never import Qt; they print one line saying what was written
(or JSON with ``--json``) and raise ``QuireError`` for ``cli.main`` to print. Nothing
to export is exit code 1 and writes no file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.citations.format import DEFAULT_STYLE, STYLES
from db.errors import EmptyExportError, ExportError
from db.export.selection import ORDERS, Selection
from db.queries.codes import code_by_path
from db.queries.excerpts import coder_id
from db.queries.sources import collection_id
from desktop.cli_output import clear_progress, emit, progress
from desktop.cli_project import add_project, open_project

COMMANDS = ("export-pdf", "export-excerpts")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the export subcommands to ``quire``'s subparsers."""
    pdf = subparsers.add_parser(
        "export-pdf", help="export coded excerpts (or one whole source) as an annotated PDF",
        description="Write the coded excerpts matching the filters as an annotated PDF: "
                    "highlights in the codes' colours, memos, footnote citations, a "
                    "bibliography and the codebook. With --source ID --whole, the whole "
                    "source instead.")
    add_project(pdf)
    pdf.add_argument("out", type=Path, metavar="OUT.pdf")
    _add_filters(pdf)
    pdf.add_argument("--title", default="", metavar="T")
    pdf.add_argument("--author", default="", metavar="NAME", help="the PDF's author")
    pdf.add_argument("--page-size", choices=("A4", "Letter"), default="A4")
    pdf.add_argument("--whole", action="store_true",
                     help="with --source: the whole source, every code highlighted")
    for flag, what in (("memos", "memos"), ("labels", "code labels in the margin"),
                       ("codebook", "the codebook appendix"),
                       ("bibliography", "the bibliography")):
        pdf.add_argument(f"--no-{flag}", action="store_true", help=f"leave out {what}")
    pdf.add_argument("--analysis", action="append", default=[], metavar="KIND[:OPTION]",
                     help="put this statistic's chart and table before the excerpts "
                          "(repeatable): frequencies[:BY], cooccurrence[:UNIT], "
                          "crosstab:BY, timeline[:INTERVAL], words")
    pdf.add_argument("--context-memos", action="store_true",
                     help="also the memos on the sources and codes involved")
    pdf.set_defaults(run=cmd_export_pdf)
    table = subparsers.add_parser(
        "export-excerpts", help="export coded excerpts as a quote table (CSV or XLSX)",
        description="One excerpt per row: text, positions (code points), source, codes, "
                    "coder, memos and formatted citation. The format follows OUT's suffix.")
    add_project(table)
    table.add_argument("out", type=Path, metavar="OUT.csv|OUT.xlsx")
    _add_filters(table)
    table.set_defaults(run=cmd_export_excerpts)
    for sp in (pdf, table):
        sp.add_argument("--json", action="store_true", help="print what was written as JSON")


def _add_filters(p: argparse.ArgumentParser) -> None:
    add_filters(p)
    p.add_argument("--style", choices=sorted(STYLES), default=DEFAULT_STYLE)
    p.add_argument("--order", choices=ORDERS, default="code")
    p.add_argument("--context", type=int, default=0, metavar="N",
                   help="characters of context before and after each excerpt")


def add_filters(p: argparse.ArgumentParser) -> None:
    """The options that choose excerpts (codes, collections, coders, dates, a search, a
    source, excerpt ids); :func:`selection_from` reads them."""
    p.add_argument("--code", action="append", default=[], metavar="PATH",
                   help="only excerpts with this code (repeatable; sub-codes included)")
    p.add_argument("--no-subcodes", action="store_true", help="--code without its sub-codes")
    p.add_argument("--collection", action="append", default=[], metavar="NAME")
    p.add_argument("--coder", action="append", default=[], metavar="NAME")
    p.add_argument("--from", dest="date_from", default=None, metavar="YYYY-MM-DD",
                   help="sources published on or after this date")
    p.add_argument("--to", dest="date_to", default=None, metavar="YYYY-MM-DD")
    p.add_argument("--query", default="", metavar="Q",
                   help="only excerpts overlapping a hit of this search")
    p.add_argument("--source", type=int, default=None, metavar="ID")
    p.add_argument("--excerpt", type=int, action="append", default=None, metavar="ID",
                   help="only these excerpts (repeatable)")


def selection_from(s, args: argparse.Namespace) -> Selection:
    """The Selection the filter options describe (names resolved in the project)."""
    codes = None
    if args.code:
        codes = []
        for path in args.code:
            found = code_by_path(s, path)
            if found is None:
                raise ExportError(f"no code '{path}'")
            codes.append(found)
    return Selection(
        code_ids=codes, subcodes=not args.no_subcodes,
        collection_ids=[collection_id(s, n) for n in args.collection] or None,
        coder_ids=[coder_id(s, n) for n in args.coder] or None,
        date_from=args.date_from, date_to=args.date_to, query=args.query,
        source_id=args.source, excerpt_ids=args.excerpt,
        order=getattr(args, "order", "code"), context=max(0, getattr(args, "context", 0)))


def cmd_export_pdf(args: argparse.Namespace) -> int:
    """``quire export-pdf PROJECT OUT.pdf [filters]``."""
    from db.export.pdf import PdfOptions, export_pdf, export_source_pdf

    opts = PdfOptions(title=args.title, author=args.author, style=args.style,
                      page_size=args.page_size, memos=not args.no_memos,
                      labels=not args.no_labels, codebook=not args.no_codebook,
                      bibliography=not args.no_bibliography,
                      analyses=[_analysis_spec(a) for a in args.analysis],
                      context_memos=args.context_memos)
    if args.whole and args.source is None:
        raise ExportError("--whole needs --source ID")
    with open_project(args) as proj, proj.sessions() as s:
        report = None if args.json else progress
        try:
            if args.whole:
                coders = [coder_id(s, n) for n in args.coder] or None
                result = export_source_pdf(s, args.source, args.out, opts, coder_ids=coders,
                                           progress=report)
            else:
                result = export_pdf(s, selection_from(s, args), args.out, opts, project=proj,
                                    progress=report)
        except EmptyExportError as exc:
            return _nothing(args, exc)
    clear_progress(args.json)
    data = {"path": str(result.path), "excerpts": result.excerpts, "sources": result.sources,
            "footnotes": result.notes, "pages": result.pages,
            "placeholders": result.placeholders}
    line = (f"wrote {result.path}: {result.excerpts} excerpt(s) from {result.sources} "
            f"source(s), {result.notes} footnote(s), {result.pages} page(s)")
    emit(args, data, line)
    return 0


def cmd_export_excerpts(args: argparse.Namespace) -> int:
    """``quire export-excerpts PROJECT OUT.csv|OUT.xlsx [filters]``."""
    from db.export.tables import export_table

    with open_project(args) as proj, proj.sessions() as s:
        try:
            result = export_table(s, selection_from(s, args), args.out, style=args.style,
                                  project=proj, progress=None if args.json else progress)
        except EmptyExportError as exc:
            return _nothing(args, exc)
    clear_progress(args.json)
    data = {"path": str(result.path), "rows": result.rows, "offset_unit": "unicode code points"}
    emit(args, data, f"wrote {result.path}: {result.rows} excerpt(s)")
    return 0


def _analysis_spec(text: str):
    """``KIND[:OPTION]`` as a db.analysis Spec (the option: by, unit or interval)."""
    from db.analysis import Spec

    kind, _, option = text.partition(":")
    key = {"cooccurrence": "unit", "timeline": "interval"}.get(kind, "by")
    spec = Spec(kind=kind, **({key: option} if option else {}))
    spec.check()
    return spec


def _nothing(args: argparse.Namespace, exc: Exception) -> int:
    clear_progress(args.json)
    print(f"quire: {exc}; no file was written", file=sys.stderr)
    return 1





