"""who wrote each change-log entry

``changes.author`` names who made a change, so that an edit or an undo refused because
someone else changed the row first can say who did (:mod:`db.conflicts`). On a team
project the server fills it in itself, with the signed-in login (``session_user``), so
no client can write it for someone else; in a project file it stays empty (there the
history says whose steps they were).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    server = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("changes") as batch_op:
        batch_op.add_column(sa.Column(
            "author", sa.String(length=63), nullable=True,
            server_default=sa.text("session_user") if server else None))


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch_op:
        batch_op.drop_column("author")
