"""The import pipeline: reports, duplicates, collections, undo, cancel and failures."""

import json
from itertools import chain, islice
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import importers
from db.errors import ImportFileError
from db.importers.base import ARTICLE, POST, FileRead, ReadOptions, SourceDraft
from db.importing import FAILED, IMPORTED, SKIPPED, import_paths
from db.models import Change, Collection, Footnote, ImportBatch, Source


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _count(proj, model=Source) -> int:
    with proj.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_folder_import_is_recursive_and_reported(proj, tmp_path):
    docs = tmp_path / "docs"
    _write(docs, "a.txt", "First article\n\nBody of the first.")
    _write(docs, "sub/b.txt", "Second article\n\nBody with a note [1].\n\nNotes\n[1] The note.")
    _write(docs, ".hidden.txt", "not imported")
    with proj.sessions() as s:
        report, result = import_paths(s, [docs], collection="Reading list")
    assert [f.status for f in report.files] == [IMPORTED, IMPORTED]
    assert report.added == 2 and not report.failed
    assert report.lines()[-1].startswith("2 source(s) added from 2 file(s), 0 failed")
    with proj.sessions() as s:
        coll = s.scalars(select(Collection)).one()
        assert coll.name == "Reading list" and len(coll.sources) == 2
        note = s.scalars(select(Footnote)).one()
        src = s.get(Source, note.source_id)
        assert src.text[note.offset:note.end] == "[1]" and note.text == "The note."
        assert src.length == len(src.text) and src.import_id == report.batch_id
    assert result.changes.touched("sources")


def test_same_file_twice_is_skipped_and_reported(proj, tmp_path):
    f = _write(tmp_path, "a.txt", "An article\n\ntext")
    with proj.sessions() as s:
        import_paths(s, [f])
        report, _ = import_paths(s, [f])
    assert report.files[0].status == SKIPPED
    assert "already in the project" in report.files[0].reason
    assert _count(proj) == 1


def test_identical_text_in_another_file_is_a_duplicate(proj, tmp_path):
    a = _write(tmp_path, "a.txt", "Same text\n\nbody")
    b = _write(tmp_path, "b.txt", "\ufeffSame text\r\n\r\nbody")  # same canonical text
    with proj.sessions() as s:
        report, _ = import_paths(s, [a, b])
    assert [f.status for f in report.files] == [IMPORTED, SKIPPED]
    assert report.files[1].duplicates == 1


def test_bad_files_fail_with_reasons_and_the_rest_goes_on(proj, tmp_path):
    good = _write(tmp_path, "good.txt", "Good\n\ntext")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    with proj.sessions() as s:
        report, _ = import_paths(s, [empty, junk, good, tmp_path / "missing.txt"])
    status = {Path(f.path).name: (f.status, f.reason) for f in report.files}
    assert status["good.txt"][0] == IMPORTED
    assert status["empty.txt"] == (FAILED, "the file is empty")
    assert status["junk.bin"][0] == FAILED and status["junk.bin"][1]
    assert status["missing.txt"][0] == FAILED and "cannot be read" in status["missing.txt"][1]
    assert _count(proj) == 1


def test_undo_removes_the_import_and_redo_restores_it_exactly(proj, tmp_path):
    f = _write(tmp_path, "a.txt", "Title\n\nA note [1].\n\nNotes\n[1] Text of it.")
    with proj.sessions() as s:
        _, result = import_paths(s, [f], collection="C")
        before = [(x.id, x.uuid, x.text) for x in s.scalars(select(Source))]
    with proj.session() as s:
        undo = result.inverse(s)
    assert _count(proj) == 0 and _count(proj, Collection) == 0 and _count(proj, Footnote) == 0
    with proj.session() as s:
        redo = undo.inverse(s)
    with proj.sessions() as s:
        assert [(x.id, x.uuid, x.text) for x in s.scalars(select(Source))] == before
        assert s.scalars(select(Collection)).one().sources[0].id == before[0][0]
        logged = s.execute(select(Change.entity, Change.action)).all()
    assert ("sources", "delete") in logged
    assert redo.changes.touched("sources")
    assert _count(proj, Footnote) == 1


class _FakePosts:
    """An importer that yields ``n`` posts, then optionally breaks."""

    name, label, kind = "fake", "Fake posts", POST

    def __init__(self, n: int, break_after: bool = False):
        self.n, self.break_after = n, break_after

    def sniff(self, path, head):
        return 1.0 if path.suffix == ".fake" else 0.0

    def read(self, path, options):
        def drafts():
            for i in range(self.n):
                yield SourceDraft(kind=POST, text=f"post {i} 🙂", platform="fake",
                                  post_id=str(i), handle="h")
            if self.break_after:
                raise ImportFileError(path, "the file is truncated")
        return FileRead(drafts(), collection="fake posts")


@pytest.fixture
def fake(monkeypatch):
    def install(importer):
        monkeypatch.setattr(importers, "importers", lambda: (importer,))
    return install


def test_posts_already_in_the_project_are_skipped(proj, tmp_path, fake):
    fake(_FakePosts(5))
    a = _write(tmp_path, "a.fake", "a")
    b = _write(tmp_path, "b.fake", "b")  # other file, same post ids
    with proj.sessions() as s:
        report, _ = import_paths(s, [a, b])
    assert report.files[0].added == 5
    assert report.files[1].status == SKIPPED and report.files[1].duplicates == 5
    with proj.sessions() as s:
        assert s.scalars(select(Collection.name)).all() == ["fake posts"]
        again, result = import_paths(s, [b])  # nothing new: no batch, nothing to undo
        assert (again.batch_id, bool(result.changes), again.files[0].duplicates) == (None,
                                                                                 False, 5)


def test_posts_repeated_in_a_file_are_found_chunk_by_chunk(proj, tmp_path, fake, monkeypatch):
    import db.importing

    monkeypatch.setattr(db.importing, "CHUNK", 10)
    posts = _FakePosts(25)
    once = posts.read
    # the 25 posts, the same again (asked of the project chunk by chunk), then the first
    # three twice more (found within their chunk)
    posts.read = lambda path, options: FileRead(
        chain(once(path, options).drafts, once(path, options).drafts,
              islice(once(path, options).drafts, 3), islice(once(path, options).drafts, 3)),
        collection="fake posts")
    fake(posts)
    with proj.sessions() as s:
        report, _ = import_paths(s, [_write(tmp_path, "a.fake", "a")])
    assert (report.files[0].added, report.files[0].duplicates) == (25, 31)
    assert _count(proj) == 25


def test_a_file_breaking_half_way_keeps_what_was_committed(proj, tmp_path, fake, monkeypatch):
    import db.importing

    monkeypatch.setattr(db.importing, "CHUNK", 10)
    fake(_FakePosts(25, break_after=True))
    with proj.sessions() as s:
        report, _ = import_paths(s, [_write(tmp_path, "a.fake", "a")])
    out = report.files[0]
    assert out.status == FAILED and "truncated" in out.reason and "20 source(s)" in out.reason
    assert _count(proj) == 20  # two whole chunks; the third was rolled back


def test_cancel_keeps_the_sources_finished_so_far(proj, tmp_path, fake, monkeypatch):
    import db.importing

    monkeypatch.setattr(db.importing, "CHUNK", 10)
    fake(_FakePosts(100))
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 3

    with proj.sessions() as s:
        report, result = import_paths(s, [_write(tmp_path, "a.fake", "a")], cancelled=cancelled)
    assert report.cancelled
    n = _count(proj)
    assert 0 < n < 100 and n % 10 == 0
    with proj.sessions() as s:
        batch = s.scalars(select(ImportBatch)).one()
        assert batch.finished_at is not None and batch.report["cancelled"] is True
    with proj.session() as s:
        result.inverse(s)
    assert _count(proj) == 0


def test_article_draft_fields_reach_the_database(proj, tmp_path, fake):
    import datetime as dt

    class One(_FakePosts):
        def read(self, path, options):
            d = SourceDraft(kind=ARTICLE, text="نص عربي", title="عنوان", author="A",
                            published=dt.datetime(2017, 10, 15, 14, 3,
                                                  tzinfo=dt.timezone(dt.timedelta(hours=3))),
                            language="ar", raw={"k": "v"})
            return FileRead(iter([d]))

    fake(One(0))
    with proj.sessions() as s:
        import_paths(s, [_write(tmp_path, "x.fake", "x")], options=ReadOptions())
        src = s.scalars(select(Source)).one()
    assert src.published == dt.datetime(2017, 10, 15, 11, 3, tzinfo=dt.UTC)
    assert (src.title, src.language, json.loads(src.raw)) == ("عنوان", "ar", {"k": "v"})
