"""Telegram Desktop JSON exports: a single channel, and a whole account."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.errors import ImportFileError
from db.importers import reddit, tabular, telegram, twitter
from db.importers.base import ReadOptions
from db.importers.telegram import IMPORTER
from db.text import is_canonical

UTC = dt.UTC

CHANNEL_MESSAGES = [
    {"id": 1, "type": "service", "date": "2017-10-17T10:00:00", "date_unixtime": "1508234400",
     "actor": "قناة الرقة", "actor_id": "channel1234", "action": "create_channel",
     "title": "قناة الرقة", "text": "", "text_entities": []},
    {"id": 2, "type": "message", "date": "2017-10-17T13:03:00", "date_unixtime": "1508234580",
     "from": "قناة الرقة", "from_id": "channel1234", "views": 1520,
     "text": ["تحرير ", {"type": "hashtag", "text": "#الرقة"}, " 🎉 ",
              {"type": "mention", "text": "@raqqa_news"}, " ",
              {"type": "text_link", "text": "المصدر", "href": "https://example.org/src"},
              "\r\nCafe\u0301 ", {"type": "link", "text": "https://t.me/raqqa/1"}],
     "text_entities": [
         {"type": "plain", "text": "تحرير "}, {"type": "hashtag", "text": "#الرقة"},
         {"type": "plain", "text": " 🎉 "}, {"type": "mention", "text": "@raqqa_news"},
         {"type": "plain", "text": " "},
         {"type": "text_link", "text": "المصدر", "href": "https://example.org/src"},
         {"type": "plain", "text": "\r\nCafe\u0301 "},
         {"type": "link", "text": "https://t.me/raqqa/1"}],
     "reactions": [{"type": "emoji", "count": 7, "emoji": "👍"},
                   {"type": "emoji", "count": 3, "emoji": "❤"}]},
    {"id": 3, "type": "message", "date": "2017-10-17T13:10:00", "date_unixtime": "1508235000",
     "from": "قناة الرقة", "from_id": "channel1234", "photo": "photos/photo_1.jpg",
     "text": "", "text_entities": []},
    {"id": 4, "type": "message", "date": "2017-10-17T14:00:00", "date_unixtime": "1508248800",
     "from": "قناة الرقة", "from_id": "channel1234", "forwarded_from": "SDF Press",
     "reply_to_message_id": 2, "text": "Forwarded: #SDFfreedRaqqa today",
     "text_entities": [{"type": "plain", "text": "Forwarded: "},
                       {"type": "hashtag", "text": "#SDFfreedRaqqa"},
                       {"type": "plain", "text": " today"}]},
]
CHANNEL = {"name": "قناة الرقة", "type": "public_channel", "id": 1234,
           "messages": CHANNEL_MESSAGES}


def detect(path):
    """The most confident of the post importers (the registry also holds others')."""
    mine = (twitter.IMPORTER, telegram.IMPORTER, reddit.IMPORTER, tabular.IMPORTER)
    head = path.read_bytes()[:65536]
    return max(mine, key=lambda imp: imp.sniff(path, head))


def write(path, obj, indent=1):
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=indent), encoding="utf-8")
    return path


def read_all(path):
    read = IMPORTER.read(path, ReadOptions())
    return list(read.drafts), read


def test_channel_export(tmp_path):
    path = write(tmp_path / "result.json", CHANNEL)
    assert detect(path) is IMPORTER
    drafts, read = read_all(path)
    assert read.collection == "قناة الرقة"
    first, fwd = drafts
    assert first.platform == "telegram" and first.post_id == "1234/2"
    assert first.text == "تحرير #الرقة 🎉 @raqqa_news المصدر\nCafé https://t.me/raqqa/1"
    assert is_canonical(first.text)
    assert (first.author, first.handle) == ("قناة الرقة", "channel1234")
    assert first.published == dt.datetime(2017, 10, 17, 10, 3, tzinfo=UTC)
    assert first.hashtags == ["الرقة"] and first.mentions == ["raqqa_news"]
    assert first.links == ["https://t.me/raqqa/1", "https://example.org/src"]
    assert first.likes == 10 and first.views == 1520
    assert first.extra["reactions"] == {"👍": 7, "❤": 3}
    assert first.thread_id == "1234" and first.url == ""
    assert "collection" not in first.extra
    assert first.raw["id"] == 2
    assert fwd.is_repost and fwd.reply_to_id == "1234/2"
    assert fwd.hashtags == ["SDFfreedRaqqa"] and fwd.extra["forwarded_from"] == "SDF Press"
    assert any("1 service messages skipped" in w for w in read.warnings)
    assert any("1 messages without text skipped" in w for w in read.warnings)


def test_public_username_gives_urls(tmp_path):
    chat = {"name": "Raqqa", "type": "public_channel", "id": 1234, "username": "raqqa",
            "messages": CHANNEL_MESSAGES}
    path = write(tmp_path / "result.json", chat)
    drafts, _ = read_all(path)
    assert drafts[0].url == "https://t.me/raqqa/2"


def test_date_falls_back_to_local_date(tmp_path):
    msg = {"id": 9, "type": "message", "date": "2017-10-17T13:03:00", "from": "A",
           "from_id": "user5", "text": "plain #tag"}
    path = write(tmp_path / "result.json", dict(CHANNEL, messages=[msg]))
    (d,), _ = read_all(path)
    assert d.published == dt.datetime(2017, 10, 17, 13, 3, tzinfo=UTC)
    assert d.hashtags == ["tag"]


def test_whole_account_export(tmp_path):
    group_msgs = [{"id": 2, "type": "message", "date_unixtime": "1508234580",
                   "from": "سارة", "from_id": "user42", "text": "مرحبا #الرقة"}]
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 7, "first_name": "Me"},
        "contacts": {"about": "...", "list": [{"first_name": "A", "phone_number": "1"}]},
        "chats": {"about": "This page lists all chats from this export.",
                  "list": [CHANNEL, {"name": "مجموعة", "type": "private_group", "id": 99,
                                     "messages": group_msgs}]},
        "left_chats": {"about": "...", "list": []},
    }
    (tmp_path / "DataExport").mkdir()
    path = write(tmp_path / "DataExport" / "result.json", export)
    assert detect(path) is IMPORTER
    drafts, read = read_all(path)
    assert read.collection == "DataExport"
    assert [d.post_id for d in drafts] == ["1234/2", "1234/4", "99/2"]
    assert [d.extra["collection"] for d in drafts] == ["قناة الرقة", "قناة الرقة", "مجموعة"]
    assert drafts[2].author == "سارة" and drafts[2].hashtags == ["الرقة"]


def test_truncated_export_raises(tmp_path):
    text = json.dumps(CHANNEL, ensure_ascii=False, indent=1)
    path = tmp_path / "result.json"
    path.write_text(text[:-200], encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        read_all(path)
    assert "incomplete" in err.value.reason


def test_damaged_export_raises(tmp_path):
    text = json.dumps(CHANNEL, ensure_ascii=False, indent=1).replace('"id": 4,', '"id": 4')
    path = tmp_path / "result.json"
    path.write_text(text, encoding="utf-8")
    read = IMPORTER.read(path, ReadOptions())
    with pytest.raises(ImportFileError) as err:
        list(read.drafts)
    assert "damaged at line" in err.value.reason


def test_export_without_posts_raises(tmp_path):
    only_service = dict(CHANNEL, messages=CHANNEL_MESSAGES[:1] + CHANNEL_MESSAGES[2:3])
    path = write(tmp_path / "result.json", only_service)
    with pytest.raises(ImportFileError) as err:
        read_all(path)
    assert "no posts with text" in err.value.reason


def test_not_telegram(tmp_path):
    path = write(tmp_path / "result.json", [1, 2])
    assert IMPORTER.sniff(path, path.read_bytes()) == 0.0
    with pytest.raises(ImportFileError):
        read_all(path)
