"""Tweets in the CSV that twarc-csv (``twarc2 csv``) writes.

twarc-csv flattens each API v2 tweet into dotted columns (``author.username``,
``public_metrics.like_count``, ``referenced_tweets.retweeted.id``...), writes lists as
JSON (``["#tag", ...]``), turns line breaks inside text into a literal "\\n", and replaces
a retweet's truncated text with the original's full text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from db.errors import ImportFileError
from db.importers.base import SourceDraft
from db.importers.postutil import (
    RecentIds,
    Tally,
    parse_date,
    post,
    split_list,
    to_int,
    unescape_twitter,
)
from db.importers.tablerows import open_table
from db.importers.twitter_json import PLATFORM, keep, language, retweet_text, tweet_url

MARKERS = ("referenced_tweets.retweeted.id", "referenced_tweets.replied_to.id",
           "referenced_tweets.quoted.id", "public_metrics.like_count", "author.username",
           "author_id", "conversation_id")
_ENTITIES = {"hashtags": ("entities.hashtags", "#"), "mentions": ("entities.mentions", "@"),
             "links": ("entities.urls", "")}


def is_twarc_header(columns: list[str]) -> bool:
    """True when ``columns`` are twarc-csv's (an id, a text and at least three markers)."""
    names = set(columns)
    return {"id", "text"} <= names and sum(m in names for m in MARKERS) >= 3


def csv_drafts(path: Path, tally: Tally, seen: RecentIds) -> Iterator[SourceDraft]:
    """Every tweet of a twarc-csv file."""
    table = open_table(path, tally, kind="csv")
    if not is_twarc_header(table.columns):
        raise ImportFileError(path, "this CSV does not have twarc-csv's columns (id, text, "
                                    "author.username, ...); import it as a generic table "
                                    "with a column mapping")
    has_entities = {k for k, (col, _) in _ENTITIES.items() if col in table.columns}
    for _, row, _raw in table.rows:
        draft = row_draft(row, has_entities)
        if keep(draft, seen, tally):
            yield draft


def row_draft(row: dict[str, str], has_entities: set[str]) -> SourceDraft:
    """One twarc-csv row as a post draft."""
    handle = row.get("author.username", "")
    tid = row.get("id", "")
    is_repost = bool(row.get("referenced_tweets.retweeted.id"))
    text = _cell_text(row.get("text", ""))
    if is_repost and not text.startswith("RT @"):
        text = retweet_text(row.get("retweeted_username", ""), text)
    entities = {k: split_list(row.get(_ENTITIES[k][0], ""), _ENTITIES[k][1])
                for k in has_entities}
    return post(
        text, platform=PLATFORM, post_id=tid, author=_cell_text(row.get("author.name", "")),
        handle=handle, published=parse_date(row.get("created_at")), url=tweet_url(handle, tid),
        language=language(row.get("lang")), thread_id=row.get("conversation_id", ""),
        reply_to_id=row.get("referenced_tweets.replied_to.id", ""), is_repost=is_repost,
        likes=to_int(row.get("public_metrics.like_count")),
        reposts=to_int(row.get("public_metrics.retweet_count")),
        replies=to_int(row.get("public_metrics.reply_count")),
        views=to_int(row.get("public_metrics.impression_count")),
        **entities, raw=row, extra=_extra(row),
    )


def _cell_text(cell: str) -> str:
    if len(cell) > 1 and cell[0] == cell[-1] == '"':  # written with --json-encode-text
        try:
            return unescape_twitter(json.loads(cell))
        except ValueError:
            pass
    return unescape_twitter(cell.replace("\\n", "\n"))


def _extra(row: dict[str, str]) -> dict:
    keys = {"author_id": "author_id", "in_reply_to_user_id": "in_reply_to_user_id",
            "retweeted_id": "referenced_tweets.retweeted.id",
            "quoted_id": "referenced_tweets.quoted.id",
            "source": "source"}
    extra = {k: row[col] for k, col in keys.items() if row.get(col)}
    quotes = to_int(row.get("public_metrics.quote_count"))
    if quotes is not None:
        extra["quote_count"] = quotes
    extra["format"] = "twarc-csv"
    return extra
