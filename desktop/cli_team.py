"""The team-project subcommands of ``quire``: ``server`` (init, upgrade, members, add,
remove, option), ``push`` and ``pull``.

A team project's address is a ``postgresql://USER@HOST:PORT/DATABASE`` URL. Passwords
are never command-line arguments (other users could read them in the process list):
they come from libpq's usual places (``~/.pgpass``, a service file, ``PGPASSWORD``), or
``--ask-password`` asks for one on the terminal. A new member's password is asked for
twice, or read from standard input with ``--password-stdin`` (for scripted class lists).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from db import project
from db.team import admin, members, transfer
from db.team.address import redact
from db.team.members import TeamError
from desktop.cli_output import emit, progress
from desktop.cli_project import password, server_address

COMMANDS = ("server", "push", "pull")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the team subcommands to ``quire``'s subparsers."""
    server = subparsers.add_parser("server", help="create and administer a team project on a "
                                                  "PostgreSQL server")
    sub = server.add_subparsers(required=True, metavar="ACTION")
    _add(sub, "init", "create a team project in an empty database", cmd_init,
         ("--name", {"default": "", "help": "the project's name"}))
    _add(sub, "upgrade", "upgrade a team project to this Quire, after a local backup",
         cmd_upgrade, ("--backup", {"type": Path, "required": True, "metavar": "FILE.quire"}))
    _add(sub, "members", "list the members, their roles and connections", cmd_members,
         ("--json", {"action": "store_true"}))
    _add(sub, "add", "add a member (a server login) with a role", cmd_add,
         ("login", {}), ("--role", {"choices": members.ROLES, "default": "coder"}),
         ("--password-stdin", {"action": "store_true", "help": "read the new member's "
                                                                "password from standard input"}),
         ("--no-password", {"action": "store_true", "help": "the login signs in without a "
                                                             "password (peer or certificate)"}))
    _add(sub, "remove", "take a member's role away", cmd_remove, ("login", {}))
    _add(sub, "option", "switch open_codebook (coders may edit the codebook) or blind "
                        "(coders see only their own coding)", cmd_option,
         ("option", {"choices": ("open_codebook", "blind")}), ("state", {"choices": ("on", "off")}))
    push = subparsers.add_parser("push", help="copy a project file onto an empty team project")
    push.add_argument("project", type=Path)
    _address(push)
    push.set_defaults(run=cmd_push)
    pull = subparsers.add_parser("pull", help="take a local copy of a team project")
    _address(pull)
    pull.add_argument("copy", type=Path, metavar="COPY.quire")
    pull.set_defaults(run=cmd_pull)


def _address(p: argparse.ArgumentParser) -> None:
    p.add_argument("address", metavar="URL", type=server_address,
                   help="postgresql://USER@HOST:PORT/DATABASE")
    p.add_argument("--ask-password", action="store_true",
                   help="ask for the server password instead of using .pgpass/PGPASSWORD")


def _add(sub, name, helptext, run, *arguments) -> None:
    p = sub.add_parser(name, help=helptext)
    _address(p)
    for flag, kw in arguments:
        p.add_argument(flag, **kw)
    p.set_defaults(run=run)


def _password(args: argparse.Namespace) -> str | None:
    return password(args, args.address)


def _new_password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"New password for {args.login}: ")
    if first != getpass.getpass("Again: "):
        raise TeamError("the two passwords differ; nothing was changed")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    name = args.name or args.address.rsplit("/", 1)[-1].split("?")[0]
    uuid = admin.init_project(args.address, name=name, password=_password(args))
    print(f"created team project '{name}' ({uuid}) at {redact(args.address)}")
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    backup = admin.upgrade_project(args.address, backup=args.backup, password=_password(args))
    print(f"backed up to {backup}; {redact(args.address)} is now at this Quire's schema")
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    with project.open_url(args.address, _password(args)) as p, p.sessions() as s:
        found = members.members(s.connection())
    emit(args, [m.__dict__ for m in found],
         [f"{m.login:20} {m.role:7} {'connected' if m.connected else ''}" for m in found]
         or "no members yet (quire server add URL LOGIN --role coder)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    new = _new_password(args)
    with project.open_url(args.address, _password(args)) as p, p.engine.begin() as conn:
        members.add_member(conn, login=args.login, role=args.role, password=new)
    article = "an" if args.role[0] in "aeiou" else "a"
    print(f"{args.login} is now {article} {args.role} of {redact(args.address)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with project.open_url(args.address, _password(args)) as p, p.engine.begin() as conn:
        members.remove_member(conn, login=args.login)
    print(f"{args.login} no longer has a role on {redact(args.address)}")
    return 0


def cmd_option(args: argparse.Namespace) -> int:
    admin.set_option(args.address, args.option, args.state == "on", password=_password(args))
    print(f"{args.option} is {args.state} for {redact(args.address)}")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    with project.open_url(args.address, _password(args)) as server:
        n = transfer.push(args.project, server.engine, redact(args.address), progress)
    print(f"\rpushed {args.project} ({n} rows) to {redact(args.address)}")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    with project.open_url(args.address, _password(args)) as server:
        n = transfer.pull(server.engine, args.copy, progress)
    print(f"\rpulled {redact(args.address)} into {args.copy} ({n} rows)")
    return 0
