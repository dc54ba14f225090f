"""The subcommands that bring other programs' work in, and codebooks out as tables.

``import-taguette`` (a Taguette project file into a new Quire project),
``export-codebook`` (the codebook as CSV, the shape Taguette and spreadsheets read) and
``import-codebook`` (a codebook as CSV, XLSX or REFI-QDA .qdc, one undoable step).
``desktop/cli.py`` adds them with :func:`add_commands`; they never import Qt.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from db import project
from db.exchange.codebook_csv import export_codebook_csv, import_codebook
from db.exchange.taguette import import_taguette
from desktop.cli_output import clear_progress, emit, progress

COMMANDS = ("import-taguette", "export-codebook", "import-codebook")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the subcommands to ``quire``'s subparsers."""
    p = subparsers.add_parser(
        "import-taguette", help="make a Quire project of a Taguette project (.sqlite3)",
        description="Documents become articles, tags codes, highlights excerpts at the same "
                    "passages, Taguette's users coders. The Taguette file is only read.")
    p.add_argument("taguette", type=Path, metavar="TAGUETTE.sqlite3")
    p.add_argument("out", type=Path, metavar="OUT.quire")
    p.add_argument("--project", default="", metavar="ID_OR_NAME",
                   help="which project, when the file holds several")
    p.set_defaults(run=cmd_import_taguette)
    p = subparsers.add_parser("export-codebook",
                              help="export the codebook as CSV (path, description, color)")
    p.add_argument("project", type=Path)
    p.add_argument("out", type=Path, metavar="OUT.csv")
    p.set_defaults(run=cmd_export_codebook)
    p = subparsers.add_parser("import-codebook",
                              help="add the codes of a codebook (.csv, .xlsx or .qdc)")
    p.add_argument("project", type=Path)
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(run=cmd_import_codebook)
    for name in COMMANDS:
        subparsers.choices[name].add_argument("--json", action="store_true", help="print JSON")


def cmd_import_taguette(args: argparse.Namespace) -> int:
    """``quire import-taguette TAGUETTE.sqlite3 OUT.quire [--project P]``."""
    made, report = import_taguette(args.taguette, args.out, project=args.project,
                                   progress=None if args.json else progress)
    clear_progress(args.json)
    emit(args, {"created": str(made), **report.to_dict()},
         [f"created {made} from {args.taguette.name}", *report.lines()])
    return 0


def cmd_export_codebook(args: argparse.Namespace) -> int:
    """``quire export-codebook PROJECT OUT.csv``."""
    with project.open(args.project) as proj, proj.sessions() as s:
        export_codebook_csv(s, args.out)
    emit(args, {"written": str(args.out)}, [f"wrote {args.out} (codebook as CSV)"])
    return 0


def cmd_import_codebook(args: argparse.Namespace) -> int:
    """``quire import-codebook PROJECT FILE``: all or nothing, with a report."""
    with project.open(args.project) as proj, proj.session() as s:
        report = import_codebook(s, path=args.file).value
    emit(args, report.to_dict(), [f"imported codebook {args.file.name}", *report.lines()])
    return 0
