"""Memos: writing, editing, moving and deleting them (undoable), listing, links, orphans."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.citations.errors import NotesError
from db.errors import NotFoundError
from db.models import Collection, Excerpt, Memo, Source
from db.ops import bind
from db.ops.codes import create_code, delete_code
from db.ops.coding import code_span, delete_excerpt
from db.ops.memos import create_memo, delete_memo, edit_memo, move_memo
from db.ops.sources import delete_sources
from db.queries.memos import link_for, links_in, memo_counts, memo_list, memos_on, parse_link
from tests.db.coding_support import run
from tests.db.notes_support import coder, excerpt, import_samples, round_trip, unchanged


@pytest.fixture
def study(proj, tmp_path):
    """A project with three imported sources, a coder, an excerpt and a code."""
    proj.ids = import_samples(proj, tmp_path)
    proj.coder = coder(proj)
    proj.excerpt = excerpt(proj, proj.ids["article"], "They left at dawn.", proj.coder)
    proj.code = run(proj, bind(create_code, name="Leaving")).value
    return proj


def _memo(proj, **kw):
    kw.setdefault("coder_id", proj.coder)
    return run(proj, bind(create_memo, **kw)).value


def test_a_memo_on_each_kind_of_target_says_what_it_is_on(study):
    with study.sessions() as s:
        coll = s.scalar(select(Collection.id))
    targets = [("project", None), ("collection", coll), ("source", study.ids["arabic"]),
               ("code", study.code), ("excerpt", study.excerpt)]
    for target, target_id in targets:
        _memo(study, target=target, target_id=target_id, title=f"On {target}", body="**why**")
    with study.sessions() as s:
        rows = {r["target"]: r for r in memo_list(s)}
    assert rows["project"]["target_label"] == "project “test”"
    assert rows["collection"]["target_label"] == "collection “Study”"
    assert rows["source"]["target_label"] == \
        f"source {study.ids['arabic']} “عاد السكان إلى المدينة”"
    assert rows["code"]["target_label"] == "code “Leaving”"
    assert rows["excerpt"]["target_label"] == \
        f"excerpt {study.excerpt} of “The Prophet of Dystopia”: “They left at dawn.”"
    assert all(r["author"] == "Lina" and not r["orphaned"] for r in rows.values())


def test_writing_a_memo_is_undoable_exactly(study):
    done, undone = round_trip(study, bind(create_memo, target="excerpt",
                                          target_id=study.excerpt, title="Dawn",
                                          body="# Why\n\n- *left* at **dawn**",
                                          coder_id=study.coder))
    assert done.label == "New memo 'Dawn'" and isinstance(done.value, int)
    assert done.changes.ids == {"memos": {done.value}}


def test_editing_moving_and_deleting_are_undoable_exactly(study):
    memo = _memo(study, target="source", target_id=study.ids["tweet"], body="first")
    done, _ = round_trip(study, bind(edit_memo, memo_id=memo, title="New", body="second"))
    assert done.label == "Edit memo 'New'"
    round_trip(study, bind(move_memo, memo_id=memo, target="code", target_id=study.code))
    round_trip(study, bind(delete_memo, memo_id=memo))


def test_editing_moves_the_update_time_and_nothing_else(study):
    memo = _memo(study, target="project", body="first")
    with study.sessions() as s:
        before = s.get(Memo, memo)
        created, updated = before.created_at, before.updated_at
    run(study, bind(edit_memo, memo_id=memo, body="second"))
    with study.sessions() as s:
        after = s.get(Memo, memo)
        assert (after.body, after.created_at) == ("second", created)
        assert after.updated_at > updated
    same = run(study, bind(edit_memo, memo_id=memo, body="second"))
    assert not same.changes


def test_bad_memos_change_nothing(study):
    assert "not 'paragraph'" in unchanged(
        study, bind(create_memo, target="paragraph", body="x"), NotesError)
    unchanged(study, bind(create_memo, target="excerpt", target_id=999, body="x"),
              NotFoundError)
    assert "say which source" in unchanged(
        study, bind(create_memo, target="source", body="x"), NotesError)
    assert "needs a title or some text" in unchanged(
        study, bind(create_memo, target="project", body="  "), NotesError)
    unchanged(study, bind(delete_memo, memo_id=999), NotFoundError)


# --- orphans ------------------------------------------------------------------------------------

def test_a_memo_on_a_deleted_excerpt_is_kept_as_orphaned_and_undo_reattaches_it(study):
    memo = _memo(study, target="excerpt", target_id=study.excerpt, body="Why dawn")
    done, _ = round_trip(study, bind(delete_excerpt, excerpt_id=study.excerpt))
    assert done.label == "Delete excerpt"
    run(study, bind(delete_excerpt, excerpt_id=study.excerpt))
    with study.sessions() as s:
        assert s.get(Excerpt, study.excerpt) is None
        row = memo_list(s)[0]
        assert memo_list(s, orphaned=True) == [row] and memo_list(s, orphaned=False) == []
        assert memos_on(s, "excerpt", study.excerpt) == []
    assert row["id"] == memo and row["orphaned"] and row["target_id"] is None
    assert row["target_label"] == \
        f"excerpt {study.excerpt} of “The Prophet of Dystopia”: “They left at dawn.”"


def test_an_orphan_can_be_attached_elsewhere_or_deleted(study):
    memo = _memo(study, target="excerpt", target_id=study.excerpt, body="Why dawn")
    run(study, bind(delete_excerpt, excerpt_id=study.excerpt))
    round_trip(study, bind(move_memo, memo_id=memo, target="source",
                           target_id=study.ids["article"]))
    run(study, bind(move_memo, memo_id=memo, target="source", target_id=study.ids["article"]))
    with study.sessions() as s:
        assert memo_list(s)[0]["orphaned"] is False
        assert memo_list(s)[0]["target_label"].startswith(f"source {study.ids['article']}")
    run(study, bind(delete_memo, memo_id=memo))
    with study.sessions() as s:
        assert memo_list(s) == []


def test_memos_on_a_deleted_code_and_the_excerpts_it_takes_are_kept(study):
    with study.sessions() as s:
        text = s.get(Source, study.ids["article"]).text
    start = text.index("Nobody")
    eid = run(study, bind(code_span, source_id=study.ids["article"], start=start,
                          end=start + 6, code_id=study.code, coder_id=study.coder)).value
    _memo(study, target="code", target_id=study.code, body="on the code")
    _memo(study, target="excerpt", target_id=eid, body="on its excerpt")
    round_trip(study, bind(delete_code, code_id=study.code))
    run(study, bind(delete_code, code_id=study.code))
    with study.sessions() as s:
        labels = sorted(r["target_label"] for r in memo_list(s, orphaned=True))
    assert labels == ["code “Leaving”", f"excerpt {eid} of “The Prophet of Dystopia”: “Nobody”"]


def test_memos_on_deleted_sources_and_their_excerpts_are_kept(study):
    _memo(study, target="source", target_id=study.ids["article"], body="on the article")
    _memo(study, target="excerpt", target_id=study.excerpt, body="on its excerpt")
    done, _ = round_trip(study, bind(delete_sources,
                                     source_ids=[study.ids["article"]]))
    assert done.value == 1
    run(study, bind(delete_sources, source_ids=[study.ids["article"]]))
    with study.sessions() as s:
        assert len(memo_list(s, orphaned=True)) == 2


def test_orphans_need_a_label(study):
    with pytest.raises(IntegrityError), study.session() as s:
        s.add(Memo(target="excerpt", body="detached without saying from what"))
    with pytest.raises(IntegrityError), study.session() as s:
        s.add(Memo(target="project", body="a project memo is never orphaned",
                   detached_from="x"))


# --- the list -----------------------------------------------------------------------------------

def test_the_list_filters_by_kind_author_and_text_and_sorts_by_date(study):
    other = coder(study, "Omar")
    first = _memo(study, target="project", title="Plan", body="Read the Arabic press")
    second = _memo(study, target="excerpt", target_id=study.excerpt, body="الفجر مهم")
    third = _memo(study, target="code", target_id=study.code, body="Leaving TOWN",
                  coder_id=other)
    run(study, bind(edit_memo, memo_id=first, body="Read the Arabic press again"))
    with study.sessions() as s:
        def ids(**kw):
            return [r["id"] for r in memo_list(s, **kw)]

        assert ids() == [first, third, second]  # newest update first
        assert ids(sort="created") == [third, second, first]
        assert ids(sort="created", newest_first=False) == [first, second, third]
        assert ids(kinds=["excerpt", "code"]) == [third, second]
        assert ids(coder_ids=[other]) == [third]
        assert ids(text="town") == [third] and ids(text="الفجر") == [second]
        assert ids(text="plan") == [first]  # titles too
        assert ids(text="100%_") == []
        assert memo_counts(s, "excerpt", [study.excerpt, 999]) == {study.excerpt: 1}


def test_links_in_memo_bodies(study):
    body = (f"See [dawn]({link_for('excerpt', study.excerpt)}) and "
            f"[the code](quire://code/{study.code}), again "
            f"[dawn](quire:excerpt/{study.excerpt}); not [this](https://example.org).")
    memo = _memo(study, target="project", body=body)
    assert links_in(body) == [("excerpt", study.excerpt), ("code", study.code)]
    assert parse_link(f"quire:source/{study.ids['tweet']}") == ("source", study.ids["tweet"])
    assert parse_link("https://example.org") is None
    with study.sessions() as s:
        row = memo_list(s)[0]
    assert row["id"] == memo and row["links"] == [
        {"kind": "excerpt", "id": study.excerpt}, {"kind": "code", "id": study.code}]
