"""Two researchers on one team project (real logins, passwords, roles): the later of two
changes to one thing is refused naming who made the first; each undoes only their own
steps, and an undo over someone else's later change is refused naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db import history, project
from db.conflicts import EditConflictError
from db.errors import ConflictError, NotAllowedError
from db.models import Code, Excerpt
from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import create_code, rename_code, update_code
from db.ops.coding import code_span
from db.team import members as team_members
from db.team.admin import set_option
from tests.db.coding_support import add_source
from tests.postgres_support import allow

ROOT = Path(__file__).resolve().parents[3]


def _as(url, login):
    return url.replace("postgresql+psycopg://postgres@", f"postgresql://{login}@")


@pytest.fixture
def lab(team, scram):
    """A team project with a source and a code, and two coders, sara and omar."""
    url, pgpass = team
    with project.open_url(url) as p, p.session() as s:
        sid = add_source(s, "The convoy reached the camp at dawn. Nobody spoke.")
        code = create_code(s, name="Arrival").value
    for login in ("sara", "omar"):
        with project.open_url(url) as owner, owner.engine.begin() as conn:
            team_members.add_member(conn, login=login, role="coder", password=f"pw-{login}")
        allow(pgpass, scram.port, login, f"pw-{login}")
    return url, sid, code


class Member:
    """One researcher's open team project, signed in as their own login."""

    def __init__(self, url, login):
        self.login, self.p = login, project.open_url(_as(url, login))
        with self.p.session() as s:
            self.me = ensure_coder(s, name=login).value

    def step(self, op, **kw):
        with self.p.session() as s:
            return history.run(s, bind(op, **kw), coder_id=self.me)

    def undo(self):
        with self.p.session() as s:
            return history.undo(s, coder_id=self.me)

    def version(self, code):
        with self.p.sessions() as s:
            return s.scalar(select(Code.version).where(Code.id == code))


@pytest.fixture
def pair(lab):
    url, sid, code = lab
    set_option(url, "open_codebook", True)
    sara, omar = Member(url, "sara"), Member(url, "omar")
    yield sara, omar, sid, code
    sara.p.close()
    omar.p.close()


def test_the_later_rename_is_refused_naming_the_teammate(pair):
    sara, omar, _, code = pair
    seen = sara.version(code)
    assert omar.version(code) == seen
    omar.step(rename_code, code_id=code, name="Arrivals", expected_version=seen)
    with pytest.raises(EditConflictError) as err:
        sara.step(rename_code, code_id=code, name="Coming", expected_version=seen)
    assert err.value.by == "omar"  # recorded by the server, not claimed by the client
    assert "Code “Arrivals” was changed by omar" in str(err.value)
    with sara.p.sessions() as s:  # the fresh state is there to be shown
        assert s.get(Code, code).name == "Arrivals"


def test_personal_undo_on_the_server(pair):
    sara, omar, sid, code = pair
    mine = sara.step(code_span, source_id=sid, start=4, end=10, code_id=code,
                     coder_id=sara.me).value
    theirs = omar.step(code_span, source_id=sid, start=11, end=17, code_id=code,
                       coder_id=omar.me).value
    sara.step(rename_code, code_id=code, name="Arrivals")
    omar.step(update_code, code_id=code, color="#123456")
    with pytest.raises(ConflictError, match=f"code {code} “Arrivals” was changed since by "
                                            "omar"):
        sara.undo()  # her rename: omar recoloured the code since
    assert omar.undo().label.startswith("Change colour")  # his own step, not hers
    assert sara.undo().label.startswith("Rename code")
    assert sara.undo().label.startswith("Apply code")  # her coding, not omar's
    with omar.p.sessions() as s:
        assert s.get(Code, code).name == "Arrival"
        assert set(s.scalars(select(Excerpt.id))) == {theirs}
        assert mine not in set(s.scalars(select(Excerpt.id)))


def test_a_closed_codebook_is_refused_as_not_allowed(lab):
    url, _, code = lab
    sara = Member(url, "sara")
    try:
        with pytest.raises(NotAllowedError, match="your role on this team project"):
            sara.step(rename_code, code_id=code, name="Mine",
                      expected_version=sara.version(code))
    finally:
        sara.p.close()


def test_two_processes_rename_one_code_at_once_one_wins(pair, tmp_path):
    u, code = pair[0].p.engine.url, pair[3]
    base = f"{u.host}:{u.port}/{u.database}"
    go = tmp_path / "go"
    procs = {login: subprocess.Popen(
        [sys.executable, "-m", "tests.db.team.clients", "rename", f"postgresql://{login}@{base}",
         login, str(code), name, str(go)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for login, name in (("sara", "Coming"), ("omar", "Arrivals"))}
    for proc in procs.values():
        assert proc.stdout.readline().strip() == "ready"
    go.touch()
    said = {}
    for login, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        said[login] = out.strip()
    winners = [login for login, out in said.items() if out == "won"]
    assert len(winners) == 1, said
    loser = next(login for login in said if login not in winners)
    assert said[loser].startswith("refused: Code “") and f"changed by {winners[0]}" in \
        said[loser]
    with pair[0].p.sessions() as s:
        assert s.get(Code, code).name == {"sara": "Coming", "omar": "Arrivals"}[winners[0]]


def test_each_member_codes_as_their_login_by_default(lab):
    from db.ops.coders import default_coder_name

    url, _, _ = lab
    for login in ("sara", "omar"):
        with project.open_url(_as(url, login)) as p, p.sessions() as s:
            assert default_coder_name(s, fallback="me") == login
