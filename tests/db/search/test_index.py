"""The index as a cache: built, caught up, rebuilt, never trusted when it is not ours."""

import json
import pickle
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from db.errors import IndexBusyError, IndexCancelled
from db.importing import import_paths
from db.models import Change, Code, Coding, Collection, Excerpt, Footnote, Memo, Source
from db.ops.sources import delete_sources
from db.search import SearchIndex, search
from db.search.index import STAMP, index_dir
from tests.project_support import new_project

from .conftest import make_source, when


def sids(proj, index, query):
    with proj.sessions() as s:
        index.ensure(s)
        return {sh.source_id for sh in search(index, s, query).all()}


@pytest.fixture
def two(proj):
    with proj.session() as s:
        a = make_source(s, "Families returned to Raqqa")
        b = make_source(s, "عادت العائلات إلى الرقة")
        return a.id, b.id


def test_built_in_the_cache_folder_keyed_by_uuid(proj, index, two, _isolated_user_dirs):
    with proj.sessions() as s:
        assert index.ensure(s) == "rebuilt (missing)"
        assert index.ensure(s) == "up to date (0 change(s) applied)"
    assert index.path == _isolated_user_dirs / "cache" / "index" / proj.uuid
    stamp = json.loads((index.path / STAMP).read_text())
    assert stamp["project"] == proj.uuid and stamp["last_seq"] > 0 and stamp["toc"]


def test_incremental_update_after_import_and_removal(proj, index, two, tmp_path):
    assert sids(proj, index, "raqqa") == {two[0]}
    f = tmp_path / "new.txt"
    f.write_text("Raqqa after the battle\n\nPeople came back to Raqqa.\n", encoding="utf-8")
    with proj.sessions() as s:
        report, _ = import_paths(s, [f])
    new = report.files[0].added and max(sids(proj, index, "battle"))
    assert sids(proj, index, "raqqa") == {two[0], new}
    with proj.session() as s:
        delete_sources(s, source_ids=[two[0]])
    with proj.sessions() as s:
        assert index.ensure(s).startswith("up to date (1 change")
    assert sids(proj, index, "raqqa") == {new}


def test_footnotes_memos_codings_and_collections_follow(proj, index, two):
    a, b = two
    assert sids(proj, index, "has:footnote") == set()
    with proj.session() as s:
        s.add(Footnote(source_id=a, label="1", text="an interview", offset=0, end=8))
        memo = Memo(target="source", source_id=b, body="a memo about water")
        code = Code(name="Return")
        coll = Collection(name="Mine")
        coll.sources = [s.get(Source, b)]
        s.add_all([memo, code, coll])
        s.flush()
        ex = Excerpt(source_id=a, start=0, end=8)
        s.add(ex)
        s.flush()
        coding = Coding(excerpt_id=ex.id, code_id=code.id)
        s.add(coding)
        s.flush()
        memo_id, coding_id = memo.id, coding.id
    assert sids(proj, index, "interview") == {a}
    assert sids(proj, index, "memo:water") == {b}
    assert sids(proj, index, "code:return") == {a}
    assert sids(proj, index, "collection:mine") == {b}
    with proj.session() as s:
        s.delete(s.get(Memo, memo_id))
        s.delete(s.get(Coding, coding_id))
        s.get(Collection, 1).sources = [s.get(Source, a)]
    assert sids(proj, index, "has:memo") == set()
    assert sids(proj, index, "has:code") == set()
    assert sids(proj, index, "collection:mine") == {a}


@pytest.mark.parametrize("damage", ["missing", "stamp", "version", "project", "toc",
                                    "corrupt", "diverged"])
def test_bad_index_is_rebuilt(proj, index, two, damage):
    assert sids(proj, index, "raqqa") == {two[0]}
    index.close()
    stamp_file = index.path / STAMP
    stamp = json.loads(stamp_file.read_text())
    if damage == "missing":
        shutil.rmtree(index.path)
    elif damage == "stamp":
        stamp_file.write_text("{not json")
    elif damage in ("version", "project"):
        stamp["schema" if damage == "version" else "project"] = "something else"
        stamp_file.write_text(json.dumps(stamp))
    elif damage == "toc":
        toc = next(index.path.glob("*.toc"))
        toc.write_bytes(toc.read_bytes() + b"x")
    elif damage == "corrupt":
        for f in index.path.iterdir():
            if f.suffix in (".trm", ".pst", ".seg"):
                f.write_bytes(b"\0" * 64)
    elif damage == "diverged":
        stamp["last_at"] = "1999-01-01T00:00:00+00:00"
        stamp_file.write_text(json.dumps(stamp))
    with proj.sessions() as s:
        assert index.ensure(s).startswith("rebuilt")
    assert sids(proj, index, "raqqa") == {two[0]}


class _Trap:
    """Unpickling this would write a file: proof that an index was opened."""

    def __reduce__(self):
        return (open, ("/tmp/quire-search-trap-was-sprung", "w"))


def test_an_index_from_elsewhere_is_never_opened(proj, index, two, tmp_path, monkeypatch):
    from whoosh import index as windex

    opened = []
    real = windex.open_dir
    monkeypatch.setattr(windex, "open_dir", lambda d, **kw: opened.append(d) or real(d, **kw))
    other = new_project(tmp_path / "other.quire")
    try:
        with other.session() as s:
            make_source(s, "another project's text about Raqqa")
        other_index = SearchIndex(other)
        with other.sessions() as s:
            other_index.ensure(s)
    finally:
        other.close()
    # Someone puts the other project's index, and a booby-trapped TOC, where ours goes.
    shutil.rmtree(index.path, ignore_errors=True)
    shutil.copytree(other_index.path, index.path)
    (index.path / "_MAIN_99.toc").write_bytes(pickle.dumps(_Trap()))
    opened.clear()
    with proj.sessions() as s:
        assert index.ensure(s) == "rebuilt (built for another project)"
    assert all(str(index.path) + ".building" in d or d == str(index.path) for d in opened)
    assert not Path("/tmp/quire-search-trap-was-sprung").exists()
    assert sids(proj, index, "raqqa") == {two[0]}


def test_index_dir_refuses_a_uuid_that_is_a_path():
    from db.errors import SearchIndexError

    with pytest.raises(SearchIndexError):
        index_dir("../../etc")


def test_failed_commit_leaves_no_lock_behind(proj, index, two, monkeypatch):
    from whoosh.writing import SegmentWriter

    assert sids(proj, index, "raqqa") == {two[0]}
    with proj.session() as s:
        make_source(s, "Raqqa again")

    def broken(self, segments):
        raise OSError("disk full")

    monkeypatch.setattr(SegmentWriter, "_commit_toc", broken)
    with proj.sessions() as s, pytest.raises(OSError, match="disk full"):
        index.catch_up(s)
    monkeypatch.undo()
    with proj.sessions() as s:
        assert index.catch_up(s) == 1  # the writer lock was released
    assert len(sids(proj, index, "raqqa")) == 2


def test_busy_writer_is_a_clear_error(proj, index, two, monkeypatch):
    from db.search import index as index_module

    assert sids(proj, index, "raqqa")
    monkeypatch.setattr(index_module, "WRITE_TIMEOUT", 0.1)
    with proj.session() as s:
        make_source(s, "Raqqa once more")
    lock = index._ix.lock("WRITELOCK")
    assert lock.acquire()
    try:
        with proj.sessions() as s, pytest.raises(IndexBusyError, match="another Quire"):
            index.catch_up(s)
    finally:
        lock.release()
    with proj.sessions() as s:
        assert index.catch_up(s) == 1


def test_cancelled_rebuild_keeps_the_old_index(proj, index, two):
    assert sids(proj, index, "raqqa") == {two[0]}
    with proj.sessions() as s, pytest.raises(IndexCancelled):
        index.rebuild(s, cancelled=lambda: True)
    assert sids(proj, index, "raqqa") == {two[0]}


def test_parallel_build_gives_the_same_answers(proj, index, two):
    with proj.session() as s:
        for i in range(30):
            make_source(s, f"post {i} about Raqqa and water {i % 3}", published=when(1 + i % 9))
    with proj.sessions() as s:
        assert index.rebuild(s, procs=1) == 32
        alone = [(r.hit.source_id, r.hit.start) for r in search(index, s, "raqqa").rows()]
        assert index.rebuild(s, procs=2) == 32
        index.ensure(s)
        together = [(r.hit.source_id, r.hit.start) for r in search(index, s, "raqqa").rows()]
        assert together == alone and len({sid for sid, _ in alone}) == 31
        assert len(list(index.path.glob("*.trm"))) == 1  # the processes' runs merged
        assert not list(index.path.glob("*.run"))
        last = s.scalar(select(Change.seq).order_by(Change.seq.desc()).limit(1))
    assert json.loads((index.path / STAMP).read_text())["last_seq"] == last
