"""Forum thread pages, engine by engine: posts, authors, dates, order, quotes, no noise."""

from __future__ import annotations

import datetime as dt

import pytest

from db import importers
from db.errors import ImportFileError
from db.importers.base import ReadOptions
from db.importers.forums import IMPORTER
from db.importers.forums.dates import Clock, read_date
from db.text import is_canonical
from tests.db.importers import forum_pages as fp
from tests.db.importers import forum_pages_more as fm

POSTS = fp.thread_posts(7)


def _handle(p: fp.Post) -> str:
    return p.author.split()[0].lower()


def _uid(p: fp.Post) -> str:
    return str(p.uid)


# page kind: (page builder, engine, member shown, quotes linked as)
ENGINES = {
    "xenforo": (fp.xenforo, "xenforo", _uid, "{pid}"),
    "vbulletin4": (fp.vbulletin4, "vbulletin", _uid, "{pid}"),
    "vbulletin5": (fm.vbulletin5, "vbulletin", _uid, "{pid}"),
    "phpbb": (fp.phpbb, "phpbb", _uid, "{pid}"),
    "discourse": (fp.discourse, "discourse", _handle, "t7/{number}"),
    "discourse_crawler": (fm.discourse_crawler, "discourse", _handle, "t7/{number}"),
    "mybb": (fm.mybb, "mybb", _uid, "{pid}"),
    "invision": (fm.invision, "invision", _uid, "{pid}"),
    "smf": (fm.smf, "smf", _uid, "{pid}"),
}


def read(tmp_path, html: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    found = IMPORTER.read(path, ReadOptions())
    return list(found.drafts), found


@pytest.mark.parametrize("kind", ENGINES)
def test_each_engine_gives_one_post_per_message(tmp_path, kind):
    build, name, member, link = ENGINES[kind]
    drafts, found = read(tmp_path, build(POSTS))
    assert found.collection == fp.TITLE
    assert len(drafts) == len(POSTS)
    assert [d.author for d in drafts] == [p.author for p in POSTS]
    assert [d.handle for d in drafts] == [member(p) for p in POSTS]
    assert [d.published for d in drafts] == [p.when for p in POSTS]
    assert all(d.published.tzinfo is not None for d in drafts)
    assert [d.extra.get("post_number") for d in drafts] in (
        [p.number for p in POSTS], [None] * len(POSTS))  # Invision shows no numbers
    for d, p in zip(drafts, POSTS, strict=True):
        assert d.platform == "forum" and d.kind == "post" and is_canonical(d.text)
        assert d.text.startswith(p.quote.quoted if p.quote else p.words[0])
        assert d.post_id == f"{fp.HOST}:" + link.format(pid=p.pid, number=p.number)
        assert d.extra["collection"] == d.title == d.extra["thread_title"] == fp.TITLE
        assert d.extra["forum_section"] == fp.SECTION
        assert d.url.startswith("https://")
        assert d.extra["format"] == f"forum-{name}"


@pytest.mark.parametrize("kind", ENGINES)
def test_quotes_are_marked_with_whom_and_which_post(tmp_path, kind):
    build, _name, _member, link = ENGINES[kind]
    drafts, _ = read(tmp_path, build(POSTS))
    for d, p in zip(drafts, POSTS, strict=True):
        quotes = d.extra.get("quotes", [])
        if p.quote is None:
            assert not quotes
            continue
        (q,) = quotes
        assert d.text[q["start"]:q["end"]] == p.quote.quoted
        assert q["author"] in (p.quote.author, _handle(p.quote))
        assert q["post"] == f"{fp.HOST}:" + link.format(pid=p.quote.pid, number=p.quote.number)
        # the post's own words follow the quote, not inside it
        assert d.text[q["end"]:].strip().startswith(p.words[0])


@pytest.mark.parametrize("kind", [*ENGINES, "reddit_old", "reddit_new"])
def test_signatures_titles_likes_ads_and_navigation_never_become_text(tmp_path, kind):
    html = {"reddit_old": lambda: fm.reddit_old(POSTS),
            "reddit_new": lambda: fm.reddit_new(POSTS, [])}.get(
        kind, lambda: ENGINES[kind][0](POSTS))()
    drafts, _ = read(tmp_path, html)
    assert drafts and all(fp.NOISE not in (d.text + d.author + d.title + d.handle)
                          for d in drafts)
    assert not any("said:" in d.text or "Originally Posted" in d.text or "wrote:" in d.text
                   or "Wrote:" in d.text or "Quote from" in d.text for d in drafts)


def test_arabic_vbulletin_with_hijri_dates(tmp_path):
    posts = fp.thread_posts(5, arabic=True)
    drafts, found = read(tmp_path, fp.vbulletin3_arabic(posts))
    assert found.collection == "تقارير الحواجز على الطريق الشمالي"
    assert [d.author for d in drafts] == [p.author for p in posts]
    assert [d.published for d in drafts] == [p.when.replace(second=0) for p in posts]
    first = drafts[0]
    assert first.language == "ar" and first.extra["forum_section"] == "الطرق والسفر"
    assert first.extra["date_hijri"] == "1437-09-27"  # 2 July 2016
    assert "Hijri" in " ".join(first.extra["date_flags"])
    assert first.extra["date_shown"].startswith("27 رمضان 1437")
    assert first.extra["time_zone"] == "GMT +3"
    q = drafts[2].extra["quotes"][0]
    assert q["author"] == posts[1].author and drafts[2].text[q["start"]:q["end"]] == \
        posts[1].quoted
    assert all(fp.NOISE not in d.text for d in drafts)


def test_a_windows_1256_arabic_page(tmp_path):
    posts = fp.thread_posts(3, arabic=True)
    html = fp.vbulletin3_arabic(posts).replace('charset="utf-8"', 'charset="windows-1256"')
    path = tmp_path / "showthread.php"
    path.write_bytes(html.encode("cp1256"))
    drafts = list(IMPORTER.read(path, ReadOptions()).drafts)
    assert [d.author for d in drafts] == [p.author for p in posts]
    assert drafts[0].text.startswith(posts[0].words[0])


def test_arabic_indic_numeric_dates(tmp_path):
    posts = fp.thread_posts(3, arabic=True)
    drafts, _ = read(tmp_path, fp.vbulletin3_arabic(posts, style="indic"))
    assert [d.published for d in drafts] == [p.when for p in posts]
    assert drafts[0].extra["date_shown"].startswith("٠٢-٠٧-٢٠١٦")


def test_relative_dates_use_the_save_date_or_are_flagged(tmp_path):
    posts = fp.thread_posts(2)
    saved = dt.datetime(2016, 7, 3, 8, 0, tzinfo=dt.UTC)  # the posts are from "Yesterday"
    drafts, found = read(tmp_path, fp.vbulletin4(posts, saved=saved))
    assert drafts[0].extra["date_shown"].startswith("Yesterday")
    assert [d.published for d in drafts] == [p.when for p in posts]
    assert drafts[0].extra["page_saved"].startswith("2016-07-03T08:00")
    html = fp.vbulletin4(posts, saved=saved).replace("Page saved with SingleFile", "x")
    drafts, found = read(tmp_path, html.replace("saved date:", "x"), "unsaved.html")
    assert all(d.published is None for d in drafts)
    assert any("does not say when it was saved" in w for w in found.warnings)


def test_mybb_relative_day_takes_its_title(tmp_path):
    posts = fp.thread_posts(2)
    saved = dt.datetime(2016, 7, 2, 20, 0, tzinfo=dt.UTC)
    drafts, _ = read(tmp_path, fm.mybb(posts, saved=saved))
    assert [d.published for d in drafts] == [p.when for p in posts]


def test_reddit_old_layout_nests_replies(tmp_path):
    drafts, found = read(tmp_path, fm.reddit_old(POSTS))
    assert found.collection == fp.TITLE
    assert [d.post_id for d in drafts] == ["t3_abc123"] + [f"t1_c{p.number}" for p in POSTS[1:]]
    assert drafts[0].text.startswith(fp.TITLE + "\n\n" + POSTS[0].words[0])
    assert [d.reply_to_id for d in drafts] == ["", "t3_abc123"] + [
        f"t1_c{p.number}" for p in POSTS[1:-1]]
    assert all(d.platform == "reddit" and d.site_name == "Reddit" for d in drafts)
    assert [d.published for d in drafts] == [p.when for p in POSTS]
    q = drafts[2].extra["quotes"][0]
    assert drafts[2].text[q["start"]:q["end"]] == POSTS[1].quoted


def test_reddit_new_layout_adds_comments_found_only_in_the_json(tmp_path):
    drafts, _ = read(tmp_path, fm.reddit_new(POSTS[:3], POSTS[3:]))
    assert [d.post_id for d in drafts] == ["t3_abc123"] + [f"t1_c{p.number}" for p in POSTS[1:]]
    assert [d.published for d in drafts] == [p.when for p in POSTS]
    json_quote = drafts[5].extra["quotes"][0]  # post 6 quotes post 5, in the JSON only
    assert drafts[5].text[json_quote["start"]:json_quote["end"]] == POSTS[4].quoted
    assert drafts[0].extra["forum_section"] == "r/syriancivilwar"


def test_reddit_2018_layout_from_the_page_state_alone(tmp_path):
    drafts, _ = read(tmp_path, fm.reddit_2018(POSTS))
    assert len(drafts) == len(POSTS) and drafts[0].text.startswith(fp.TITLE)
    assert [d.author for d in drafts] == [_handle(p) for p in POSTS]


def test_detection_is_by_structure_not_by_name(tmp_path):
    odd = tmp_path / "saved_page.dat"
    odd.write_text(fp.phpbb(POSTS), encoding="utf-8")
    assert importers.detect(odd).name == "forum"
    article = tmp_path / "thread.html"
    article.write_text("<!DOCTYPE html><html><body><h1>Forum rules</h1><p>"
                       + "Be kind to each other on this forum. " * 20 + "</p></body></html>")
    assert importers.detect(article).name == "html"
    with pytest.raises(ImportFileError, match="no forum thread"):
        IMPORTER.read(article, ReadOptions())


@pytest.mark.parametrize("shown, expected", [
    ("12 رمضان 1437، 02:51 م", dt.datetime(2016, 6, 17, 14, 51)),
    ("٠٢-٠٧-٢٠١٦، ١١:٠٥ ص", dt.datetime(2016, 7, 2, 11, 5)),
    ("« Reply #3 on: July 02, 2016, 02:51:00 PM »", dt.datetime(2016, 7, 2, 14, 51)),
    ("Jul 2nd, 2016, 02:51 PM", dt.datetime(2016, 7, 2, 14, 51)),
    ("1 ذو الحجة 1437 هـ", dt.datetime(2016, 9, 2)),
    ("2 تموز 2016", dt.datetime(2016, 7, 2)),
])
def test_forum_dates(shown, expected):
    tz = dt.timezone(dt.timedelta(hours=3))
    assert read_date(shown, Clock(tz)).value == expected.replace(tzinfo=tz)


def test_relative_dates_against_the_save_date():
    saved = dt.datetime(2016, 7, 3, 10, 0, tzinfo=dt.UTC)
    clock = Clock(dt.timezone(dt.timedelta(hours=3)), saved)
    assert read_date("Yesterday at 14:51", clock).value.isoformat() == \
        "2016-07-02T14:51:00+03:00"
    assert read_date("أمس، 11:05 ص", clock).value.day == 2
    assert read_date("منذ ساعتين", clock).value == saved - dt.timedelta(hours=2)
    unknown = read_date("Today, 02:51 PM", Clock())
    assert unknown.value is None and "does not say when it was saved" in unknown.flags[0]
