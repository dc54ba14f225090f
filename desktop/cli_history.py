"""The history subcommands of ``quire``: ``undo``, ``redo``, ``history`` and ``imports``,
and :func:`record`, through which every headless write command records its step.

Each coder undoes and redoes only their own steps (``--coder``, else $QUIRE_CODER, else
"cli", the coder the other commands write as); the history is kept in the project, so
``quire undo`` also undoes what was done in the window under the same name. An undo or
redo that would overwrite a change made since (in the window, by another command, by a
teammate) is refused with a message naming what changed, and changes nothing.
``desktop/cli.py`` adds the commands with :func:`add_commands`. They never import Qt.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import history, project
from db.models import Coder, ImportBatch
from db.ops import OpResult, bind
from db.ops.coders import ensure_coder
from db.ops.sources import import_batches, remove_import
from desktop.cli_output import emit
from desktop.cli_project import add_project, open_project

COMMANDS = ("undo", "redo", "history", "imports")
DEFAULT_CODER = "cli"


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the history subcommands to ``quire``'s subparsers."""
    for name, helptext, run in (
            ("undo", "undo your last step (kept in the project, also the window's)", cmd_undo),
            ("redo", "redo the step you undid last", cmd_redo),
            ("history", "the undo history: every step, whose it is, done or undone",
             cmd_history),
            ("imports", "recent imports: when, by whom, what each added, finished or not",
             cmd_imports)):
        p = subparsers.add_parser(name, help=helptext)
        add_project(p)
        p.add_argument("--coder", default="", metavar="NAME",
                       help="whose steps (default: your login on a team project, "
                            "else $QUIRE_CODER, else 'cli')")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(run=run)
    subparsers.choices["history"].add_argument("--all", action="store_true",
                                               help="every coder's steps (the default "
                                                    "unless --coder is given)")
    subparsers.choices["imports"].add_argument(
        "--remove", type=int, metavar="ID",
        help="remove one import (finished or not) as one step you can undo")


# --- recording -------------------------------------------------------------------------------

def coder_name(args: argparse.Namespace) -> str:
    """The coder named by ``--coder``, else on a team project the signed-in login (set by
    :func:`desktop.cli_project.open_project`), else $QUIRE_CODER, else "cli"."""
    return (getattr(args, "coder", "") or getattr(args, "login", "")
            or os.environ.get("QUIRE_CODER", "")).strip() or DEFAULT_CODER


def coder_of(proj: project.Project, args: argparse.Namespace) -> int:
    """The id of the command's coder, created when missing (bookkeeping, not a step)."""
    with proj.session() as s:
        return ensure_coder(s, name=coder_name(args)).value


def record(proj: project.Project, args: argparse.Namespace,
           make: Callable[[int], Callable[[Session], OpResult]]) -> OpResult:
    """Run the operation ``make(coder id)`` as one step of the command's coder, in one
    transaction with the coder's record (bookkeeping, not part of the step), so that a
    refused command leaves nothing behind."""
    with proj.session() as s:
        coder = ensure_coder(s, name=coder_name(args)).value
        return history.run(s, make(coder), coder_id=coder)


def _existing_coder(proj: project.Project, args: argparse.Namespace) -> int | None:
    with proj.sessions() as s:
        return s.scalar(select(Coder.id).where(Coder.name == coder_name(args)))


# --- undo, redo -------------------------------------------------------------------------------

def cmd_undo(args: argparse.Namespace) -> int:
    """``quire undo PROJECT [--coder NAME]``; 1 when there is nothing to undo."""
    return _swap(args, history.undo, "undid", "undo")


def cmd_redo(args: argparse.Namespace) -> int:
    """``quire redo PROJECT [--coder NAME]``; 1 when there is nothing to redo."""
    return _swap(args, history.redo, "redid", "redo")


def _swap(args: argparse.Namespace, swap, done: str, verb: str) -> int:
    with open_project(args) as proj:
        coder = _existing_coder(proj, args)
        with proj.session() as s:
            result = swap(s, coder_id=coder) if coder is not None else None
    if result is None:
        emit(args, {verb: None}, f"nothing to {verb} for {coder_name(args)}")
        return 1
    what = {t: sorted(ids) for t, ids in result.changes.ids.items()}
    emit(args, {verb: result.label, "changes": what}, f"{done}: {result.label}")
    return 0


# --- history ------------------------------------------------------------------------------------

def cmd_history(args: argparse.Namespace) -> int:
    """``quire history PROJECT [--coder NAME | --all]``: oldest first."""
    with open_project(args) as proj, proj.sessions() as s:
        if args.coder and not args.all:
            coder = s.scalar(select(Coder.id).where(Coder.name == coder_name(args)))
            rows = history.entries(s, coder_id=coder) if coder is not None else []
        else:
            rows = history.entries(s)
    lines = [_entry_line(e) for e in rows] + [f"{len(rows)} step(s); each coder keeps "
                                              f"their last {history.MAX_STEPS}"]
    emit(args, [e.to_dict() for e in rows], lines)
    return 0


def _entry_line(e: history.Entry) -> str:
    when = e.created_at.isoformat(sep=" ", timespec="minutes")
    return (f"{e.id:>5}  {when}  {e.coder or '?':<12} {e.status:<8} {e.label}  "
            f"({_size(e.size)})")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, n // 1024)} KB"


# --- imports ------------------------------------------------------------------------------------

def cmd_imports(args: argparse.Namespace) -> int:
    """``quire imports PROJECT [--remove ID]``."""
    if args.remove is not None:
        with open_project(args) as proj:
            result = record(proj, args, lambda _: bind(remove_import, import_id=args.remove))
        emit(args, {"removed": args.remove, "sources": result.value},
             f"removed import {args.remove} ({result.value} source(s)); "
             "`quire undo` puts it back")
        return 0
    with open_project(args) as proj, proj.sessions() as s:
        rows = [_import_row(s, batch, n) for batch, n in import_batches(s)]
    lines = [_import_line(r) for r in rows] + [f"{len(rows)} import(s)"]
    emit(args, rows, lines)
    return 0


def _import_row(s: Session, batch: ImportBatch, sources: int) -> dict[str, Any]:
    who = s.get(Coder, batch.coder_id).name if batch.coder_id else ""
    files = (batch.report or {}).get("files", [])
    return {"id": batch.id, "started": batch.started_at.isoformat(timespec="seconds"),
            "finished": batch.finished_at.isoformat(timespec="seconds")
            if batch.finished_at else None, "by": who, "sources": sources,
            "files": [{"path": f["path"], "status": f["status"], "added": f["added"]}
                      for f in files]}


def _import_line(r: dict[str, Any]) -> str:
    state = "finished" if r["finished"] else "NOT FINISHED (interrupted or still running)"
    names = ", ".join(Path(f["path"]).name for f in r["files"][:3])
    more = f" and {len(r['files']) - 3} more" if len(r["files"]) > 3 else ""
    files = f"  from {names}{more}" if names else ""
    return (f"{r['id']:>5}  {r['started'].replace('T', ' ')}  {r['by'] or '?':<12} "
            f"{r['sources']:>7} source(s)  {state}{files}")
