"""Tweets as the Twitter API returned them: v2 response pages and tweets, v1.1 statuses.

* API v2 / twarc2: a line (or file) is a response page ``{"data", "includes", "meta"}``
  whose tweets name their author by ``author_id`` (looked up in ``includes.users``), or a
  single tweet per line as ``twarc2 flatten`` writes it, with ``author`` embedded.
* API v1.1: one status per line (``full_text`` / ``extended_tweet`` / ``text``, ``user``).

A retweet's text is rebuilt as Twitter showed it, "RT @user: " and the *whole* original
text, because the API truncates the retweet's own text to 140 characters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from db.importers.base import SourceDraft
from db.importers.postutil import (
    RecentIds,
    Tally,
    parse_date,
    post,
    to_int,
    unescape_twitter,
    unique,
)

PLATFORM = "twitter"
_NOT_TWEETS = "records that are not tweets skipped (stream notices, errors, users)"


def tweet_url(handle: str, tweet_id: str) -> str:
    """The tweet's address on twitter.com (the ``i/web`` form when the author is unknown)."""
    return f"https://twitter.com/{handle or 'i/web'}/status/{tweet_id}"


def retweet_text(handle: str, original: str) -> str:
    """A retweet's text as Twitter displayed it."""
    return f"RT @{handle}: {original}" if handle else original


def language(tag: Any) -> str:
    """The tweet's language tag; Twitter's "und" (undetermined) becomes no language."""
    return "" if not tag or tag == "und" else str(tag)


def record_drafts(rec: Any, seen: RecentIds, tally: Tally) -> Iterator[SourceDraft]:
    """Every tweet in one JSON record (a v2 page, a v2 tweet or a v1.1 status)."""
    for tweet, includes in _tweets_of(rec, tally):
        draft = v1_draft(tweet) if includes is None else v2_draft(tweet, includes)
        if keep(draft, seen, tally):
            yield draft


def _tweets_of(rec: Any, tally: Tally) -> list[tuple[dict, _Includes | None]]:
    """The tweets of a record, each with its page's includes (None for a v1.1 status)."""
    if isinstance(rec, dict) and "data" in rec:
        return _page_tweets(rec)
    if isinstance(rec, dict) and ("id_str" in rec or "user" in rec or "full_text" in rec):
        return [(rec, None)]
    if isinstance(rec, dict) and "text" in rec and "id" in rec:
        return [(rec, _Includes({}))]
    tally.skip(_NOT_TWEETS)
    return []


def keep(draft: SourceDraft, seen: RecentIds, tally: Tally) -> bool:
    if not draft.text.strip():
        tally.skip("tweets without text skipped")
        return False
    if draft.post_id in seen:
        tally.skip("repeated tweets skipped (the same id earlier in the file)")
        return False
    seen.add(draft.post_id)
    return True


# --- API v2 ---------------------------------------------------------------------------


class _Includes:
    """The users and referenced tweets a v2 response page ships with its tweets."""

    def __init__(self, includes: dict):
        self.users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
        self.tweets = {t.get("id"): t for t in includes.get("tweets") or []
                       if isinstance(t, dict)}

    def author(self, tweet: dict) -> dict:
        """The tweet's author: embedded (flattened) or looked up by ``author_id``."""
        return tweet.get("author") or self.users.get(tweet.get("author_id")) or {}

    def referenced(self, ref: dict) -> dict:
        """A referenced tweet in full: embedded (flattened) or from ``includes.tweets``."""
        return ref if "text" in ref else self.tweets.get(ref.get("id")) or {}


def _page_tweets(page: dict) -> list:
    data = page.get("data")
    if isinstance(data, dict):
        data = [data]
    includes = _Includes(page.get("includes") or {})
    return [(t, includes) for t in data or [] if isinstance(t, dict)]


def v2_draft(tweet: dict, inc: _Includes) -> SourceDraft:
    """One API v2 tweet as a post draft."""
    author = inc.author(tweet)
    handle = author.get("username", "")
    refs = {r.get("type"): r for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)}
    text, entities = _v2_text(tweet)
    if "retweeted" in refs:
        text, entities = _v2_retweet(text, entities, inc.referenced(refs["retweeted"]), inc)
    metrics = tweet.get("public_metrics") or {}
    tid = str(tweet.get("id", ""))
    return post(
        text, platform=PLATFORM, post_id=tid, author=author.get("name", ""), handle=handle,
        published=parse_date(tweet.get("created_at")), url=tweet_url(handle, tid),
        language=language(tweet.get("lang")), thread_id=str(tweet.get("conversation_id") or ""),
        reply_to_id=str(refs.get("replied_to", {}).get("id", "")), is_repost="retweeted" in refs,
        likes=to_int(metrics.get("like_count")), reposts=to_int(metrics.get("retweet_count")),
        replies=to_int(metrics.get("reply_count")), views=to_int(metrics.get("impression_count")),
        **_v2_entities(entities), raw=tweet, extra=_v2_extra(tweet, refs, metrics),
    )


def _v2_text(tweet: dict) -> tuple[str, dict | None]:
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and note.get("text"):
        return unescape_twitter(note["text"]), note.get("entities") or tweet.get("entities")
    return unescape_twitter(tweet.get("text") or ""), tweet.get("entities")


def _v2_retweet(text: str, entities: dict | None, original: dict, inc: _Includes):
    if not original.get("text"):
        return text, entities  # the original was not expanded: keep the truncated text
    handle = inc.author(original).get("username") or _rt_handle(text)
    full, orig_entities = _v2_text(original)
    if orig_entities is not None:
        orig_entities = dict(orig_entities)
        orig_entities["mentions"] = [{"username": handle}, *orig_entities.get("mentions", [])]
    return retweet_text(handle, full), orig_entities


def _rt_handle(text: str) -> str:
    """The user named in "RT @user: ..." (when the original's author was not expanded)."""
    if text.startswith("RT @"):
        return text[4:].split(":", 1)[0].strip()
    return ""


def _v2_entities(entities: dict | None) -> dict:
    if not isinstance(entities, dict):
        return {}  # no entities: post() finds hashtags, mentions and links in the text
    return {
        "hashtags": unique(h.get("tag", "") for h in entities.get("hashtags") or []),
        "mentions": unique(m.get("username", "") for m in entities.get("mentions") or []),
        "links": unique(u.get("expanded_url") or u.get("url", "")
                        for u in entities.get("urls") or []),
    }


def _v2_extra(tweet: dict, refs: dict, metrics: dict) -> dict:
    extra = {
        "format": "twitter-v2", "author_id": tweet.get("author_id"),
        "in_reply_to_user_id": tweet.get("in_reply_to_user_id"),
        "retweeted_id": refs.get("retweeted", {}).get("id"),
        "quoted_id": refs.get("quoted", {}).get("id"),
        "quote_count": metrics.get("quote_count"), "source": tweet.get("source"),
    }
    return {k: v for k, v in extra.items() if v is not None}


# --- API v1.1 -------------------------------------------------------------------------


def v1_draft(status: dict) -> SourceDraft:
    """One API v1.1 status as a post draft."""
    user = status.get("user") or {}
    handle = user.get("screen_name", "")
    original = status.get("retweeted_status")
    if isinstance(original, dict):
        orig_handle = (original.get("user") or {}).get("screen_name", "")
        text = retweet_text(orig_handle, _v1_full_text(original))
        entities = _v1_entities(original, also_mention=orig_handle)
    else:
        text, entities = _v1_full_text(status), _v1_entities(status)
    tid = str(status.get("id_str") or status.get("id") or "")
    return post(
        text, platform=PLATFORM, post_id=tid, author=user.get("name", ""), handle=handle,
        published=parse_date(status.get("created_at")), url=tweet_url(handle, tid),
        language=language(status.get("lang")), is_repost=isinstance(original, dict),
        reply_to_id=_v1_id(status, "in_reply_to_status_id"),
        likes=to_int(status.get("favorite_count")), reposts=to_int(status.get("retweet_count")),
        replies=to_int(status.get("reply_count")), **entities, raw=status,
        extra=_v1_extra(status, user),
    )


def _v1_full_text(status: dict) -> str:
    extended = status.get("extended_tweet") or {}
    text = extended.get("full_text") or status.get("full_text") or status.get("text") or ""
    return unescape_twitter(text)


def _v1_id(status: dict, key: str) -> str:
    value = status.get(key + "_str") or status.get(key)
    return "" if value is None else str(value)


def _v1_entities(status: dict, also_mention: str = "") -> dict:
    entities = (status.get("extended_tweet") or {}).get("entities") or status.get("entities")
    if not isinstance(entities, dict):
        return {}
    mentions = [also_mention] + [m.get("screen_name", "")
                                 for m in entities.get("user_mentions") or []]
    return {
        "hashtags": unique(h.get("text", "") for h in entities.get("hashtags") or []),
        "mentions": unique(mentions),
        "links": unique(u.get("expanded_url") or u.get("url", "")
                        for u in entities.get("urls") or []),
    }


def _v1_extra(status: dict, user: dict) -> dict:
    original = status.get("retweeted_status")
    extra = {
        "format": "twitter-v1.1", "author_id": user.get("id_str"),
        "in_reply_to_screen_name": status.get("in_reply_to_screen_name"),
        "retweeted_id": _v1_id(original, "id") if isinstance(original, dict) else None,
        "quoted_status": status.get("quoted_status"),
        "quote_count": status.get("quote_count"), "source": status.get("source"),
    }
    return {k: v for k, v in extra.items() if v is not None}
