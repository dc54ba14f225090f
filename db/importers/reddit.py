"""Reddit submissions and comments as Pushshift-style JSON Lines (possibly mixed).

Ids are Reddit's "fullnames" ("t3_abc" for a submission, "t1_xyz" for a comment), the
form ``parent_id`` and ``link_id`` use, so replies and threads join up; the thread of
a submission is itself. "[deleted]" and "[removed]" texts are kept as Reddit shows them
and flagged in ``extra["removed"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from db.importers.base import POST, FileRead, ReadOptions, SourceDraft
from db.importers.jsonstream import JSON_SUFFIXES, head_text, iter_records
from db.importers.postutil import (
    Tally,
    finishing,
    links_in,
    parse_date,
    post,
    start,
    to_int,
    unescape_twitter,
    unique,
)

PLATFORM = "reddit"
SITE = "https://www.reddit.com"
_GONE = ("[deleted]", "[removed]")
_USER = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")


class RedditImporter:
    """Reddit submissions and comments (Pushshift dumps, PRAW or API JSON Lines)."""

    name = "reddit"
    label = "Reddit posts"
    kind = POST

    def sniff(self, path: Path, head: bytes) -> float:
        """Certain for JSON records with a subreddit and a submission or comment body."""
        text = head_text(head)
        if path.suffix.lower() not in (*JSON_SUFFIXES, "") or not text.startswith(("{", "[")):
            return 0.0
        if '"subreddit"' in text and any(k in text for k in ('"selftext"', '"body"',
                                                             '"link_id"', '"num_comments"')):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Start reading the posts of ``path`` (the first is read at once)."""
        warnings: list[str] = []
        tally = Tally(warnings)
        records = iter_records(path, tally)
        first = next(records, None)
        collection = _collection(first[1] if first else None, path)
        drafts = _drafts(chain([first] if first else [], records), tally)
        return FileRead(start(finishing(drafts, tally), path, tally), collection, warnings)


def _collection(record: Any, path: Path) -> str:
    sub = record.get("subreddit") if isinstance(record, dict) else None
    return f"r/{sub}" if sub else path.stem


def _drafts(records: Iterator[tuple[int, Any]], tally: Tally) -> Iterator[SourceDraft]:
    for _, record in records:
        draft = record_draft(record, tally)
        if draft is not None:
            yield draft


def record_draft(record: Any, tally: Tally) -> SourceDraft | None:
    """A submission or a comment as a post draft; None (counted) for anything else."""
    if isinstance(record, dict) and isinstance(record.get("data"), dict) and "kind" in record:
        record = record["data"]  # the Reddit API's {"kind": "t3", "data": {...}} wrapper
    if not isinstance(record, dict) or "id" not in record:
        tally.skip("records that are neither submissions nor comments skipped")
        return None
    draft = comment_draft(record) if "body" in record else submission_draft(record)
    if not draft.text.strip():
        tally.skip("posts without text skipped")
        return None
    return draft


def submission_draft(rec: dict) -> SourceDraft:
    """A submission: its title, a blank line, and its self text."""
    title = unescape_twitter(str(rec.get("title") or ""))
    body = unescape_twitter(str(rec.get("selftext") or ""))
    text = f"{title}\n\n{body}" if body else title
    fullname = _fullname(rec, "t3_")
    link = str(rec.get("url") or "")
    external = link if link.startswith("http") and "reddit.com/r/" not in link else ""
    return post(
        text, title=title, platform=PLATFORM, post_id=fullname, thread_id=fullname,
        url=_permalink(rec) or link, likes=to_int(rec.get("score")),
        replies=to_int(rec.get("num_comments")), is_repost=bool(rec.get("crosspost_parent")),
        links=unique([external, *links_in(text)]), raw=rec,
        extra=_extra(rec, "submission", body, external), **_common(rec, text),
    )


def comment_draft(rec: dict) -> SourceDraft:
    """A comment, replying to ``parent_id`` in the thread ``link_id``."""
    text = unescape_twitter(str(rec.get("body") or ""))
    return post(
        text, platform=PLATFORM, post_id=_fullname(rec, "t1_"),
        thread_id=str(rec.get("link_id") or ""), reply_to_id=str(rec.get("parent_id") or ""),
        url=_permalink(rec) or _comment_url(rec), likes=to_int(rec.get("score")), raw=rec,
        extra=_extra(rec, "comment", text, ""), **_common(rec, text),
    )


def _common(rec: dict, text: str) -> dict:
    author = str(rec.get("author") or "")
    return {"author": author, "handle": "" if author in _GONE else author,
            "published": parse_date(rec.get("created_utc") or rec.get("created")),
            "mentions": unique(_USER.findall(text)), "site_name": f"r/{rec.get('subreddit')}"
            if rec.get("subreddit") else ""}


def _fullname(rec: dict, prefix: str) -> str:
    name = str(rec.get("name") or "")
    return name if name.startswith(prefix) else f"{prefix}{rec.get('id')}"


def _permalink(rec: dict) -> str:
    link = str(rec.get("permalink") or "")
    return SITE + link if link.startswith("/") else link


def _comment_url(rec: dict) -> str:
    sub, link = rec.get("subreddit"), str(rec.get("link_id") or "")
    if not sub or not link:
        return ""
    return f"{SITE}/r/{sub}/comments/{link.removeprefix('t3_')}/_/{rec.get('id')}/"


def _extra(rec: dict, kind: str, body: str, external: str) -> dict:
    extra: dict[str, Any] = {"format": "reddit-json", "reddit_kind": kind,
                             "subreddit": rec.get("subreddit")}
    if body.strip() in _GONE:
        extra["removed"] = body.strip()
    if str(rec.get("author") or "") in _GONE:
        extra["author_removed"] = rec.get("author")
    if external:
        extra["link_url"] = external
    for key in ("link_flair_text", "over_18", "domain", "crosspost_parent"):
        if rec.get(key) not in (None, ""):
            extra[key] = rec[key]
    return extra


IMPORTER = RedditImporter()
