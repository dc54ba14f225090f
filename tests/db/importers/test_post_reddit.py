"""Reddit submissions and comments (Pushshift-style JSON Lines, mixed in one file)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.errors import ImportFileError
from db.importers import reddit, tabular, telegram, twitter
from db.importers.base import ReadOptions
from db.importers.reddit import IMPORTER
from db.text import is_canonical

UTC = dt.UTC

SUBMISSION = {
    "id": "76q0ab", "name": "t3_76q0ab", "author": "raqqa_watch", "subreddit": "syriancivilwar",
    "created_utc": 1508072580, "score": 512, "num_comments": 2,
    "title": "SDF announce the liberation of #الرقة 🎉",
    "selftext": "Statement in Arabic: تحرير المدينة\r\n\r\nSource &amp; more: "
                "https://example.org/raqqa. Thanks u/mapmaker",
    "permalink": "/r/syriancivilwar/comments/76q0ab/sdf_announce/",
    "url": "https://www.reddit.com/r/syriancivilwar/comments/76q0ab/sdf_announce/",
}
LINK_POST = {
    "id": "76q0zz", "author": "newsbot", "subreddit": "syriancivilwar",
    "created_utc": "1508072600", "score": 10, "num_comments": 0,
    "title": "Raqqa: the day after", "selftext": "",
    "permalink": "/r/syriancivilwar/comments/76q0zz/raqqa/",
    "url": "https://news.example.com/raqqa-day-after", "domain": "news.example.com",
}
COMMENT = {
    "id": "dofx1a2", "author": "mapmaker", "subreddit": "syriancivilwar",
    "created_utc": 1508073000, "score": 41, "body": "Great news #SDFfreedRaqqa",
    "parent_id": "t3_76q0ab", "link_id": "t3_76q0ab",
}
REMOVED = {
    "id": "dofx1b3", "author": "[deleted]", "subreddit": "syriancivilwar",
    "created_utc": 1508073100, "score": 1, "body": "[removed]",
    "parent_id": "t1_dofx1a2", "link_id": "t3_76q0ab",
}


def write_lines(path, records, raw_lines=()):
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_all(path):
    read = IMPORTER.read(path, ReadOptions())
    return list(read.drafts), read


def test_mixed_submissions_and_comments(tmp_path):
    path = write_lines(tmp_path / "dump.jsonl", [SUBMISSION, COMMENT, REMOVED, LINK_POST])
    drafts, read = read_all(path)
    assert read.collection == "r/syriancivilwar"
    sub, com, gone, link = drafts
    assert sub.platform == "reddit" and sub.post_id == "t3_76q0ab"
    assert sub.title == "SDF announce the liberation of #الرقة 🎉"
    assert sub.text == ("SDF announce the liberation of #الرقة 🎉\n\nStatement in Arabic: "
                        "تحرير المدينة\n\nSource & more: https://example.org/raqqa. "
                        "Thanks u/mapmaker")
    assert is_canonical(sub.text)
    assert sub.thread_id == "t3_76q0ab" and sub.reply_to_id == ""
    assert (sub.author, sub.handle) == ("raqqa_watch", "raqqa_watch")
    assert sub.published == dt.datetime(2017, 10, 15, 13, 3, tzinfo=UTC)
    assert (sub.likes, sub.replies) == (512, 2)
    assert sub.hashtags == ["الرقة"] and sub.mentions == ["mapmaker"]
    assert sub.links == ["https://example.org/raqqa"]
    assert sub.url == "https://www.reddit.com/r/syriancivilwar/comments/76q0ab/sdf_announce/"
    assert com.post_id == "t1_dofx1a2" and com.reply_to_id == "t3_76q0ab"
    assert com.thread_id == "t3_76q0ab" and com.hashtags == ["SDFfreedRaqqa"]
    assert com.url.endswith("/comments/76q0ab/_/dofx1a2/")
    assert gone.text == "[removed]" and gone.extra["removed"] == "[removed]"
    assert gone.handle == "" and gone.reply_to_id == "t1_dofx1a2"
    assert link.text == "Raqqa: the day after"
    assert link.links == ["https://news.example.com/raqqa-day-after"]
    assert link.published == dt.datetime(2017, 10, 15, 13, 3, 20, tzinfo=UTC)
    assert com.raw == COMMENT


def test_detection(tmp_path):
    path = write_lines(tmp_path / "RC_2017-10.ndjson", [COMMENT])
    mine = (twitter.IMPORTER, telegram.IMPORTER, reddit.IMPORTER, tabular.IMPORTER)
    head = path.read_bytes()
    assert max(mine, key=lambda imp: imp.sniff(path, head)) is IMPORTER


def test_malformed_lines_are_warnings(tmp_path):
    path = write_lines(tmp_path / "dump.jsonl", [SUBMISSION], ["{oops", "", "[1, 2"])
    drafts, read = read_all(path)
    assert len(drafts) == 1
    assert read.warnings == ["line 2: not valid JSON", "line 4: not valid JSON"]


def test_empty_posts_are_counted(tmp_path):
    empty = dict(COMMENT, id="x1", body="   ")
    path = write_lines(tmp_path / "dump.jsonl", [COMMENT, empty])
    drafts, read = read_all(path)
    assert len(drafts) == 1
    assert "1 posts without text skipped" in read.warnings


def test_nothing_parses(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text("{bad\n{worse\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        read_all(path)
    assert "no line is valid JSON" in err.value.reason
