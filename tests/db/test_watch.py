"""Following another process's writes through the change log, leaving out our own."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db import project
from db.changes import Changes
from db.ops import bind
from db.ops.codes import create_code
from db.team.schema import CHANGE_LOCK
from db.watch import OwnWrites, changes_since, last_seq


@pytest.fixture
def other(proj):
    """A second engine on the same project: another process, as far as the database
    knows."""
    second = (project.open(proj.path) if proj.path else
              project.open_url(proj.engine.url.render_as_string(hide_password=False)))
    yield second
    second.close()


def write(proj, op, own: OwnWrites | None = None):
    with proj.sessions() as s:
        if own is not None:
            own.bracket(s)
        result = op(s)
        s.commit()
        return result


def code(name: str):
    return bind(create_code, name=name)


def test_only_what_others_wrote_is_reported(proj, other):
    own = OwnWrites()
    with proj.sessions() as s:
        seen = last_seq(s)
    mine = write(proj, code("Mine"), own).value
    theirs = write(other, code("Theirs")).value
    also_mine = write(proj, code("Also mine"), own).value
    with proj.sessions() as s:
        found, top = changes_since(s, seen, own)
        assert found.ids == {"codes": {theirs}}
        assert top == last_seq(s) and not own.covers(top + 1)
        assert changes_since(s, top, own) == (Changes(), top)  # nothing moved: one read
    assert {mine, also_mine}.isdisjoint(found.ids["codes"])


def test_several_commits_of_one_session_are_all_ours(proj, other):
    own = OwnWrites()
    with proj.sessions() as s:
        seen = last_seq(s)
    with proj.sessions() as s:
        own.bracket(s)
        for name in ("A", "B", "C"):  # an import commits chunk by chunk
            create_code(s, name=name)
            s.commit()
            theirs = write(other, code(f"Theirs {name}")).value
    with proj.sessions() as s:
        found, _ = changes_since(s, seen, own)
    assert len(found.ids["codes"]) == 3 and theirs in found.ids["codes"]


def test_a_rolled_back_transaction_leaves_no_claim(proj, other):
    own = OwnWrites()
    with proj.sessions() as s:
        seen = last_seq(s)
        own.bracket(s)
        create_code(s, name="Never")
        s.flush()
        s.rollback()
    theirs = write(other, code("Theirs")).value  # may take the seq the rollback freed
    with proj.sessions() as s:
        assert changes_since(s, seen, own)[0].ids == {"codes": {theirs}}


def test_a_bracketed_transaction_holds_the_log_lock_from_its_start(proj, other):
    own = OwnWrites()
    with proj.sessions() as s:
        own.bracket(s)
        s.connection()  # the transaction begins: the lock is taken before any write
        with other.engine.connect() as conn:
            if proj.path is None:  # PostgreSQL: the team project's change-log lock
                assert conn.scalar(text(f"SELECT pg_try_advisory_xact_lock({CHANGE_LOCK})"))\
                    is False
            else:  # SQLite: the database's write lock
                conn.exec_driver_sql("PRAGMA busy_timeout=0")
                with pytest.raises(OperationalError, match="locked"):
                    conn.exec_driver_sql("INSERT INTO coders (uuid, name) VALUES ('x', 'y')")
        s.rollback()
