"""The ``quire`` command: the GUI with no arguments, headless subcommands otherwise.

Subcommands never import Qt. Output is human-readable, or JSON with ``--json``.
Exit codes: 0 success, 1 some files failed or nothing found, 2 usage or project error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from db.errors import QuireError
from desktop.cli_output import clear_progress, emit, progress, quiet_broken_pipe
from desktop.cli_project import add_project, open_project

CORE = ("new", "import", "sources", "show", "search", "reindex")
"""Commands defined here; they start without loading the other command groups, the
importers or the search engine until a command needs them."""


def _groups() -> list:
    from desktop import (
        cli_analysis,
        cli_coding,
        cli_exchange,
        cli_export,
        cli_history,
        cli_notes,
        cli_team,
    )

    return [cli_coding, cli_notes, cli_exchange, cli_export, cli_analysis, cli_team,
            cli_history]


def headless() -> tuple[str, ...]:
    """Every command that needs no window."""
    return CORE + tuple(c for g in _groups() for c in g.COMMANDS)


def _project():
    """:mod:`db.project`, imported when a command opens a project: SQLAlchemy and the models
    are most of a command's start-up, and ``--version`` and ``--help`` need neither."""
    from db import project

    return project


VERSION_OPTIONS = {"--version", "--verbose"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quire`` console script."""
    if getattr(sys, "frozen", False):  # a frozen bundle's indexing workers start here
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--version" in argv and set(argv) <= VERSION_OPTIONS:  # no display, Qt or database
        from desktop.about import version_text

        print(version_text(verbose="--verbose" in argv))
        return 0
    if argv == ["--selftest"]:  # checks an installation, headless (desktop/selftest.py)
        from desktop.selftest import run as selftest

        return selftest()
    core = bool(argv) and argv[0] in CORE
    if not core and (not argv or argv[0] not in (*headless(), "-h", "--help")):
        return _gui(argv)
    args = _parser(groups=not core).parse_args(argv)
    from sqlalchemy.exc import DBAPIError  # (not for --version or --help: they answer first)

    try:
        return args.run(args)
    except QuireError as exc:
        print(f"quire: {exc}", file=sys.stderr)
        return 2
    except DBAPIError as exc:  # a team project's server refused or went away
        from db.team.address import refusal

        print(f"quire: {refusal(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `quire ... | head` stopped reading: not an error
        return quiet_broken_pipe()
    except OSError as exc:
        from db.failures import os_sentence

        print(f"quire: {os_sentence(exc)}; nothing in the project was changed", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("quire: interrupted", file=sys.stderr)
        return 130


def _parser(groups: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quire", description=__doc__.splitlines()[0],
                                epilog="quire --selftest checks this installation (no "
                                       "window needed); quire --version [--verbose] "
                                       "prints its version (and its components').")
    sub = p.add_subparsers(required=True, metavar="COMMAND")
    new = sub.add_parser("new", help="create an empty project")
    add_project(new)
    new.add_argument("--name", default="")
    new.set_defaults(run=cmd_new)
    imp = sub.add_parser("import", help="import files and folders into a project")
    add_project(imp)
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument("--collection", default="", help="put everything into this collection")
    imp.add_argument("--format", default="", help="force a format (see quire import "
                     "--format list)")
    imp.add_argument("--coder", default="", metavar="NAME",
                     help="who imports (default: your login on a team project, "
                          "else $QUIRE_CODER, else 'cli')")
    imp.set_defaults(run=cmd_import)
    src = sub.add_parser("sources", help="list the sources of a project")
    add_project(src)
    src.add_argument("--collection", default="")
    src.set_defaults(run=cmd_sources)
    show = sub.add_parser("show", help="show one source: text, metadata, footnotes")
    add_project(show)
    show.add_argument("source_id", type=int)
    show.set_defaults(run=cmd_show)
    fts = sub.add_parser("search", help="search a project: one line per hit (see the README "
                                        "for the query language)")
    add_project(fts)
    fts.add_argument("query")
    fts.add_argument("--limit", type=int, default=0, help="stop after N hits")
    fts.add_argument("--stemmed", action="store_true", help="match word forms (stemming)")
    fts.add_argument("--collection", default="")
    fts.add_argument("--jsonl", action="store_true", help="print one JSON object per hit")
    fts.set_defaults(run=cmd_search)
    rei = sub.add_parser("reindex", help="rebuild a project's search index")
    add_project(rei)
    rei.set_defaults(run=cmd_reindex)
    for sp in (imp, src, show, fts):
        sp.add_argument("--json", action="store_true", help="print JSON")
    for group in _groups() if groups else ():
        group.add_commands(sub)
    return p


def _format_names() -> str:
    from db.importers import importers

    return ", ".join(sorted(i.name for i in importers()))


def cmd_new(args: argparse.Namespace) -> int:
    """``quire new PROJECT``; for a team project's address, ``quire server init``."""
    if isinstance(args.project, str):
        from desktop.cli_team import cmd_init

        args.address = args.project
        return cmd_init(args)
    with _project().create(args.project, name=args.name or None) as proj:
        print(f"created {proj.path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``quire import PROJECT PATH...``: prints the report; 1 if any file failed."""
    from db.history import Recorder
    from db.importers import by_name
    from db.importers.base import ReadOptions
    from db.importing import import_paths
    from desktop.cli_history import coder_name, coder_of

    if args.format == "list":
        print(_format_names())
        return 0
    if args.format:
        by_name(args.format)  # fail early on a misspelt format
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"quire: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    with open_project(args) as proj:
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
    from db.queries import sources as source_queries

    with open_project(args) as proj, proj.sessions() as s:
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
    from db.queries import sources as source_queries

    with open_project(args) as proj, proj.sessions() as s:
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
    """``quire search PROJECT QUERY``: one line per hit, written as found; 1 if none."""
    from db.errors import QuerySyntaxError
    from db.search.commands import start_search, write_search

    fmt = "jsonl" if args.jsonl else "json" if args.json else "lines"
    with open_project(args) as proj, proj.sessions() as s:
        try:
            run = start_search(proj, s, args.query, stemmed=args.stemmed,
                               collection=args.collection,
                               progress=None if fmt != "lines" else progress)
        except QuerySyntaxError as exc:
            clear_progress(fmt != "lines")
            print(f"quire: {exc.message}\n  {exc.pointer().replace(chr(10), chr(10) + '  ')}",
                  file=sys.stderr)
            return 2
        clear_progress(fmt != "lines")
        hits = write_search(sys.stdout, run, args.query, limit=args.limit or None,
                            stemmed=args.stemmed, fmt=fmt)
    return 0 if hits else 1


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

    with open_project(args) as proj, proj.sessions() as s:
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
              + ", ".join(f"quire {c}" for c in headless())
              + " (see quire --help).", file=sys.stderr)
        return 2
    from desktop.app import run  # Qt is imported only now

    return run(argv)

