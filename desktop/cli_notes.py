"""The memo and citation subcommands of ``quire``: memo, memos, references, cite, citations.

``desktop/cli.py`` adds them with :func:`add_commands` and lists :data:`COMMANDS` among
its headless commands. Like every subcommand they never import Qt, print human-readable
lines or JSON (``--json``), and raise ``QuireError`` for ``cli.main`` to print.

A memo's TARGET is ``project``, ``collection:NAME``, ``source:ID``, ``code:PATH`` or
``excerpt:ID``. ``quire references import PROJECT FILE`` reads BibTeX, RIS or CSL-JSON
and reports, by line, what it could not read (exit status 1 when something was not).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.citations.errors import NotesError
from db.citations.format import DEFAULT_STYLE, STYLES
from db.errors import NotFoundError
from db.models import MEMO_TARGETS, Memo
from db.ops import bind
from db.ops.citations import cite
from db.ops.memos import create_memo
from db.ops.references import import_references, reference_by_key
from db.queries.citations import citations_for_excerpt, reference_list
from db.queries.codes import code_by_path
from db.queries.excerpts import coder_id
from db.queries.memos import memo_list, memo_row
from db.queries.sources import collection_id
from desktop.cli_history import coder_name, record
from desktop.cli_output import emit
from desktop.cli_project import add_project, open_project, project_target

COMMANDS = ("memo", "memos", "references", "cite", "citations")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the memo and citation subcommands to ``quire``'s subparsers."""
    for add in (_add_memo, _add_memos, _add_references, _add_cite, _add_citations):
        add(subparsers)
    for name in COMMANDS:
        subparsers.choices[name].add_argument("--json", action="store_true", help="print JSON")


def _add_memo(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "memo", help="write a memo on the project, a collection, a source, a code or an "
                     "excerpt",
        description="TARGET is project, collection:NAME, source:ID, code:PATH or excerpt:ID.")
    add_project(p)
    p.add_argument("--on", required=True, metavar="TARGET", dest="target")
    p.add_argument("--text", required=True, help="the memo (Markdown)")
    p.add_argument("--title", default="")
    p.add_argument("--coder", default="", metavar="NAME",
                   help="who writes (default: your login on a team project, "
                        "else $QUIRE_CODER, else 'cli')")
    p.set_defaults(run=cmd_memo)


def _add_memos(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("memos", help="list memos with what they are on")
    add_project(p)
    p.add_argument("--kind", action="append", choices=MEMO_TARGETS, default=None,
                   help="only memos on this kind of target (repeatable)")
    p.add_argument("--author", default="", metavar="NAME", help="only this coder's memos")
    p.add_argument("--search", default="", metavar="TEXT", help="only memos containing TEXT")
    p.add_argument("--orphaned", action="store_true",
                   help="only memos whose target was deleted")
    p.add_argument("--oldest-first", action="store_true")
    p.set_defaults(run=cmd_memos)


def _add_references(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "references", help="list the reference library, or import into it",
        usage="quire references [import] PROJECT [FILE] [--format F] [--json]",
        description="`quire references PROJECT` lists the library; `quire references "
                    "import PROJECT FILE` imports a BibTeX, RIS or CSL-JSON file.")
    p.add_argument("words", nargs="+", metavar="[import] PROJECT [FILE]")
    p.add_argument("--format", default="", choices=("", "bibtex", "ris", "csl-json"),
                   help="the file's format (default: from its name and content)")
    p.add_argument("--no-link", action="store_true",
                   help="do not link the new references to matching sources")
    p.set_defaults(run=cmd_references)


def _add_cite(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("cite", help="attach a footnote citation to an excerpt")
    add_project(p)
    p.add_argument("--excerpt", type=int, required=True, metavar="ID")
    p.add_argument("--reference", default="", metavar="KEY",
                   help="the reference cited (default: the excerpt's own source)")
    p.add_argument("--locator", default="", metavar="L",
                   help="where in it: '12' or 'p. 12', 'para. 4', 'post 3'")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--style", default=DEFAULT_STYLE, choices=tuple(STYLES))
    p.add_argument("--coder", default="", metavar="NAME")
    p.set_defaults(run=cmd_cite)


def _add_citations(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "citations", help="an excerpt's formatted footnotes, with the article's own")
    add_project(p)
    p.add_argument("--excerpt", type=int, required=True, metavar="ID")
    p.add_argument("--style", default=DEFAULT_STYLE, choices=tuple(STYLES))
    p.add_argument("--html", action="store_true", help="HTML (italic titles) not plain text")
    p.set_defaults(run=cmd_citations)


# --- memo, memos ----------------------------------------------------------------------------

def parse_target(session, text: str) -> tuple[str, int | None]:
    """``(kind, id)`` of a TARGET: project, collection:NAME, source:ID, code:PATH,
    excerpt:ID."""
    kind, _, rest = (text or "").strip().partition(":")
    kind, rest = kind.strip().lower(), rest.strip()
    if kind == "project" and not rest:
        return "project", None
    if kind in ("source", "excerpt"):
        if not rest.isdigit():
            raise NotesError(f"write {kind}:ID with a number, e.g. {kind}:12")
        return kind, int(rest)
    if kind == "collection" and rest:
        return kind, collection_id(session, rest)
    if kind == "code" and rest:
        found = code_by_path(session, rest)
        if found is None:
            raise NotFoundError(f"no code at '{rest}'")
        return kind, found
    raise NotesError(f"'{text}' is not a target: write project, collection:NAME, source:ID, "
                     "code:PATH or excerpt:ID")


def cmd_memo(args: argparse.Namespace) -> int:
    """``quire memo PROJECT --on TARGET --text TEXT [--title T]``."""
    with open_project(args) as proj:
        with proj.sessions() as s:
            target, target_id = parse_target(s, args.target)
        memo_id = record(proj, args, lambda coder: bind(
            create_memo, target=target, target_id=target_id, title=args.title,
            body=args.text, coder_id=coder)).value
        with proj.sessions() as s:
            row = memo_row(s, s.get(Memo, memo_id), coder_name(args))
    emit(args, row, [f"memo {row['id']} on {row['target_label']} by {row['author']}"])
    return 0


def cmd_memos(args: argparse.Namespace) -> int:
    """``quire memos PROJECT``: every memo, newest first, with what it is on."""
    with open_project(args) as proj, proj.sessions() as s:
        coders = [coder_id(s, args.author)] if args.author else None
        rows = memo_list(s, kinds=args.kind, coder_ids=coders, text=args.search,
                         orphaned=True if args.orphaned else None,
                         newest_first=not args.oldest_first)
    lines = [line for r in rows for line in _memo_lines(r)] + [f"{len(rows)} memo(s)"]
    emit(args, rows, lines)
    return 0


def _memo_lines(r: dict[str, Any]) -> list[str]:
    when = (r["updated_at"] or "")[:16].replace("T", " ")
    on = r["target_label"] + ("  (ORPHANED: its target was deleted)" if r["orphaned"] else "")
    head = f"memo {r['id']}  {when}  {r['author'] or '?'}  on {on}"
    body = [f"    {line}" for line in r["body"].splitlines()]
    return [head] + ([f"  # {r['title']}"] if r["title"] else []) + body


# --- references -----------------------------------------------------------------------------

def cmd_references(args: argparse.Namespace) -> int:
    """``quire references PROJECT`` or ``quire references import PROJECT FILE``."""
    words = args.words
    if words[0] == "import" and len(words) == 3:
        return _import(args, project_target(words[1]), Path(words[2]))
    if len(words) == 1:
        return _list_references(args, project_target(words[0]))
    raise NotesError("write `quire references PROJECT` or `quire references import PROJECT "
                     "FILE`")


def _import(args: argparse.Namespace, path: Path, file: Path) -> int:
    with open_project(args, path) as proj:
        report = record(proj, args, lambda _: bind(
            import_references, path=file, fmt=args.format, link=not args.no_link)).value
    emit(args, report.to_dict(), report.lines())
    return 1 if report.problems else 0


def _list_references(args: argparse.Namespace, path: Path) -> int:
    with open_project(args, path) as proj, proj.sessions() as s:
        rows = reference_list(s)
    lines = [_reference_line(r) for r in rows] + [f"{len(rows)} reference(s)"]
    emit(args, rows, lines)
    return 0


def _reference_line(r: dict[str, Any]) -> str:
    used = f"{r['citations']} citation(s)" + (
        f", source(s) {', '.join(map(str, r['sources']))}" if r["sources"] else "")
    return (f"{r['key']:<24} {r['year'] or '-':<5} {r['authors'][:28]:<28} "
            f"{r['title'][:70]}  ({used})")


# --- cite, citations ------------------------------------------------------------------------

def cmd_cite(args: argparse.Namespace) -> int:
    """``quire cite PROJECT --excerpt ID [--reference KEY] [--locator L] [--note T]``."""
    with open_project(args) as proj:
        with proj.sessions() as s:
            ref = reference_by_key(s, args.reference).id if args.reference else None
        made = record(proj, args, lambda coder: bind(
            cite, excerpt_id=args.excerpt, reference_id=ref, locator=args.locator,
            note=args.note, coder_id=coder)).value
        with proj.sessions() as s:
            rows = citations_for_excerpt(s, args.excerpt, args.style)
    row = next(r for r in rows if r["id"] == made)
    emit(args, row, [f"{row['number']}. {row['text']}"])
    return 0


def cmd_citations(args: argparse.Namespace) -> int:
    """``quire citations PROJECT --excerpt ID [--style S]``: its footnotes, in order."""
    with open_project(args) as proj, proj.sessions() as s:
        rows = citations_for_excerpt(s, args.excerpt, args.style, html_output=args.html)
    lines = [_citation_line(r) for r in rows] or [f"excerpt {args.excerpt} has no citations"]
    emit(args, rows, lines)
    return 0


def _citation_line(r: dict[str, Any]) -> str:
    own = f"[{r['label']}] " if r["cites"] == "footnote" and r["label"] else ""
    return f"{r['number']}. {own}{r['text']}"

