"""RIS references (EndNote, Zotero, Mendeley exports) as CSL-JSON, through rispy.

rispy reads a record leniently (a stray line becomes an "unknown tag", a record without
its end line vanishes), so records are first cut here, line by line, and checked: a
record with a line that is not a RIS field, or without its "ER  -" end, is reported with
its line number and left out, and the others are read by rispy. Tags CSL has no place
for are kept under ``custom``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from db.citations.csl import parse_date, person
from db.citations.library import Entry, Library, Problem

TYPES = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal",
    "INPR": "article-journal", "MGZN": "article-magazine", "NEWS": "article-newspaper",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "SER": "book", "CTLG": "book",
    "CHAP": "chapter", "ECHAP": "chapter", "CONF": "paper-conference",
    "CPAPER": "paper-conference", "THES": "thesis", "RPRT": "report", "GOVDOC": "report",
    "ELEC": "webpage", "WEB": "webpage", "BLOG": "post-weblog", "ICOMM": "post",
    "GEN": "document", "DATA": "dataset", "AGGR": "dataset", "COMP": "software",
    "MAP": "map", "PAT": "patent", "UNPB": "manuscript", "MANSCPT": "manuscript",
    "PCOMM": "personal_communication", "VIDEO": "motion_picture", "MPCT": "motion_picture",
    "SOUND": "song", "MUSIC": "musical_score", "STAT": "legislation", "LEGAL": "legislation",
    "CASE": "legal_case", "BILL": "bill", "HEAR": "hearing", "ENCYC": "entry-encyclopedia",
    "DICT": "entry-dictionary", "PAMP": "pamphlet", "ART": "graphic", "ABST": "article",
    "STAND": "standard", "SLIDE": "speech", "ADVS": "broadcast",
}
TEXT = {
    "title": "title", "primary_title": "title", "secondary_title": "container-title",
    "journal_name": "container-title", "alternate_title3": "container-title",
    "alternate_title1": "container-title-short", "alternate_title2": "container-title-short",
    "tertiary_title": "collection-title", "short_title": "title-short",
    "publisher": "publisher", "place_published": "publisher-place", "volume": "volume",
    "number": "issue", "abstract": "abstract", "language": "language",
    "edition": "edition", "section": "section", "doi": "DOI", "type_of_work": "genre",
    "number_of_volumes": "number-of-volumes", "notes_abstract": "abstract",
}
NAMES = {"authors": "author", "first_authors": "author", "secondary_authors": "editor",
         "translated_author": "translator"}
_HANDLED = set(TEXT) | set(NAMES) | {
    "type_of_reference", "year", "publication_year", "date", "access_date", "urls",
    "start_page", "end_page", "notes", "keywords", "issn", "id", "end_of_reference"}
_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_CONTINUED = {"AB", "N1", "N2", "AD", "RN", "TI", "T1", "T2", "T3", "ST", "BT"}
_BOOKISH = {"book", "chapter", "report", "thesis"}


@dataclass
class _Record:
    start: int
    lines: list[str] = field(default_factory=list)
    last_tag: str = "TY"
    bad: Problem | None = None


def parse_ris(text: str) -> Library:
    """Every well-formed record of a RIS text as CSL-JSON; the others as problems."""
    lib = Library("ris")
    for rec in _records(text, lib.problems):
        try:
            lib.entries.append(Entry("", record_csl(_rispy(rec)), rec.start))
        except Exception as exc:  # noqa: BLE001 - rispy's errors are not typed; report, go on
            lib.problems.append(Problem(rec.start, _unreadable(rec, exc)))
    lib.problems.sort(key=lambda p: p.line)
    return lib


def _records(text: str, problems: list[Problem]):
    """Yield the well-formed records, adding a problem for each malformed one."""
    cut = _Cutter(problems)
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            done = cut.line(n, line.rstrip())
            if done is not None:
                yield done
    if cut.rec is not None:
        problems.append(_unended(cut.rec))


@dataclass
class _Cutter:
    """Cuts lines into records: TY opens one, ER closes it, anything else goes in."""

    problems: list[Problem]
    rec: _Record | None = None
    stray: bool = False  # inside a run of lines outside any record (reported once)

    def line(self, n: int, line: str) -> _Record | None:
        """Take one non-blank line; the record it ends, when well formed."""
        m = _TAG.match(line)
        tag = m.group(1) if m else ""
        if tag == "TY":
            if self.rec is not None:
                self.problems.append(_unended(self.rec))
            self.rec, self.stray = _Record(n, [line]), False
        elif self.rec is None:
            if not self.stray:
                self.problems.append(Problem(n, f"{line[:50]!r} is outside any reference (a "
                                                "reference starts with 'TY  - ')"))
            self.stray = True
        elif tag == "ER":
            return self._close()
        else:
            _add_line(self.rec, n, line, tag)
        return None

    def _close(self) -> _Record | None:
        done, self.rec = self.rec, None
        if done.bad:
            self.problems.append(done.bad)
            return None
        return done


def _add_line(rec: _Record, n: int, line: str, tag: str) -> None:
    if tag:
        rec.lines.append(line)
        rec.last_tag = tag
    elif rec.last_tag in _CONTINUED:  # a long abstract or note wrapped over lines
        rec.lines[-1] += " " + line.strip()
    elif rec.bad is None:
        rec.bad = Problem(n, f"{line[:50]!r} is not a RIS field ('XX  - value'); the "
                             f"reference starting on line {rec.start} was not imported")


def _unreadable(rec: _Record, exc: Exception) -> str:
    """Why a record could not be read, always with a reason and the record's title."""
    reason = str(exc).strip() or f"{type(exc).__name__} in the RIS reader"
    title = next((ln[6:].strip() for ln in rec.lines if ln[:2] in ("TI", "T1")), "")
    what = f"the reference '{title[:60]}'" if title else "the reference"
    return f"{what} could not be read ({reason}) and was not imported"


def _unended(rec: _Record) -> Problem:
    return Problem(rec.start, "this reference has no end line 'ER  -' and was not imported")


def _rispy(rec: _Record) -> dict[str, Any]:
    import rispy

    found = rispy.loads("\n".join([*rec.lines, "ER  - "]) + "\n")
    if not found:
        raise ValueError("no reference found")
    return found[0]


def record_csl(rec: dict[str, Any]) -> dict[str, Any]:
    """The CSL-JSON of one record as rispy read it."""
    kind = str(rec.get("type_of_reference", "")).strip().upper()
    csl: dict[str, Any] = {"type": TYPES.get(kind, "document")}
    for key, value in rec.items():
        if key in TEXT and _text(value) and TEXT[key] not in csl:
            csl[TEXT[key]] = _text(value)
        elif key in NAMES and isinstance(value, list) and NAMES[key] not in csl:
            csl[NAMES[key]] = [person(n) for n in value if str(n).strip()]
    csl.update(_other_fields(rec, csl["type"]))
    custom = _custom(rec)
    if custom:
        csl["custom"] = custom
    if rec.get("id"):
        csl["id"] = _text(rec["id"])
    return {k: v for k, v in csl.items() if v not in ("", [], None)}


def _other_fields(rec: dict[str, Any], kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    date = rec.get("date") or rec.get("year") or rec.get("publication_year")
    out["issued"] = parse_date(_text(date))
    out["accessed"] = parse_date(_text(rec.get("access_date")))
    urls = rec.get("urls") or []
    out["URL"] = _text(urls[0]) if urls else ""
    pages = [_text(rec.get("start_page")), _text(rec.get("end_page"))]
    out["page"] = "–".join(p for p in pages if p)
    out["note"] = "\n".join(_text(n) for n in rec.get("notes") or [])
    out["keyword"] = ", ".join(_text(k) for k in rec.get("keywords") or [])
    issn = _text(rec.get("issn"))
    out["ISBN" if kind in _BOOKISH else "ISSN"] = issn
    return out


def _custom(rec: dict[str, Any]) -> dict[str, Any]:
    """What CSL has no variable for: other tags, extra URLs, unknown tags."""
    out = {k: v for k, v in rec.items() if k not in _HANDLED and k != "unknown_tag"}
    urls = rec.get("urls") or []
    if len(urls) > 1:
        out["urls"] = list(urls)
    for tag, values in (rec.get("unknown_tag") or {}).items():
        if tag:
            out[tag] = values[0] if len(values) == 1 else list(values)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split())
