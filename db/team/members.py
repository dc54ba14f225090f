"""The people of a team project: their server logins, their roles, who is connected.

A member is a PostgreSQL login role that belongs to one of the project's group roles
(:mod:`db.team.schema`). Adding a member with a password sends the server only the
SCRAM verifier computed by libpq on this machine, never the password itself, so it
cannot turn up in the server's logs or statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from db.errors import ProjectError
from db.team.schema import ROLES, quote, role_name


class TeamError(ProjectError):
    """A team project cannot do what was asked (a role, a member, the server)."""


@dataclass
class Member:
    """A person with a role on the project, and whether they are connected now."""

    login: str
    role: str
    connected: int = 0  # open connections from Quire


def _database(conn: Connection) -> str:
    return conn.execute(text("SELECT current_database()")).scalar_one()


def add_member(conn: Connection, *, login: str, role: str,
               password: str | None = None) -> None:
    """Give ``login`` the ``role`` on this project, creating the login if needed (with
    ``password``, or none: then it signs in as the server's authentication allows)."""
    if role not in ROLES:
        raise TeamError(f"a member is an {', a '.join(ROLES)}, not '{role}'")
    if not login.strip() or len(login.encode()) > 63:
        raise TeamError("a login name has 1 to 63 characters")
    database = _database(conn)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login})
    if exists.first() is None:
        conn.execute(text(f"CREATE ROLE {quote(login)} LOGIN"))
    if password is not None:
        # no bind parameters: the verifier's ":" and "%" must reach the server as they are
        conn.exec_driver_sql(f"ALTER ROLE {quote(login)} PASSWORD "
                             f"'{_verifier(conn, login, password)}'")
    for other in ROLES:
        conn.execute(text(f"REVOKE {quote(role_name(database, other))} FROM {quote(login)}"))
    conn.execute(text(f"GRANT {quote(role_name(database, role))} TO {quote(login)}"))


def _verifier(conn: Connection, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for ``login``, computed by libpq."""
    pgconn = conn.connection.dbapi_connection.pgconn
    return pgconn.encrypt_password(password.encode(), login.encode(),
                                   b"scram-sha-256").decode()


def remove_member(conn: Connection, *, login: str) -> None:
    """Take every role on this project away from ``login`` (the login itself stays)."""
    database = _database(conn)
    for role in ROLES:
        conn.execute(text(f"REVOKE {quote(role_name(database, role))} FROM {quote(login)}"))


def members(conn: Connection) -> list[Member]:
    """Everyone with a role on this project, highest role first, with their connections."""
    database = _database(conn)
    out: list[Member] = []
    for role in ROLES:
        rows = conn.execute(text(
            "SELECT r.rolname, (SELECT count(*) FROM pg_stat_activity a "
            " WHERE a.usename = r.rolname AND a.datname = current_database() "
            " AND a.application_name = 'quire') "
            "FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
            "JOIN pg_roles g ON g.oid = m.roleid "
            "WHERE g.rolname = :g AND r.rolcanlogin ORDER BY r.rolname"),
            {"g": role_name(database, role)})
        seen = {m.login for m in out}
        out += [Member(login, role, n) for login, n in rows if login not in seen]
    return out


def my_role(conn: Connection) -> str | None:
    """The highest role the connected user has on this project (None: no role at all).
    A superuser, or whoever owns the tables, counts as the owner."""
    database = _database(conn)
    for role in ROLES:
        held = conn.execute(text("SELECT pg_has_role(session_user, :g, 'MEMBER')"),
                            {"g": role_name(database, role)}).scalar_one()
        if held:
            return role
    return None
