"""Posts from any table: CSV (any delimiter or encoding), XLSX, or JSON Lines (4CAT...).

Which column holds what comes from the user's :class:`ColumnMapping` or, failing that,
from :func:`suggest_mapping`, which knows the usual names (4CAT's among them). A file
whose text column cannot be decided is refused with its columns listed, so the desktop
can ask for a mapping; :func:`columns_signature` lets a chosen mapping be found again
for the next file with the same columns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from db.errors import ImportFileError
from db.importers.base import POST, ColumnMapping, FileRead, ReadOptions, SourceDraft
from db.importers.decode import looks_binary
from db.importers.jsonstream import head_text
from db.importers.postutil import Tally, finishing, start
from db.importers.tablerows import XLSX_SUFFIXES, Table, open_table
from db.importers.tabular_rows import Extras, row_draft
from db.text import canonical

_TEXT = ("full_text", "body", "text", "content", "message", "message_text", "tweet",
         "tweet_text", "post", "post_text", "selftext", "caption", "comment", "comment_text")
_AUTHOR = ("author_fullname", "author_name", "author.name", "user.name", "user_name",
           "display_name", "from", "from_name", "name", "user")
_HANDLE = ("handle", "username", "screen_name", "user_screen_name", "author_username",
           "author.username", "user.screen_name", "user.username", "author_handle")
_DATE = ("timestamp", "date", "created_at", "time", "datetime", "published", "published_at",
         "date_published", "created", "created_utc", "timestamp_utc", "unix_timestamp",
         "date_time", "posted_at")
_URL = ("url", "link", "permalink", "post_url", "tweet_url", "href", "web_url")
_ID = ("id", "item_id", "post_id", "tweet_id", "message_id", "status_id", "id_str",
       "comment_id")
_REPLY = ("in_reply_to", "reply_to", "parent_id", "in_reply_to_status_id",
          "in_reply_to_status_id_str", "in_reply_to_id", "reply_to_id",
          "in_reply_to_tweet_id", "to_tweetid", "reply_to_message_id")
_CODE = ("code", "codes", "tag")  # Taguette's highlight tables name it "tag"
_SUFFIX_SCORES = {".csv": 0.3, ".tsv": 0.3, ".tab": 0.3, ".xlsx": 0.5, ".xlsm": 0.5,
                  ".jsonl": 0.3, ".ndjson": 0.3, ".jsonlines": 0.3, ".json": 0.2}


class TabularImporter:
    """Posts from a CSV, XLSX or JSON Lines table, through a column mapping."""

    name = "tabular"
    label = "Table of posts (CSV, XLSX, JSON Lines)"
    kind = POST

    def sniff(self, path: Path, head: bytes) -> float:
        """Any CSV, XLSX or JSON Lines file, with less confidence than specific formats."""
        score = _SUFFIX_SCORES.get(path.suffix.lower(), 0.0)
        if path.suffix.lower() in XLSX_SUFFIXES:
            return score if head.startswith(b"PK\x03\x04") else 0.0
        if score and looks_binary(head):
            return 0.0
        if path.suffix.lower() in (".json", ".jsonl", ".ndjson", ".jsonlines"):
            return score if head_text(head).startswith(("{", "[")) else 0.0
        return score

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Start reading the rows of ``path`` as posts (the first is read at once)."""
        warnings: list[str] = []
        tally = Tally(warnings)
        table = open_table(path, tally)
        mapping = _checked_mapping(path, table, options.mapping)
        drafts = start(finishing(_drafts(table, mapping, tally), tally), path, tally)
        return FileRead(drafts, path.stem, warnings)


def _checked_mapping(path: Path, table: Table, given: ColumnMapping | None) -> ColumnMapping:
    columns = ", ".join(table.columns)
    mapping = given or suggest_mapping(table.columns)
    if mapping is None or not mapping.text:
        raise ImportFileError(path, "the file needs a column mapping: no column could be "
                                    f"taken for the post text (its columns are: {columns})")
    named = [mapping.text, mapping.author, mapping.handle, mapping.date, mapping.url,
             mapping.id, mapping.reply_to, mapping.code]
    missing = [c for c in named if c and c not in table.columns]
    if missing:
        raise ImportFileError(path, "the column mapping names columns the file does not "
                                    f"have: {', '.join(missing)} (its columns are: {columns})")
    return mapping


def _drafts(table: Table, mapping: ColumnMapping, tally: Tally) -> Iterator[SourceDraft]:
    extras = Extras(table.columns, mapping, table.kind)
    for _, row, raw in table.rows:
        draft = row_draft(row, raw, mapping, extras, tally)
        if draft is not None:
            yield draft


def preview(path: Path, rows: int = 20) -> tuple[list[str], list[list[str]]]:
    """The columns of a table and its first ``rows`` rows, as text, for a mapping dialog."""
    table = open_table(Path(path), Tally([]))
    try:
        body = [[canonical(row.get(c, "")) for c in table.columns]
                for _, row, _raw in islice(table.rows, rows)]
    finally:
        table.rows.close()
    return table.columns, body


def suggest_mapping(columns: list[str]) -> ColumnMapping | None:
    """A mapping guessed from the usual column names; None when no text column is found.

    4CAT writes the username in "author" and the display name in "author_fullname", so
    "author" is taken as the handle when a display-name column is also present.
    """
    by_name = {normalized_column(c): c for c in reversed(columns)}  # the first of equal names wins

    def pick(names: tuple[str, ...]) -> str:
        return next((by_name[n] for n in names if n in by_name), "")

    text = pick(_TEXT)
    if not text:
        return None
    author, handle = pick(_AUTHOR), pick(_HANDLE)
    if "author" in by_name:
        if not author:
            author = by_name["author"]
        elif not handle:
            handle = by_name["author"]
    return ColumnMapping(text=text, author=author, handle=handle, date=pick(_DATE),
                         url=pick(_URL), id=pick(_ID), reply_to=pick(_REPLY),
                         code=pick(_CODE))


def columns_signature(columns: list[str]) -> str:
    """A stable hash of the set of column names (order and case do not matter)."""
    names = sorted({normalized_column(c) for c in columns})
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:32]


def normalized_column(column: str) -> str:
    """A column name as signatures compare it: canonical, trimmed, case-folded, snake."""
    return canonical(str(column)).strip().casefold().replace(" ", "_").replace("-", "_")


IMPORTER = TabularImporter()
