"""Footnotes and bibliography entries from CSL-JSON, through citeproc-py.

Three styles ship in ``resources/csl`` (with their CC BY-SA licence): Chicago
notes-bibliography (the default; a citation is a footnote), APA 7 and MLA 9 (a citation
is the parenthetical reference). A citation alone is rendered as a first, full note (an
excerpt's notes in a view stand on their own); a document's notes are rendered in their
order by :class:`db.citations.notes.NoteSequence`, which gives each its position.

citeproc-py 0.11 renders these styles usefully but not exactly as the guides print them.
What its engine gets wrong is corrected in :mod:`db.citations.engine`; what it prints
wrong is corrected here, by the item data passed to it and by a thin pass over its
output:

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
* a work cited again gets the style's shortened note, with the short title the Chicago
  Manual describes (13.32: up to four words of the main title, without an initial
  article) unless the item gives its own ``title-short``;
* APA describes a tweet as "[Tweet]" only when the item's genre says so: posts get the
  genre APA gives their platform.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from db.citations.csl import DATE_VARIABLES, NAME_VARIABLES, TYPES, is_latin, parse_date
from db.citations.engine import FIRST, render_entries, render_note
from db.citations.errors import CitationStyleError
from db.citations.titles import short_title
from db.citations.urls import readable


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
                    locator_label: str = "page", html_output: bool = False,
                    position: frozenset[str] = FIRST, ambiguous: bool = False) -> str:
    """One citation of ``item``: a note (Chicago) or a parenthetical reference (APA, MLA),
    with the locator if any; plain text, or HTML (italics) when asked.

    ``position`` is the set of CSL positions that hold for it (default: its first, full
    note; :class:`db.citations.notes.NoteSequence` gives the others); ``ambiguous`` says
    that another cited work shares its author's name (MLA then adds the title).

    Results are remembered (rendering a Chicago note takes some 15 ms). A locator that is
    a plain number is rendered as a stand-in and put in afterwards, so the notes of one
    work at pages 3, 4 and 5 cost one rendering.
    """
    st = get_style(style)
    if locator and not locator_label:
        locator_label, locator = parse_locator(locator)
    key = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    args = (key, st.name, locator_label or "", html_output, position, ambiguous)
    if locator_label in LOCATOR_LABELS and locator.isdigit() and locator.isascii():
        text = _citation(args[0], args[1], _STAND_IN, *args[2:])
        if text.count(_STAND_IN) == 1:
            return text.replace(_STAND_IN, locator)
    return _citation(args[0], args[1], locator or "", *args[2:])


_STAND_IN = "90817263"  # a number no locator is expected to be


@lru_cache(maxsize=8192)
def _citation(item_json: str, style: str, locator: str, locator_label: str,
              html_output: bool, position: frozenset[str], ambiguous: bool) -> str:
    st, item = STYLES[style], json.loads(item_json)
    cite = _citation_item(locator, locator_label, html_output)
    text = render_note(prepared(item, st), st.file, cite, html_output=html_output,
                       position=position, ambiguous=ambiguous)
    return tidy(text, item)


def format_bibliography(items: list[dict[str, Any]], *, style: str = DEFAULT_STYLE,
                        html_output: bool = False) -> list[str]:
    """The bibliography (reference list, works cited) of ``items``, in the style's order:
    every item listed, even the kinds of work the style would leave out (see
    :mod:`db.citations.engine`), with whatever data it has."""
    st = get_style(style)
    if not items:
        return []
    data = [prepared(it, st, key=f"item{i}") for i, it in enumerate(items)]
    by_key = {d["id"]: it for d, it in zip(data, items, strict=True)}
    rendered = render_entries(data, st.file, html_output=html_output)
    return [tidy(text, by_key[key]) for key, text in rendered if text.strip()]


def format_entry(item: dict[str, Any], *, style: str = DEFAULT_STYLE,
                 html_output: bool = False) -> str:
    """``item``'s bibliography entry alone."""
    entries = format_bibliography([item], style=style, html_output=html_output)
    return entries[0] if entries else ""


def _citation_item(locator: str, label: str, html_output: bool, key: str = "item"):
    from citeproc import CitationItem
    from citeproc.source import Locator

    if not locator:
        return CitationItem(key)
    if label in LOCATOR_LABELS:
        return CitationItem(key, locator=Locator(label, locator))
    suffix = f", {label} {locator}".replace(" ,", ",") if label else f", {locator}"
    return CitationItem(key, suffix=html.escape(suffix, quote=False) if html_output else suffix)


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
    short = short_title(str(out.get("title", ""))) if "title-short" not in out else ""
    if short and short != out["title"]:
        out["title-short"] = short
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
    if name == "URL" and isinstance(value, str):
        return readable(value)  # printed decoded (IRI form); stored as given
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
        text = _drop_repeated_substitute(text, item)
    if "edition" not in item:
        text = _STRAY_EDITION.sub("", text)
    return _quote_punctuation(text)


_STRAY_EDITION = re.compile(r"(?:, |\. )(?:<[^>]+>)*[Ee]dition(?:</[^>]+>)*(?=[,.]|$)")


def _drop_repeated_substitute(text: str, item: dict[str, Any]) -> str:
    """Print once what stands in for a missing author (an unsigned article's title or
    newspaper), which citeproc-py repeats in its own place later on."""
    shorter = item.get("title-short") or short_title(str(item.get("title") or ""))
    for value in (item.get("title"), shorter, item.get("container-title")):
        value = " ".join(str(value or "").split())
        if len(value) < 4:
            continue
        found = list(re.finditer(r"(?:<[^>]+>|“)*" + re.escape(value) + r"(?:</[^>]+>|”)*",
                                 text, re.IGNORECASE))
        if len(found) < 2:
            continue
        first, again = found[0], found[1]
        if text[first.end():again.start()] in (", ", ". "):  # "(“Title”, “Title” 3)"
            return text[:first.end()] + text[again.end():]
        after = re.match(r"\. |, |\.$", text[again.end():])
        return (text[:again.start()] + text[again.end() + (after.end() if after else 0):]
                ).rstrip()
    return text


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
