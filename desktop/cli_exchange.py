"""The exchange and classroom subcommands of ``quire``.

``export-qdpx``, ``import-qdpx``, ``export-qdc``, ``import-qdc`` (REFI-QDA 1.0 projects
and codebooks), ``export-codebook`` and ``import-codebook`` (the codebook as a CSV
table; a table or a .qdc in), ``import-taguette`` (a Taguette project made a new Quire
project), ``merge`` (another Quire project, a ``.qdpx`` or a Taguette project, with
``--dry-run`` for the preview) and ``agreement`` (percent agreement, Cohen's kappa,
Krippendorff's alpha). ``desktop/cli.py`` adds them with :func:`add_commands` and lists
:data:`COMMANDS` among its headless commands. They never import Qt; they print
human-readable lines or JSON (``--json``) and raise ``QuireError`` for ``cli.main`` to
print. An import or a merge is all or nothing: a file Quire refuses changes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from db.agreement import SEGMENTS, UNITS, compute_agreement
from db.errors import NotFoundError
from db.exchange.codebook_csv import export_codebook_csv, import_codebook
from db.exchange.refi_export import export_qdc, export_qdpx
from db.exchange.refi_import import import_qdpx
from db.exchange.taguette import import_taguette
from db.merge import load_other, merge_bundle, preview_merge
from db.models import Coder
from db.ops import bind
from db.queries.codes import code_by_path
from desktop.cli_history import record
from desktop.cli_output import clear_progress, emit, progress
from desktop.cli_project import add_project, open_project

COMMANDS = ("export-qdpx", "import-qdpx", "export-qdc", "import-qdc", "export-codebook",
            "import-codebook", "import-taguette", "merge", "agreement")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the exchange subcommands to ``quire``'s subparsers."""
    for name, helptext, run, arg in (
        ("export-qdpx", "export the project as a REFI-QDA project (.qdpx)", cmd_export_qdpx,
         "out"),
        ("import-qdpx", "import a REFI-QDA project (.qdpx) into the project", cmd_import_qdpx,
         "file"),
        ("export-qdc", "export the codebook as a REFI-QDA codebook (.qdc)", cmd_export_qdc,
         "out"),
        ("import-qdc", "add the codes of a REFI-QDA codebook (.qdc)", cmd_import_codebook,
         "file"),
        ("export-codebook", "export the codebook as CSV (path, description, color, parent)",
         cmd_export_codebook, "out"),
        ("import-codebook", "add the codes of a codebook (.csv, .xlsx or .qdc)",
         cmd_import_codebook, "file"),
    ):
        p = subparsers.add_parser(name, help=helptext)
        add_project(p)
        p.add_argument(arg, type=Path, metavar=arg.upper())
        p.set_defaults(run=run)
    _add_taguette(subparsers)
    _add_merge(subparsers)
    _add_agreement(subparsers)
    for name in COMMANDS:
        subparsers.choices[name].add_argument("--json", action="store_true", help="print JSON")
    for name in ("import-qdpx", "import-qdc", "import-codebook", "merge"):
        subparsers.choices[name].add_argument(
            "--coder", default="", metavar="NAME",
            help="whose undo step it is (default: your login on a team project, "
                 "else $QUIRE_CODER, else 'cli')")


def _add_taguette(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import-taguette", help="make a Quire project of a Taguette project (.sqlite3)",
        description="Documents become articles, tags codes, highlights excerpts at the same "
                    "passages, Taguette's users coders. The Taguette file is only read.")
    p.add_argument("taguette", type=Path, metavar="TAGUETTE.sqlite3")
    p.add_argument("out", type=Path, metavar="OUT.quire")
    p.add_argument("--project", default="", metavar="ID_OR_NAME",
                   help="which project, when the file holds several")
    p.set_defaults(run=cmd_import_taguette)


def _add_merge(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "merge", help="merge another Quire project or a .qdpx into the project",
        description="Sources are matched by UUID or identical text, codes by UUID or path; "
                    "every coder's excerpts stay that coder's.")
    add_project(p)
    p.add_argument("other", type=Path, metavar="OTHER")
    p.add_argument("--dry-run", action="store_true",
                   help="only say what would be added and matched")
    p.set_defaults(run=cmd_merge)


def _add_agreement(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "agreement", help="agreement between coders: percent, Cohen's kappa, "
                          "Krippendorff's alpha",
        description="Per code and for all codes pooled, over characters (white space not "
                    "counted) or segments (sentences, or paragraphs with --segment).")
    add_project(p)
    p.add_argument("--coders", default="", metavar="A,B,...",
                   help="coder names (default: everyone who coded)")
    p.add_argument("--code", default="", metavar="PATH", help="only this code")
    p.add_argument("--unit", choices=UNITS, default="char")
    p.add_argument("--segment", choices=SEGMENTS, default="sentence",
                   help="what a segment is (with --unit segment)")
    p.add_argument("--ignore-uncoded", action="store_true",
                   help="leave out text that none of the coders coded")
    p.add_argument("--source", type=int, action="append", metavar="ID",
                   help="only this source (repeatable; default: every source coded)")
    p.add_argument("--csv", type=Path, metavar="FILE", help="also save the table as CSV")
    p.set_defaults(run=cmd_agreement)


# --- export and import -----------------------------------------------------------------------

def _exporter(write, what: str):
    """A command writing the project (or its codebook) to ``args.out`` with ``write``."""
    def run(args: argparse.Namespace) -> int:
        with open_project(args) as proj, proj.sessions() as s:
            write(s, args.out)
        emit(args, {"written": str(args.out)}, [f"wrote {args.out} ({what})"])
        return 0

    return run


cmd_export_qdpx = _exporter(export_qdpx, "REFI-QDA 1.0 project; positions are Unicode "
                                         "code points")
cmd_export_qdc = _exporter(export_qdc, "REFI-QDA 1.0 codebook")
cmd_export_codebook = _exporter(export_codebook_csv, "codebook as CSV")


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    """``quire import-qdpx PROJECT IN.qdpx``: all or nothing, with a report."""
    with open_project(args) as proj:
        report = record(proj, args, lambda _: bind(import_qdpx, path=args.file)).value
    emit(args, report.to_dict(), [f"imported {args.file.name}", *report.lines()])
    return 0


def cmd_import_codebook(args: argparse.Namespace) -> int:
    """``quire import-codebook PROJECT FILE`` (and ``import-qdc``): .qdc, .csv or .xlsx."""
    with open_project(args) as proj:
        report = record(proj, args, lambda _: bind(import_codebook, path=args.file)).value
    emit(args, report.to_dict(), [f"imported codebook {args.file.name}", *report.lines()])
    return 0


def cmd_import_taguette(args: argparse.Namespace) -> int:
    """``quire import-taguette TAGUETTE.sqlite3 OUT.quire [--project P]``."""
    made, report = import_taguette(args.taguette, args.out, project=args.project,
                                   progress=None if args.json else progress)
    clear_progress(args.json)
    emit(args, {"created": str(made), **report.to_dict()},
         [f"created {made} from {args.taguette.name}", *report.lines()])
    return 0


# --- merge -----------------------------------------------------------------------------------

def cmd_merge(args: argparse.Namespace) -> int:
    """``quire merge PROJECT OTHER [--dry-run]``."""
    bundle = load_other(args.other)
    with open_project(args) as proj:
        if args.dry_run:
            with proj.sessions() as s:
                report = preview_merge(s, bundle=bundle, source=args.other.name)
            head = f"merging {args.other.name} would do (nothing changed):"
        else:
            report = record(proj, args, lambda _: bind(merge_bundle, bundle=bundle,
                                                       label=f"Merge {args.other.name}")).value
            head = f"merged {args.other.name}:"
    emit(args, report.to_dict(), [head, *report.lines()])
    return 0


# --- agreement -------------------------------------------------------------------------------

def cmd_agreement(args: argparse.Namespace) -> int:
    """``quire agreement PROJECT [--coders A,B] [--code PATH] [--unit char|segment]
    [--ignore-uncoded]``."""
    with open_project(args) as proj, proj.sessions() as s:
        coders = _coder_ids(s, args.coders) if args.coders.strip() else None
        codes = [_code_id(s, args.code)] if args.code else None
        report = compute_agreement(s, coder_ids=coders, code_ids=codes,
                                   source_ids=args.source, unit=args.unit,
                                   segment=args.segment, ignore_uncoded=args.ignore_uncoded)
    lines = report.lines()
    if args.csv:
        report.write_csv(args.csv)
        lines.append(f"saved {args.csv}")
    emit(args, report.to_dict(), lines)
    return 0


def _coder_ids(s, names: str) -> list[int]:
    from sqlalchemy import select

    out = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        found = s.scalar(select(Coder.id).where(Coder.name == name))
        if found is None:
            raise NotFoundError(f"no coder named '{name}'")
        out.append(found)
    return out


def _code_id(s, path: str) -> int:
    found = code_by_path(s, path)
    if found is None:
        raise NotFoundError(f"no code at '{path}'")
    return found

