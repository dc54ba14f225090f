"""Two people changing the same thing at the same moment: the later change is refused with
a message naming what changed and by whom, nothing is overwritten, and the fresh state
can be read again. Every test uses two projects open on the same database (two engines,
two connections, as two windows or two researchers), on both engines."""

import contextlib
import threading

import pytest
from sqlalchemy import select

from db import history, project
from db.conflicts import EditConflictError, stale_as_conflict, versions_of
from db.errors import ConflictError
from db.models import Citation, Code, Excerpt, Memo, Reference
from db.ops import bind
from db.ops.citations import cite, edit_citation
from db.ops.codes import create_code, move_code, rename_code, update_code
from db.ops.coding import code_span, delete_excerpt, resize_excerpt
from db.ops.memos import create_memo, delete_memo, edit_memo
from db.ops.references import create_reference, edit_reference
from tests.db.coding_support import add_source, dump, run
from tests.db.notes_support import coder

TEXT = "The convoy reached the camp at dawn. Nobody spoke."


def second(proj):
    """The same project opened again, on a connection of its own."""
    if proj.path is not None:
        return project.open(proj.path)
    return project.open_url(proj.engine.url.render_as_string(hide_password=False))


@pytest.fixture
def two(proj):
    """(mine, theirs): one project open twice, with a source, two codes, an excerpt and a
    memo, and the coders Hana (mine) and Omar (theirs)."""
    with proj.session() as s:
        proj.sid = add_source(s, TEXT)
        proj.code = create_code(s, name="Arrival").value
        proj.other_code = create_code(s, name="Silence").value
    proj.hana, proj.omar = coder(proj, "Hana"), coder(proj, "Omar")
    with proj.session() as s:
        proj.excerpt = code_span(s, source_id=proj.sid, start=4, end=10, code_id=proj.code,
                                 coder_id=proj.hana).value
        proj.memo = create_memo(s, target="project", body="First thoughts",
                                coder_id=proj.hana).value
        proj.reference = create_reference(s, csl={"type": "report", "title": "Aid"},
                                          key="aid").value
        proj.citation = cite(s, excerpt_id=proj.excerpt, reference_id=proj.reference,
                             coder_id=proj.hana).value
    theirs = second(proj)
    yield proj, theirs
    theirs.close()


def version(p, model, row_id):
    with p.sessions() as s:
        return s.scalar(select(model.version).where(model.id == row_id))


def as_step(p, who, op, **kw):
    """``op`` as one step of ``who``'s history, committed."""
    with p.session() as s:
        return history.run(s, bind(op, **kw), coder_id=who)


def author(engine, p, login):
    """Who the message names: the server's login on a team project, else the coder."""
    return "postgres" if engine == "postgresql" else login


# The edits two people can make to the same row, as (model, row id of the fixture, op, the
# keywords of the first person's edit, of the second person's).
EDITS = {
    "rename a code": (Code, "code", rename_code, {"name": "Arrivals"}, {"name": "Coming"}),
    "recolour a code": (Code, "code", update_code, {"color": "#ff0000"}, {"color": "#00ff00"}),
    "move a code": (Code, "code", move_code, {"parent_id": "other_code", "position": 0},
                    {"parent_id": None, "position": 1}),
    "resize an excerpt": (Excerpt, "excerpt", resize_excerpt, {"start": 4, "end": 12},
                          {"start": 0, "end": 10}),
    "edit a memo": (Memo, "memo", edit_memo, {"body": "Second thoughts"},
                    {"body": "Other thoughts"}),
    "edit a citation": (Citation, "citation", edit_citation, {"locator": "12"},
                        {"locator": "14"}),
    "edit a reference": (Reference, "reference", edit_reference, {"fields": {"title": "Aid 1"}},
                         {"fields": {"title": "Aid 2"}}),
}
KEYS = {"code": "code_id", "excerpt": "excerpt_id", "memo": "memo_id",
        "citation": "citation_id", "reference": "reference_id"}


def _kw(p, which, values):
    out = {KEYS[which]: getattr(p, which)}
    for k, v in values.items():
        out[k] = getattr(p, v) if isinstance(v, str) and hasattr(p, v) else v
    return out


@pytest.mark.parametrize("what", list(EDITS))
def test_the_later_of_two_edits_of_one_thing_is_refused(two, what, engine):
    mine, theirs = two
    model, which, op, first, later = EDITS[what]
    seen = version(mine, model, getattr(mine, which))  # both show the row at this version
    as_step(theirs, mine.omar, op, **_kw(mine, which, first), expected_version=seen)
    before = dump(mine)
    with pytest.raises(EditConflictError) as err:
        as_step(mine, mine.hana, op, **_kw(mine, which, later), expected_version=seen)
    assert dump(mine) == before  # nothing overwritten
    e = err.value
    assert (e.table, e.row_id, e.seen) == (model.__tablename__, getattr(mine, which), seen)
    assert e.version > seen
    assert e.by == author(engine, mine, "Omar")
    assert f"was changed by {e.by}" in str(e) and "nothing was changed" in str(e)
    # the caller reads the fresh state again and can then make its change
    fresh = version(mine, model, e.row_id)
    assert fresh == e.version
    as_step(mine, mine.hana, op, **_kw(mine, which, later), expected_version=fresh)


def test_the_message_names_the_code_as_it_is_now(two, engine):
    mine, theirs = two
    seen = version(mine, Code, mine.code)
    as_step(theirs, mine.omar, rename_code, code_id=mine.code, name="Arrivals",
            expected_version=seen)
    with pytest.raises(EditConflictError, match="Code “Arrivals” was changed by"):
        as_step(mine, mine.hana, rename_code, code_id=mine.code, name="Coming",
                expected_version=seen)
    with mine.sessions() as s:
        assert s.get(Code, mine.code).name == "Arrivals"


def test_an_edit_of_something_deleted_since_is_refused(two):
    mine, theirs = two
    seen = version(mine, Excerpt, mine.excerpt)
    as_step(theirs, mine.omar, delete_excerpt, excerpt_id=mine.excerpt)
    with pytest.raises(EditConflictError, match=f"Excerpt {mine.excerpt} was deleted") as err:
        as_step(mine, mine.hana, resize_excerpt, excerpt_id=mine.excerpt, start=0, end=3,
                expected_version=seen)
    assert err.value.version is None


def test_deleting_what_someone_edited_since_is_refused(two):
    mine, theirs = two
    seen = version(mine, Memo, mine.memo)
    as_step(theirs, mine.omar, edit_memo, memo_id=mine.memo, body="Their addition",
            expected_version=seen)
    with pytest.raises(EditConflictError, match="Memo “Their addition” was changed"):
        as_step(mine, mine.hana, delete_memo, memo_id=mine.memo, expected_version=seen)
    assert version(mine, Memo, mine.memo) == seen + 1


def test_two_renames_at_the_same_moment_one_wins_the_other_is_told(two):
    mine, theirs = two
    seen = version(mine, Code, mine.code)
    gate = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def rename(p, who, name):
        gate.wait(10)  # both set off together
        with p.session() as s:
            try:
                history.run(s, bind(rename_code, code_id=mine.code, name=name,
                                    expected_version=seen), coder_id=who)
                outcome[name] = "won"
            except ConflictError as exc:
                outcome[name] = exc
                raise

    threads = [threading.Thread(target=_quietly, args=(rename, p, who, name))
               for p, who, name in ((mine, mine.hana, "Coming"),
                                    (theirs, mine.omar, "Arrivals"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    won = [name for name, r in outcome.items() if r == "won"]
    lost = [r for r in outcome.values() if isinstance(r, ConflictError)]
    assert len(won) == 1 and len(lost) == 1, outcome
    assert isinstance(lost[0], EditConflictError) and "was changed" in str(lost[0])
    with mine.sessions() as s:
        assert s.get(Code, mine.code).name == won[0]
        assert s.get(Code, mine.code).version == seen + 1


def _quietly(fn, *args):
    with contextlib.suppress(ConflictError):  # the outcome says what happened
        fn(*args)


def test_without_a_version_a_stale_write_is_still_refused(two):
    """The ORM's own check (version_id_col) across two connections: a row read, changed
    elsewhere and committed, then written here, is refused rather than overwritten."""
    mine, theirs = two
    with mine.sessions() as s:
        code = s.get(Code, mine.code)  # read, in a transaction that takes no lock
        run(theirs, bind(rename_code, code_id=mine.code, name="Arrivals"))
        code.name = "Coming"
        with pytest.raises(ConflictError, match="Someone else changed this code"), \
                stale_as_conflict():
            s.flush()
        s.rollback()
    with mine.sessions() as s:
        assert s.get(Code, mine.code).name == "Arrivals"


def test_an_undo_over_someone_elses_later_change_is_refused_naming_it(two, engine):
    mine, theirs = two
    as_step(mine, mine.hana, rename_code, code_id=mine.code, name="Arrivals")
    as_step(theirs, mine.omar, update_code, code_id=mine.code, color="#123456")
    before = dump(mine)
    with pytest.raises(ConflictError) as err, mine.session() as s:
        history.undo(s, coder_id=mine.hana)
    assert dump(mine) == before
    who = author(engine, mine, "Omar")
    assert f"code {mine.code} “Arrivals” was changed since by {who}" in str(err.value)
    # Omar undoes his own step; then Hana's undo goes through
    with theirs.session() as s:
        assert history.undo(s, coder_id=mine.omar).label.startswith("Change colour")
    with mine.session() as s:
        assert history.undo(s, coder_id=mine.hana).label.startswith("Rename code")
    with mine.sessions() as s:
        assert s.get(Code, mine.code).name == "Arrival"


def test_a_view_reads_the_versions_of_what_it_shows(two):
    mine, theirs = two
    with mine.sessions() as s:
        before = versions_of(s, "codes", [mine.code, mine.other_code, 999_999])
    assert set(before) == {mine.code, mine.other_code}
    run(theirs, bind(rename_code, code_id=mine.code, name="Arrivals"))
    with mine.sessions() as s:
        after = versions_of(s, "codes", [mine.code, mine.other_code])
    assert after[mine.code] > before[mine.code]
    assert after[mine.other_code] == before[mine.other_code]


def test_the_default_coder_is_the_login_on_a_team_project(proj, engine):
    from db.ops.coders import default_coder_name

    with proj.sessions() as s:
        name = default_coder_name(s, fallback="me")
    assert name == ("postgres" if engine == "postgresql" else "me")
