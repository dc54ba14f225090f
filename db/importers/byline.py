"""Author and date of a plain-text or Markdown article, from where articles state them.

Read from the first lines under the headline only, never from the body:

* a header line: ``Author: …``, ``Authors: …``, ``Date: …``, ``Published: …`` (and the
  Arabic ``الكاتب:``, ``المؤلف:``, ``التاريخ:``);
* a byline: ``By Miriam Halloran, Euphrates Review, 30 October 2017``, ``Written by …``,
  ``بقلم: د. سلمى العبيدي، مركز دجلة للدراسات، كانون الأول/ديسمبر 2017``, ``كتب: …``.
  The names come first; a later part that is a date is the date; a short part between
  them is the publication or institution;
* a dateline: a short line that is a date and little else (``Jul 02, 2016 at 5:00 AM
  ET``, ``Updated: 30 October 2017``, ``الاثنين ٣٠ أكتوبر ٢٠١٧``);
* a standfirst that opens with a writer's name and a reporting verb (``Adam Hoffman
  analyzes how…``).

A name must look like one: up to five words, each capitalised (or Arabic), with the
usual particles; no digits, weekdays or sentence words ("By the time the convoy
arrived…", "By 2017, most had returned", "By Monday…" are sentences, not bylines).
Titles (Dr., Prof., د., الدكتور) are dropped. Everything found is a guess: the caller
marks it so (``extra["guessed"]``), with the line it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from db.citations.csl import people
from db.importers.dates import find_date

HEAD_LINES = 6  # non-empty lines under the headline that are looked at
MAX_LINE = 160
_HEADER = re.compile(r"^\s*(?P<key>authors?|writers?|date|published|posted|updated|"
                     r"الكاتبة?|المؤلفة?|التاريخ|تاريخ النشر)\s*:\s*(?P<value>.+)$",
                     re.IGNORECASE)
_BYLINE = re.compile(r"^\s*(?:(?:written\s+)?by|بقلم|كتبت?\s*:)\s*:?\s*(?P<rest>.+)$",
                     re.IGNORECASE)
_STANDFIRST = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’.-]+\s){1,3}?[A-Z][\w'’-]+)\s+(?:analy[sz]es|writes|argues|"
    r"examines|explains|explores|reports|considers|looks at|asks)\b")
_PARTS = re.compile(r"\s*(?:[,،|·•]|\s[-–—]\s)\s*")
_TITLES = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|sir|sheikh|shaykh)\.?\s+|"
                     r"(?:د|أ|م)\.\s*|(?:الدكتورة?|الأستاذة?|الشيخ)\s+)+", re.IGNORECASE)
_PARTICLES = frozenset("al el bin ibn bint abu de da del della der di du la le van von "
                       "and & y".split())
_NOT_NAMES = frozenset("""the a an this that these those his her their its our my your
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
january february march april may june july august september october november december
president minister king queen prince general secretary spokesman police army officials
staff reporter reporters editor editors correspondent""".split())
_FILLER = re.compile(r"\b(?:published|posted|updated|last|modified|on|at|am|pm|a\.m\.|"
                     r"p\.m\.|(?-i:[A-Z]{2,4})|monday|tuesday|wednesday|thursday|friday|saturday|"
                     r"sunday|mon|tue|wed|thu|fri|sat|sun)\b|نشر|في|تاريخ|آخر|تحديث|"
                     r"الاثنين|الإثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|"
                     r"الأحد|الاحد|[\W\d_]", re.IGNORECASE)


@dataclass
class Byline:
    """What the head of an article states; ``lines`` says which line gave each field."""

    author: str = ""
    date: tuple[int, ...] = ()  # CSL date parts: (year, month) or (year, month, day)
    moment: dt.datetime | None = None  # when the day is known
    site: str = ""
    lines: dict[str, str] = field(default_factory=dict)


def read_byline(text: str, title: str = "") -> Byline:
    """The author, date and site the first lines of ``text`` state (see the module)."""
    found = Byline()
    for line in _head(text, title):
        if len(line) > MAX_LINE:
            if not found.author:
                _standfirst(line, found)
            break
        _header(line, found) or _byline(line, found) or _dateline(line, found) \
            or _standfirst(line, found)
    return found


def _head(text: str, title: str) -> list[str]:
    lines = [ln.strip() for ln in text.split("\n")[:40] if ln.strip()]
    if lines and title and lines[0].strip("# ") == title.strip():
        lines = lines[1:]
    return lines[:HEAD_LINES]


def _header(line: str, found: Byline) -> bool:
    m = _HEADER.match(line)
    if not m:
        return False
    key, value = m.group("key").lower(), m.group("value").strip()
    if key in ("date", "published", "posted", "updated", "التاريخ", "تاريخ النشر"):
        _take_date(value, line, found)
    else:
        _take_names(_PARTS.split(value)[0] if "،" in value else value, line, found)
    return True


def _byline(line: str, found: Byline) -> bool:
    m = _BYLINE.match(line)
    if not m:
        return False
    rest = m.group("rest").strip()
    date = find_date(rest)
    if date is not None:  # taken out first: its commas are not the byline's
        rest = rest[:date.start] + "," + rest[date.end:]
    parts = [p for p in _PARTS.split(rest) if p and _FILLER.sub("", p)]
    if not parts or not _take_names(parts[0], line, found):
        return False
    if date is not None and not found.date:
        found.date, found.moment, found.lines["issued"] = date.parts, date.moment, line
    site = next((p for p in parts[1:] if _is_site(p)), "")
    if site and not found.site:
        found.site, found.lines["site"] = site, line
    return True


def _dateline(line: str, found: Byline) -> bool:
    date = find_date(line)
    if date is None or found.date:
        return False
    rest = line[:date.start] + line[date.end:]
    if len(_FILLER.sub("", rest)) > 3:  # more than a date: a sentence
        return False
    return _take_date(line, line, found)


def _standfirst(line: str, found: Byline) -> bool:
    m = _STANDFIRST.match(line)
    return bool(m) and not found.author and _take_names(m.group("name"), line, found)


# --- taking what was found ------------------------------------------------------------------

def _take_names(text: str, line: str, found: Byline) -> bool:
    names = clean_names(text)
    if not names or found.author:
        return False
    found.author, found.lines["author"] = names, line
    return True


def _take_date(text: str, line: str, found: Byline) -> bool:
    date = find_date(text)
    if date is None or found.date:
        return False
    found.date, found.moment = date.parts, date.moment
    found.lines["issued"] = line
    return True


def clean_names(text: str) -> str:
    """``text`` as the names of a byline ("Dr. Salma al-Obaidi and Rasha Haddad"), or ""
    when it does not look like names."""
    text = " ".join(text.split()).strip(" .:;")
    people = [_TITLES.sub("", p).strip() for p in re.split(r"\s+(?:and|&|و)\s+|\s*;\s*",
                                                           text)]
    people = [p.title() if p.isupper() and p.isascii() else p for p in people]
    if not people or not all(_is_name(p) for p in people):
        return ""
    return " and ".join(people)


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in text):
        return False
    for word in words:
        bare = word.strip(".,'’()")
        if re.fullmatch(r"[A-Z]\.", word):  # an initial
            continue
        if bare.lower() in _PARTICLES or bare.lower().startswith(("al-", "el-")):
            continue
        if bare.lower() in _NOT_NAMES or not bare or not _capitalised(bare):
            return False
    return True


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or ("\u0600" <= first <= "\u06ff") or first == "@"


def _is_site(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 7 and find_date(part) is None and \
        all(w[0].isupper() or w.lower() in ("of", "for", "the", "and", "on", "in") or
            "\u0600" <= w[0] <= "\u06ff" for w in words)


def guessed_fields(text: str, title: str, known: dict | None = None) -> dict:
    """``SourceDraft`` fields for what the head of ``text`` states and ``known`` (what
    the file's own metadata gave) lacks, with ``extra["guessed"]``: for each guessed CSL
    variable, the line it was read from and the CSL value it gave (a form marks the
    field as guessed while it still holds that value). A date without a day goes into
    the CSL (``extra["csl"]["issued"]``), not into ``published``, which is a moment."""
    known, found = known or {}, read_byline(text, title)
    out: dict = {}
    guessed: dict[str, dict] = {}
    if found.author and not known.get("author"):
        out["author"] = found.author
        guessed["author"] = {"line": found.lines["author"], "value": people(found.author)}
    if found.date and not known.get("published"):
        issued = {"date-parts": [list(found.date)]}
        guessed["issued"] = {"line": found.lines["issued"], "value": issued}
        if found.moment is not None:
            out["published"] = found.moment
        else:
            out["extra"] = {"csl": {"issued": issued}}
    if found.site and not known.get("site_name"):
        out["site_name"] = found.site
        guessed["container-title"] = {"line": found.lines["site"], "value": found.site}
    if guessed:
        out.setdefault("extra", {})["guessed"] = guessed
    return out
