"""BibTeX (and BibLaTeX) entries as CSL-JSON, through bibtexparser 2.

A block bibtexparser cannot read is reported with its line and the reason, and the rest
of the file is read. Fields CSL has no place for are kept under ``custom`` (nothing a
reference manager exported is lost). LaTeX in values ("M{\\"u}ller", "\\&") is decoded;
URLs and DOIs are taken verbatim.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from db.citations.csl import parse_date
from db.citations.library import Entry, Library, Problem

TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "inproceedings": "paper-conference",
    "conference": "paper-conference", "proceedings": "book", "manual": "report",
    "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "unpublished": "manuscript",
    "misc": "document", "online": "webpage", "electronic": "webpage", "www": "webpage",
    "webpage": "webpage", "dataset": "dataset", "software": "software",
    "patent": "patent", "periodical": "periodical", "collection": "book",
    "reference": "book", "inreference": "entry-encyclopedia", "mvbook": "book",
}
_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}
FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "maintitle": "container-title",
    "shorttitle": "title-short", "shortjournal": "container-title-short",
    "publisher": "publisher", "school": "publisher", "institution": "publisher",
    "organization": "publisher", "address": "publisher-place", "location": "publisher-place",
    "volume": "volume", "edition": "edition", "pages": "page", "chapter": "chapter-number",
    "series": "collection-title", "isbn": "ISBN", "issn": "ISSN", "abstract": "abstract",
    "note": "note", "annote": "annote", "keywords": "keyword", "language": "language",
    "langid": "language", "type": "genre", "howpublished": "medium", "eprint": "number",
    "pagetotal": "number-of-pages", "version": "version", "url": "URL", "doi": "DOI",
}
NAMES = {"author": "author", "editor": "editor", "translator": "translator"}
_VERBATIM = {"url", "doi", "file", "eprint", "urldate"}
_DATE_FIELDS = {"year", "month", "day", "date", "urldate"}
# bibtexparser logs every malformed block as a warning; they are reported as problems.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def parse_bibtex(text: str) -> Library:
    """Every entry of a BibTeX text as CSL-JSON; unreadable blocks as problems."""
    import bibtexparser
    from bibtexparser import middlewares as mw

    parsed = bibtexparser.parse_string(
        text, append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()])
    lib = Library("bibtex")
    for block in parsed.failed_blocks:
        lib.problems.append(Problem(block.start_line + 1, _failure(block)))
    for entry in parsed.entries:
        try:
            lib.entries.append(Entry(entry.key, entry_csl(entry), entry.start_line + 1))
        except (ValueError, TypeError, AttributeError) as exc:
            lib.problems.append(Problem(entry.start_line + 1,
                                        f"entry '{entry.key}' could not be read: {exc}"))
        except RecursionError:
            lib.problems.append(Problem(entry.start_line + 1, f"entry '{entry.key}' could "
                                        "not be read: its braces are nested too deeply"))
    lib.problems.sort(key=lambda p: p.line)
    return lib


def _failure(block) -> str:
    """Why bibtexparser gave up on a block, in one line."""
    error = getattr(block, "error", None)
    if type(block).__name__ == "DuplicateBlockKeyBlock":
        return f"the key '{getattr(block, 'key', '')}' is used twice; the second entry " \
               "was not imported"
    reason = getattr(error, "abort_reason", None) or str(error or "")
    lines = [ln.strip() for ln in reason.strip().splitlines() if ln.strip()]
    detail = lines[-1] if lines else "it could not be read"
    head = (block.raw or "").strip().splitlines()[0][:60] if block.raw else ""
    return f"malformed entry {head!r}: {detail}" if head else f"malformed entry: {detail}"


def entry_csl(entry) -> dict[str, Any]:
    """The CSL-JSON of one parsed entry."""
    fields = {f.key.lower(): f.value for f in entry.fields}
    csl: dict[str, Any] = {"type": _csl_type(entry.entry_type, fields)}
    custom: dict[str, Any] = {}
    for name, value in fields.items():
        if name in NAMES:
            csl[NAMES[name]] = [_name(n) for n in value if _name(n)]
        elif name in FIELDS:
            csl[FIELDS[name]] = _value(name, value)
        elif name not in _DATE_FIELDS and name != "entrysubtype":
            custom[name] = _value(name, value)
    csl.update(_dates(fields))
    if "DOI" in csl:
        csl["DOI"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", csl["DOI"], flags=re.I)
    if "page" in csl:
        csl["page"] = csl["page"].replace("--", "–")
    if custom:
        csl["custom"] = custom
    return {k: v for k, v in csl.items() if v not in ("", [], None)}


def _csl_type(entry_type: str, fields: dict[str, Any]) -> str:
    subtype = str(fields.get("entrysubtype", "")).strip().lower()
    if entry_type.lower() == "article" and subtype in _SUBTYPES:
        return _SUBTYPES[subtype]
    return TYPES.get(entry_type.lower(), "document")


def _value(name: str, value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return " ".join(text.split()) if name in _VERBATIM else latex_text(text)


def latex_text(value: str) -> str:
    """``value`` with LaTeX accents, escapes and case-protecting braces turned to text."""
    if not re.search(r"[\\{}$~]", value):
        return " ".join(value.split())
    from pylatexenc.latex2text import LatexNodes2Text

    protected = re.sub(r"(?<!\\)%", r"\\%", value)  # "%" would start a LaTeX comment
    return " ".join(LatexNodes2Text().latex_to_text(protected).split())


def _name(parts) -> dict[str, str]:
    """A CSL name from bibtexparser's name parts; a braced corporate name is literal."""
    if isinstance(parts, str):
        return {"literal": latex_text(parts)} if parts.strip() else {}
    first, von, last, jr = (latex_text(" ".join(p)) for p in
                            (parts.first, parts.von, parts.last, parts.jr))
    if not first and not von and len(parts.last) == 1 and parts.last[0].startswith("{"):
        return {"literal": last} if last else {}
    out = {"family": last, "given": first, "non-dropping-particle": von, "suffix": jr}
    out = {k: v for k, v in out.items() if v}
    if "family" not in out:
        return {"literal": first} if first else {}
    return out


def _dates(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if fields.get("date"):
        out["issued"] = parse_date(str(fields["date"]))
    elif fields.get("year"):
        out["issued"] = _year_month_day(fields)
    if fields.get("urldate"):
        out["accessed"] = parse_date(str(fields["urldate"]))
    return {k: v for k, v in out.items() if v}


def _year_month_day(fields: dict[str, Any]) -> dict[str, Any] | None:
    year = re.search(r"\d{4}", str(fields["year"]))
    if not year:
        return {"literal": latex_text(str(fields["year"]))}
    parts = [int(year.group(0))]
    month = _month(str(fields.get("month", "")))
    if month:
        parts.append(month)
        day = str(fields.get("day", "")).strip()
        if day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.get(value[:3])
