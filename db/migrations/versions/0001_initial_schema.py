"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 07:28:28.014668
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "changes",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_changes")),
    )
    op.create_table(
        "coders",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("color", sa.String(length=9), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coders")),
        sa.UniqueConstraint("name", name=op.f("uq_coders_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_coders_uuid")),
    )
    op.create_table(
        "column_mappings",
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_column_mappings")),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_version", sa.String(length=40), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("uuid", name=op.f("uq_project_uuid")),
    )
    op.create_table(
        "references",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("csl", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_references")),
        sa.UniqueConstraint("key", name=op.f("uq_references_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_references_uuid")),
    )
    op.create_table(
        "saved_searches",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_searches_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_saved_searches_uuid")),
    )
    op.create_table(
        "codes",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("color", sa.String(length=9), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_codes_coder_id_coders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["codes.id"], name=op.f("fk_codes_parent_id_codes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_codes_parent_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_codes_uuid")),
    )
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codes_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "imports",
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_imports_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("uuid", name=op.f("uq_imports_uuid")),
    )
    op.create_table(
        "collections",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_collections_import_id_imports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["collections.id"],
            name=op.f("fk_collections_parent_id_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_collections_parent_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_collections_uuid")),
    )
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collections_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "sources",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("site_name", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("published", sa.DateTime(), nullable=True),
        sa.Column("post_id", sa.String(length=200), nullable=True),
        sa.Column("reply_to_id", sa.String(length=200), nullable=False),
        sa.Column("thread_id", sa.String(length=200), nullable=False),
        sa.Column("is_repost", sa.Boolean(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=True),
        sa.Column("reposts", sa.Integer(), nullable=True),
        sa.Column("replies", sa.Integer(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("csl", sa.JSON(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.CheckConstraint("kind in ('article', 'post')", name=op.f("ck_sources_kind")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_sources_import_id_imports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["references.id"],
            name=op.f("fk_sources_reference_id_references"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("platform", "post_id", name=op.f("uq_sources_platform")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sources_uuid")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index("ix_sources_author", ["author"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_file_hash"), ["file_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_published"), ["published"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_text_hash"), ["text_hash"], unique=False)
        batch_op.create_index("ix_sources_title", ["title"], unique=False)

    op.create_table(
        "excerpts",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("color", sa.String(length=9), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.CheckConstraint('0 <= start AND start < "end"', name=op.f("ck_excerpts_span")),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_excerpts_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_excerpts_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_excerpts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_excerpts_uuid")),
    )
    with op.batch_alter_table("excerpts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_excerpts_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_excerpts_source_id"), ["source_id"], unique=False)

    op.create_table(
        "footnotes",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.CheckConstraint('0 <= "offset" AND "offset" <= "end"', name=op.f("ck_footnotes_span")),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_footnotes_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footnotes")),
        sa.UniqueConstraint("uuid", name=op.f("uq_footnotes_uuid")),
    )
    with op.batch_alter_table("footnotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_footnotes_source_id"), ["source_id"], unique=False)

    op.create_table(
        "source_collections",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_source_collections_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_collections_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "collection_id", name=op.f("pk_source_collections")),
    )
    with op.batch_alter_table("source_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_collections_collection_id"), ["collection_id"], unique=False
        )

    op.create_table(
        "citations",
        sa.Column("excerpt_id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=True),
        sa.Column("footnote_id", sa.Integer(), nullable=True),
        sa.Column("locator_label", sa.String(length=40), nullable=False),
        sa.Column("locator", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_citations_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["excerpt_id"],
            ["excerpts.id"],
            name=op.f("fk_citations_excerpt_id_excerpts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["footnote_id"],
            ["footnotes.id"],
            name=op.f("fk_citations_footnote_id_footnotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["references.id"],
            name=op.f("fk_citations_reference_id_references"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citations")),
        sa.UniqueConstraint("uuid", name=op.f("uq_citations_uuid")),
    )
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citations_excerpt_id"), ["excerpt_id"], unique=False)

    op.create_table(
        "codings",
        sa.Column("excerpt_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_codings_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_codings_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["excerpt_id"],
            ["excerpts.id"],
            name=op.f("fk_codings_excerpt_id_excerpts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codings")),
        sa.UniqueConstraint(
            "excerpt_id", "code_id", "coder_id", name=op.f("uq_codings_excerpt_id")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_codings_uuid")),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codings_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_excerpt_id"), ["excerpt_id"], unique=False)

    op.create_table(
        "memos",
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("excerpt_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "(target = 'project' AND collection_id IS NULL AND source_id IS NULL AND code_id IS NULL AND excerpt_id IS NULL) OR (target = 'collection' AND collection_id IS NOT NULL) OR (target = 'source' AND source_id IS NOT NULL) OR (target = 'code' AND code_id IS NOT NULL) OR (target = 'excerpt' AND excerpt_id IS NOT NULL)",
            name=op.f("ck_memos_target"),
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_memos_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coders.id"], name=op.f("fk_memos_coder_id_coders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_memos_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["excerpt_id"],
            ["excerpts.id"],
            name=op.f("fk_memos_excerpt_id_excerpts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_memos_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
        sa.UniqueConstraint("uuid", name=op.f("uq_memos_uuid")),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memos_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_collection_id"), ["collection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_excerpt_id"), ["excerpt_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_source_id"), ["source_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memos_source_id"))
        batch_op.drop_index(batch_op.f("ix_memos_excerpt_id"))
        batch_op.drop_index(batch_op.f("ix_memos_collection_id"))
        batch_op.drop_index(batch_op.f("ix_memos_code_id"))

    op.drop_table("memos")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codings_excerpt_id"))
        batch_op.drop_index(batch_op.f("ix_codings_code_id"))

    op.drop_table("codings")
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citations_excerpt_id"))

    op.drop_table("citations")
    with op.batch_alter_table("source_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_collections_collection_id"))

    op.drop_table("source_collections")
    with op.batch_alter_table("footnotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footnotes_source_id"))

    op.drop_table("footnotes")
    with op.batch_alter_table("excerpts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_excerpts_source_id"))
        batch_op.drop_index(batch_op.f("ix_excerpts_coder_id"))

    op.drop_table("excerpts")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index("ix_sources_title")
        batch_op.drop_index(batch_op.f("ix_sources_text_hash"))
        batch_op.drop_index(batch_op.f("ix_sources_published"))
        batch_op.drop_index(batch_op.f("ix_sources_import_id"))
        batch_op.drop_index(batch_op.f("ix_sources_file_hash"))
        batch_op.drop_index("ix_sources_author")

    op.drop_table("sources")
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collections_parent_id"))

    op.drop_table("collections")
    op.drop_table("imports")
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codes_parent_id"))

    op.drop_table("codes")
    op.drop_table("saved_searches")
    op.drop_table("references")
    op.drop_table("project")
    op.drop_table("column_mappings")
    op.drop_table("coders")
    op.drop_table("changes")
