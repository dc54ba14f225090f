"""Footnotes and bibliography entries from CSL-JSON, through citeproc-py.

Three styles ship in ``resources/csl`` (with their CC BY-SA licence): Chicago
notes-bibliography (the default; a citation is a footnote), APA 7 and MLA 9 (a citation
is the parenthetical reference). Each citation is rendered as a first, full note: an
excerpt's notes must stand on their own wherever the excerpt is exported.

citeproc-py 0.11 renders these styles usefully but not exactly as the guides print them.
What it gets wrong is corrected here, by the item data passed to it and by a thin pass
over its output, never inside the engine:

* it initialises given names where the style says ``initialize="false"`` (Chicago and
  MLA print "Adam Hoffman", not "A. Hoffman"), and it turns a name in Arabic script into
  ". محمد ." -- such given names are passed where it does not initialise them (the
  dropping particle, which it prints in the same places);
* it leaves commas and periods outside closing quotation marks, while American usage
  (the ``punctuation-in-quote`` of the en-US locale) puts them inside, and it adds a
  period after a title that ends in "?" or "!";
* it prints a ``<label>`` even when its variable is empty (a stray "Edition");
* it does not suppress a variable used as a substitute for a missing author, so an
  unsigned article's title (or newspaper) is printed twice;
* it takes ``disambiguate="true"`` to be always true, so MLA adds the title to every
  parenthetical reference: an item with an author is cited in MLA without its title;
* APA describes a tweet as "[Tweet]" only when the item's genre says so: posts get the
  genre APA gives their platform.
"""

from __future__ import annotations

import html
import json
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from db.citations.csl import DATE_VARIABLES, NAME_VARIABLES, TYPES, is_latin, parse_date
from db.citations.errors import CitationStyleError
from db.resources import resource


@dataclass(frozen=True)
class Style:
    """A citation style Quire offers."""

    name: str  # what the user and the command line call it
    file: str  # in resources/csl
    title: str
    notes: bool  # a note style (citations are footnotes), else in-text (parenthetical)
    initialize: bool  # whether the style abbreviates given names to initials


STYLES: dict[str, Style] = {s.name: s for s in (
    Style("chicago", "chicago-notes-bibliography.csl",
          "Chicago Manual of Style 18th edition (notes and bibliography)", True, False),
    Style("apa", "apa.csl", "APA Style 7th edition", False, True),
    Style("mla", "modern-language-association.csl", "MLA Handbook 9th edition", False, False),
)}
DEFAULT_STYLE = "chicago"
LOCALE = "en-US"

# Locator labels the CSL locale has terms for; any other label ("post") is printed as
# written, after the citation.
LOCATOR_LABELS = ("page", "paragraph", "section", "chapter", "line", "figure", "note",
                  "column", "folio", "part", "verse", "volume", "timestamp", "table",
                  "appendix", "book", "issue")
_LOCATOR_WORDS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page", "pg": "page",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph", "¶": "paragraph",
    "¶¶": "paragraph", "par": "paragraph", "sec": "section", "section": "section",
    "§": "section", "ch": "chapter", "chap": "chapter", "chapter": "chapter",
    "l": "line", "ll": "line", "line": "line", "lines": "line", "fig": "figure",
    "figure": "figure", "n": "note", "nn": "note", "note": "note", "col": "column",
    "column": "column", "vol": "volume", "volume": "volume", "post": "post",
    "tweet": "post", "message": "post", "msg": "post", "time": "timestamp",
}
_LOCATOR = re.compile(r"^\s*(¶¶?|§|[^\W\d_]+)?\.?\s*(.*?)\s*$")

# APA's description of a post, by the platform named as its container.
_APA_GENRES = {"twitter": "Tweet", "x": "Post", "reddit": "Online forum post",
               "facebook": "Status update"}

_LOCK = threading.Lock()  # a parsed style holds its formatter and cites while rendering


def get_style(name: str) -> Style:
    """The style called ``name`` ("chicago", "apa", "mla"); CitationStyleError if none."""
    style = STYLES.get((name or DEFAULT_STYLE).strip().lower())
    if style is None:
        raise CitationStyleError(
            f"there is no citation style '{name}'; choose {', '.join(STYLES)}")
    return style


def parse_locator(text: str, default_label: str = "page") -> tuple[str, str]:
    """A locator as (label, value): "p. 12" -> ("page", "12"), "¶ 4" -> ("paragraph",
    "4"), "post 3" -> ("post", "3"), "12" -> (``default_label``, "12")."""
    m = _LOCATOR.match(text or "")
    word, value = (m.group(1) or "", m.group(2)) if m else ("", text.strip())
    label = _LOCATOR_WORDS.get(word.lower())
    if label is None:  # no known word: all of it is the value
        return (default_label, (text or "").strip()) if (text or "").strip() else ("", "")
    return label, value


# --- rendering -----------------------------------------------------------------------------

def format_citation(item: dict[str, Any], *, style: str = DEFAULT_STYLE, locator: str = "",
                    locator_label: str = "page", html_output: bool = False) -> str:
    """One citation of ``item``: a full footnote (Chicago) or a parenthetical reference
    (APA, MLA), with the locator if any; plain text, or HTML (italics) when asked.

    Results are remembered (rendering a Chicago note takes some 15 ms), so views that
    show the same excerpts again do not render them again.
    """
    st = get_style(style)
    if locator and not locator_label:
        locator_label, locator = parse_locator(locator)
    key = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    return _citation(key, st.name, locator or "", locator_label or "", html_output)


@lru_cache(maxsize=4096)
def _citation(item_json: str, style: str, locator: str, locator_label: str,
              html_output: bool) -> str:
    st, item = STYLES[style], json.loads(item_json)
    data = prepared(item, st)
    if st.name == "mla" and "author" in data:  # see the module docstring (disambiguate)
        data = {k: v for k, v in data.items() if k not in ("title", "title-short")}
    with _LOCK:
        bib, cite = _engine(st, [data], html_output)
        citation = cite(_citation_item(locator, locator_label, html_output))
        text = str(bib.cite(citation, _missing))
    return tidy(text, item)


def format_bibliography(items: list[dict[str, Any]], *, style: str = DEFAULT_STYLE,
                        html_output: bool = False) -> list[str]:
    """The bibliography (reference list, works cited) of ``items``, in the style's order.

    Items a style leaves out of its bibliography (Chicago: social-media posts, cited in
    notes only) are left out.
    """
    st = get_style(style)
    if not items:
        return []
    data = [prepared(it, st, key=f"item{i}") for i, it in enumerate(items)]
    by_key = {d["id"]: it for d, it in zip(data, items, strict=True)}
    with _LOCK:
        bib, cite = _engine(st, data, html_output)
        for d in data:
            cite(_citation_item("", "", html_output, key=d["id"]))
        bib.sort()
        rendered = [(bib.style.render_bibliography([it]), it.key) for it in bib.items]
    return [tidy(str(text[0]), by_key[key])
            for text, key in rendered if text and str(text[0]).strip()]


def format_entry(item: dict[str, Any], *, style: str = DEFAULT_STYLE,
                 html_output: bool = False) -> str:
    """``item``'s bibliography entry alone ("" when the style has none for it)."""
    entries = format_bibliography([item], style=style, html_output=html_output)
    return entries[0] if entries else ""


def _missing(citation_item) -> str:
    return "?"


def _citation_item(locator: str, label: str, html_output: bool, key: str = "item"):
    from citeproc import CitationItem
    from citeproc.source import Locator

    if not locator:
        return CitationItem(key)
    if label in LOCATOR_LABELS:
        return CitationItem(key, locator=Locator(label, locator))
    suffix = f", {label} {locator}".replace(" ,", ",") if label else f", {locator}"
    return CitationItem(key, suffix=html.escape(suffix, quote=False) if html_output else suffix)


def _engine(st: Style, data: list[dict[str, Any]], html_output: bool):
    """A fresh bibliography over ``data``, and a function registering one citation."""
    from citeproc import Citation, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    fmt = formatter.html if html_output else formatter.plain
    bib = CitationStylesBibliography(_parsed_style(st.name), CiteProcJSON(data), fmt)

    def cite(citation_item):
        citation = Citation([citation_item])
        bib.register(citation)
        return citation

    return bib, cite


@cache
def _parsed_style(name: str):
    """The style parsed once, with its locale read from resources/csl (never a network)."""
    from citeproc import CitationStylesStyle, frontend

    _remember_xpath_searches()

    path = resource("csl", STYLES[name].file)
    saved = frontend.LOCALES_PATH
    frontend.LOCALES_PATH = str(resource("csl"))  # where citeproc looks for locales-en-US.xml
    try:
        return CitationStylesStyle(str(path), locale=LOCALE, validate=False)
    finally:
        frontend.LOCALES_PATH = saved


@cache
def _remember_xpath_searches() -> None:
    """Make citeproc remember what it looks up in a style's tree.

    Rendering one Chicago note runs some 370 XPath searches (macros, layouts, inherited
    options) and asks thousands of times whether a group of elements "calls a variable";
    together they were two thirds of its time. A parsed style is never changed, so both
    answers depend only on the element (and the expression): they are kept per element.
    Keeping the element as a key also keeps its lxml proxy, so the key stays valid. Only
    the three styles Quire ships are parsed, so the memory is bounded.
    """
    from citeproc import model

    search, found = model.CitationStylesElement.xpath_search, {}

    def remembered_search(self, expression):
        key = (self, expression)
        if key not in found:
            found[key] = search(self, expression)
        return list(found[key])

    model.CitationStylesElement.xpath_search = remembered_search
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            cls.calls_variable = _remembered(cls.calls_variable)


def _remembered(method):
    """``method(self)`` computed once per element."""
    answers = {}

    def remembered(self):
        if self not in answers:
            answers[self] = method(self)
        return answers[self]

    return remembered


# --- the item data passed ------------------------------------------------------------------

def prepared(item: dict[str, Any], st: Style, key: str = "item") -> dict[str, Any]:
    """``item`` as citeproc-py should get it: only the variables it knows, names that it
    must not initialise moved out of its way, dates as date parts, APA's post genres."""
    out: dict[str, Any] = {"id": key, "type": _type_of(item)}
    for name, value in item.items():
        if name in _known_variables() and value not in (None, "", [], {}):
            clean = _variable(name, value, st)
            if clean:
                out[name] = clean
    if st.name == "apa" and out["type"] == "post" and "genre" not in out:
        genre = _APA_GENRES.get(str(item.get("container-title", "")).strip().lower())
        if genre:
            out["genre"] = genre
    return out


@cache
def _known_variables() -> frozenset[str]:
    """The CSL variables citeproc-py knows (it warns about any other)."""
    from citeproc import VARIABLES

    return frozenset({v.replace("_", "-") for v in VARIABLES} | {"DOI", "ISBN", "ISSN", "URL"})


def _variable(name: str, value: Any, st: Style) -> Any:
    """One variable's value as citeproc-py takes it; None to leave it out."""
    if name in NAME_VARIABLES:
        names = [_name(n, st) for n in value] if isinstance(value, list) else []
        return [n for n in names if n] or None
    if name in DATE_VARIABLES:
        return _date(value)
    return str(value) if isinstance(value, str | int | float) else None


def _type_of(item: dict[str, Any]) -> str:
    kind = str(item.get("type") or "")
    return kind if kind in TYPES else "document"


def _name(name: Any, st: Style) -> dict[str, str]:
    """A CSL name citeproc-py renders as the style wants (see the module docstring)."""
    if isinstance(name, str):
        return {"literal": name} if name.strip() else {}
    if not isinstance(name, dict):
        return {}
    parts = ("family", "given", "literal", "dropping-particle", "non-dropping-particle",
             "suffix")
    out = {p: str(name[p]).strip() for p in parts if str(name.get(p) or "").strip()}
    given = out.get("given", "")
    if given and (not st.initialize or not is_latin(given)):
        out["dropping-particle"] = " ".join(filter(None, (out.pop("given"),
                                                          out.get("dropping-particle"))))
    if "family" not in out and "literal" not in out:
        joined = " ".join(filter(None, (given, out.get("dropping-particle", ""))))
        return {"literal": joined} if joined else {}
    return out


def _date(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        return parse_date(value)
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        clean = [[int(p) for p in dp[:3] if str(p).strip().lstrip("-").isdigit()]
                 for dp in parts[:2]]
        clean = [dp for dp in clean if dp]
        if clean:
            return {"date-parts": clean}
    text = value.get("literal") or value.get("raw")
    return parse_date(str(text)) if text else None


# --- the pass over the output --------------------------------------------------------------

def tidy(text: str, item: dict[str, Any]) -> str:
    """citeproc-py's output made to read as the style guides print it."""
    if not item.get("author"):
        text = _drop_repeated_substitute(text)
    if "edition" not in item:
        text = _STRAY_EDITION.sub("", text)
    return _quote_punctuation(text)


_STRAY_EDITION = re.compile(r"(?:, |\. )(?:<[^>]+>)*[Ee]dition(?:</[^>]+>)*(?=[,.]|$)")
_SEGMENT = re.compile(r"^(?P<open>\(?)(?P<seg>.{4,}?)(?P<delim>\. |, )")


def _drop_repeated_substitute(text: str) -> str:
    """Print once what stands in for a missing author (an unsigned article's title or
    newspaper), which citeproc-py repeats in its own place later on."""
    m = _SEGMENT.match(text)
    if not m:
        return text
    seg, rest = m.group("seg"), text[m.end():]
    if rest.startswith(seg):  # "(“Title”, “Title” 3)" -> "(“Title” 3)"
        return m.group("open") + seg + rest[len(seg):]
    again = re.compile(r"(?<=\. |, )" + re.escape(seg) + r"(?:\. |, )")
    return text[:m.end()] + again.sub("", rest, count=1)


_MOVE_IN = re.compile(r"”([.,])")
_DOUBLED = re.compile(r"([.?!؟…])[.,](”)")
_TWO_PERIODS = re.compile(r"(?<!\.)\.\.(?!\.)")
_AFTER_QUESTION = re.compile(r"([?!؟])\.(?=\s|$|<)")


def _quote_punctuation(text: str) -> str:
    """Commas and periods inside closing quotation marks, none after "?", "!" or "."."""
    text = _MOVE_IN.sub(r"\1”", text)
    text = _DOUBLED.sub(r"\1\2", text)
    text = _AFTER_QUESTION.sub(r"\1", text)
    return _TWO_PERIODS.sub(".", text)
