"""The ``quire`` command: the GUI with no arguments, headless subcommands otherwise.

Subcommands never import Qt. Output is human-readable, or JSON with ``--json``.
Exit codes: 0 success, 1 some files failed or nothing found, 2 usage or project error.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from db import project
from db.errors import QuireError
from db.failures import os_sentence
from db.history import Recorder
from db.importers import by_name, importers
from db.importers.base import ReadOptions
from db.importing import import_paths
from db.queries import sources as source_queries
from desktop import (
    cli_analysis,
    cli_coding,
    cli_exchange,
    cli_export,
    cli_history,
    cli_notes,
    cli_team,
)
from desktop.cli_history import coder_name, coder_of
from desktop.cli_output import clear_progress, emit, progress, quiet_broken_pipe

HEADLESS = ("new", "import", "sources", "show", "search", "reindex", *cli_coding.COMMANDS,
            *cli_notes.COMMANDS, *cli_exchange.COMMANDS, *cli_export.COMMANDS,
            *cli_analysis.COMMANDS, *cli_team.COMMANDS, *cli_history.COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quire`` console script."""
    multiprocessing.freeze_support()  # a frozen bundle's indexing workers start here
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--selftest"]:  # checks an installation, headless (desktop/selftest.py)
        from desktop.selftest import run as selftest

        return selftest()
    if not argv or argv[0] not in (*HEADLESS, "-h", "--help"):
        return _gui(argv)
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except QuireError as exc:
        print(f"quire: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `quire ... | head` stopped reading: not an error
        return quiet_broken_pipe()
    except OSError as exc:
        print(f"quire: {os_sentence(exc)}; nothing in the project was changed", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("quire: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quire", description=__doc__.splitlines()[0],
                                epilog="quire --selftest checks this installation (no "
                                       "window needed).")
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    new = sub.add_parser("new", help="create an empty project")
    new.add_argument("project", type=Path)
    new.add_argument("--name", default="")
    new.set_defaults(run=cmd_new)
    imp = sub.add_parser("import", help="import files and folders into a project")
    imp.add_argument("project", type=Path)
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument("--collection", default="", help="put everything into this collection")
    imp.add_argument("--format", default="", help="force a format: " + _format_names())
    imp.add_argument("--coder", default="", metavar="NAME",
                     help="who imports (default: $QUIRE_CODER, else 'cli')")
    imp.set_defaults(run=cmd_import)
    src = sub.add_parser("sources", help="list the sources of a project")
    src.add_argument("project", type=Path)
    src.add_argument("--collection", default="")
    src.set_defaults(run=cmd_sources)
    show = sub.add_parser("show", help="show one source: text, metadata, footnotes")
    show.add_argument("project", type=Path)
    show.add_argument("source_id", type=int)
    show.set_defaults(run=cmd_show)
    fts = sub.add_parser("search", help="search a project: one line per hit (see the README "
                                        "for the query language)")
    fts.add_argument("project", type=Path)
    fts.add_argument("query")
    fts.add_argument("--limit", type=int, default=0, help="stop after N hits")
    fts.add_argument("--stemmed", action="store_true", help="match word forms (stemming)")
    fts.add_argument("--collection", default="")
    fts.set_defaults(run=cmd_search)
    rei = sub.add_parser("reindex", help="rebuild a project's search index")
    rei.add_argument("project", type=Path)
    rei.set_defaults(run=cmd_reindex)
    for sp in (imp, src, show, fts):
        sp.add_argument("--json", action="store_true", help="print JSON")
    cli_coding.add_commands(sub)
    cli_notes.add_commands(sub)
    cli_exchange.add_commands(sub)
    cli_export.add_commands(sub)
    cli_analysis.add_commands(sub)
    cli_team.add_commands(sub)
    cli_history.add_commands(sub)
    return p


def _format_names() -> str:
    return ", ".join(sorted(i.name for i in importers()))


def cmd_new(args: argparse.Namespace) -> int:
    """``quire new PROJECT``."""
    with project.create(args.project, name=args.name or None) as proj:
        print(f"created {proj.path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``quire import PROJECT PATH...``: prints the report; 1 if any file failed."""
    if args.format:
        by_name(args.format)  # fail early on a misspelt format
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"quire: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    with project.open(args.project) as proj:
        recorder = Recorder(coder_of(proj, args))  # undo removes it all, even if killed
        with proj.sessions() as s:
            report, _ = import_paths(s, args.paths, collection=args.collection,
                                     options=ReadOptions(format=args.format),
                                     coder=coder_name(args), recorder=recorder,
                                     progress=None if args.json else progress)
    clear_progress(args.json)
    emit(args, report.to_dict(), report.lines())
    return 1 if report.failed else 0


def cmd_sources(args: argparse.Namespace) -> int:
    """``quire sources PROJECT``: one line per source."""
    with project.open(args.project) as proj, proj.sessions() as s:
        coll = source_queries.collection_id(s, args.collection) if args.collection else None
        rows = source_queries.listing(s, collection=coll)
    lines = [_source_line(r) for r in rows] + [f"{len(rows)} source(s)"]
    emit(args, rows, lines)
    return 0


def _source_line(r: dict) -> str:
    who = r["author"] + (f" @{r['handle']}" if r["handle"] else "")
    when = (r["published"] or "")[:16].replace("T", " ")
    title = (r["title"] or "").replace("\n", " ")[:60]
    colls = ", ".join(r["collections"])
    notes = f" [{r['footnotes']} notes]" if r["footnotes"] else ""
    return (f"{r['id']:>6}  {r['kind']:<7} {when:<16}  {r['platform'] or '-':<9} "
            f"{who[:28]:<28}  {title}{notes}  ({colls}; {r['length']} chars)")


def cmd_show(args: argparse.Namespace) -> int:
    """``quire show PROJECT SOURCE_ID``: text, metadata and footnotes."""
    with project.open(args.project) as proj, proj.sessions() as s:
        d = source_queries.detail(s, args.source_id)
    emit(args, d, _detail_lines(d))
    return 0


def _detail_lines(d: dict) -> list[str]:
    keys = ("title", "kind", "author", "handle", "platform", "site_name", "published", "url",
            "language", "post_id", "reply_to_id", "collections", "uuid")
    out = [f"{k}: {d[k]}" for k in keys if d.get(k)]
    counts = [f"{k} {d[k]}" for k in ("likes", "reposts", "replies", "views") if d[k] is not None]
    if counts:
        out.append("engagement: " + ", ".join(counts))
    out += ["", d["text"], ""]
    out += [f"[{f['label']}] at {f['offset']}: {f['text']}" for f in d["footnotes"]]
    return out


def cmd_search(args: argparse.Namespace) -> int:
    """``quire search PROJECT QUERY``: one line per hit; 1 if nothing was found."""
    from db.errors import QuerySyntaxError
    from db.search.commands import run_search

    with project.open(args.project) as proj, proj.sessions() as s:
        try:
            data, lines = run_search(proj, s, args.query, limit=args.limit or None,
                                     stemmed=args.stemmed, collection=args.collection,
                                     progress=None if args.json else progress)
        except QuerySyntaxError as exc:
            clear_progress(args.json)
            print(f"quire: {exc.message}\n  {exc.pointer().replace(chr(10), chr(10) + '  ')}",
                  file=sys.stderr)
            return 2
    clear_progress(args.json)
    emit(args, data, lines)
    return 0 if data["hits"] else 1


def cmd_reindex(args: argparse.Namespace) -> int:
    """``quire reindex PROJECT``: rebuild the search index, with a progress line."""
    from db.search.commands import reindex

    shown = {-1}

    def report(done: int, total: int, message: str) -> None:
        tenth = done * 10 // total if total else 0
        if sys.stderr.isatty():
            progress(done, total, message)
        elif tenth not in shown:  # a log gets a line per tenth, not a flood
            shown.add(tenth)
            print(message, file=sys.stderr, flush=True)

    with project.open(args.project) as proj, proj.sessions() as s:
        result = reindex(proj, s, progress=report)
    clear_progress(False)
    print(result)
    return 0








def has_display() -> bool:
    """Whether a window can be shown here (always on Windows and macOS)."""
    if sys.platform in ("win32", "darwin"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return bool(platform and platform != "xcb" or os.environ.get("DISPLAY")
                or os.environ.get("WAYLAND_DISPLAY"))


def _gui(argv: list[str]) -> int:
    if not has_display():
        print("quire: there is no display here, so the window cannot open.\n"
              "The headless commands work without one: "
              + ", ".join(f"quire {c}" for c in HEADLESS)
              + " (see quire --help).", file=sys.stderr)
        return 2
    from desktop.app import run  # Qt is imported only now

    return run(argv)

