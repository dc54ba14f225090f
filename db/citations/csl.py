"""CSL-JSON for sources: what an article or a post is cited by, built from what was read.

An article becomes ``article-newspaper`` when it names its site, ``webpage`` when it
has only a URL, and a generic ``document`` otherwise (a PDF or a Word file); a post becomes
``post`` with the author ``@handle`` (or the display name), the platform's name as the
container ("Twitter", "Telegram", "Reddit") and its first words as the title, as the
style guides cite posts. Whatever CSL an importer carried in ``extra["csl"]`` wins, and
fields unknown to CSL are kept as they are.

Names in Latin script are split into family and given names; names in other scripts
(Arabic...) and single words (organisations, handles) stay whole as ``literal`` names,
so they are never cut, initialised or reordered. Also here: the normal forms of titles,
URLs and DOIs used to match references with sources.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

# The CSL 1.0.2 item types and variables; anything else in an item is kept but not
# given to the citation processor.
TYPES = frozenset("""
article article-journal article-magazine article-newspaper bill book broadcast chapter
classic collection dataset document entry entry-dictionary entry-encyclopedia event
figure graphic hearing interview legal_case legislation manuscript map motion_picture
musical_score pamphlet paper-conference patent performance periodical personal_communication
post post-weblog regulation report review review-book software song speech standard thesis
treaty webpage""".split())
NAME_VARIABLES = frozenset("""
author chair collection-editor compiler composer container-author contributor curator
director editor editor-translator editorial-director executive-producer guest host
illustrator interviewer narrator organizer original-author performer producer recipient
reviewed-author script-writer series-creator translator""".split())
DATE_VARIABLES = frozenset("accessed available-date event-date issued original-date "
                           "submitted".split())
TEXT_VARIABLES = frozenset("""
abstract annote archive archive_collection archive_location archive-place authority
call-number chapter-number citation-key citation-label citation-number collection-number
collection-title container-title container-title-short dimensions division DOI edition
event event-place event-title first-reference-note-number genre ISBN ISSN issue
jurisdiction keyword language license locator medium note number number-of-pages
number-of-volumes original-publisher original-publisher-place original-title page
page-first part-number part-title PMCID PMID printing-number publisher publisher-place
references reviewed-genre reviewed-title scale section source status supplement-number
title title-short URL version volume volume-title year-suffix""".split())
VARIABLES = NAME_VARIABLES | DATE_VARIABLES | TEXT_VARIABLES

PLATFORMS = {"twitter": "Twitter", "x": "X", "telegram": "Telegram", "reddit": "Reddit",
             "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube",
             "tiktok": "TikTok", "mastodon": "Mastodon", "bluesky": "Bluesky",
             "threads": "Threads", "weibo": "Weibo", "vk": "VK"}
POST_TITLE_WORDS = 20  # APA: "the first 20 words"; Chicago: the text, up to 160 characters
POST_TITLE_CHARS = 160
_BYLINE = re.compile(r"^(?:by|written by|بقلم|كتب)\s*:?\s+", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:;|\s&\s|\sand\s|،)\s*")


# --- sources -------------------------------------------------------------------------------

def csl_for_draft(draft) -> dict[str, Any]:
    """The CSL-JSON item for a source read by an importer (a ``SourceDraft``).

    Fields the importer put in ``draft.extra["csl"]`` override the derived ones.
    """
    item = csl_from_record(draft)
    carried = (draft.extra or {}).get("csl")
    if isinstance(carried, dict):
        item.update(carried)
    return item


def csl_for_source(source) -> dict[str, Any]:
    """The CSL-JSON a source is cited by: its stored ``csl``, or (for a source imported
    before bibliographic data was kept, whose ``csl`` is empty) what its row implies."""
    return dict(source.csl) if source.csl else csl_from_record(source)


def csl_from_record(rec) -> dict[str, Any]:
    """CSL-JSON from anything with a source's fields (a draft or a ``Source`` row)."""
    item = _post_item(rec) if rec.kind == "post" else _article_item(rec)
    if rec.published is not None:
        item["issued"] = date_parts(rec.published)
    if rec.language:
        item["language"] = rec.language
    if rec.url:
        item["URL"] = rec.url
    item.update(_extra_fields(rec.extra or {}))
    return {k: v for k, v in item.items() if v not in ("", [], None)}


def _article_item(rec) -> dict[str, Any]:
    # CSL's "article" is a preprint; "document" is its generic type.
    kind = "article-newspaper" if rec.site_name else "webpage" if rec.url else "document"
    return {"type": kind, "title": rec.title, "author": people(rec.author),
            "container-title": rec.site_name}


def _post_item(rec) -> dict[str, Any]:
    handle = (rec.handle or "").lstrip("@")
    author = [{"literal": f"@{handle}"}] if handle else \
        [{"literal": n} for n in split_names(rec.author)]
    return {"type": "post", "title": rec.title or post_title(rec.text or ""), "author": author,
            "container-title": platform_name(rec.platform)}


_EXTRA_KEYS = ("publisher", "page", "section", "volume", "issue", "DOI", "genre")
_EXTRA_NAMES = frozenset((*_EXTRA_KEYS, "doi", "accessed"))  # as ``extra`` may spell them


def _extra_fields(extra: dict[str, Any]) -> dict[str, Any]:
    """Bibliographic facts some importers keep in ``extra`` (publisher, access date...)."""
    out: dict[str, Any] = {}
    if _EXTRA_NAMES.isdisjoint(extra):  # a post's extra: nothing to look at one by one
        return out
    for key in _EXTRA_KEYS:
        value = extra.get(key) or extra.get(key.lower())
        if isinstance(value, str | int) and str(value).strip():
            out[key] = str(value).strip()
    accessed = parse_date(str(extra.get("accessed") or ""))
    if accessed:
        out["accessed"] = accessed
    return out


def platform_name(platform: str) -> str:
    """How a platform is named in a citation: "twitter" -> "Twitter"."""
    key = (platform or "").strip()
    if key.lower() in PLATFORMS:
        return PLATFORMS[key.lower()]
    return key[:1].upper() + key[1:] if key.isascii() and key.islower() else key


def post_title(text: str) -> str:
    """A post's title as the style guides want it: its first words (at most 20 words and
    160 characters, cut at a word), on one line."""
    words = text.split()[:POST_TITLE_WORDS]
    title = " ".join(words)
    while len(title) > POST_TITLE_CHARS and len(words) > 1:
        words.pop()
        title = " ".join(words)
    return title[:POST_TITLE_CHARS]


def missing_data(item: dict[str, Any]) -> list[str]:
    """What a reference lacks that a citation needs: "author" (no author, editor or
    other creator), "date" (no issued date); [] when complete."""
    out = []
    if not any(item.get(n) for n in ("author", "editor", "collection-editor", "director",
                                     "composer", "interviewer", "container-author")):
        out.append("author")
    if not item.get("issued"):
        out.append("date")
    return out


# --- names ---------------------------------------------------------------------------------

def people(names: str) -> list[dict[str, str]]:
    """CSL names from a byline ("Adam Hoffman and Jane Roe", "Hoffman, Adam")."""
    return [person(n) for n in split_names(names)]


def split_names(names: str) -> list[str]:
    """The names in a byline, split at ";", "and", "&" and the Arabic comma."""
    text = _BYLINE.sub("", " ".join((names or "").split()))
    return [n.strip(" ,") for n in _SEPARATORS.split(text) if n.strip(" ,")]


def person(name: str) -> dict[str, str]:
    """One CSL name: family and given for a Latin-script personal name, else literal."""
    name = " ".join(name.split())
    if not is_latin(name) or " " not in name.replace(",", " ").strip():
        return {"literal": name}
    if name.count(",") == 1:
        family, given = (p.strip() for p in name.split(","))
        if family and given:
            return {"family": family, "given": given}
    *given, family = name.replace(",", " ").split()
    return {"family": family, "given": " ".join(given)}


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is in the Latin script (and there is one)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def name_text(name: dict[str, Any]) -> str:
    """A CSL name as one would read it aloud: "Adam Hoffman", "@brett_mcgurk"."""
    if name.get("literal"):
        return str(name["literal"])
    parts = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
    return " ".join(str(name[p]) for p in parts if name.get(p))


# --- dates ---------------------------------------------------------------------------------

def date_parts(when: dt.date | dt.datetime) -> dict[str, list[list[int]]]:
    """A CSL date of a day."""
    return {"date-parts": [[when.year, when.month, when.day]]}


_ISO_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


def parse_date(value: str) -> dict[str, Any] | None:
    """A CSL date from "2017", "2017-10", "2017/10/15", "2017-10-15T08:00Z"; else the
    text as a literal date (None for an empty value)."""
    if not value or not value.strip():
        return None
    m = _ISO_DATE.match(value)
    if not m:
        return {"literal": value.strip()}
    parts = [int(p) for p in m.groups() if p]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        parts = parts[:2]
    return {"date-parts": [parts]}


def year_of(item: dict[str, Any]) -> str:
    """The year an item was issued, as text ("" when unknown)."""
    issued = item.get("issued") or {}
    try:
        return str(issued["date-parts"][0][0])
    except (KeyError, IndexError, TypeError):
        return str(issued.get("literal", "") or issued.get("raw", ""))[:4] \
            if isinstance(issued, dict) else ""


# --- matching ------------------------------------------------------------------------------

def normalize_title(title: str) -> str:
    """A title reduced for comparison: no case, accents, Arabic vowel marks or tatweel,
    punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", title or "")
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn" and ch != "\u0640")
    words = re.sub(r"[\W_]+", " ", kept.casefold())
    return " ".join(words.split())


_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|ref$|ref_src$|s$|t$)")


def normalize_url(url: str) -> str:
    """A URL reduced for comparison: no scheme, "www.", fragment, trailing slash or
    tracking parameters; the host in lower case."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("mobile.")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{query}" if query else "")


_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)


def normalize_doi(value: str) -> str:
    """The bare DOI in ``value`` ("https://doi.org/10.1/X" -> "10.1/x"), or ""."""
    m = _DOI.search(value or "")
    return m.group(0).rstrip(".,;").lower() if m else ""
