"""Revision 0003: ids never reused, a version on every row, the history table; a file from
before it is migrated without losing a row, and ends up with the same schema as a new one."""

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from db import project
from db.models import Base, Excerpt, Source
from db.state import TABLES
from tests.db.coding_support import add_source


def _file_at(path, revision: str):
    """A project file migrated only up to ``revision``."""
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id={project.APPLICATION_ID}")
    con.close()
    engine = project.sqlite_engine(path)
    project._upgrade(engine, revision)
    engine.dispose()


def test_the_migrations_give_what_the_models_say(proj):
    with proj.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_a_file_from_before_0003_keeps_every_row_and_never_reuses_an_id(tmp_path):
    path = tmp_path / "old.quire"
    _file_at(path, "0002")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    con.executescript("""
        INSERT INTO project (uuid, name, description, created_at, created_by_version, settings)
            VALUES ('p', 'Old', '', '2020-01-01', '', '{}');
        INSERT INTO sources (uuid, kind, title, text, length, text_hash, file_hash, file_name,
            format, author, handle, platform, site_name, url, language, reply_to_id,
            thread_id, is_repost, hashtags, mentions, links, extra, csl, added_at)
            VALUES ('s1', 'article', 'a', 'abc', 3, 'h1', '', '', '', '', '', '', '', '', '',
                    '', '', 0, '[]', '[]', '[]', '{}', '{}', '2020-01-01'),
                   ('s2', 'article', 'b', 'abcd', 4, 'h2', '', '', '', '', '', '', '', '', '',
                    '', '', 0, '[]', '[]', '[]', '{}', '{}', '2020-01-01');
        INSERT INTO excerpts (uuid, source_id, start, "end", color, created_at)
            VALUES ('e1', 1, 0, 2, '#ff0000', '2020-01-01');
        INSERT INTO memos (uuid, target, source_id, title, body, created_at, updated_at)
            VALUES ('m1', 'source', 1, '', 'kept', '2020-01-01', '2020-01-01');
        DELETE FROM sources WHERE id = 2;
        INSERT INTO changes (entity, entity_id, action, at)
            VALUES ('sources', 2, 'delete', '2020-01-01');
    """)
    con.commit()
    con.close()
    with project.open(path) as proj:  # backs the file up, then migrates it
        with proj.sessions() as s:
            assert [(x.id, x.uuid, x.version) for x in s.scalars(select(Source))] == [
                (1, "s1", 1)]
            assert s.get(Excerpt, 1).color == "#ff0000"
        with proj.session() as s:
            fresh = add_source(s, "a new text")
        assert fresh == 3  # not 2: the id of a row deleted before is never given again
        with proj.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("SELECT count(*) FROM memos").scalar() == 1
    assert list(tmp_path.glob("old.before-0002-*.quire"))


def test_every_entity_table_has_autoincrement_and_a_version(proj):
    if proj.path is None:
        return  # PostgreSQL's sequences never give a value twice
    con = sqlite3.connect(proj.path)
    sql = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    con.close()
    for table in TABLES:
        if "id" in table.c:
            assert "AUTOINCREMENT" in sql[table.name], table.name
            assert "version" in table.c, table.name
