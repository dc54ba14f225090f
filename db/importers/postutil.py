"""What every social-media importer needs: dates, counts, tags in text, warning tallies.

Dates always come back timezone-aware and in UTC (a date without a zone is taken as UTC).
Hashtags are returned without "#" and mentions without "@", as platforms store them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from itertools import chain
from pathlib import Path
from typing import Any

from db.errors import ImportFileError
from db.importers.base import POST, SourceDraft
from db.text import canonical

UTC = dt.UTC
LINE_WARNINGS = 20  # individual line warnings kept per file; the rest are only counted

_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                        "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_TWITTER_DATE = re.compile(
    r"[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d\d):(\d\d):(\d\d) ([+-]\d{4}) (\d{4})")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
# Numeric layouts only: strptime's %b/%a depend on the locale, and day/month order is
# only guessed where it cannot be mistaken (dots are day-first across Europe).
_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M", "%d.%m.%Y")

# The mark first, then what stands before it: the scan looks for "#" or "@" alone.
_TAG_START = re.compile(r"[#\uff03](?<![\w&/][#\uff03])(?=\w)")
_MENTION = re.compile(r"@(?<![\w@.]@)([A-Za-z0-9_]{1,64})")
_LINK = re.compile(r"https?://[^\s<>\"'\u00ab\u00bb\u201c\u201d\u2018\u2019]+")
_TRAILING = ".,;:!?'\"\u060c\u061b\u061f\u06d4\u2026\u3002]}>*_"
_LIST_SPLIT = re.compile(r"[,;\s]+")
_JOINERS = "\u200c\u200d"  # ZWNJ/ZWJ belong inside Persian and Indic words


def parse_date(value: Any) -> dt.datetime | None:
    """A UTC datetime from whatever a platform wrote, or None when it cannot be read.

    Accepts datetimes, Unix seconds or milliseconds (numbers or digit strings), ISO 8601
    with or without a zone, Twitter's "Wed Oct 10 20:19:24 +0000 2018", RFC 2822 and a
    few unambiguous numeric layouts ("2017/10/15 14:03", "15.10.2017").
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float):
        return from_unix(value)
    text = str(value).strip()
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return from_unix(float(text))
    return _from_iso(text) or _from_twitter(text) or _from_layouts(text) or _from_rfc(text)


def from_unix(value: float) -> dt.datetime | None:
    """A UTC datetime from Unix seconds, or milliseconds/microseconds when that large."""
    value = float(value)
    # 1e11 seconds is the year 5138: anything larger is milliseconds (or microseconds).
    while abs(value) > 1e11:
        value /= 1000
    try:
        return dt.datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _from_iso(text: str) -> dt.datetime | None:
    try:
        return _utc(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


def _from_twitter(text: str) -> dt.datetime | None:
    m = _TWITTER_DATE.fullmatch(text)
    if not m or m.group(1) not in _MONTHS:
        return None
    mon, day, hh, mm, ss, zone, year = m.groups()
    offset = (int(zone[1:3]) * 60 + int(zone[3:])) * (-1 if zone[0] == "-" else 1)
    tz = dt.timezone(dt.timedelta(minutes=offset))
    try:
        made = dt.datetime(int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                           tzinfo=tz)
    except ValueError:
        return None
    return made.astimezone(UTC)


def _from_layouts(text: str) -> dt.datetime | None:
    for layout in _FORMATS:
        try:
            return dt.datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _from_rfc(text: str) -> dt.datetime | None:
    if not any(m in text for m in _MONTHS):
        return None
    try:
        return _utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


def to_int(value: Any) -> int | None:
    """An integer count from a number or a string such as "1,234"; None when absent."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).replace(",", "").strip()))
    except ValueError:
        return None


def unescape_twitter(text: str) -> str:
    """Undo the three HTML escapes Twitter and Reddit apply to post text (&amp; last)."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def hashtags_in(text: str) -> list[str]:
    """Hashtags written in ``text`` (Unicode-aware: "#الرقة", "#SDFfreedRaqqa")."""
    found = []
    for m in _TAG_START.finditer(text):
        tag = text[m.end():_word_end(text, m.end())]
        if tag and not tag.isdigit():
            found.append(tag)
    return unique(found)


def _word_end(text: str, i: int) -> int:
    # Python's \w lacks combining marks (Arabic harakat, Indic vowel signs): walk instead.
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isalnum() or ch == "_" or ch in _JOINERS or unicodedata.category(ch)[0] == "M":
            i += 1
        else:
            break
    return i


def mentions_in(text: str) -> list[str]:
    """@usernames written in ``text``, without the "@" (e-mail addresses are not mentions)."""
    return unique(_MENTION.findall(text)) if "@" in text else []


def links_in(text: str) -> list[str]:
    """http(s) links written in ``text``, without trailing punctuation."""
    if "http" not in text:
        return []
    return unique(_trim_link(m) for m in _LINK.findall(text))


def _trim_link(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def unique(items) -> list[str]:
    """The non-empty items in their first order, without repeats."""
    return list(dict.fromkeys(i for i in items if i))


def strip_mark(value: str, mark: str) -> str:
    """``value`` without a leading ``mark`` ("#tag" → "tag", "@user" → "user")."""
    value = str(value).strip()
    return value[len(mark):] if mark and value.startswith(mark) else value


def split_list(cell: str, mark: str = "") -> list[str]:
    """The items of a list written in one cell: JSON ("[\"#a\", ...]"), a Python list
    ("['#a']"), or separated by commas, semicolons or spaces; ``mark`` is stripped."""
    cell = str(cell).strip()
    if not cell:
        return []
    try:
        items = json.loads(cell) if cell[0] in "[\"" else None
    except ValueError:
        items = None
    if not isinstance(items, list):
        items = _LIST_SPLIT.split(cell.strip("[]"))
    return unique(strip_mark(str(i).strip(" '\""), mark) for i in items if i)


def post(text: str, **fields: Any) -> SourceDraft:
    """A post draft with canonical text (and names); hashtags, mentions and links default
    to those written in the text."""
    text = canonical(text)
    for name in ("author", "handle", "title"):
        if fields.get(name):  # names are searched and compared too: same NFC contract
            fields[name] = canonical(str(fields[name])).strip()
    for name, find in (("hashtags", hashtags_in), ("mentions", mentions_in),
                       ("links", links_in)):
        if name not in fields:
            fields[name] = find(text)
    return SourceDraft(kind=POST, text=text, **fields)


class RecentIds:
    """The ids of the last ``size`` posts read, to drop a repeat that comes soon after.

    Bounded, so that reading a file of millions of posts holds no more in memory than
    one of thousands; a repeat that comes later still is found by the import, which
    asks the project for the ids of every chunk before writing it.
    """

    def __init__(self, size: int = 50_000):
        self._order: deque[str] = deque()
        self._ids: set[str] = set()
        self.size = size

    def __contains__(self, post_id: str) -> bool:
        return post_id in self._ids

    def add(self, post_id: str) -> None:
        if post_id in self._ids:
            return
        self._ids.add(post_id)
        self._order.append(post_id)
        if len(self._order) > self.size:
            self._ids.discard(self._order.popleft())


class Tally:
    """Problems met while reading one file: a few line warnings, and counts of the rest.

    Line warnings go straight into ``warnings`` (the FileRead's list); counted problems
    ("12 service messages skipped") are added as one line each by :meth:`finish`.
    """

    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        self.counts: Counter[str] = Counter()
        self.bad_lines = 0
        self.records = 0
        self._finished = False

    def line(self, lineno: int, problem: str) -> None:
        """Record that line ``lineno`` could not be used."""
        self.bad_lines += 1
        if self.bad_lines <= LINE_WARNINGS:
            self.warnings.append(f"line {lineno}: {problem}")

    def skip(self, what: str, n: int = 1) -> None:
        """Count a record skipped for a reason phrased as a plural ("empty posts skipped")."""
        self.counts[what] += n

    def finish(self) -> None:
        """Add the summary lines to the warnings (once, at the end of the file)."""
        if self._finished:
            return
        self._finished = True
        hidden = self.bad_lines - LINE_WARNINGS
        if hidden > 0:
            self.warnings.append(f"{hidden} more lines could not be read")
        for what, n in self.counts.items():
            self.warnings.append(f"{n} {what}")

    def why_nothing(self) -> str:
        """Why a file gave no post at all, in a researcher's words."""
        if self.records == 0 and self.bad_lines:
            return "nothing in it could be read (no line is valid JSON)"
        if self.counts:
            found = "; ".join(f"{n} {what}" for what, n in self.counts.items())
            return f"it holds no posts with text ({found})"
        return "it holds no posts"


def start(drafts: Iterator[SourceDraft], path: Path, tally: Tally) -> Iterator[SourceDraft]:
    """Read up to the first draft now, so that a file holding nothing fails at once.

    Raises ImportFileError (with :meth:`Tally.why_nothing`) when there is no draft at all.
    """
    first = next(drafts, None)
    if first is None:
        raise ImportFileError(path, tally.why_nothing())
    return chain([first], drafts)


def finishing(drafts: Iterator[SourceDraft], tally: Tally) -> Iterator[SourceDraft]:
    """Yield ``drafts``, then add the tally's summary to the warnings."""
    yield from drafts
    tally.finish()
