"""memos survive the deletion of what they are on (orphaned memos)

A memo whose collection, source, code or excerpt is deleted is kept, detached: its
foreign key is cleared and ``detached_from`` records what it was on. The target check
allows that state; the foreign keys keep ON DELETE CASCADE for rows deleted outside
Quire's operations.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NO_TARGET = ("collection_id IS NULL AND source_id IS NULL AND code_id IS NULL"
              " AND excerpt_id IS NULL")
_ATTACHED = (
    " OR (target = 'collection' AND collection_id IS NOT NULL)"
    " OR (target = 'source' AND source_id IS NOT NULL)"
    " OR (target = 'code' AND code_id IS NOT NULL)"
    " OR (target = 'excerpt' AND excerpt_id IS NOT NULL)")
NEW_CHECK = (f"(target = 'project' AND {_NO_TARGET} AND detached_from IS NULL)" + _ATTACHED
             + f" OR (target <> 'project' AND {_NO_TARGET} AND detached_from IS NOT NULL)")
OLD_CHECK = f"(target = 'project' AND {_NO_TARGET})" + _ATTACHED


def upgrade() -> None:
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_memos_target"), type_="check")
        batch_op.add_column(sa.Column("detached_from", sa.Text(), nullable=True))
        batch_op.create_check_constraint(batch_op.f("ck_memos_target"), NEW_CHECK)


def downgrade() -> None:
    # Orphaned memos cannot satisfy the old check: they go, as 0001 would have had it.
    op.execute("DELETE FROM memos WHERE detached_from IS NOT NULL")
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_memos_target"), type_="check")
        batch_op.drop_column("detached_from")
        batch_op.create_check_constraint(batch_op.f("ck_memos_target"), OLD_CHECK)
