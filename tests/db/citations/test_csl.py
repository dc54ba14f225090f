"""CSL-JSON for sources, from what importers read: articles, posts, names, dates, matching."""

import datetime as dt

from sqlalchemy import select

from db.citations.csl import (
    csl_for_draft,
    csl_for_source,
    normalize_doi,
    normalize_title,
    normalize_url,
    parse_date,
    people,
    person,
    platform_name,
    post_title,
)
from db.importers.base import ARTICLE, POST, SourceDraft
from db.models import Source
from tests.db.notes_support import import_samples

WHEN = dt.datetime(2017, 10, 15, 15, 0, tzinfo=dt.UTC)


def test_a_news_article_names_its_site_author_date_and_url():
    draft = SourceDraft(kind=ARTICLE, text="Body.", title="Snap Makes a Bet",
                        author="Farhad Manjoo", site_name="The New York Times",
                        url="https://www.nytimes.com/x.html", published=WHEN, language="en",
                        extra={"publisher": "The New York Times Company",
                               "accessed": "2020-05-01"})
    assert csl_for_draft(draft) == {
        "type": "article-newspaper", "title": "Snap Makes a Bet",
        "author": [{"family": "Manjoo", "given": "Farhad"}],
        "container-title": "The New York Times", "issued": {"date-parts": [[2017, 10, 15]]},
        "language": "en", "URL": "https://www.nytimes.com/x.html",
        "publisher": "The New York Times Company",
        "accessed": {"date-parts": [[2020, 5, 1]]}}


def test_articles_without_a_site_are_web_pages_or_plain_articles():
    page = SourceDraft(kind=ARTICLE, text="x", title="A page", url="https://ex.org/p")
    assert csl_for_draft(page)["type"] == "webpage"
    pdf = SourceDraft(kind=ARTICLE, text="x", title="A report")
    assert csl_for_draft(pdf) == {"type": "document", "title": "A report"}


def test_a_tweet_is_a_post_by_its_handle_on_twitter_titled_by_its_first_words():
    text = " ".join(f"w{i}" for i in range(30))
    draft = SourceDraft(kind=POST, text=text, author="Brett McGurk", handle="brett_mcgurk",
                        platform="twitter", url="https://twitter.com/x/status/1",
                        published=WHEN)
    item = csl_for_draft(draft)
    assert item == {"type": "post", "title": " ".join(f"w{i}" for i in range(20)),
                    "author": [{"literal": "@brett_mcgurk"}], "container-title": "Twitter",
                    "issued": {"date-parts": [[2017, 10, 15]]},
                    "URL": "https://twitter.com/x/status/1"}


def test_a_post_without_handle_keeps_the_display_name_whole():
    draft = SourceDraft(kind=POST, text="نص", author="وزارة الخارجية", platform="telegram")
    item = csl_for_draft(draft)
    assert item["author"] == [{"literal": "وزارة الخارجية"}]
    assert item["container-title"] == "Telegram" and item["title"] == "نص"


def test_csl_an_importer_carried_wins_and_unknown_fields_are_kept():
    draft = SourceDraft(kind=ARTICLE, text="x", title="T", site_name="Site",
                        extra={"csl": {"type": "article-magazine", "x-archive": "kept"}})
    item = csl_for_draft(draft)
    assert item["type"] == "article-magazine" and item["x-archive"] == "kept"


def test_names():
    assert person("Adam Hoffman") == {"family": "Hoffman", "given": "Adam"}
    assert person("Hoffman, Adam") == {"family": "Hoffman", "given": "Adam"}
    assert person("Reuters") == {"literal": "Reuters"}
    assert person("محمد الشريف") == {"literal": "محمد الشريف"}
    assert people("By Jane Roe and John Doe; Ann Lee") == [
        {"family": "Roe", "given": "Jane"}, {"family": "Doe", "given": "John"},
        {"family": "Lee", "given": "Ann"}]
    assert people("") == []


def test_small_helpers():
    assert platform_name("reddit") == "Reddit" and platform_name("mastodon") == "Mastodon"
    assert platform_name("My Forum") == "My Forum"
    assert post_title("  a\n b  ") == "a b"
    assert len(post_title("x" * 20 + " " + "y" * 200)) <= 160
    assert parse_date("2017/03/02/") == {"date-parts": [[2017, 3, 2]]}
    assert parse_date("2017-13") == {"date-parts": [[2017]]}
    assert parse_date("Spring 2017") == {"literal": "Spring 2017"}
    assert parse_date("") is None


def test_normal_forms_for_matching():
    assert normalize_title("The  Rise, of ISIS!") == normalize_title("the rise of isis")
    assert normalize_title("عادَ السكانُ") == normalize_title("عاد السكان")
    assert normalize_url("https://www.Example.com/a/?utm_source=x#top") == "example.com/a"
    assert normalize_url("http://example.com/a") == normalize_url("example.com/a/")
    assert normalize_doi("https://doi.org/10.1000/ABC.") == "10.1000/abc"
    assert normalize_doi("no doi") == ""


def test_import_fills_each_sources_csl(proj, tmp_path):
    ids = import_samples(proj, tmp_path)
    with proj.sessions() as s:
        tweet, arabic = s.get(Source, ids["tweet"]), s.get(Source, ids["arabic"])
        assert tweet.csl["author"] == [{"literal": "@brett_mcgurk"}]
        assert tweet.csl["container-title"] == "Twitter"
        assert tweet.csl["URL"] == "https://twitter.com/brett_mcgurk/status/919"
        assert arabic.csl["title"] == "عاد السكان إلى المدينة"
        assert arabic.csl["author"] == [{"literal": "محمد الشريف"}]
        assert all(s.scalars(select(Source.csl)))


def test_a_source_imported_before_csl_was_kept_is_cited_by_its_row(proj, tmp_path):
    ids = import_samples(proj, tmp_path)
    with proj.session() as s:
        src = s.get(Source, ids["article"])
        stored = dict(src.csl)
        src.csl = {}
    with proj.sessions() as s:
        assert csl_for_source(s.get(Source, ids["article"])) == stored
