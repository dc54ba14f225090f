"""Dates as forums show them: "07-02-2016, 02:51 PM", "Yesterday at 14:51",
"12 رمضان 1437، 02:51 م", "٠٢-٠٧-٢٠١٦", "Reply #3 on: July 02, 2016, 02:51:00 PM".

A date is read in the page's time zone (the one its footer states) and resolved
against the page's save date when it is relative; what could not be known is said in
``flags`` rather than guessed silently. Hijri dates are converted with ``hijridate``
(the Umm al-Qura calendar) and the original is kept. These expressions read the text of
a date, never HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from hijridate import Hijri

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None,
                       "،": ",", "٫": ":", "\u200f": None, "\u200e": None})
_HARAKAT = re.compile("[\u064b-\u0652\u0670]")

_GREGORIAN = [
    "january jan يناير كانون الثاني", "february feb فبراير فبرايل شباط",
    "march mar مارس اذار", "april apr ابريل افريل نيسان", "may مايو ماي ايار",
    "june jun يونيو يونيه جوان حزيران", "july jul يوليو يوليه جويليه تموز",
    "august aug اغسطس اغشت اوت اب", "september sept sep سبتمبر ايلول",
    "october oct اكتوبر تشرين الاول", "november nov نوفمبر تشرين الثاني",
    "december dec ديسمبر دجنبر كانون الاول"]
_HIJRI = [
    "محرم muharram", "صفر safar", "ربيع الاول ربيع اول rabi al-awwal rabi i",
    "ربيع الثاني ربيع الاخر ربيع ثاني rabi al-thani rabi ii",
    "جمادي الاولي جمادي الاول جماد اول jumada al-awwal jumada i",
    "جمادي الاخره جمادي الثانيه جمادي الاخر جماد ثاني jumada al-thani jumada ii",
    "رجب rajab", "شعبان shaban sha'ban", "رمضان ramadan", "شوال shawwal",
    "ذو القعده ذي القعده dhu al-qidah dhul qadah", "ذو الحجه ذي الحجه dhu al-hijjah dhul hijjah"]
# Multi-word Arabic names are listed whole; the alternation tries longer names first.
_MULTI = {"كانون الثاني", "كانون الاول", "تشرين الاول", "تشرين الثاني", "ربيع الاول",
          "ربيع اول", "ربيع الثاني", "ربيع الاخر", "ربيع ثاني", "جمادي الاولي", "جمادي الاول",
          "جماد اول", "جمادي الاخره", "جمادي الثانيه", "جمادي الاخر", "جماد ثاني",
          "ذو القعده", "ذي القعده", "ذو الحجه", "ذي الحجه", "rabi al-awwal", "rabi i",
          "rabi al-thani", "rabi ii", "jumada al-awwal", "jumada i", "jumada al-thani",
          "jumada ii", "dhu al-qidah", "dhul qadah", "dhu al-hijjah", "dhul hijjah"}


def _names(groups: list[str], calendar: str) -> dict[str, tuple[int, str]]:
    out = {}
    for month, names in enumerate(groups, start=1):
        multi = [m for m in _MULTI if m in names]
        rest = names
        for m in multi:
            rest = rest.replace(m, " ")
        for name in multi + rest.split():
            out.setdefault(name, (month, calendar))
    return out


_MONTHS = {**_names(_HIJRI, "hijri"), **_names(_GREGORIAN, "gregorian")}
_MONTH_RE = re.compile(r"(?<![^\W\d_])(" + "|".join(
    re.escape(n) for n in sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?![^\W\d_])")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|ص|م(?![^\W\d_]))?")
_NUMERIC = re.compile(r"(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,4})")
_NUMBER = re.compile(r"\d+")
_POST_NUMBER = re.compile(r"#\s*\d+")
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b")
_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "اليوم": 0, "امس": -1, "البارحه": -1,
                  "heute": 0, "gestern": -1, "aujourd'hui": 0, "hier": -1}
_RELATIVE_RE = re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, _RELATIVE_DAYS))
                          + r")(?![^\W\d_])")
_AGO = re.compile(r"(\d+)\s*(second|sec|minute|min|hour|hr|day|week)s?\s+ago"
                  r"|منذ\s*(\d+)?\s*(ثانيه|ثواني|دقيقه|دقائق|دقيقتين|ساعه|ساعات|ساعتين|يومين|يوم|ايام)")
_UNITS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600,
          "day": 86400, "week": 604800, "ثانيه": 1, "ثواني": 1, "دقيقه": 60, "دقائق": 60,
          "ساعه": 3600, "ساعات": 3600, "يوم": 86400, "ايام": 86400}
_DUAL = {"دقيقتين": "دقيقه", "ساعتين": "ساعه", "يومين": "يوم"}  # "two hours" in one word
_PM = ("pm", "p.m.", "p.m", "م")
_AM = ("am", "a.m.", "a.m", "ص")


@dataclass(frozen=True)
class Clock:
    """How a page's dates are to be read: its zone, its save date, its day/month order."""

    tz: dt.tzinfo | None = None
    saved: dt.datetime | None = None
    day_first: bool = True


@dataclass
class PostDate:
    """A post's date: the value (aware), what the page showed, and what was assumed."""

    value: dt.datetime | None
    shown: str = ""
    hijri: str = ""  # the Hijri date as the page gave it ("1437-09-12")
    flags: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """Text made easy to match: ASCII digits, one alef, no harakat or tatweel, lower case."""
    text = _HARAKAT.sub("", text.translate(_DIGITS).translate(_FOLD))
    return " ".join(_ORDINAL.sub(r"\1", text.lower()).split())


def day_first(texts: list[str], language: str) -> tuple[bool, bool]:
    """Whether the page's numeric dates put the day first, and whether that was assumed.

    A day above 12 anywhere on the page settles it; otherwise US English pages are read
    month first (vBulletin's and MyBB's default) and all others day first.
    """
    for text in texts:
        if m := _NUMERIC.search(fold(text)):
            a, b, c = m.groups()
            if len(a) == 4:
                continue
            if int(a) > 12 >= int(b):
                return True, False
            if int(b) > 12 >= int(a):
                return False, False
    return not language.lower().startswith("en") or language.lower() in ("en-gb",
                                                                            "en-au"), True


def read_date(text: str, clock: Clock) -> PostDate:
    """The date and time written in ``text`` (see the module docstring)."""
    shown = " ".join(text.split())
    out = PostDate(None, shown)
    s = fold(shown)
    if not s:
        return out
    relative = _relative(s, clock, out)
    if relative is not None:
        out.value = relative
        return out
    day = _day(s, clock, out)
    if day is None:
        return out
    out.value = _at(day, _clock_time(s), clock, out)
    return out


def _relative(s: str, clock: Clock, out: PostDate) -> dt.datetime | None:
    """A date relative to the save date ("Yesterday at 14:51", "3 hours ago")."""
    days = _RELATIVE_RE.search(s)
    ago = _AGO.search(s)
    if not days and not ago:
        return None
    if clock.saved is None:
        out.flags.append("relative date, and the page does not say when it was saved")
        return None
    saved = clock.saved.astimezone(clock.tz or dt.UTC)
    if ago:
        unit = ago.group(2) or ago.group(4)
        n = int(ago.group(1) or ago.group(3) or (2 if unit in _DUAL else 1))
        seconds = n * _UNITS[_DUAL.get(unit, unit)]
        out.flags.append("relative date, resolved against the page's save date")
        return saved - dt.timedelta(seconds=seconds)
    out.flags.append("relative date, resolved against the page's save date")
    day = saved.date() + dt.timedelta(days=_RELATIVE_DAYS[days.group(1)])
    return _at(day, _clock_time(s), clock, out)


def _clock_time(s: str) -> dt.time | None:
    m = _TIME.search(s)
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    half = (m.group(4) or "").strip()
    if half in _PM and hour < 12:
        hour += 12
    elif half in _AM and hour == 12:
        hour = 0
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        return None


def _day(s: str, clock: Clock, out: PostDate) -> dt.date | None:
    rest = _POST_NUMBER.sub(" ", _TIME.sub(" ", s))
    month = _MONTH_RE.search(rest)
    if month:
        number, calendar = _MONTHS[month.group(1)]
        nums = [int(n) for n in _NUMBER.findall(rest[:month.start()] + " " + rest[month.end():])]
        year = next((n for n in nums if n >= 100), None)
        day = next((n for n in nums if 1 <= n <= 31), None)
        if year is None or day is None:
            return None
        if calendar == "gregorian" and year < 1600:
            calendar = "hijri"  # a Gregorian name with a Hijri year is a page's own mix-up
        return _make(year, number, day, calendar == "hijri", out)
    m = _NUMERIC.search(rest)
    if not m:
        return None
    a, b, c = (int(x) for x in m.groups())
    if len(m.group(1)) == 4:
        year, month_n, day = a, b, c
    else:
        year, (day, month_n) = c, ((a, b) if clock.day_first else (b, a))
    if year < 100:
        year += 2000 if year < 70 else 1900
    return _make(year, month_n, day, year < 1600, out)


def _make(year: int, month: int, day: int, hijri: bool, out: PostDate) -> dt.date | None:
    try:
        if not hijri:
            return dt.date(year, month, day)
        gregorian = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    out.hijri = f"{year:04d}-{month:02d}-{day:02d}"
    out.flags.append("Hijri date, converted (Umm al-Qura)")
    return dt.date(gregorian.year, gregorian.month, gregorian.day)


def _at(day: dt.date, time: dt.time | None, clock: Clock, out: PostDate) -> dt.datetime:
    if time is None:
        out.flags.append("no time of day shown")
        time = dt.time(0, 0)
    if clock.tz is None:
        out.flags.append("the page states no time zone: read as UTC")
    return dt.datetime.combine(day, time, tzinfo=clock.tz or dt.UTC)


def is_numeric(text: str) -> bool:
    """True when ``text`` writes its date in numbers only ("07-02-2016")."""
    return bool(_NUMERIC.search(fold(text))) and not _MONTH_RE.search(fold(text))
