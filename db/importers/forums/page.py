"""A saved thread page as a whole: its parsed tree, where it came from, when it was saved,
the time zone it states, and small lxml helpers the engine extractors share.

Browsers and archiving tools say where and when a page was saved in different places:
Chrome and Internet Explorer in a ``<!-- saved from url=(0042)https://… -->`` comment
(no date), SingleFile in a comment with ``url:`` and ``saved date:`` lines, Save Page WE
in ``savepage-url`` / ``savepage-date`` meta tags, and the Wayback Machine in the
14-digit time stamp of its URLs. Regular expressions here only ever read such text
values, never the HTML itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from lxml import html as lxml_html

from db.errors import ImportFileError
from db.importers.html import decode_page
from db.importers.html_meta import page_language
from db.importers.safety import check_size

_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")
_SINGLEFILE_URL = re.compile(r"^\s*url:\s*(\S+)", re.M)
_SINGLEFILE_DATE = re.compile(r"^\s*saved date:\s*(.+?)\s*$", re.M)
_JS_DATE = re.compile(r"(?:[A-Za-z]{3} )?([A-Za-z]{3}) (\d{1,2}) (\d{4}) (\d\d):(\d\d):(\d\d)"
                      r"(?: GMT([+-]\d{4}))?")
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/(\d{14})[a-z_]*/(.+)$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "All times are GMT +1", "All times are UTC+01:00", "جميع الأوقات بتوقيت GMT +3"
_TZ_SENTENCE = ("times are", "الأوقات", "الاوقات", "zeiten", "heures", "timezone")
_OFFSET = re.compile(r"(?:GMT|UTC)\s*(?:([+\-\u2212])\s*(\d{1,2})(?:[.:,](\d{1,2}))?)?")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class Page:
    """One saved page: its tree and the facts about the page itself."""

    path: Path
    root: object
    url: str = ""  # the page's own address, when the page says it
    saved: dt.datetime | None = None  # when it was saved, when the page says it
    language: str = ""

    def absolute(self, href: str | None) -> str:
        """``href`` resolved against the page's address (kept as is without one)."""
        href = (href or "").strip()
        return urljoin(self.url, href) if href and self.url else href


def load(path: Path) -> Page:
    """The parsed page at ``path`` (the last few are cached: sniffing and reading share)."""
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: int, _size: int) -> Page:
    check_size(path)
    text = decode_page(path, path.read_bytes())
    parser = lxml_html.HTMLParser(remove_comments=False, remove_pis=True, no_network=True,
                                  default_doctype=False)
    try:
        root = lxml_html.document_fromstring(_XML_DECL.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportFileError(path, f"the page cannot be read as HTML ({exc})") from exc
    page = Page(path, root, language=page_language(root, {}))
    _where_from(page)
    return page


def _where_from(page: Page) -> None:
    """Fill the page's address and save date from comments, meta tags or an archive URL."""
    root = page.root
    for comment in _comments(root):
        text = comment.text or ""
        if m := _SAVED_FROM.search(text):
            page.url = page.url or m.group(1)
        if "SingleFile" in text:
            if m := _SINGLEFILE_URL.search(text):
                page.url = m.group(1)
            if m := _SINGLEFILE_DATE.search(text):
                page.saved = page.saved or js_date(m.group(1))
    metas = {(m.get("name") or m.get("property") or "").lower(): m.get("content") or ""
             for m in root.iter("meta")}
    page.url = metas.get("savepage-url") or page.url or _canonical(root) or metas.get("og:url", "")
    page.saved = page.saved or js_date(metas.get("savepage-date", ""))
    if m := _WAYBACK.match(page.url):
        stamp, page.url = m.groups()
        page.saved = page.saved or dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(
            tzinfo=dt.UTC)


def _comments(root) -> list:
    before = [c for c in root.itersiblings(preceding=True) if c.tag is etree.Comment]
    inside = []
    for comment in root.iter(etree.Comment):
        inside.append(comment)
        if len(inside) >= 8:  # where-from comments sit at the very top
            break
    return before + inside


def _canonical(root) -> str:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href") or ""
    return ""


def js_date(value: str) -> dt.datetime | None:
    """A date as JavaScript's ``Date.toString()`` writes it ("Mon Dec 02 2024 14:00:00
    GMT+0100 (…)"), as SingleFile and Save Page WE record it; ISO 8601 too."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    m = _JS_DATE.search(value)
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    mon, day, year, hh, mm, ss, zone = m.groups()
    zone = zone or "+0000"
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:]))
    tz = dt.timezone(-offset if zone[0] == "-" else offset)
    return dt.datetime(int(year), _MONTHS.index(mon.lower()) + 1, int(day), int(hh), int(mm),
                       int(ss), tzinfo=tz)


# -- the time zone the page states -----------------------------------------------------


@dataclass(frozen=True)
class StatedZone:
    """The time zone a forum's footer states, and the words it used."""

    tz: dt.tzinfo
    label: str


def stated_zone(root) -> StatedZone | None:
    """The zone of a sentence like "All times are GMT +1" (the last one on the page)."""
    found = None
    for node in root.xpath("//body//text()[contains(., 'GMT') or contains(., 'UTC')"
                           " or contains(., 'times are') or contains(., 'الأوقات')]"):
        parent = node.getparent()
        sentence = " ".join(parent.text_content().split()) if parent is not None else ""
        if len(sentence) < 200 and any(w in sentence.lower() for w in _TZ_SENTENCE):
            found = _zone_in(parent, sentence) or found
    return found


def _zone_in(parent, sentence: str) -> StatedZone | None:
    for span in parent.iter("span"):  # phpBB: <span title="Europe/Berlin">UTC+01:00</span>
        name = span.get("title") or ""
        if "/" in name:
            try:
                return StatedZone(ZoneInfo(name), name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
    m = _OFFSET.search(sentence)
    if not m:
        return None
    sign, hours, minutes = m.groups()
    if hours is None:
        return StatedZone(dt.UTC, m.group(0).strip())
    # "GMT +3.5" is three and a half hours; "UTC+05:30" five hours thirty.
    frac = int(minutes) * (6 if minutes and len(minutes) == 1 and "." in m.group(0) else 1) \
        if minutes else 0
    delta = dt.timedelta(hours=int(hours), minutes=frac)
    return StatedZone(dt.timezone(-delta if sign in "-\u2212" else delta), m.group(0).strip())


# -- lxml helpers -----------------------------------------------------------------------


def has_class(el, name: str) -> bool:
    """True when ``el`` carries class ``name``."""
    return name in (el.get("class") or "").split()


def first(el, *xpaths: str):
    """The first result of the first of ``xpaths`` that finds anything under ``el``.

    (Never ``first(a) or first(b)``: an lxml element without children is false.)
    """
    for xpath in xpaths:
        found = el.xpath(xpath)
        if found:
            return found[0]
    return None


def text_of(el) -> str:
    """The text of ``el`` on one line, spaces collapsed; "" for None."""
    return " ".join(el.text_content().split()) if el is not None else ""


def query_value(href: str | None, *names: str) -> str:
    """The first of the query parameters ``names`` in a link ("p" of "?t=7&p=123")."""
    query = parse_qs(urlparse(href or "").query.replace(";", "&"))
    for name in names:
        if query.get(name):
            return query[name][0]
    return ""


def xclass(name: str) -> str:
    """An XPath test for an element that has class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def meta_content(root, name: str) -> str:
    """The content of the ``<meta>`` called ``name`` (name or property), or ""."""
    found = root.xpath(f"//head/meta[@name='{name}' or @property='{name}']/@content")
    return found[0].strip() if found else ""


def iso_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time stamp from an attribute ("2016-07-02T14:51:00+0200"); without an
    offset it stays naive, to be read in the page's stated zone (drafts.py)."""
    value = (value or "").strip()
    if len(value) > 5 and value[-5] in "+-" and value[-3] != ":" and "T" in value:
        value = f"{value[:-2]}:{value[-2:]}"
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp


def unix_time(value: str | None) -> dt.datetime | None:
    """A time stamp in Unix seconds or milliseconds (Discourse's ``data-time``), aware."""
    try:
        seconds = float(value or "")
        return dt.datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def number_in(text: str) -> int | None:
    """The number in a post counter ("#12", "Reply #3 on: …", "post_12"), or None."""
    head = text.partition("#")[2] if "#" in text else text
    digits = ""
    for ch in head:
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return int(digits) if digits and len(digits) < 9 else None
