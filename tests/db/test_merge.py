"""Merging students' projects (and .qdpx files) into the instructor's: preview, undo."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from db import project
from db.errors import ImportFileError
from db.exchange.refi_export import export_qdpx
from db.merge import MergeError, load_other, merge, preview_merge
from db.models import Code, Coder, Coding, Excerpt, Memo, Source
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.ops.memos import create_memo
from tests.db.coding_support import dump
from tests.db.exchange.support import (
    ARABIC,
    ENGLISH,
    POST,
    add_source,
    change_count,
    entities,
    span,
)
from tests.project_support import new_project


@pytest.fixture
def handout(tmp_path):
    """The instructor's project: three sources and a codebook, nobody's coding yet."""
    path = tmp_path / "class.quire"
    with new_project(path) as proj, proj.session() as s:
        add_source(s, ENGLISH, title="Return to Raqqa", collection="Raqqa")
        add_source(s, ARABIC, title="العودة إلى الرقة", collection="Raqqa")
        add_source(s, POST, kind="post", platform="twitter", post_id="42")
        themes = create_code(s, name="Themes").value
        create_code(s, name="Water", parent_id=themes, description="ماء")
        create_code(s, name="Hope", parent_id=themes)
    return path


def student(handout, tmp_path, name: str, work):
    """A copy of the handout coded by ``name``; ``work(session, ids)`` does the coding."""
    path = tmp_path / f"{name}.quire"
    shutil.copy(handout, path)
    with project.open(path) as proj, proj.session() as s:
        ids = {"coder": ensure_coder(s, name=name).value,
               **{src.title or "post": src.id for src in s.scalars(select(Source))},
               **{c.name: c.id for c in s.scalars(select(Code))}}
        work(s, ids)
    return path


def code(s, ids, source: str, text: str, words: str, code_name: str) -> int:
    a, b = span(text, words)
    return code_span(s, source_id=ids[source], start=a, end=b, code_id=ids[code_name],
                     coder_id=ids["coder"]).value


def amira_work(s, ids):
    code(s, ids, "Return to Raqqa", ENGLISH, "no water and no electricity", "Water")
    code(s, ids, "العودة إلى الرقة", ARABIC, "الأمل باقٍ", "Hope")
    create_memo(s, target="code", target_id=ids["Hope"], body="hope = أمل",
                coder_id=ids["coder"])


def omar_work(s, ids):
    code(s, ids, "Return to Raqqa", ENGLISH, "There is no water", "Water")
    rumour = create_code(s, name="Rumour", parent_id=ids["Themes"]).value
    ids["Rumour"] = rumour
    excerpt = code(s, ids, "post", POST, "the old bridge is gone", "Rumour")
    create_memo(s, target="excerpt", target_id=excerpt, title="Check", body="verify",
                coder_id=ids["coder"])


@pytest.fixture
def classroom(handout, tmp_path):
    return (student(handout, tmp_path, "Amira", amira_work),
            student(handout, tmp_path, "Omar", omar_work))


def coded(proj) -> dict[str, set[tuple]]:
    with proj.sessions() as s:
        rows = s.execute(select(Coder.name, Excerpt.source_id, Excerpt.start, Excerpt.end,
                                Code.name)
                         .join(Excerpt, Excerpt.coder_id == Coder.id)
                         .join(Coding, Coding.excerpt_id == Excerpt.id)
                         .join(Code, Code.id == Coding.code_id)).all()
    out: dict[str, set[tuple]] = {}
    for name, *rest in rows:
        out.setdefault(name, set()).add(tuple(rest))
    return out


def test_the_preview_says_what_will_be_added_and_changes_nothing(handout, classroom):
    with project.open(handout) as proj:
        before, logged = dump(proj), change_count(proj)
        with proj.sessions() as s:
            report = preview_merge(s, bundle=load_other(classroom[1]))
        assert dump(proj) == before and change_count(proj) == logged
    assert report.added == {"coders": 1, "codes": 1, "collections": 0, "sources": 0,
                            "excerpts": 2, "codings": 2, "memos": 1}
    assert report.matched["sources"] == 3 and report.matched_by["sources"] == {"UUID": 3}
    assert report.matched["codes"] == 3
    assert report.lines()[0].split()[:2] == ["coders", "1"]


def test_two_students_merged_keep_their_excerpts_under_their_names(handout, classroom):
    with project.open(handout) as proj:
        for path in classroom:
            with proj.session() as s:
                merge(s, path=path)
        got = coded(proj)
    with project.open(classroom[0]) as a, project.open(classroom[1]) as b:
        assert got == {**coded(a), **coded(b)}
    assert set(got) == {"Amira", "Omar"}


def test_a_merge_is_one_undo_step_and_redo_gives_back_the_same_rows(handout, classroom):
    with project.open(handout) as proj:
        with proj.session() as s:
            merge(s, path=classroom[0])
        before = dump(proj)
        with proj.session() as s:
            done = merge(s, path=classroom[1])
        after = entities(proj)
        with proj.session() as s:
            undone = done.inverse(s)
        assert dump(proj) == before
        with proj.session() as s:
            undone.inverse(s)
        assert entities(proj) == after
        with proj.sessions() as s:
            memo = s.scalar(select(Memo).where(Memo.title == "Check"))
            assert memo.target == "excerpt" and memo.excerpt_id is not None


def test_merging_again_adds_nothing_and_the_students_files_are_untouched(handout, classroom):
    stamp = [(p.stat().st_mtime_ns, p.read_bytes()) for p in classroom]
    with project.open(handout) as proj:
        with proj.session() as s:
            merge(s, path=classroom[0])
        with proj.session() as s:
            again = merge(s, path=classroom[0])
    assert not again.value.changes_anything and not again.changes
    assert stamp == [(p.stat().st_mtime_ns, p.read_bytes()) for p in classroom]


def test_a_separately_built_project_matches_by_text_and_code_path(handout, tmp_path):
    other = tmp_path / "own.quire"
    with new_project(other) as proj, proj.session() as s:
        sid = add_source(s, ENGLISH, title="my copy")
        water = create_code(s, name="water", parent_id=create_code(s, name="THEMES").value)
        coder = ensure_coder(s, name="Layla").value
        a, b = span(ENGLISH, "no electricity")
        code_span(s, source_id=sid, start=a, end=b, code_id=water.value, coder_id=coder)
    with project.open(handout) as proj:
        with proj.session() as s:
            report = merge(s, path=other).value
        assert report.matched_by["sources"] == {"text": 1}
        assert report.matched_by["codes"] == {"path": 2} and report.added["codes"] == 0
        assert coded(proj) == {"Layla": {(1, *span(ENGLISH, "no electricity"), "Water")}}


def test_a_qdpx_merges_like_a_project(handout, classroom, tmp_path):
    with project.open(classroom[1]) as proj, proj.sessions() as s:
        export_qdpx(s, tmp_path / "omar.qdpx")
    with project.open(handout) as proj:
        with proj.session() as s:
            merge(s, path=tmp_path / "omar.qdpx")
        got = coded(proj)
    with project.open(classroom[1]) as b:
        assert got == coded(b)


def test_clashing_posts_and_uuids_are_added_as_new_sources(handout, tmp_path):
    other = tmp_path / "clash.quire"
    shutil.copy(handout, other)
    with project.open(other) as proj, proj.session() as s:
        post = s.scalar(select(Source).where(Source.kind == "post"))
        post.text = post.text + " (edited)"  # behind Quire's back: same UUID, new text
        post.text_hash = "different"
        add_source(s, "Another post entirely", kind="post", platform="twitter", post_id="42x")
        s.flush()
        s.execute(Source.__table__.update().where(Source.post_id == "42x")
                  .values(post_id="43"))
    with project.open(handout) as proj:
        with proj.session() as s:
            s.execute(Source.__table__.insert().values(
                uuid="00000000-0000-4000-8000-000000000043", kind="post", text="x", length=1,
                text_hash="x", platform="twitter", post_id="43"))
        with proj.session() as s:
            report = merge(s, path=other).value
        assert report.added["sources"] == 2
        assert any("another text" in n for n in report.notes)
        assert any("without its post id" in n for n in report.notes)


def test_files_that_cannot_be_merged(handout, tmp_path):
    with project.open(handout) as proj, proj.session() as s:
        with pytest.raises(MergeError, match="no such file"):
            merge(s, path=tmp_path / "missing.quire")
        (tmp_path / "notes.quire").write_text("not a database")
        with pytest.raises(ImportFileError, match="neither a Quire project"):
            merge(s, path=tmp_path / "notes.quire")
