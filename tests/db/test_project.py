"""Creating, opening, migrating and refusing project files."""

import shutil
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from db import project
from db.errors import NewerProjectError, NotAProjectError, ProjectError
from db.models import Code, Collection, Memo, ProjectInfo, Source


def test_core_and_cli_do_not_import_qt():
    code = ("import sys, db.importing, db.queries.sources, db.sample, desktop.cli; "
            "sys.exit('PySide6' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_new_project_is_wal_with_foreign_keys(tmp_path):
    with project.create(tmp_path / "a") as p:
        assert p.path.name == "a.quire"
        with p.engine.connect() as c:
            assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert len(p.uuid) == 36 and p.name == "a"


def test_reopen_keeps_identity(tmp_path):
    with project.create(tmp_path / "a.quire", name="Raqqa study") as p:
        uuid = p.uuid
    with project.open(tmp_path / "a.quire") as p:
        assert (p.uuid, p.name) == (uuid, "Raqqa study")


def test_create_refuses_existing_file(tmp_path):
    (tmp_path / "a.quire").write_text("x")
    with pytest.raises(ProjectError, match="already exists"):
        project.create(tmp_path / "a.quire")


@pytest.mark.parametrize("content", [b"", b"hello world, not sqlite at all"])
def test_open_refuses_non_projects(tmp_path, content):
    f = tmp_path / "x.quire"
    f.write_bytes(content)
    with pytest.raises(NotAProjectError, match="not a Quire project"):
        project.open(f)


def test_open_refuses_foreign_sqlite(tmp_path):
    f = tmp_path / "other.quire"
    con = sqlite3.connect(f)
    con.execute("create table t (x)")
    con.commit()
    con.close()
    with pytest.raises(NotAProjectError):
        project.open(f)


def test_open_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="no such file"):
        project.open(tmp_path / "missing.quire")


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.quire"
    project.create(path).close()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num = 'f00dfeed9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NewerProjectError, match="newer version of Quire"):
        project.open(path)
    assert path.read_bytes() == before


NEXT_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "0999"
down_revision = "{head}"


def upgrade():
    with op.batch_alter_table("sources") as b:
        b.add_column(sa.Column("future", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("sources") as b:
        b.drop_column("future")
"""


def test_older_schema_is_backed_up_then_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.quire"
    with project.create(path, name="Old") as p:
        uuid = p.uuid
    # A Quire one release ahead: the same migrations plus one more revision.
    future = tmp_path / "migrations"
    shutil.copytree(project._MIGRATIONS, future)
    head = project.head_revision()
    (future / "versions" / "0999_future.py").write_text(NEXT_REVISION.format(head=head))
    monkeypatch.setattr(project, "_MIGRATIONS", future)
    with project.open(path) as p:
        assert (p.uuid, p.name) == (uuid, "Old")
    backups = list(tmp_path.glob("old.before-*.quire"))
    assert [b.name.split("-")[1] for b in backups] == [head]
    con = sqlite3.connect(path)
    assert con.execute("select version_num from alembic_version").fetchone()[0] == "0999"
    assert "future" in [r[1] for r in con.execute("pragma table_info(sources)")]
    con.close()
    con = sqlite3.connect(backups[0])  # the backup is the file as it was
    assert con.execute("select version_num from alembic_version").fetchone()[0] == head
    con.close()


def test_every_entity_gets_a_uuid_and_changes_are_logged(proj):
    with proj.session() as s:
        c = Code(name="Displacement")
        s.add_all([c, Collection(name="Tweets")])
        s.flush()
        s.add(Memo(target="code", code_id=c.id, body="people leaving"))
    with proj.sessions() as s:
        assert all(len(x.uuid) == 36 for x in s.scalars(select(Code)))
        logged = s.execute(text("select entity, action from changes order by seq")).all()
    assert ("codes", "upsert") in logged and ("memos", "upsert") in logged


def test_memo_target_constraint(proj):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), proj.session() as s:
        s.add(Memo(target="source", body="on nothing"))


def test_foreign_keys_cascade(proj):
    with proj.session() as s:
        src = Source(kind="article", text="abc", length=3, text_hash="h")
        s.add(src)
        s.flush()
        s.add(Memo(target="source", source_id=src.id, body="x"))
    with proj.session() as s:
        s.execute(text("delete from sources"))
    with proj.sessions() as s:
        assert s.scalars(select(Memo)).all() == []
        assert s.scalars(select(ProjectInfo)).one()
