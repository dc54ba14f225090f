"""The coding subcommands of ``quire``: ``codes``, ``code``, ``excerpts`` and ``uncode``.

``desktop/cli.py`` adds them with :func:`add_commands` and lists :data:`COMMANDS` among
its headless commands. Like every subcommand they never import Qt, print human-readable
lines or JSON (``--json``), and raise ``QuireError`` for ``cli.main`` to print.
Positions are code points of the source's text, half-open ``[start, end)``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from db.errors import CodingError, NotFoundError
from db.ops import OpResult, bind
from db.ops.codes import ensure_code_path
from db.ops.coding import code_span, code_spans, delete_excerpt, remove_code
from db.queries.codes import code_by_path, code_path, code_tree
from db.queries.excerpts import coder_id, retrieve
from db.queries.sources import text_of
from db.restore import combine
from db.units import UNITS, expand
from desktop.cli_history import coder_name, record
from desktop.cli_output import clear_progress, emit, progress
from desktop.cli_project import add_project, open_project

COMMANDS = ("codes", "code", "excerpts", "uncode")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the coding subcommands to ``quire``'s subparsers."""
    codes = subparsers.add_parser("codes", help="show the code tree with colours and counts")
    add_project(codes)
    codes.set_defaults(run=cmd_codes)
    code = subparsers.add_parser(
        "code", help="code a span of a source, or every hit of a search",
        description="Code a span (--source, --start, --end; code points, end excluded) or "
                    "every hit of a search (--query, grown to --unit). The code PATH "
                    "('Parent/Child') is created when missing.")
    add_project(code)
    code.add_argument("--code", required=True, metavar="PATH")
    what = code.add_mutually_exclusive_group(required=True)
    what.add_argument("--source", type=int, metavar="ID")
    what.add_argument("--query", metavar="Q")
    code.add_argument("--start", type=int, metavar="S")
    code.add_argument("--end", type=int, metavar="E")
    code.add_argument("--unit", choices=UNITS, default=None,
                      help="what to code around each hit (default: the hit itself)")
    code.add_argument("--coder", default="", metavar="NAME",
                      help="who codes (default: your login on a team project, "
                           "else $QUIRE_CODER, else 'cli')")
    code.set_defaults(run=cmd_code)
    _add_excerpts(subparsers)
    _add_uncode(subparsers)
    for name in COMMANDS:
        subparsers.choices[name].add_argument("--json", action="store_true", help="print JSON")


def _add_excerpts(subparsers: argparse._SubParsersAction) -> None:
    ex = subparsers.add_parser("excerpts", help="list coded excerpts with their exact text")
    add_project(ex)
    ex.add_argument("--code", default="", metavar="PATH", help="only excerpts with this code")
    ex.add_argument("--coder", default="", metavar="NAME", help="only this coder's excerpts")
    ex.set_defaults(run=cmd_excerpts)


def _add_uncode(subparsers: argparse._SubParsersAction) -> None:
    un = subparsers.add_parser("uncode", help="remove a code from an excerpt, or the excerpt")
    add_project(un)
    un.add_argument("--excerpt", type=int, required=True, metavar="ID")
    un.add_argument("--coder", default="", metavar="NAME",
                    help="whose undo step it is (default: your login on a team project, "
                         "else $QUIRE_CODER, else 'cli')")
    un.add_argument("--code", default="", metavar="PATH",
                    help="the code to remove (without it, the whole excerpt is deleted)")
    un.set_defaults(run=cmd_uncode)


# --- quire codes ------------------------------------------------------------------------------

def cmd_codes(args: argparse.Namespace) -> int:
    """``quire codes PROJECT``: the code tree with colours, descriptions and counts."""
    with open_project(args) as proj, proj.sessions() as s:
        rows = code_tree(s)
    lines = [_code_line(r) for r in rows] + [f"{len(rows)} code(s)"]
    emit(args, rows, lines)
    return 0


def _code_line(r: dict[str, Any]) -> str:
    about = r["description"].strip().splitlines()[0] if r["description"].strip() else ""
    counts = f"{r['excerpts']} excerpt(s) in {r['sources']} source(s)"
    line = f"{r['id']:>5}  {r['color']:<9} {'  ' * r['depth']}{r['name']}  ({counts})"
    return f"{line}  {about[:80]}" if about else line


# --- quire code -------------------------------------------------------------------------------

def cmd_code(args: argparse.Namespace) -> int:
    """``quire code PROJECT --code PATH (--source ID --start S --end E | --query Q)``."""
    with open_project(args) as proj:
        spans = _query_spans(proj, args) if args.query is not None else _given_span(proj, args)
        if not spans:
            print(f"quire: nothing to code: no hits for {args.query!r}", file=sys.stderr)
            return 1
        done = record(proj, args, lambda coder: bind(
            code_path_on, path=args.code, spans=spans, coder_id=coder,
            single=args.query is None))
        code_id, ids = done.value
        with proj.sessions() as s:
            path = code_path(s, code_id)
            rows = retrieve(s, code_ids=None, excerpt_ids=ids)
    lines = [line for r in rows for line in _excerpt_lines(r)]
    lines.append(f"{len(rows)} excerpt(s) coded '{path}' by {coder_name(args)}")
    emit(args, rows, lines)
    return 0


def code_path_on(s, *, path: str, spans: list[tuple[int, int, int]], coder_id: int,
                 single: bool) -> OpResult:
    """Code the spans with the code at ``path``, made when missing: one step (value =
    the code id and the excerpt ids)."""
    made = ensure_code_path(s, path=path, coder_id=coder_id)
    if single:
        sid, start, end = spans[0]
        coded = code_span(s, source_id=sid, start=start, end=end, code_id=made.value,
                          coder_id=coder_id)
        ids = [coded.value]
    else:
        coded = code_spans(s, spans=spans, code_id=made.value, coder_id=coder_id)
        ids = coded.value
    return combine([made, coded], coded.label, value=(made.value, ids))


def _given_span(proj, args: argparse.Namespace) -> list[tuple[int, int, int]]:
    if args.start is None or args.end is None:
        raise CodingError("--source needs --start and --end (code-point offsets, the end "
                          "excluded)")
    if not args.unit or args.unit == "hit":
        return [(args.source, args.start, args.end)]
    with proj.sessions() as s:
        text = text_of(s, args.source)
    return [(args.source, *expand(text, args.start, args.end, args.unit))]


def _query_spans(proj, args: argparse.Namespace) -> list[tuple[int, int, int]]:
    """The hits of ``--query`` as spans grown to ``--unit``, without duplicates."""
    from db.search.hits import search  # the search engine loads only when it is used
    from db.search.index import SearchIndex

    unit = args.unit or "hit"
    index = SearchIndex(proj)
    with proj.sessions() as s:
        index.ensure(s, progress=None if args.json else progress)
        clear_progress(args.json)
        found = search(index, s, args.query).all()
        return _grown(s, found, unit)


def _grown(s, found: list, unit: str) -> list[tuple[int, int, int]]:
    spans: dict[tuple[int, int, int], None] = {}
    for source_hits in found:
        sid = source_hits.source_id
        hits = [(sid, 0, 0)] if unit == "source" else source_hits.spans
        if not hits:
            continue
        text = text_of(s, sid)
        for _, start, end in hits:
            a, b = expand(text, start, end, unit)
            if a < b:
                spans[(sid, a, b)] = None
    return list(spans)


# --- quire excerpts ---------------------------------------------------------------------------

def cmd_excerpts(args: argparse.Namespace) -> int:
    """``quire excerpts PROJECT [--code PATH] [--coder NAME]``."""
    with open_project(args) as proj, proj.sessions() as s:
        code_ids = [_existing_code(s, args.code)] if args.code else None
        coders = [coder_id(s, args.coder)] if args.coder else None
        rows = retrieve(s, code_ids=code_ids, coder_ids=coders)
    lines = [line for r in rows for line in _excerpt_lines(r)]
    emit(args, rows, lines + [f"{len(rows)} excerpt(s)"])
    return 0


def _existing_code(s, path: str) -> int:
    code_id = code_by_path(s, path)
    if code_id is None:
        raise NotFoundError(f"no code at '{path}'")
    return code_id


def _excerpt_lines(r: dict[str, Any]) -> list[str]:
    codes = ", ".join(c["path"] for c in r["codes"]) or f"(highlight {r['color']})"
    head = (f"excerpt {r['id']}  source {r['source_id']} [{r['start']}, {r['end']})  "
            f"by {r['coder'] or '?'}  {codes}  {r['uuid']}")
    return [head] + ["    " + line for line in r["text"].split("\n")]


# --- quire uncode -----------------------------------------------------------------------------

def cmd_uncode(args: argparse.Namespace) -> int:
    """``quire uncode PROJECT --excerpt ID [--code PATH]``."""
    with open_project(args) as proj:
        with proj.sessions() as s:
            code_id = _existing_code(s, args.code) if args.code else None
            path = code_path(s, code_id) if args.code else None
        op = (bind(remove_code, excerpt_id=args.excerpt, code_id=code_id) if args.code else
              bind(delete_excerpt, excerpt_id=args.excerpt))
        done = record(proj, args, lambda _: op)
        deleted = done.value if args.code else True
    line = f"removed code '{path}' from excerpt {args.excerpt}" if path else ""
    if deleted:
        line += (" (it had no other code, so the excerpt was deleted)" if path
                 else f"deleted excerpt {args.excerpt}")
    emit(args, {"excerpt": args.excerpt, "code": path, "excerpt_deleted": deleted}, [line])
    return 0


# --- output -----------------------------------------------------------------------------------




