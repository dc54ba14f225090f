"""Reference libraries: reading BibTeX, RIS and CSL-JSON files, keys, duplicates, matching.

Every entry becomes CSL-JSON (``db.citations.bibtex``, ``db.citations.ris``, or as it
is); a malformed entry is reported with its line number and the rest are read. An entry
is a duplicate of a reference already in the project (or earlier in the file) when it
has the same DOI, or the same key and the same title. References are matched to sources
by URL, DOI or title (normal forms from ``db.citations.csl``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.citations.bibtex import parse_bibtex
from db.citations.csl import normalize_doi, normalize_title, normalize_url, year_of
from db.citations.errors import ReferenceFileError
from db.citations.library import Entry, Library, Problem
from db.citations.ris import parse_ris
from db.errors import QuireError

FORMATS = ("bibtex", "ris", "csl-json")
MAX_KEY = 200  # the column's width
MIN_TITLE_WORDS = 3  # shorter titles ("Untitled", "Home") are too common to match on


def read_library(path: str | Path, fmt: str = "") -> Library:
    """The references in the file at ``path`` (BibTeX, RIS or CSL-JSON, found by its
    name and content unless ``fmt`` says which)."""
    from db.importers.decode import read_text_file

    path = Path(path)
    if not path.is_file():
        raise ReferenceFileError(f"{path}: no such file")
    try:
        text, _ = read_text_file(path)
    except QuireError as exc:
        raise ReferenceFileError(str(exc)) from exc
    return parse_library(text, fmt or detect_format(text, path.name), source=str(path))


def parse_library(text: str, fmt: str, source: str = "the text") -> Library:
    """The references in ``text``, read as ``fmt`` ("bibtex", "ris", "csl-json")."""
    readers = {"bibtex": parse_bibtex, "ris": parse_ris, "csl-json": parse_csl_json}
    if fmt not in readers:
        raise ReferenceFileError(f"{source}: not a BibTeX, RIS or CSL-JSON reference file")
    return readers[fmt](text)


def detect_format(text: str, name: str = "") -> str:
    """"bibtex", "ris" or "csl-json" from the file name and the first characters; ""."""
    suffix = Path(name).suffix.lower()
    by_suffix = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json",
                 ".csljson": "csl-json"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    head = text.lstrip()[:2000]
    if head.startswith(("[", "{")):
        return "csl-json"
    if re.search(r"^TY  -", head, re.MULTILINE):
        return "ris"
    if re.search(r"^\s*@\w+\s*[{(]", head, re.MULTILINE):
        return "bibtex"
    return ""


# --- CSL-JSON -------------------------------------------------------------------------------

def parse_csl_json(text: str) -> Library:
    """CSL-JSON items (a list, one item, or Zotero's ``{"items": [...]}``), each kept whole;
    an item that is not an object or has no type is reported with its line."""
    lib = Library("csl-json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _partial_json(text, exc, lib)
    items = data.get("items", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list):
        lib.problems.append(Problem(1, "the file holds no list of CSL-JSON items"))
        return lib
    lines = _item_lines(text, len(items))
    for item, line in zip(items, lines, strict=True):
        _add_json_item(lib, item, line)
    return lib


def _add_json_item(lib: Library, item: Any, line: int) -> None:
    if not isinstance(item, dict):
        lib.problems.append(Problem(line, "this item is not a JSON object"))
    elif not str(item.get("type") or "").strip():
        lib.problems.append(Problem(line, "this item has no 'type'"))
    else:
        lib.entries.append(Entry(str(item.get("id") or ""), dict(item), line))


def _item_lines(text: str, count: int) -> list[int]:
    """The line on which each top-level item of a JSON list starts (best effort)."""
    start = text.find("[")
    decoder, lines, pos = json.JSONDecoder(), [], start + 1
    for _ in range(count):
        pos = _skip(text, pos)
        lines.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, ValueError):
            break
    return lines + [lines[-1] if lines else 1] * (count - len(lines))


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n,":
        pos += 1
    return pos


def _partial_json(text: str, exc: json.JSONDecodeError, lib: Library) -> Library:
    """The items before a syntax error, and the error with its line."""
    decoder, pos = json.JSONDecoder(), _skip(text, text.find("[") + 1)
    while text.find("[") >= 0 and pos < exc.pos:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        _add_json_item(lib, item, text.count("\n", 0, pos) + 1)
        pos = _skip(text, end)
    lib.problems.append(Problem(exc.lineno, f"malformed JSON ({exc.msg}); nothing after "
                                            "this point was read"))
    return lib


# --- keys and duplicates ----------------------------------------------------------------------

def make_key(csl: dict[str, Any], taken: set[str]) -> str:
    """A citation key for ``csl`` not in ``taken``: family name, year, first title word
    ("hoffman2017rise"), then "a", "b"... on a clash; ASCII letters kept only."""
    base = _key_base(csl) or "ref"
    key, n = base, 0
    while key.lower() in taken:
        n += 1
        key = f"{base}{_suffix(n)}"
    return key


def _key_base(csl: dict[str, Any]) -> str:
    names = csl.get("author") or csl.get("editor") or []
    first = names[0] if names and isinstance(names[0], dict) else {}
    who = first.get("family") or first.get("literal") or ""
    words = [w for w in normalize_title(str(csl.get("title", ""))).split() if len(w) > 3]
    raw = f"{_ascii(who).split(' ')[-1] if who else ''}{year_of(csl)}" \
          f"{_ascii(words[0]) if words else ''}"
    return re.sub(r"[^a-z0-9]", "", raw.lower())[:40]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _suffix(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def clean_key(key: str) -> str:
    """A key as stored: no white space, at most 200 characters."""
    return re.sub(r"\s+", "", key or "")[:MAX_KEY]


@dataclass
class Known:
    """The references a library already holds, for finding duplicates."""

    keys: dict[str, str] = field(default_factory=dict)  # lower-case key -> normal title
    dois: dict[str, str] = field(default_factory=dict)  # normal DOI -> key

    def add(self, key: str, csl: dict[str, Any]) -> None:
        """Remember a reference."""
        self.keys[key.lower()] = normalize_title(str(csl.get("title", "")))
        doi = normalize_doi(str(csl.get("DOI", "")))
        if doi:
            self.dois[doi] = key

    def duplicate_of(self, key: str, csl: dict[str, Any]) -> str | None:
        """The key of the reference ``csl`` repeats (same DOI, or same key and title)."""
        doi = normalize_doi(str(csl.get("DOI", "")))
        if doi and doi in self.dois:
            return self.dois[doi]
        title = normalize_title(str(csl.get("title", "")))
        if key and self.keys.get(key.lower()) == title:
            return key
        return None


# --- matching sources -------------------------------------------------------------------------

@dataclass
class SourceIndex:
    """Sources by normal URL, DOI and title, for matching references to them."""

    by_url: dict[str, list[int]] = field(default_factory=dict)
    by_doi: dict[str, list[int]] = field(default_factory=dict)
    by_title: dict[str, list[int]] = field(default_factory=dict)

    def add(self, source_id: int, *, url: str = "", doi: str = "", title: str = "") -> None:
        """Index one source (posts should be added without a title: theirs are words)."""
        for table, value in ((self.by_url, normalize_url(url)),
                             (self.by_doi, normalize_doi(doi) or normalize_doi(url)),
                             (self.by_title, _matchable_title(title))):
            if value:
                table.setdefault(value, []).append(source_id)

    def find(self, csl: dict[str, Any]) -> list[tuple[int, str]]:
        """The sources ``csl`` describes, with how each was matched ("url", "doi",
        "title"); a title matches only when no URL or DOI did and it is unambiguous."""
        found: dict[int, str] = {}
        for how, table, value in (
                ("doi", self.by_doi, normalize_doi(str(csl.get("DOI", "")))),
                ("url", self.by_url, normalize_url(str(csl.get("URL", ""))))):
            for sid in table.get(value, []) if value else []:
                found.setdefault(sid, how)
        if not found:
            title = self.by_title.get(_matchable_title(str(csl.get("title", ""))), [])
            if len(title) == 1:
                found[title[0]] = "title"
        return sorted(found.items())


def _matchable_title(title: str) -> str:
    norm = normalize_title(title)
    return norm if len(norm.split()) >= MIN_TITLE_WORDS else ""
