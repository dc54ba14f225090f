"""Team projects on a PostgreSQL server: addresses, engines, opening (DESIGN.md rule 8).

A team project is the same schema (the same Alembic migrations) in a PostgreSQL
database. Its address is a ``postgresql://`` URL; the password is never part of what
Quire stores or prints: it comes from libpq's usual places (``~/.pgpass``, a service
file, ``PGPASSWORD``) or is passed in by the window, kept only in memory.
Opening never migrates a server project: that is an explicit owner action.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from db import jsontext
from db.errors import ProjectError

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
DRIVER = "postgresql+psycopg"


def is_server_address(target: object) -> bool:
    """Whether ``target`` names a team project (a PostgreSQL URL) rather than a file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def parse_address(address: str, password: str | None = None) -> URL:
    """The SQLAlchemy URL (psycopg 3 driver) of a team project address."""
    try:
        url = make_url(address.replace("postgres://", "postgresql://", 1))
    except ArgumentError as exc:
        raise ProjectError(f"'{redact(address)}' is not a PostgreSQL address") from exc
    if not url.database and "service" not in url.query:  # a service file may name it
        raise ProjectError(f"{redact(address)}: the address names no database "
                           "(postgresql://HOST:PORT/DATABASE, or postgresql://?service=NAME "
                           "for a connection service file's entry)")
    url = url.set(drivername=DRIVER)
    return url.set(password=password) if password is not None else url


def redact(address: str | URL) -> str:
    """The address without its password, for messages, logs and settings."""
    try:
        url = address if isinstance(address, URL) else make_url(address)
    except ArgumentError:
        return "<an unreadable address>"
    # URL.set(password=None) keeps the password (None means "unchanged" there)
    return url._replace(password=None).render_as_string(hide_password=True).replace(
        "+psycopg", "")


def server_engine(address: str, password: str | None = None) -> Engine:
    """An engine on a team project's database; connections check they are alive first."""
    url = parse_address(address, password)
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4,
                         json_serializer=jsontext.dumps,
                         connect_args={"application_name": "quire", "connect_timeout": 10})


def conninfo(address: str, password: str | None = None) -> str:
    """The libpq connection string of an address (for a direct psycopg connection, such
    as the one that listens for changes); libpq still reads ``.pgpass`` and the rest."""
    from psycopg.conninfo import make_conninfo

    url = parse_address(address, password)
    params = {"host": url.host, "port": url.port, "dbname": url.database, "user": url.username,
              "password": url.password, **{k: v for k, v in url.query.items()
                                           if isinstance(v, str)}}
    return make_conninfo(**{k: v for k, v in params.items() if v not in (None, "")},
                         application_name="quire", connect_timeout=10)


class ServerError(ProjectError):
    """The server could not be reached, or refused (the message is the server's own)."""


def server_message(exc: BaseException) -> str:
    """The server's own sentence for a failure, without statement or parameters."""
    orig = getattr(exc, "orig", None) or exc
    diag = getattr(orig, "diag", None)
    text = (getattr(diag, "message_primary", None) or str(orig)).strip()
    for line in text.splitlines():  # libpq: 'connection failed: ... failed: FATAL:  why'
        if line.strip():
            return line.split("FATAL:")[-1].strip()
    return "the server refused"


_NOT_ALLOWED = ("permission denied", "row-level security")


def refusal(exc: BaseException) -> str:
    """What to tell a member whose action the server refused or could not finish (the
    transaction was rolled back): the server's sentence, and what a refusal by role means."""
    said = server_message(exc)
    if any(p in said for p in _NOT_ALLOWED):
        return (f"the server refused: {said}. Your role on this team project does not allow "
                "this change (ask the project's owner); nothing was changed")
    return f"the server said: {said}; nothing was changed"


@contextmanager
def server_errors(address: str | URL) -> Iterator[None]:
    """Turn a driver's failure into a :class:`ServerError` naming the address (never
    its password) and saying what the server said."""
    try:
        yield
    except DBAPIError as exc:
        raise ServerError(f"{redact(address)}: {server_message(exc)}") from None
