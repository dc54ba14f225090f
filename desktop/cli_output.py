"""What every ``quire`` subcommand prints: lines for people, or JSON with ``--json``,
and a one-line progress indicator on a terminal's standard error."""

from __future__ import annotations

import argparse
import json
import os
import sys


def emit(args: argparse.Namespace, data, lines: list[str] | str) -> None:
    """Print ``data`` as JSON when ``--json`` was given, else the human-readable lines."""
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
    else:
        print(lines if isinstance(lines, str) else "\n".join(lines))


def progress(done: int, total: int, message: str) -> None:
    """Show ``message`` on one self-overwriting line, only on a terminal."""
    if sys.stderr.isatty():
        print(f"\r\033[K{message}"[:200], end="", file=sys.stderr, flush=True)


def clear_progress(quiet: bool = False) -> None:
    """Erase the progress line."""
    if not quiet and sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def quiet_broken_pipe() -> int:
    """Standard output was closed by the reader (``| head``): stop quietly.

    Standard output is pointed at the null device so that Python's own flush at exit
    does not fail again with a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 0
