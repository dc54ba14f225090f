"""Moving between a project file and a team project: push, pull, merge back, backup."""

import pytest
from sqlalchemy import select

from db import project
from db.errors import ProjectError
from db.merge import load_other, merge_bundle
from db.models import Base, Code, Coding, Excerpt, Memo, ProjectInfo
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.ops.memos import create_memo
from db.team.admin import upgrade_project
from db.team.members import TeamError
from db.team.transfer import pull, push
from tests.db.coding_support import add_source

TABLES = [t for t in Base.metadata.sorted_tables if t.name not in ("changes",)]


def _everything(p):
    with p.sessions() as s:
        return {t.name: sorted(tuple(r) for r in s.execute(select(t))) for t in TABLES}


@pytest.fixture
def study(tmp_path):
    """A project file with nested codes (a child made before its parent moved under
    it), a coded passage and a memo."""
    path = tmp_path / "study.quire"
    with project.create(path, name="Raqqa study") as p, p.session() as s:
        sid = add_source(s, "Water trucks came back to Raqqa. People queued all day.")
        child = create_code(s, name="Water").value
        parent = create_code(s, name="Services").value
        s.get(Code, child).parent_id = parent
        me = ensure_coder(s, name="hana").value
        eid = code_span(s, source_id=sid, start=0, end=12, code_id=child, coder_id=me).value
        create_memo(s, target="excerpt", target_id=eid, title="Trucks", body="UN or SDF?",
                    coder_id=me)
    return path


def test_push_then_pull_keeps_every_row_and_identity(study, team, tmp_path):
    url, _ = team
    with project.open_url(url) as server:
        push(study, server.engine, url)
    with project.open(study) as p:
        local = _everything(p)
    with project.open_url(url) as server:
        assert _everything(server) == local
        assert server.uuid == local["project"][0][1]
        copy = tmp_path / "copy.quire"
        pull(server.engine, copy)
    with project.open(copy) as p:
        assert _everything(p) == local


def test_new_rows_on_the_server_never_reuse_pushed_ids(study, team):
    url, _ = team
    with project.open_url(url) as server:
        push(study, server.engine, url)
        with server.session() as s:
            new = create_code(s, name="Fuel").value
            assert new > max(s.scalars(select(Code.id).where(Code.id != new)))


def test_push_refuses_a_project_that_already_has_work(study, team):
    url, _ = team
    with project.open_url(url) as server:
        push(study, server.engine, url)
        with pytest.raises(TeamError, match="already holds a project's work"):
            push(study, server.engine, url)


def test_a_pulled_copy_coded_offline_merges_back(study, team, tmp_path):
    url, _ = team
    copy = tmp_path / "fieldwork.quire"
    with project.open_url(url) as server:
        push(study, server.engine, url)
        pull(server.engine, copy)
    with project.open(copy) as p, p.session() as s:  # on the train
        code = s.scalar(select(Code.id).where(Code.name == "Water"))
        sid = s.scalar(select(Excerpt.source_id))
        me = ensure_coder(s, name="hana").value
        code_span(s, source_id=sid, start=33, end=55, code_id=code, coder_id=me)
    bundle = load_other(copy)
    with project.open_url(url) as server:
        with server.session() as s:
            merge_bundle(s, bundle=bundle)
        with server.sessions() as s:
            assert len(s.scalars(select(Coding.id)).all()) == 2
            assert len(s.scalars(select(Memo.id)).all()) == 1


def test_an_upgrade_writes_a_backup_that_opens(study, team, tmp_path):
    url, _ = team
    with project.open_url(url) as server:
        push(study, server.engine, url)
    backup = upgrade_project(url, backup=tmp_path / "before-upgrade.quire")
    with project.open(backup) as p, p.sessions() as s:
        assert s.scalar(select(ProjectInfo.name)) == "Raqqa study"
        assert s.scalar(select(Memo.title)) == "Trucks"
    with pytest.raises(TeamError, match="already exists"):
        upgrade_project(url, backup=backup)


def test_a_project_from_before_change_authors_upgrades_and_then_records_them(scram, team,
                                                                             tmp_path):
    """A team project made at revision 0003 (no author in the change log) is refused until
    its owner upgrades it; then the server writes who made each change."""
    from sqlalchemy import create_engine, func

    from db import __version__
    from db.models import Change, new_uuid
    from db.team import schema

    url = scram.url(scram.new_database())
    engine = create_engine(url)
    try:
        project._upgrade(engine, "0003")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO project (uuid, name, description, created_at, created_by_version, "
                f"settings, version) VALUES ('{new_uuid()}', 'Old', '', now(), '{__version__}', "
                "'{}', 1)")
            conn.exec_driver_sql("INSERT INTO changes (entity, entity_id, action, at) "
                                 "VALUES ('codes', 1, 'upsert', now())")
            schema.install(conn)
    finally:
        engine.dispose()
    with pytest.raises(ProjectError, match="quire server upgrade"):
        project.open_url(url)
    upgrade_project(url, backup=tmp_path / "old.quire")
    with project.open_url(url) as p:
        with p.session() as s:
            code = create_code(s, name="After").value
        with p.sessions() as s:
            authors = dict(s.execute(select(Change.entity_id, Change.author)
                                     .where(Change.entity == "codes")).all())
            assert s.scalar(select(func.count(Change.seq))) == 2
    assert authors == {1: None, code: "postgres"}
