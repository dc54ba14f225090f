"""ids never reused, row versions, and the undo history in the project

Every entity table gets a ``version`` (1 on insert, one more on every update: team
projects refuse the later of two edits, undo refuses to overwrite what changed since)
and, on SQLite, AUTOINCREMENT, so that a deleted row's id is never given to a new row
(undo and redo restore rows by id). SQLite can add AUTOINCREMENT only by recreating a
table, so this revision recreates them all (``db.project`` turns foreign keys off while
it runs and checks them before it commits). PostgreSQL's sequences never reuse a value:
there the columns are simply added. The ``history`` table holds each coder's undo
steps (``db.history``).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ENTITIES = ("project", "imports", "collections", "sources", "footnotes", "coders", "codes",
            "excerpts", "codings", "memos", "references", "citations", "saved_searches")


def _recreate() -> str:
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    for name in ENTITIES:
        with op.batch_alter_table(name, recreate=_recreate(),
                                  table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                          nullable=False))
    with op.batch_alter_table("changes", recreate=_recreate(),
                              table_kwargs={"sqlite_autoincrement": True}):
        pass
    if op.get_bind().dialect.name == "sqlite":
        _seed_sequences()
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("seq_first", sa.Integer(), nullable=True),
        sa.Column("seq_last", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("expect", sa.LargeBinary(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
        sa.UniqueConstraint("uuid", name=op.f("uq_history_uuid")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_history_coder_id"), "history", ["coder_id"], unique=False)


def _seed_sequences() -> None:
    """Start each table's ids above every id the change log has seen, so that not even a
    row deleted before this revision gives its id to a new one."""
    conn = op.get_bind()
    for name in ENTITIES:
        top = conn.exec_driver_sql(
            f'SELECT max(coalesce((SELECT max(id) FROM "{name}"), 0), coalesce((SELECT '
            f"max(entity_id) FROM changes WHERE entity = '{name}'), 0))").scalar()
        conn.exec_driver_sql(f"DELETE FROM sqlite_sequence WHERE name = '{name}'")
        conn.exec_driver_sql(f"INSERT INTO sqlite_sequence (name, seq) VALUES ('{name}', {top})")


def downgrade() -> None:
    op.drop_index(op.f("ix_history_coder_id"), table_name="history")
    op.drop_table("history")
    for name in ENTITIES:
        with op.batch_alter_table(name, recreate=_recreate()) as batch_op:
            batch_op.drop_column("version")
