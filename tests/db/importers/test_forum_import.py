"""Forum threads through the import pipeline: pages merge, re-imports add only new posts,
quotes link to the quoted post once it is in the project."""

from __future__ import annotations

import json

from sqlalchemy import select

from db.importing import SKIPPED, import_paths
from db.models import Collection, Source
from db.queries.quotes import quoted_passages
from db.queries.sources import detail
from tests.db.importers import forum_pages as fp
from tests.db.importers import forum_pages_more as fm


def _pages(tmp_path, build, sizes: list[int], arabic: bool = False, **kw) -> list:
    tmp_path.mkdir(exist_ok=True)
    paths, start = [], 1
    for page, n in enumerate(sizes, start=1):
        path = tmp_path / f"thread-p{page}.html"
        path.write_text(build(fp.thread_posts(n, arabic=arabic, start=start), page=page, **kw),
                        encoding="utf-8")
        paths.append(path)
        start += n
    return paths


def _thread(proj, title=fp.TITLE) -> list[Source]:
    with proj.sessions() as s:
        coll = s.scalars(select(Collection).where(Collection.name == title)).one()
        posts = sorted(coll.sources, key=lambda src: src.extra.get("post_number") or 0)
        s.expunge_all()
        return posts


def test_pages_of_a_thread_merge_into_one_collection_in_order(proj, tmp_path):
    paths = _pages(tmp_path, fp.xenforo, [5, 5, 3])
    with proj.sessions() as s:
        report, _ = import_paths(s, list(reversed(paths)))  # the order of files does not matter
    assert report.added == 13 and not report.failed
    posts = _thread(proj)
    assert [p.extra["post_number"] for p in posts] == list(range(1, 14))
    assert [p.published for p in posts] == sorted(p.published for p in posts)
    assert {p.thread_id for p in posts} == {f"{fp.HOST}:t7"}


def test_saving_the_thread_again_adds_only_the_new_posts(proj, tmp_path):
    first = _pages(tmp_path / "monday", fp.vbulletin4, [5, 2])
    with proj.sessions() as s:
        import_paths(s, first)
    later = _pages(tmp_path / "friday", fp.vbulletin4, [5, 5, 1])
    with proj.sessions() as s:
        report, _ = import_paths(s, later)
    assert [f.added for f in report.files] == [0, 3, 1]
    assert [f.duplicates for f in report.files] == [5, 2, 0]
    assert report.files[0].status == SKIPPED
    assert len(_thread(proj)) == 11
    with proj.sessions() as s:
        report, _ = import_paths(s, later)  # nothing new at all
    assert report.added == 0


def test_quotes_link_to_the_quoted_post_once_it_is_in_the_project(proj, tmp_path):
    page1, page2 = _pages(tmp_path, fp.phpbb, [5, 5], per_page=5)
    with proj.sessions() as s:
        import_paths(s, [page2])
        sixth = s.scalars(select(Source).where(Source.post_id == f"{fp.HOST}:1006")).one()
        (q,) = quoted_passages(s, sixth)  # post 6 quotes post 5, on page 1: not here yet
        assert q["post"] == f"{fp.HOST}:1005" and q["source_id"] is None
        assert sixth.extra["post_number"] == 6
    with proj.sessions() as s:
        import_paths(s, [page1])
        sixth = s.scalars(select(Source).where(Source.post_id == f"{fp.HOST}:1006")).one()
        fifth = s.scalars(select(Source).where(Source.post_id == f"{fp.HOST}:1005")).one()
        shown = detail(s, sixth.id)
        (q,) = shown["quotes"]
        assert q["source_id"] == fifth.id and q["author"] == fifth.author
        assert shown["text"][q["start"]:q["end"]] == fifth.text.split("\n")[0]


def test_an_arabic_thread_in_two_pages(proj, tmp_path):
    paths = _pages(tmp_path, fp.vbulletin3_arabic, [4, 3], arabic=True)
    with proj.sessions() as s:
        report, _ = import_paths(s, paths)
    assert report.added == 7
    posts = _thread(proj, "تقارير الحواجز على الطريق الشمالي")
    assert [p.author for p in posts[:3]] == ["أبو محمد", "ناصر الدين", "أم سلمى"]
    assert all(p.language == "ar" and p.extra["date_hijri"].startswith("1437-09")
               for p in posts)


def test_a_comment_from_a_saved_page_and_from_a_dump_is_one_post(proj, tmp_path):
    page = tmp_path / "thread.html"
    page.write_text(fm.reddit_old(fp.thread_posts(3)), encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"id": "c2", "name": "t1_c2", "author": "bob", "body": "x",
                                "subreddit": "syriancivilwar", "created_utc": 1467450000,
                                "link_id": "t3_abc123", "parent_id": "t3_abc123"}) + "\n")
    with proj.sessions() as s:
        import_paths(s, [page])
        report, _ = import_paths(s, [dump])
    assert report.added == 0 and report.files[0].duplicates == 1
