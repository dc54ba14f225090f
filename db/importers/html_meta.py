"""Metadata of a saved web page: title, author, publication date, site, URL, language.

trafilatura reads most of it; the publication date is looked up here first because
trafilatura reports only the day, while pages usually state the time and zone too.
trafilatura and htmldate are only ever given a parsed tree: handed a string that starts
with "http", htmldate would download it.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import json

import trafilatura

from db.importers.articles import aware, language_tag, parse_date

_DATE_KEYS = (
    "article:published_time", "datepublished", "og:published_time", "date", "pubdate",
    "publishdate", "publish-date", "dc.date.issued", "dcterms.issued", "dc.date",
    "dcterms.created", "citation_publication_date", "parsely-pub-date", "sailthru.date",
)
_MAX_JSON_LD = 1_000_000  # characters; larger blocks are not metadata worth parsing


def page_metadata(root) -> dict:
    """SourceDraft fields the page states; missing ones are left out."""
    # No "extensive" date search: it guesses from any date in the text (a source cited
    # in a note, say), and a wrong publication date is worse than none.
    doc = trafilatura.extract_metadata(copy.deepcopy(root), extensive=False)
    metas = _meta_tags(root)
    found = {
        "title": doc.title or _title_tag(root),
        "author": doc.author or _author(root, metas),
        "site_name": doc.sitename or metas.get("og:site_name", ""),
        "url": doc.url or metas.get("og:url", ""),
        "published": page_date(root, metas) or parse_date(doc.date),
        "language": page_language(root, metas),
    }
    return {key: value for key, value in found.items() if value}


def _meta_tags(root) -> dict[str, str]:
    """``<meta>`` contents by lower-cased name, property or itemprop (first one wins)."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or \
            meta.get("http-equiv") or ""
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key.strip().lower(), content)
    return metas


def _title_tag(root) -> str:
    title = root.find(".//title")
    return " ".join(title.text_content().split()) if title is not None else ""


def page_date(root, metas: dict[str, str]) -> dt.datetime | None:
    """The publication date from meta tags, JSON-LD or ``<time>``, with its time of day."""
    candidates = [metas.get(key) for key in _DATE_KEYS]
    candidates += [v for v in _json_ld_values(root, "datePublished") if isinstance(v, str)]
    candidates += [t.get("datetime") for t in root.iter("time") if t.get("itemprop") ==
                   "datePublished" or t.get("pubdate") is not None]
    for value in candidates:
        parsed = _any_date(value)
        if parsed:
            return parsed
    return None


def _any_date(value: str | None) -> dt.datetime | None:
    """ISO 8601 first, then the e-mail style some feeds use ("Tue, 5 Mar 2024 ...")."""
    if not value:
        return None
    parsed = parse_date(value.replace("/", "-"))
    if parsed is None:
        try:
            parsed = aware(email.utils.parsedate_to_datetime(value))
        except (TypeError, ValueError, IndexError):
            return None
    return parsed


def _author(root, metas: dict[str, str]) -> str:
    """The author named by JSON-LD or a meta tag, when trafilatura found none."""
    for value in _json_ld_values(root, "author"):
        names = value if isinstance(value, list) else [value]
        names = [n.get("name") if isinstance(n, dict) else n for n in names]
        names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
        if names:
            return "; ".join(names)
    author = metas.get("author", "")
    return "" if author.startswith("http") else author


def _json_ld_values(root, key: str) -> list:
    """Every value of ``key`` in the page's JSON-LD blocks (read as data, never run)."""
    values: list = []
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        source = script.text or ""
        if len(source) > _MAX_JSON_LD:
            continue
        try:
            _collect(json.loads(source), key, values)
        except (ValueError, RecursionError):
            continue
    return values


def _collect(data, key: str, out: list) -> None:
    if isinstance(data, dict):
        if data.get(key):
            out.append(data[key])
        for value in data.values():
            _collect(value, key, out)
    elif isinstance(data, list):
        for value in data:
            _collect(value, key, out)


def page_language(root, metas: dict[str, str]) -> str:
    """The language the page declares (``<html lang>``, then meta tags), or ""."""
    declared = root.get("lang") or root.get("xml:lang") \
        or metas.get("content-language") or metas.get("og:locale")
    return language_tag((declared or "").split(",")[0])
