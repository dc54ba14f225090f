"""One row of a table as a post: the mapped columns, and the usual optional columns
(counts, language, hashtags...) found by name without the user having to map them."""

from __future__ import annotations

from typing import Any

from db.importers.base import ColumnMapping, PassageDraft, SourceDraft
from db.importers.postutil import Tally, parse_date, post, split_list, strip_mark, to_int
from db.text import canonical

# Optional fields and the column names that fill them, best first.
_OPTIONAL = {
    "hashtags": ("hashtags", "entities.hashtags", "hashtag"),
    "mentions": ("mentions", "user_mentions", "entities.mentions", "mentioned_users"),
    "links": ("urls", "links", "entities.urls", "expanded_urls", "outlinks"),
    "likes": ("like_count", "likes", "favorite_count", "public_metrics.like_count", "score",
              "reactions_count"),
    "reposts": ("retweet_count", "retweets", "reposts", "repost_count", "share_count",
                "shares", "forwards", "public_metrics.retweet_count"),
    "replies": ("reply_count", "replies", "num_comments", "comment_count", "comments_count",
                "public_metrics.reply_count"),
    "views": ("views", "view_count", "impression_count", "impressions",
              "public_metrics.impression_count"),
    "language": ("lang", "language", "language_guess"),
    "thread_id": ("thread_id", "conversation_id", "link_id"),
    "title": ("subject", "title"),
    "is_repost": ("is_retweet", "is_repost", "retweeted", "is_forward"),
}
_LISTS = {"hashtags": "#", "mentions": "@", "links": ""}
_COUNTS = ("likes", "reposts", "replies", "views")
_YES = ("yes", "true", "1", "y", "t")
_WHOLE_NAMES = ("tag", "tags", "name")


class Extras:
    """Which optional columns a table has, decided once from its header."""

    def __init__(self, columns: list[str], mapping: ColumnMapping, kind: str):
        used = {mapping.text, mapping.author, mapping.handle, mapping.date, mapping.url,
                mapping.id, mapping.reply_to, mapping.code}
        by_name = {c.strip().casefold(): c for c in reversed(columns) if c not in used}
        self.columns = {field: next((by_name[n] for n in names if n in by_name), "")
                        for field, names in _OPTIONAL.items()}
        self.columns = {f: c for f, c in self.columns.items() if c}
        self.kind = kind

    def fields(self, row: dict[str, str]) -> dict[str, Any]:
        """The optional fields this row fills (lists, counts, language, ...)."""
        out: dict[str, Any] = {}
        for field, column in self.columns.items():
            cell = row.get(column, "")
            if field in _LISTS:
                out[field] = split_list(cell, _LISTS[field])
            elif field in _COUNTS:
                out[field] = to_int(cell)
            elif field == "is_repost":
                out[field] = cell.strip().casefold() in _YES
            else:
                out[field] = canonical(cell).strip()
        return out


def row_draft(row: dict[str, str], raw: Any, m: ColumnMapping, extras: Extras,
              tally: Tally) -> SourceDraft | None:
    """One row as a post draft; None (counted) when its text is empty."""
    text = row.get(m.text, "")
    if not text.strip():
        tally.skip("rows without text skipped")
        return None
    extra: dict[str, Any] = {"format": extras.kind}
    date_cell = row.get(m.date, "").strip() if m.date else ""
    published = parse_date(date_cell)
    if date_cell and published is None:
        tally.skip("dates could not be read (each kept as text in extra['date_text'])")
        extra["date_text"] = date_cell
    draft = post(
        text, platform=m.platform, post_id=_cell(row, m.id), author=_cell(row, m.author),
        handle=strip_mark(_cell(row, m.handle), "@"), published=published,
        url=_cell(row, m.url), reply_to_id=_cell(row, m.reply_to), **extras.fields(row),
        raw=raw, extra=extra,
    )
    code = " ".join(_cell(row, m.code).split())
    if code:  # a "tag" column holds flat names (Taguette's), a "code" column code paths
        whole = m.code.strip().casefold() in _WHOLE_NAMES
        draft.passages.append(PassageDraft(0, len(draft.text), [code], whole_names=whole))
    return draft


def _cell(row: dict[str, str], column: str) -> str:
    return canonical(row.get(column, "")).strip() if column else ""
