"""The undo history in the core: personal, stored in the project, bounded, and never
overwriting what someone else did since (refused with a message, nothing changed)."""

import pytest
from sqlalchemy import select, update

from db import history, project
from db.errors import ConflictError, HistoryError
from db.models import Code, Coding, Excerpt, HistoryStep, Memo, Source
from db.ops import bind
from db.ops.codes import create_code, rename_code
from db.ops.coding import apply_code, code_span, resize_excerpt
from db.ops.memos import create_memo
from db.ops.sources import delete_sources
from db.restore import no_op
from db.state import State, StepSchemaError
from tests.db.coding_support import dump, run
from tests.db.notes_support import coder, import_samples

TEXT = "They left at dawn."


@pytest.fixture
def team(proj, tmp_path):
    """Two coders on a project with three sources and a code."""
    proj.ids = import_samples(proj, tmp_path)
    proj.hana, proj.omar = coder(proj, "Hana"), coder(proj, "Omar")
    proj.code = run(proj, bind(create_code, name="Leaving")).value
    with proj.sessions() as s:
        text = s.get(Source, proj.ids["article"]).text
    proj.span = (text.index(TEXT), text.index(TEXT) + len(TEXT))
    return proj


def step(proj, who, op, **kw):
    """Run ``op`` as ``who``'s step; its result."""
    with proj.session() as s:
        return history.run(s, bind(op, **kw), coder_id=who)


def undo(proj, who):
    with proj.session() as s:
        return history.undo(s, coder_id=who)


def redo(proj, who):
    with proj.session() as s:
        return history.redo(s, coder_id=who)


def code(proj, who, color: str = "", code_id=None) -> int:
    start, end = proj.span
    return step(proj, who, code_span, source_id=proj.ids["article"], start=start, end=end,
                code_id=code_id if code_id is not None or color else proj.code, color=color,
                coder_id=who).value


def statuses(proj, who):
    with proj.sessions() as s:
        return [(e.label, e.status) for e in history.entries(s, coder_id=who)]


def refused(proj, swap, who) -> str:
    """Run undo or redo expecting a refusal; nothing may change; the message."""
    before = dump(proj)
    with pytest.raises(ConflictError) as err:
        swap(proj, who)
    assert dump(proj) == before
    return str(err.value)


# --- personal, stored, bounded ---------------------------------------------------------------

def test_each_coder_undoes_and_redoes_only_their_own_steps(team):
    mine = code(team, team.hana)
    theirs = step(team, team.omar, create_memo, target="project", body="Omar's note",
                  coder_id=team.omar).value
    assert undo(team, team.hana).label == "Apply code 'Leaving'"
    with team.sessions() as s:
        assert s.get(Excerpt, mine) is None and s.get(Memo, theirs) is not None
    assert undo(team, team.hana) is None  # Hana has nothing more to undo
    assert statuses(team, team.omar) == [("New memo 'Omar's note'", "done")]
    step(team, team.omar, create_memo, target="project", body="again", coder_id=team.omar)
    assert redo(team, team.hana).label == "Apply code 'Leaving'"  # Omar's step left it
    with team.sessions() as s:
        assert s.get(Excerpt, mine) is not None  # the same id, put back


def test_a_new_step_clears_that_coders_redo_tail(team):
    code(team, team.hana)
    undo(team, team.hana)
    step(team, team.hana, create_memo, target="project", body="new", coder_id=team.hana)
    assert statuses(team, team.hana) == [("New memo 'new'", "done")]
    assert redo(team, team.hana) is None


def test_undo_survives_closing_and_reopening_the_project(team):
    first = code(team, team.hana)
    where = team.path or team.engine.url.render_as_string(hide_password=False)
    team.close()
    with project.open_any(str(where)) as again:
        with again.session() as s:
            assert history.undo(s, coder_id=team.hana).label == "Apply code 'Leaving'"
        with again.sessions() as s:
            assert s.get(Excerpt, first) is None
            assert history.next_redo(s, coder_id=team.hana).label == "Apply code 'Leaving'"


def test_operations_that_change_nothing_leave_no_step(team):
    eid = code(team, team.hana)
    step(team, team.hana, resize_excerpt, excerpt_id=eid, start=team.span[0],
         end=team.span[1])
    assert len(statuses(team, team.hana)) == 1


def test_the_history_keeps_the_last_steps_within_its_budget(team, monkeypatch):
    monkeypatch.setattr(history, "MAX_STEPS", 3)
    for n in range(5):
        step(team, team.hana, create_memo, target="project", body=f"memo {n}",
             coder_id=team.hana)
    assert [label for label, _ in statuses(team, team.hana)] == [
        "New memo 'memo 2'", "New memo 'memo 3'", "New memo 'memo 4'"]
    monkeypatch.setattr(history, "MAX_BYTES", 1)  # the step just done is always kept
    step(team, team.hana, create_memo, target="project", body="big", coder_id=team.hana)
    assert statuses(team, team.hana) == [("New memo 'big'", "done")]


def test_stored_steps_are_compressed_json_never_pickles(team):
    code(team, team.hana)
    with team.sessions() as s:
        row = s.scalars(select(HistoryStep)).one()
    assert row.state.startswith(b"QST1") and b"pickle" not in row.state
    assert row.size == len(row.state) + len(row.expect)


def test_a_step_from_another_schema_is_refused_not_misapplied(team):
    eid = code(team, team.hana)
    step(team, team.hana, resize_excerpt, excerpt_id=eid, start=team.span[0], end=team.span[1] - 1)
    with team.session() as s:  # the resize keeps the excerpt as it was, by column name
        row = s.scalars(select(HistoryStep).order_by(HistoryStep.id.desc())).first()
        state = State.from_bytes(row.state)
        for columns in state.columns.values():
            columns[0][0] = "renamed_column"
        row.state = state.to_bytes()
    before = dump(team)
    with pytest.raises(StepSchemaError, match="can no longer be undone"):
        undo(team, team.hana)
    assert dump(team) == before


# --- conflicts -------------------------------------------------------------------------------

def test_undo_is_refused_when_someone_changed_the_row_since(team):
    eid = code(team, team.hana)
    step(team, team.hana, resize_excerpt, excerpt_id=eid, start=team.span[0],
         end=team.span[1] - 1)
    with team.session() as s:  # another process recolours it
        s.get(Excerpt, eid).color = "#00ff00"
    message = refused(team, undo, team.hana)
    assert f"excerpt {eid} was changed since" in message and "Nothing was changed" in message


def test_undo_is_refused_when_it_would_delete_what_someone_added_since(team):
    eid = code(team, team.hana)
    other = run(team, bind(create_code, name="Dawn")).value
    added = step(team, team.omar, apply_code, excerpt_id=eid, code_id=other,
                 coder_id=team.omar).value
    message = refused(team, undo, team.hana)
    assert f"coding {added} (on excerpt {eid})" in message
    undo(team, team.omar)  # once Omar takes his coding back, Hana can undo
    assert undo(team, team.hana) is not None


def test_redo_is_refused_when_what_it_needs_was_deleted_since(team):
    code(team, team.hana)
    undo(team, team.hana)
    step(team, team.omar, delete_sources, source_ids=[team.ids["article"]])
    message = refused(team, redo, team.hana)
    assert f"source {team.ids['article']} was deleted since" in message


def test_ids_are_never_reused_so_redo_leaves_other_rows_alone(team):
    first = code(team, team.hana)
    undo(team, team.hana)
    theirs = code(team, team.omar, color="#ff0000")
    assert theirs > first
    redo(team, team.hana)
    with team.sessions() as s:
        assert {e for e in s.scalars(select(Excerpt.id))} >= {first, theirs}
        assert s.scalar(select(Coding.id).where(Coding.excerpt_id == first)) is not None


def test_memos_are_never_cascaded_away_by_undo_and_redo_puts_them_back(team):
    eid = code(team, team.hana)
    memo = step(team, team.omar, create_memo, target="excerpt", target_id=eid,
                body="Omar on Hana's excerpt", coder_id=team.omar).value
    undo(team, team.hana)  # removes the excerpt: Omar's memo is kept, orphaned
    with team.sessions() as s:
        kept = s.get(Memo, memo)
        assert kept.excerpt_id is None and kept.detached_from.startswith(f"excerpt {eid}")
    redo(team, team.hana)
    with team.sessions() as s:
        kept = s.get(Memo, memo)
        assert kept.excerpt_id == eid and kept.detached_from is None


def test_a_stale_orm_update_is_refused_with_a_sentence(team):
    with team.sessions() as window:
        row = window.get(Code, team.code)  # read at version 1, kept after the commit
        window.commit()
        run(team, bind(rename_code, code_id=team.code, name="Departure"))  # someone else

        def rename(s):
            row.name = "Exodus"
            s.flush()
            return no_op()

        with pytest.raises(ConflictError, match="Someone else changed this"):
            history.run(window, rename, coder_id=team.hana)
    with team.sessions() as s:
        assert s.get(Code, team.code).name == "Departure"


# --- long tasks --------------------------------------------------------------------------------

class Killed(BaseException):
    """Stands in for SIGKILL: the import stops where it is, finishing nothing."""


def test_an_unfinished_import_can_be_undone_once_its_process_is_gone(team, tmp_path):
    from db.importing import import_paths

    files = [tmp_path / f"{n}.md" for n in ("one", "two")]
    for f in files:
        f.write_text(f"# {f.stem}\n\nSome text of {f.stem}.", encoding="utf-8")

    def progress(done, total, message):
        if message == "Reading two.md":
            raise Killed()

    with team.sessions() as s, pytest.raises(Killed):
        import_paths(s, files, progress=progress, recorder=history.Recorder(team.hana))
    assert statuses(team, team.hana) == [("Import 2 files", "running")]
    with pytest.raises(HistoryError, match="may still be running"):
        undo(team, team.hana)  # this very process started it: it may still be running
    with team.session() as s:  # a process that is gone: it was killed
        dead = history._owner().rsplit("/", 1)[0] + "/999999999"
        s.execute(update(HistoryStep).values(owner=dead))
    assert undo(team, team.hana).label == "Import 2 files"
    with team.sessions() as s:
        assert s.scalar(select(Source.id).where(Source.file_name == "one.md")) is None
    assert redo(team, team.hana).label == "Import 2 files"
    with team.sessions() as s:
        assert s.scalar(select(Source.id).where(Source.file_name == "one.md")) is not None
