"""Dates as articles write them: "30 October 2017", "Jul 02, 2016 at 5:00 AM ET",
"2017-10-30", "الاثنين ٣٠ تشرين الأول/أكتوبر ٢٠١٧", "كانون الأول/ديسمبر 2017".

:func:`find_date` finds the first such date in a line and says how precise it is (a year
and month, or a day, with the time when a zone is stated). Month names are English (full
or abbreviated) and Arabic in its three calendars' names: Levantine and Iraqi (كانون
الثاني ... كانون الأول), Egyptian and Gulf (يناير ... ديسمبر) and Maghrebi (جانفي ...
ديسمبر), alone or paired ("تشرين الأول/أكتوبر"). Arabic-Indic digits count as digits.
Numeric dates are read only when they cannot be misread: ISO ``2017-10-30``, or a
day-month-year whose day is over 12.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_EN = ["january", "february", "march", "april", "may", "june", "july", "august",
       "september", "october", "november", "december"]
_AR = {
    1: "كانون الثاني|يناير|جانفي|جانفييه", 2: "شباط|فبراير|فيفري|فبرایر",
    3: "آذار|اذار|مارس", 4: "نيسان|أبريل|ابريل|إبريل|أفريل|افريل",
    5: "أيار|ايار|مايو|ماي", 6: "حزيران|يونيو|يونيه|جوان",
    7: "تموز|يوليو|يوليه|جويلية|جويلة", 8: "آب|اب|أغسطس|اغسطس|أوت|اوت",
    9: "أيلول|ايلول|سبتمبر|شتنبر", 10: "تشرين الأول|تشرين الاول|أكتوبر|اكتوبر",
    11: "تشرين الثاني|نوفمبر|نونبر", 12: "كانون الأول|كانون الاول|ديسمبر|دجنبر"}
_MONTH_OF = {name: n for n, names in _AR.items() for name in names.split("|")}
_MONTH_OF.update({name: n for n, name in enumerate(_EN, start=1)})
_MONTH_OF.update({name[:3]: n for n, name in enumerate(_EN, start=1)})
_MONTH_OF["sept"] = 9
_names = sorted(_MONTH_OF, key=len, reverse=True)
# a month, or two names of one month joined by "/" ("تشرين الأول/أكتوبر")
_ANY = "|".join(map(re.escape, _names))
MONTH = rf"(?P<month>(?:{_ANY})\.?(?:\s*/\s*(?:{_ANY}))?)"
_DAY, _YEAR = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?", r"(?P<year>(?:1[89]|20)\d\d)"
_TIME = (r"(?:,?\s*(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d\d)\s*(?P<ampm>[ap]\.?m\.?)?"
         r"\s*(?P<zone>[A-Z]{2,4}|GMT[+-]\d{1,2}|UTC[+-]\d{1,2})?)?")
_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"\b(?P<year>(?:1[89]|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b" + _TIME,
    rf"(?<!\w){MONTH}\s+{_DAY},?\s+{_YEAR}\b" + _TIME,  # Jul 02, 2016 at 5:00 AM ET
    rf"(?<!\w){_DAY}\s+{MONTH},?\s+{_YEAR}\b" + _TIME,  # 30 October 2017
    rf"(?<!\w){MONTH},?\s+{_YEAR}\b",  # November 2017, كانون الأول/ديسمبر 2017
    r"\b(?P<day>1[3-9]|2\d|3[01])[/.](?P<month>0?[1-9]|1[0-2])[/.](?P<year>(?:19|20)\d\d)\b",
)]
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Fixed offsets of the zone names news sites print; "ET", "CT", "PT" follow US daylight
# saving time.
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
          "AST": 3, "MSK": 3, "GST": 4, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "PST": -8, "PDT": -7}
_US = {"ET": -5, "CT": -6, "PT": -8}


@dataclass(frozen=True)
class FoundDate:
    """A date found in a line: its CSL date parts, the moment when a day (and maybe a
    time and zone) is known, and where it stands in the line."""

    parts: tuple[int, ...]  # (year, month) or (year, month, day)
    moment: dt.datetime | None
    start: int
    end: int


def find_date(line: str) -> FoundDate | None:
    """The first date written in ``line`` (see the module), or None."""
    text = line.translate(_DIGITS)
    best = None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return _found(best) if best else None


def _found(m: re.Match) -> FoundDate | None:
    month = _month(m.group("month"))
    year = int(m.group("year"))
    day = int(m.group("day")) if "day" in m.groupdict() and m.group("day") else None
    if month is None:
        return None
    if day is None:
        return FoundDate((year, month), None, m.start(), m.end())
    try:
        moment = dt.datetime(year, month, day, tzinfo=dt.UTC)
    except ValueError:
        return None
    return FoundDate((year, month, day), _with_time(moment, m), m.start(), m.end())


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    first = re.split(r"\s*/\s*", text.lower().rstrip("."))[0]
    return _MONTH_OF.get(first)


def _with_time(day: dt.datetime, m: re.Match) -> dt.datetime:
    """``day`` at the time the match gives, in its zone; midnight UTC without a zone."""
    groups = m.groupdict()
    if not groups.get("hour") or not groups.get("zone"):
        return day
    hour, minute = int(groups["hour"]), int(groups["minute"])
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    hour = hour % 12 + (12 if ampm == "pm" else 0) if ampm else hour
    offset = _offset(groups["zone"].upper(), day)
    if offset is None or hour > 23 or minute > 59:
        return day
    local = day.replace(hour=hour, minute=minute, tzinfo=dt.timezone(dt.timedelta(hours=offset)))
    return local


def _offset(zone: str, day: dt.datetime) -> float | None:
    if zone in _ZONES:
        return _ZONES[zone]
    if zone in _US:  # daylight saving time: second Sunday of March to first of November
        start = _nth_sunday(day.year, 3, 2)
        end = _nth_sunday(day.year, 11, 1)
        return _US[zone] + (1 if start <= day.date() < end else 0)
    m = re.fullmatch(r"(?:GMT|UTC)([+-]\d{1,2})", zone)
    return int(m.group(1)) if m else None


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
