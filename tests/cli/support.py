"""Running ``quire`` in-process, as a person would from a shell."""

import argparse

from desktop.cli import main


def run_quire(capsys, *argv) -> tuple[int, str, str]:
    """Run ``quire ARGV...``; its exit code, standard output and standard error."""
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def group_parser(add_commands) -> argparse.ArgumentParser:
    """A parser holding only the subcommands one command group adds."""
    parser = argparse.ArgumentParser(prog="quire")
    add_commands(parser.add_subparsers(required=True))
    return parser
