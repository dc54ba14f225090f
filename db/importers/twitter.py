"""Twitter/X collections: API v2 and twarc2 JSON Lines, API v1.1 JSON Lines, twarc-csv.

One importer reads all three; the records themselves say which API wrote them
(:mod:`db.importers.twitter_json`, :mod:`db.importers.twitter_csv`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from db.importers.base import POST, FileRead, ReadOptions, SourceDraft
from db.importers.jsonstream import JSON_SUFFIXES, head_text, iter_records
from db.importers.postutil import RecentIds, Tally, finishing, start
from db.importers.tablerows import table_kind
from db.importers.twitter_csv import MARKERS, csv_drafts
from db.importers.twitter_json import record_drafts

_CSV_SUFFIXES = (".csv", ".tsv")
# Keys that only tweets carry, each pair meaning "this API" with near certainty.
_V2_HINTS = (('"includes"', '"data"'), ('"edit_history_tweet_ids"', '"text"'),
             ('"conversation_id"', '"author_id"'), ('"public_metrics"', '"author_id"'))
_V1_HINTS = (('"id_str"', '"screen_name"'), ('"id_str"', '"retweet_count"'),
             ('"full_text"', '"user"'))


class TwitterImporter:
    """Tweets exported from the Twitter API (v2 or v1.1) with twarc, or by twarc-csv."""

    name = "twitter"
    label = "Twitter/X posts"
    kind = POST

    def sniff(self, path: Path, head: bytes) -> float:
        """Certain for twarc-csv headers and JSON holding tweet-only keys."""
        text = head_text(head)
        if path.suffix.lower() in _CSV_SUFFIXES:
            header = text.split("\n", 1)[0]
            return 0.95 if sum(m in header for m in MARKERS) >= 3 else 0.0
        if not text.startswith(("{", "[")) or path.suffix.lower() not in (*JSON_SUFFIXES, ""):
            return 0.0
        if any(a in text and b in text for a, b in _V2_HINTS + _V1_HINTS):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Start reading the tweets of ``path`` (lazily; the first is read at once)."""
        warnings: list[str] = []
        tally = Tally(warnings)
        seen = RecentIds()  # tweet ids: twarc repeats tweets across pages and rows
        read = csv_drafts if _is_csv(path) else _json_drafts
        drafts = read(path, tally, seen)
        return FileRead(start(finishing(drafts, tally), path, tally), path.stem, warnings)


def _is_csv(path: Path) -> bool:
    if path.suffix.lower() in _CSV_SUFFIXES:
        return True
    return path.suffix.lower() not in JSON_SUFFIXES and table_kind(path) == "csv"


def _json_drafts(path: Path, tally: Tally, seen: RecentIds) -> Iterator[SourceDraft]:
    for _, record in iter_records(path, tally):
        yield from record_drafts(record, seen, tally)


IMPORTER = TwitterImporter()
