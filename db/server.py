"""Team projects on a PostgreSQL server: addresses, engines, opening (DESIGN.md rule 8).

A team project is the same schema (the same Alembic migrations) in a PostgreSQL
database. Its address is a ``postgresql://`` URL; the password is never part of what
Quire stores or prints: it comes from libpq's usual places (``~/.pgpass``, a service
file, ``PGPASSWORD``) or is passed in by the window, kept only in memory.
Opening never migrates a server project: that is an explicit owner action.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

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
    if not url.database:
        raise ProjectError(f"{redact(address)}: the address names no database "
                           "(postgresql://HOST:PORT/DATABASE)")
    url = url.set(drivername=DRIVER)
    return url.set(password=password) if password is not None else url


def redact(address: str | URL) -> str:
    """The address without its password, for messages, logs and settings."""
    try:
        url = address if isinstance(address, URL) else make_url(address)
    except ArgumentError:
        return "<an unreadable address>"
    return url.set(password=None).render_as_string(hide_password=True).replace(
        "+psycopg", "")


def server_engine(address: str, password: str | None = None) -> Engine:
    """An engine on a team project's database; connections check they are alive first."""
    url = parse_address(address, password)
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4,
                         connect_args={"application_name": "quire", "connect_timeout": 10})
