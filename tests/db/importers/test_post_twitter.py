"""Twitter/X importers: API v2 pages and flattened tweets, API v1.1 statuses, twarc-csv."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json

import pytest

from db.errors import ImportFileError
from db.importers import reddit, tabular, telegram, twitter
from db.importers.base import POST, ReadOptions
from db.importers.twitter import IMPORTER
from db.text import is_canonical

UTC = dt.UTC
ARABIC = "تحرير #الرقة 🎉 مع @SDFpress https://t.co/abc"

ORIGINAL = {
    "id": "1580000000000000001", "text": ARABIC, "author_id": "111",
    "conversation_id": "1580000000000000001", "created_at": "2022-10-12T08:30:00.000Z",
    "lang": "ar", "edit_history_tweet_ids": ["1580000000000000001"],
    "public_metrics": {"retweet_count": 5, "reply_count": 2, "like_count": 40,
                       "quote_count": 1, "impression_count": 900},
    "entities": {
        "hashtags": [{"start": 6, "end": 12, "tag": "الرقة"}],
        "mentions": [{"start": 18, "end": 27, "username": "SDFpress", "id": "222"}],
        "urls": [{"start": 28, "end": 44, "url": "https://t.co/abc",
                  "expanded_url": "https://example.org/raqqa",
                  "display_url": "example.org/raqqa"}],
    },
}
REPLY = {
    "id": "1580000000000000002", "author_id": "333", "lang": "en",
    "text": "@user1 Cafe\u0301 &amp; thanks\r\n#SDFfreedRaqqa",
    "conversation_id": "1580000000000000001", "created_at": "2022-10-12T09:00:05.000Z",
    "in_reply_to_user_id": "111",
    "referenced_tweets": [{"type": "replied_to", "id": "1580000000000000001"}],
    "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 3,
                       "quote_count": 0, "impression_count": 50},
    "entities": {"hashtags": [{"start": 24, "end": 38, "tag": "SDFfreedRaqqa"}],
                 "mentions": [{"start": 0, "end": 6, "username": "user1", "id": "111"}]},
}
RETWEET = {
    "id": "1580000000000000003", "author_id": "333", "lang": "ar",
    "text": "RT @user1: تحرير #الرقة 🎉 مع…", "created_at": "2022-10-12T10:00:00.000Z",
    "conversation_id": "1580000000000000003",
    "referenced_tweets": [{"type": "retweeted", "id": "1580000000000000001"}],
    "public_metrics": {"retweet_count": 5, "reply_count": 0, "like_count": 0,
                       "quote_count": 0, "impression_count": 0},
}
LONG = {
    "id": "1580000000000000004", "author_id": "111", "lang": "en",
    "text": "A long thread start… https://t.co/x", "created_at": "2022-10-13T00:00:00.000Z",
    "conversation_id": "1580000000000000004",
    "note_tweet": {"text": "A long thread start that goes on well beyond 280 characters "
                           "#longform", "entities": {"hashtags": [{"tag": "longform"}]}},
}
USERS = [{"id": "111", "name": "مستخدم الرقة", "username": "user1"},
         {"id": "333", "name": "Jane Doe", "username": "jane_doe"}]


def detect(path):
    """The most confident of the post importers (the registry also holds others')."""
    mine = (twitter.IMPORTER, telegram.IMPORTER, reddit.IMPORTER, tabular.IMPORTER)
    head = path.read_bytes()[:65536]
    return max(mine, key=lambda imp: imp.sniff(path, head))


def page(*tweets):
    return {"data": list(tweets), "includes": {"users": USERS, "tweets": [ORIGINAL]},
            "meta": {"result_count": len(tweets)}}


def write_lines(path, records, raw_lines=()):
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def drafts_of(path, **kw):
    read = IMPORTER.read(path, ReadOptions(**kw))
    return list(read.drafts), read


def by_id(drafts):
    return {d.post_id: d for d in drafts}


def test_v2_page_maps_every_field(tmp_path):
    path = write_lines(tmp_path / "raqqa.jsonl", [page(ORIGINAL, REPLY)])
    drafts, read = drafts_of(path)
    assert read.collection == "raqqa"
    first, reply = by_id(drafts)["1580000000000000001"], by_id(drafts)["1580000000000000002"]
    assert first.kind == POST and first.platform == "twitter"
    assert first.text == ARABIC
    assert (first.author, first.handle) == ("مستخدم الرقة", "user1")
    assert first.published == dt.datetime(2022, 10, 12, 8, 30, tzinfo=UTC)
    assert first.url == "https://twitter.com/user1/status/1580000000000000001"
    assert (first.likes, first.reposts, first.replies, first.views) == (40, 5, 2, 900)
    assert first.hashtags == ["الرقة"]
    assert first.mentions == ["SDFpress"]
    assert first.links == ["https://example.org/raqqa"]
    assert first.language == "ar" and first.thread_id == "1580000000000000001"
    assert not first.is_repost and first.reply_to_id == ""
    assert first.raw["id"] == "1580000000000000001"
    assert first.extra["quote_count"] == 1
    assert reply.reply_to_id == "1580000000000000001"
    assert reply.thread_id == "1580000000000000001"
    assert (reply.author, reply.handle) == ("Jane Doe", "jane_doe")
    assert reply.extra["in_reply_to_user_id"] == "111"


def test_v2_text_is_canonical_and_unescaped(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [page(REPLY)])
    (reply,), _ = drafts_of(path)
    assert reply.text == "@user1 Café & thanks\n#SDFfreedRaqqa"
    assert is_canonical(reply.text)
    assert reply.hashtags == ["SDFfreedRaqqa"] and reply.mentions == ["user1"]


def test_v2_retweet_gets_full_original_text(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [page(RETWEET)])
    (rt,), _ = drafts_of(path)
    assert rt.is_repost
    assert rt.text == "RT @user1: " + ARABIC
    assert rt.hashtags == ["الرقة"] and rt.mentions[0] == "user1"
    assert rt.extra["retweeted_id"] == "1580000000000000001"


def test_v2_note_tweet_text_wins(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [page(LONG)])
    (d,), _ = drafts_of(path)
    assert d.text.endswith("beyond 280 characters #longform")
    assert d.hashtags == ["longform"]


def test_flattened_tweets_one_per_line(tmp_path):
    flat_rt = copy.deepcopy(RETWEET)
    flat_rt["author"] = USERS[1]
    original = dict(ORIGINAL, author=USERS[0], type="retweeted")
    flat_rt["referenced_tweets"] = [original]
    flat = dict(ORIGINAL, author=USERS[0], __twarc={"url": "x", "version": "2.14"})
    path = write_lines(tmp_path / "flat.jsonl", [flat, flat_rt])
    drafts, _ = drafts_of(path)
    first, rt = drafts
    assert (first.author, first.handle) == ("مستخدم الرقة", "user1")
    assert rt.text == "RT @user1: " + ARABIC and rt.is_repost and rt.handle == "jane_doe"


def test_single_pretty_printed_response(tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(page(ORIGINAL, REPLY), ensure_ascii=False, indent=2), "utf-8")
    drafts, _ = drafts_of(path)
    assert [d.post_id for d in drafts] == ["1580000000000000001", "1580000000000000002"]


def test_repeated_tweets_are_dropped_once(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [page(ORIGINAL), page(ORIGINAL, REPLY)])
    drafts, read = drafts_of(path)
    assert len(drafts) == 2
    assert any("repeated tweets" in w for w in read.warnings)


# --- v1.1 -----------------------------------------------------------------------------

V1_USER = {"id": 111, "id_str": "111", "name": "مستخدم الرقة", "screen_name": "user1"}
V1_ORIGINAL = {
    "created_at": "Wed Oct 10 20:19:24 +0000 2018", "id": 1050118621198921728,
    "id_str": "1050118621198921728", "truncated": True, "lang": "ar",
    "text": "تحرير #الرقة … https://t.co/short",
    "extended_tweet": {
        "full_text": "تحرير #الرقة 🎉 نص كامل طويل &lt;3 https://t.co/zzz",
        "entities": {"hashtags": [{"text": "الرقة", "indices": [6, 12]}],
                     "user_mentions": [],
                     "urls": [{"url": "https://t.co/zzz", "expanded_url": "https://ex.org/a"}]},
    },
    "user": V1_USER, "favorite_count": 12, "retweet_count": 3, "reply_count": 1,
    "in_reply_to_status_id": None, "in_reply_to_status_id_str": None,
    "entities": {"hashtags": [], "user_mentions": [], "urls": []},
}
V1_RETWEET = {
    "created_at": "Thu Oct 11 01:00:00 +0300 2018", "id_str": "1050200000000000000",
    "text": "RT @user1: تحرير #الرقة … https://t.co/short", "lang": "ar",
    "user": {"id_str": "333", "name": "Jane Doe", "screen_name": "jane_doe"},
    "retweeted_status": V1_ORIGINAL, "favorite_count": 0, "retweet_count": 3,
    "entities": {"hashtags": [{"text": "الرقة"}], "user_mentions": [{"screen_name": "user1"}]},
}
V1_REPLY = {
    "created_at": "Thu Oct 11 02:00:00 +0000 2018", "id_str": "1050200000000000001",
    "full_text": "@user1 well said", "lang": "en", "user": V1_USER,
    "in_reply_to_status_id": 1050118621198921728,
    "in_reply_to_status_id_str": "1050118621198921728",
    "quoted_status": {"id_str": "99", "text": "quoted words", "user": V1_USER},
    "entities": {"hashtags": [], "user_mentions": [{"screen_name": "user1"}], "urls": []},
}


def test_v1_statuses(tmp_path):
    path = write_lines(tmp_path / "v1.jsonl", [V1_ORIGINAL, V1_RETWEET, V1_REPLY])
    drafts, _ = drafts_of(path)
    orig, rt, reply = drafts
    assert orig.text == "تحرير #الرقة 🎉 نص كامل طويل <3 https://t.co/zzz"
    assert orig.post_id == "1050118621198921728"
    assert orig.published == dt.datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    assert (orig.likes, orig.reposts, orig.replies) == (12, 3, 1)
    assert orig.hashtags == ["الرقة"] and orig.links == ["https://ex.org/a"]
    assert (orig.author, orig.handle, orig.language) == ("مستخدم الرقة", "user1", "ar")
    assert rt.is_repost and rt.handle == "jane_doe"
    assert rt.text == "RT @user1: " + orig.text
    assert rt.published == dt.datetime(2018, 10, 10, 22, 0, tzinfo=UTC)
    assert reply.reply_to_id == "1050118621198921728"
    assert reply.extra["quoted_status"]["text"] == "quoted words"
    assert reply.mentions == ["user1"]


# --- twarc-csv ------------------------------------------------------------------------

CSV_COLUMNS = [
    "id", "conversation_id", "referenced_tweets.replied_to.id",
    "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id", "author_id",
    "in_reply_to_user_id", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
    "quoted_user_id", "quoted_username", "created_at", "text", "lang", "source",
    "public_metrics.impression_count", "public_metrics.reply_count",
    "public_metrics.retweet_count", "public_metrics.quote_count", "public_metrics.like_count",
    "entities.hashtags", "entities.mentions", "entities.urls", "author.id", "author.name",
    "author.username", "__twarc.retrieved_at",
]


def write_twarc_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, CSV_COLUMNS)
        w.writeheader()
        for row in rows:
            w.writerow(row)
    return path


CSV_ROWS = [
    {"id": "1580000000000000001", "conversation_id": "1580000000000000001",
     "author_id": "111", "created_at": "2022-10-12T08:30:00.000Z",
     "text": "تحرير #الرقة 🎉\\nسطر ثان &amp; @SDFpress", "lang": "ar",
     "public_metrics.impression_count": "900", "public_metrics.reply_count": "2",
     "public_metrics.retweet_count": "5", "public_metrics.quote_count": "1",
     "public_metrics.like_count": "40", "entities.hashtags": '["#الرقة"]',
     "entities.mentions": '["@SDFpress"]', "entities.urls": '["https://example.org/raqqa"]',
     "author.id": "111", "author.name": "مستخدم الرقة", "author.username": "user1"},
    {"id": "1580000000000000003", "conversation_id": "1580000000000000003",
     "referenced_tweets.retweeted.id": "1580000000000000001", "retweeted_user_id": "111",
     "retweeted_username": "user1", "author_id": "333",
     "created_at": "2022-10-12T10:00:00.000Z", "text": "تحرير #الرقة 🎉", "lang": "ar",
     "public_metrics.like_count": "0.0", "author.name": "Jane Doe",
     "author.username": "jane_doe"},
    {"id": "1580000000000000002", "conversation_id": "1580000000000000001",
     "referenced_tweets.replied_to.id": "1580000000000000001", "author_id": "333",
     "created_at": "2022-10-12T09:00:05.000Z", "text": "@user1 thanks", "lang": "en",
     "author.name": "Jane Doe", "author.username": "jane_doe"},
]


def test_twarc_csv(tmp_path):
    path = write_twarc_csv(tmp_path / "tweets.csv", CSV_ROWS)
    assert detect(path) is IMPORTER
    drafts, read = drafts_of(path)
    first, rt, reply = drafts
    assert first.text == "تحرير #الرقة 🎉\nسطر ثان & @SDFpress"
    assert first.hashtags == ["الرقة"] and first.mentions == ["SDFpress"]
    assert first.links == ["https://example.org/raqqa"]
    assert (first.likes, first.reposts, first.replies, first.views) == (40, 5, 2, 900)
    assert first.published == dt.datetime(2022, 10, 12, 8, 30, tzinfo=UTC)
    assert (first.author, first.handle) == ("مستخدم الرقة", "user1")
    assert first.extra["quote_count"] == 1 and first.raw["id"] == first.post_id
    assert rt.is_repost and rt.text == "RT @user1: تحرير #الرقة 🎉" and rt.likes == 0
    assert reply.reply_to_id == "1580000000000000001"
    assert reply.thread_id == "1580000000000000001"
    assert read.collection == "tweets"


# --- detection and bad input ----------------------------------------------------------


def test_detection_prefers_twitter(tmp_path):
    v2 = write_lines(tmp_path / "v2.jsonl", [page(ORIGINAL)])
    v1 = write_lines(tmp_path / "v1.jsonl", [V1_REPLY])
    assert detect(v2) is IMPORTER
    assert detect(v1) is IMPORTER
    plain = tmp_path / "other.csv"
    plain.write_text("id,text\n1,hello\n", encoding="utf-8")
    assert IMPORTER.sniff(plain, plain.read_bytes()) == 0.0


def test_malformed_line_is_a_warning(tmp_path):
    lines = [json.dumps(page(ORIGINAL), ensure_ascii=False), '{"data": [ broken',
             json.dumps(V1_REPLY, ensure_ascii=False)]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    drafts, read = drafts_of(path)
    assert len(drafts) == 2
    assert "line 2: not valid JSON" in read.warnings


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary\x00" * 50, "binary"),
    (b"not json at all\n", "no line is valid JSON"),
    (b"{broken\n{also broken}\n", "nothing in it could be read"),
])
def test_bad_files_raise(tmp_path, content, reason):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        drafts_of(path)
    assert reason in err.value.reason


def test_truncated_document_raises(tmp_path):
    text = json.dumps(page(ORIGINAL, REPLY), ensure_ascii=False, indent=2)
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        drafts_of(path)
    assert "incomplete" in err.value.reason


def test_file_without_tweets_raises(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [{"errors": [{"title": "Not Found"}]}])
    with pytest.raises(ImportFileError) as err:
        drafts_of(path)
    assert "no posts" in err.value.reason


def test_csv_without_twarc_columns_raises(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("name,comment\nA,B\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        drafts_of(path)
    assert "twarc-csv" in err.value.reason


def test_drafts_are_lazy(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [page(ORIGINAL)], ["{bad"] * 3)
    read = IMPORTER.read(path, ReadOptions())
    assert read.warnings == []  # nothing past the first tweet has been read yet
    list(read.drafts)
    assert read.warnings[:3] == ["line 2: not valid JSON", "line 3: not valid JSON",
                                 "line 4: not valid JSON"]
