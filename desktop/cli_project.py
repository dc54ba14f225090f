"""The project every ``quire`` command works on: a project file or a team project.

One argument type, :func:`project_target`, is used wherever a command takes a project:
a ``postgresql://USER@HOST:PORT/DATABASE`` address stays text (a path would mangle its
``//``), anything else is a path to a ``.quire`` file. :func:`open_project` opens
either. Passwords are never printed: messages name an address without its password
(:func:`db.team.address.redact`), and one written into the address draws a warning,
since other users of the machine can read a command line; the password is better kept in
``~/.pgpass``, a service file or ``PGPASSWORD``, or asked for (``--ask-password``).
On a team project the coder defaults to the signed-in login (:func:`db.ops.coders.
default_coder_name`), the name the server's row-level security knows the person by.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import ProjectError

if TYPE_CHECKING:
    from db.project import Project

# SQLAlchemy and the models load when a command runs, not to build the parser or answer
# --help (tests/cli/test_search_cli.py: test_help_loads_no_database_layer)

METAVAR = "PROJECT"
HELP = ("a project file (.quire) or a team project's address "
        "(postgresql://USER@HOST:PORT/DATABASE)")


def project_target(text: str) -> Path | str:
    """argparse type of a project argument: the address of a team project (checked, kept
    as text) or the path of a project file."""
    from db.team.address import is_server_address, parse_address, redact

    if not is_server_address(text):
        return Path(text)
    try:
        parse_address(text)
    except ProjectError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if _has_password(text):
        print(f"quire: warning: the address {redact(text)} holds a password, which other "
              "users of this machine may see; keep it in ~/.pgpass instead",
              file=sys.stderr)
    return text


def server_address(text: str) -> str:
    """argparse type of an argument that must be a team project's address."""
    from db.team.address import is_server_address

    if not is_server_address(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a team project's address "
                                         "(postgresql://USER@HOST:PORT/DATABASE)")
    return str(project_target(text))


def _has_password(address: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(address.replace("postgres://", "postgresql://", 1)).password is not None
    except ArgumentError:
        return False


def add_project(parser: argparse.ArgumentParser, dest: str = "project") -> None:
    """Add the project argument (and ``--ask-password`` for a team project's password)."""
    parser.add_argument(dest, type=project_target, metavar=METAVAR, help=HELP)
    if "--ask-password" not in parser._option_string_actions:
        parser.add_argument("--ask-password", action="store_true",
                            help="for a team project: ask for the server password (else "
                                 "~/.pgpass, a service file or PGPASSWORD)")


def password(args: argparse.Namespace, target: Path | str) -> str | None:
    """The password typed at a prompt, with ``--ask-password`` for a team project."""
    from db.team.address import is_server_address, redact

    if not getattr(args, "ask_password", False) or not is_server_address(str(target)):
        return None
    return getpass.getpass(f"Password for {redact(str(target))}: ")


def open_project(args: argparse.Namespace, target: Path | str | None = None
                 ) -> Project:
    """Open the command's project (``args.project`` unless ``target``); on a team project
    ``args.login`` is the signed-in login, the coder a command writes as unless
    ``--coder`` says otherwise."""
    from db import project
    from db.ops.coders import default_coder_name

    target = args.project if target is None else target
    proj = project.open_any(target, password(args, target))
    if proj.path is None:
        with proj.sessions() as s:
            args.login = default_coder_name(s)
    return proj
