"""Team projects on a real PostgreSQL server with passwords: creating one, members and
their roles, and what the server itself refuses (grants and row-level security)."""

import pytest
from sqlalchemy import func, select, text

from db import project
from db.errors import NewerProjectError, NotAProjectError, ProjectError
from db.models import Code, Excerpt, ProjectInfo
from db.ops.coders import ensure_coder
from db.ops.codes import create_code, rename_code
from db.ops.coding import code_span
from db.team import members as team_members
from db.team.address import redact
from db.team.admin import init_project, set_option
from db.team.members import TeamError
from tests.db.coding_support import add_source
from tests.postgres_support import allow


def _as(url, login):
    """The team project's address for another member (the password comes from .pgpass)."""
    return url.replace("postgresql+psycopg://postgres@", f"postgresql://{login}@")


def _add(url, login, role, pgpass, port):
    with project.open_url(url) as owner, owner.engine.begin() as conn:
        team_members.add_member(conn, login=login, role=role, password=f"pw-{login}")
    allow(pgpass, port, login, f"pw-{login}")


@pytest.fixture
def classroom(team, scram):
    """A project with one source and a code, an owner and two coders and a reader."""
    url, pgpass = team
    with project.open_url(url) as p, p.session() as s:
        sid = add_source(s, "The convoy reached the camp at dawn. Nobody spoke.")
        code = create_code(s, name="Arrival").value
    for login, role in (("sara", "coder"), ("omar", "coder"), ("lena", "reader")):
        _add(url, login, role, pgpass, scram.port)
    return url, sid, code


def _code(url, login, sid, code, start=4, end=10):
    with project.open_url(_as(url, login)) as p, p.session() as s:
        me = ensure_coder(s, name=login).value
        return code_span(s, source_id=sid, start=start, end=end, code_id=code,
                         coder_id=me).value


def test_a_new_team_project_opens_and_knows_its_owner(team):
    url, _ = team
    with project.open_url(url) as p, p.sessions() as s:
        assert s.scalar(select(ProjectInfo.name)) == "Class of 2026"
        assert team_members.my_role(s.connection()) == "owner"
    with pytest.raises(TeamError, match="already holds a Quire project"):
        init_project(url, name="again")


def test_members_have_roles_and_sign_in_with_pgpass(classroom):
    url, *_ = classroom
    with project.open_url(url) as p, p.sessions() as s:
        found = {(m.login, m.role) for m in team_members.members(s.connection())}
    assert {("sara", "coder"), ("omar", "coder"), ("lena", "reader")} <= found
    with project.open_url(_as(url, "lena")) as p, p.sessions() as s:
        assert team_members.my_role(s.connection()) == "reader"


def test_a_wrong_password_is_refused_without_echoing_it(team, scram):
    url, _ = team
    bad = url.replace("postgres@", "postgres:hunter2-wrong@")
    with pytest.raises(Exception) as caught:
        project.open_url(bad)
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in redact(bad) and "postgres@" in redact(bad)  # no "***" left either


def test_coders_code_and_see_each_other_unless_blind(classroom):
    url, sid, code = classroom
    sara = _code(url, "sara", sid, code)
    omar = _code(url, "omar", sid, code, 11, 18)
    with project.open_url(_as(url, "omar")) as p, p.sessions() as s:
        assert set(s.scalars(select(Excerpt.id))) == {sara, omar}
    set_option(url, "blind", True)
    with project.open_url(_as(url, "omar")) as p, p.sessions() as s:
        assert set(s.scalars(select(Excerpt.id))) == {omar}
    with project.open_url(url) as p, p.sessions() as s:  # the owner sees the whole class
        assert set(s.scalars(select(Excerpt.id))) == {sara, omar}
    set_option(url, "blind", False)  # revealed
    with project.open_url(_as(url, "omar")) as p, p.sessions() as s:
        assert set(s.scalars(select(Excerpt.id))) == {sara, omar}


def test_a_coder_cannot_change_anothers_coding_or_a_closed_codebook(classroom):
    url, sid, code = classroom
    sara = _code(url, "sara", sid, code)
    with project.open_url(_as(url, "omar")) as p, p.session() as s:
        gone = s.execute(text("DELETE FROM excerpts WHERE id = :i"), {"i": sara}).rowcount
        moved = s.execute(text("UPDATE codes SET name = 'X' WHERE id = :i"), {"i": code}).rowcount
    assert (gone, moved) == (0, 0)  # the server's policies hide them from his writes
    with project.open_url(url) as p, p.sessions() as s:
        assert s.scalar(select(func.count(Excerpt.id))) == 1
        assert s.scalar(select(Code.name)) == "Arrival"
    set_option(url, "open_codebook", True)
    with project.open_url(_as(url, "omar")) as p, p.session() as s:
        rename_code(s, code_id=code, name="Arrivals")
    with project.open_url(url) as p, p.sessions() as s:
        assert s.scalar(select(Code.name)) == "Arrivals"


def test_a_reader_reads_and_writes_nothing(classroom):
    url, sid, code = classroom
    with project.open_url(_as(url, "lena")) as p:
        with p.sessions() as s:
            assert s.scalar(select(Code.name)) == "Arrival"
        with pytest.raises(Exception, match="permission denied"), p.session() as s:
            ensure_coder(s, name="lena")
            code_span(s, source_id=sid, start=0, end=3, code_id=code, coder_id=None)


def test_an_empty_database_and_a_newer_schema_are_refused(scram, team):
    url, _ = team
    empty = scram.url(scram.new_database())
    with pytest.raises(NotAProjectError, match="quire server init"):
        project.open_url(empty)
    scram.sql("UPDATE alembic_version SET version_num = '9999_future'", url.rsplit("/", 1)[1])
    with pytest.raises(NewerProjectError, match="update Quire"):
        project.open_url(url)


def test_an_address_without_a_database_is_explained():
    with pytest.raises(ProjectError, match="names no database"):
        project.open_url("postgresql://someone@localhost:5432")
