"""Who is on a team project now, who coded what, and the options the owner switched.

Read-only queries for the window's Team pane (and any command that wants them). What a
person may see follows the server's rules: a coder in a blind class exercise counts
only their own coding, since row-level security hides the rest from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from db.models import Coder, Coding, Excerpt, ProjectInfo
from db.team.schema import SETTINGS


@dataclass
class Presence:
    """One login connected to the project from Quire, with how many connections."""

    login: str
    connections: int


@dataclass
class CoderWork:
    """How much one coder has coded (what the reader of the figures may see)."""

    coder: str
    excerpts: int
    codings: int


def connected(conn: Connection) -> list[Presence]:
    """The logins connected to this project's database from Quire now, by name.

    Any member may ask: the server shows everyone the user and program of a connection
    (not what it is doing)."""
    rows = conn.execute(text(
        "SELECT usename, count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = 'quire' "
        "AND usename IS NOT NULL GROUP BY usename ORDER BY usename"))
    return [Presence(login, n) for login, n in rows]


def coded_by(session: Session) -> list[CoderWork]:
    """Excerpts and codings per coder, most codings first (coders with none left out)."""
    excerpts = dict(session.execute(
        select(Excerpt.coder_id, func.count(Excerpt.id)).group_by(Excerpt.coder_id)).all())
    codings = dict(session.execute(
        select(Coding.coder_id, func.count(Coding.id)).group_by(Coding.coder_id)).all())
    names = dict(session.execute(select(Coder.id, Coder.name)).all())
    out = [CoderWork(names.get(cid, "(unknown coder)") if cid is not None else "(no coder)",
                     excerpts.get(cid, 0), codings.get(cid, 0))
           for cid in set(excerpts) | set(codings)]
    return sorted(out, key=lambda w: (-w.codings, -w.excerpts, w.coder))


def options(session: Session) -> dict[str, bool]:
    """The server-enforced options (``open_codebook``, ``blind``), each on or off."""
    stored = session.scalar(select(ProjectInfo.settings).order_by(ProjectInfo.id)) or {}
    return {name: bool(stored.get(name, False)) for name in SETTINGS}


def login(conn: Connection) -> str:
    """The database user this connection signed in as (a team member's coder name)."""
    return conn.execute(text("SELECT session_user")).scalar_one()
