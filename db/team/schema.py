"""What a PostgreSQL server enforces for a team project, besides the tables themselves.

The tables come from the same Alembic migrations as a project file; this module adds,
in the project's database, what only a server can do (DESIGN.md rule 8):

- three group roles per project, ``quire_<database>_owner``, ``_coder`` and ``_reader``
  (each a member of the next: an owner can do what a coder can), with table grants;
- row-level security: everyone reads the sources; coders add and change only their
  own excerpts, codings, memos, citations and undo history; codebook changes are the
  owner's unless the owner opens the codebook (``open_codebook``); in a blind class
  exercise (``blind``) coders see only their own coding until the owner reveals it;
- the change log in commit order and a notification when it grows: every transaction
  that writes the log takes one transaction-level advisory lock first, so sequence
  numbers are handed out in commit order and a client that has read up to ``seq`` never
  later finds a smaller one; ``NOTIFY quire_changes`` tells listening clients at commit.

Everything here is idempotent (``CREATE OR REPLACE``, policies dropped and created), so
:func:`install` runs again after every server upgrade.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text

ROLES = ("owner", "coder", "reader")
CHANNEL = "quire_changes"
CHANGE_LOCK = 0x71756972  # the advisory lock key that orders change-log writers ("quir")

# Tables whose rows belong to the coder who made them (column ``coder_id``).
PERSONAL = ("excerpts", "codings", "memos", "citations")
# Tables a coder may write at all (row-level security narrows it further).
CODER_WRITES = (*PERSONAL, "coders", "codes", "references", "changes", "saved_searches")
# Settings (in the project row) that the owner switches.
SETTINGS = ("open_codebook", "blind")


def role_name(database: str, role: str) -> str:
    """The server role that gives ``role`` ("owner", "coder", "reader") on a project."""
    name = f"quire_{database}_{role}"
    if len(name.encode()) <= 63:  # PostgreSQL's identifier limit
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:10]
    return f"quire_{database[:30]}_{digest}_{role}"


def quote(identifier: str) -> str:
    """``identifier`` as a quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def install(conn: Connection) -> None:
    """Create or refresh roles, grants, policies and triggers in the connected database."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    roles = {r: role_name(database, r) for r in ROLES}
    for statement in (*_role_statements(database, roles), *_function_statements(roles),
                      *_grant_statements(conn, roles), *_policy_statements(conn),
                      *_trigger_statements()):
        conn.execute(text(statement))


def _role_statements(database: str, roles: dict[str, str]) -> list[str]:
    out = [f"DO $$ BEGIN CREATE ROLE {quote(name)} NOLOGIN; "
           f"EXCEPTION WHEN duplicate_object THEN NULL; END $$" for name in roles.values()]
    out += [f"GRANT {quote(roles['reader'])} TO {quote(roles['coder'])}",
            f"GRANT {quote(roles['coder'])} TO {quote(roles['owner'])}",
            f"REVOKE ALL ON DATABASE {quote(database)} FROM PUBLIC",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {quote(database)} TO {quote(roles['reader'])}",
            f"GRANT ALL ON DATABASE {quote(database)} TO {quote(roles['owner'])}"]
    return out


def _function_statements(roles: dict[str, str]) -> list[str]:
    owner = roles["owner"].replace("'", "''")
    return [
        "CREATE OR REPLACE FUNCTION quire_me() RETURNS integer LANGUAGE sql STABLE AS "
        "$$ SELECT id FROM coders WHERE name = session_user $$",
        "CREATE OR REPLACE FUNCTION quire_is_owner() RETURNS boolean LANGUAGE sql STABLE AS "
        f"$$ SELECT pg_has_role(session_user, '{owner}', 'MEMBER') $$",
        "CREATE OR REPLACE FUNCTION quire_setting(key text) RETURNS boolean LANGUAGE sql "
        "STABLE AS $$ SELECT coalesce((SELECT (settings::jsonb ->> key)::boolean "
        "FROM project ORDER BY id LIMIT 1), false) $$",
    ]


def _tables(conn: Connection) -> list[str]:
    return list(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    ).scalars())


def _grant_statements(conn: Connection, roles: dict[str, str]) -> list[str]:
    reader, coder, owner = (quote(roles[r]) for r in ("reader", "coder", "owner"))
    tables = set(_tables(conn))
    writes = [t for t in (*CODER_WRITES, "history") if t in tables]
    return [
        f"GRANT USAGE ON SCHEMA public TO {reader}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {coder}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(quote(t) for t in writes)} TO {coder}",
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {owner}",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {owner}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {reader}",
    ]


def _policy_statements(conn: Connection) -> list[str]:
    tables = set(_tables(conn))
    mine = "quire_is_owner() OR coder_id = quire_me()"
    policies = {t: {"read": f"{mine} OR NOT quire_setting('blind')", "write": mine}
                for t in PERSONAL}
    policies["codes"] = {"read": "true",
                         "write": "quire_is_owner() OR quire_setting('open_codebook')"}
    policies["coders"] = {"read": "true", "write": "quire_is_owner() OR name = session_user"}
    if "history" in tables:
        policies["history"] = {"read": mine, "write": mine}
    out: list[str] = []
    for table, rule in policies.items():
        out += _policies_for(table, rule["read"], rule["write"])
    return out


def _policies_for(table: str, read: str, write: str) -> list[str]:
    t = quote(table)
    out = [f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"]
    for name in ("quire_read", "quire_insert", "quire_update", "quire_delete"):
        out.append(f"DROP POLICY IF EXISTS {name} ON {t}")
    return out + [
        f"CREATE POLICY quire_read ON {t} FOR SELECT USING ({read})",
        f"CREATE POLICY quire_insert ON {t} FOR INSERT WITH CHECK ({write})",
        f"CREATE POLICY quire_update ON {t} FOR UPDATE USING ({write}) WITH CHECK ({write})",
        f"CREATE POLICY quire_delete ON {t} FOR DELETE USING ({write})",
    ]


def _trigger_statements() -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION quire_changes_lock() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN PERFORM pg_advisory_xact_lock({CHANGE_LOCK}); RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION quire_changes_notify() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS quire_changes_order ON changes",
        "CREATE TRIGGER quire_changes_order BEFORE INSERT ON changes "
        "FOR EACH STATEMENT EXECUTE FUNCTION quire_changes_lock()",
        "DROP TRIGGER IF EXISTS quire_changes_notify ON changes",
        "CREATE TRIGGER quire_changes_notify AFTER INSERT ON changes "
        "FOR EACH STATEMENT EXECUTE FUNCTION quire_changes_notify()",
    ]


def lock_change_log(conn: Connection) -> None:
    """Take the change-log lock now (at the start of a write transaction), so that a
    transaction never holds row locks while it waits for it (no deadlock)."""
    conn.execute(text(f"SELECT pg_advisory_xact_lock({CHANGE_LOCK})"))
