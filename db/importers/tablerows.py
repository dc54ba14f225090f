"""Rows of tabular files streamed one at a time: CSV (any delimiter and encoding), XLSX,
and JSON Lines of flat-ish objects (nested keys become "a.b" columns).

Every row comes as ``(line or row number, {column: text}, original record)``; cells are
strings ("" when empty), so a row is JSON-serializable as it is.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from db.errors import ImportFileError
from db.importers.decode import looks_binary
from db.importers.jsonstream import iter_records
from db.importers.postutil import Tally
from db.importers.safety import MAX_ZIP_MEMBER, check_size, open_zip

# Posts with long quoted texts exceed csv's default 128 KB field limit; this is global
# to the csv module, so it is raised once, here, to a bound that still stops runaways.
csv.field_size_limit(64 * 2**20)

XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSON_START = (b"{", b"[")
_DELIMITERS = ",;\t|"
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_SAMPLE = 64 * 1024
_COLUMNS_FROM = 50  # JSON records looked at to learn a JSON Lines file's columns

Row = tuple[int, dict[str, str], Any]


@dataclass
class Table:
    """A tabular file opened for reading: its columns now, its rows as they are read."""

    columns: list[str]
    rows: Iterator[Row]
    kind: str  # "csv", "xlsx" or "jsonl"


def open_table(path: Path, tally: Tally, kind: str = "") -> Table:
    """Open ``path`` as a table (the kind is guessed from its name and first bytes)."""
    kind = kind or table_kind(path)
    make = {"xlsx": _xlsx_rows, "jsonl": _json_rows}.get(kind, _csv_rows)
    rows = make(path, tally)
    columns = next(rows)  # each reader yields its header first
    return Table(columns, rows, kind)


def table_kind(path: Path) -> str:
    """"xlsx", "jsonl" or "csv" for ``path``."""
    with open(path, "rb") as fh:
        head = fh.read(_SAMPLE)
    if path.suffix.lower() in XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in JSON_START:
        return "jsonl"
    return "csv"


# --- CSV ------------------------------------------------------------------------------


def _csv_rows(path: Path, tally: Tally) -> Iterator:
    check_size(path)
    encoding = detect_encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as fh:
            delimiter = _delimiter(fh.readline())
            fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter)
            columns = header_names(next(reader, []))
            if not columns:
                raise ImportFileError(path, "the file holds no table (no header row)")
            yield columns
            yield from _csv_records(reader, columns, tally)
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"the file mixes text encodings (it is not all "
                                    f"{encoding}: {exc.reason})") from exc
    except csv.Error as exc:
        raise ImportFileError(path, f"the CSV is damaged ({exc})") from exc


def _csv_records(reader, columns: list[str], tally: Tally) -> Iterator[Row]:
    width = len(columns)
    for cells in reader:
        if not any(cells):
            continue
        if len(cells) > width:
            tally.skip("rows with more cells than the header has columns (extra cells kept)")
        row = dict(zip(columns, cells, strict=False))
        for i, extra in enumerate(cells[width:], start=width + 1):
            row[f"column {i}"] = extra
        tally.records += 1
        yield reader.line_num, row, row


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def header_names(cells: list) -> list[str]:
    """Column names from a header row: trimmed, blanks named, repeats numbered."""
    raw = [str(c if c is not None else "").strip().lstrip("\ufeff") for c in cells]
    while raw and not raw[-1]:
        raw.pop()  # trailing empty header cells (spreadsheets pad their rows)
    names: list[str] = []
    for i, cell in enumerate(raw, start=1):
        name, n = cell or f"column {i}", 2
        while name in names:
            name, n = f"{cell or f'column {i}'} ({n})", n + 1
        names.append(name)
    return names


def detect_encoding(path: Path) -> str:
    """The text encoding of ``path``: a BOM's, UTF-8 when valid, else detected."""
    with open(path, "rb") as fh:
        head = fh.read(_SAMPLE)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if looks_binary(head):
        raise ImportFileError(path, "this is a binary file, not text")
    if _valid_utf8(path):
        return "utf-8"
    # Detection on the whole head fails when it is mostly ASCII: look at the lines that
    # actually hold non-ASCII bytes (the Arabic, say) instead.
    best = from_bytes(_non_ascii_sample(path)).best()
    if best is None:
        raise ImportFileError(path, "the text encoding could not be recognised")
    return best.encoding


def _valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_sample(path: Path) -> bytes:
    sample = bytearray()
    with open(path, "rb") as fh:
        for line in fh:
            if not line.isascii():
                sample += line
                if len(sample) > _SAMPLE:
                    break
    return bytes(sample)


# --- XLSX -----------------------------------------------------------------------------


def _xlsx_rows(path: Path, tally: Tally) -> Iterator:
    import openpyxl  # imported here: only spreadsheets need it, and it is slow to load

    check_size(path, MAX_ZIP_MEMBER)
    open_zip(path).close()  # refuses zip bombs before openpyxl inflates anything
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportFileError(path, f"the spreadsheet cannot be read ({exc})") from exc
    try:
        yield from _sheet_rows(path, book.worksheets[0], tally)
    finally:
        book.close()


def _sheet_rows(path: Path, sheet, tally: Tally) -> Iterator:
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    columns: list[str] = []
    for _, values in rows:
        if any(v not in (None, "") for v in values):
            columns = header_names(list(values))
            break
    if not columns:
        raise ImportFileError(path, "the spreadsheet's first sheet is empty")
    yield columns
    for number, values in rows:
        cells = [cell_text(v) for v in values]
        if any(cells):
            tally.records += 1
            row = dict(zip(columns, cells, strict=False))
            yield number, row, row


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text (whole numbers without ".0", dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- JSON Lines -----------------------------------------------------------------------


def _json_rows(path: Path, tally: Tally) -> Iterator:
    records = (r for r in iter_records(path, tally) if _is_object(r[1], tally))
    first = list(islice(records, _COLUMNS_FROM))
    columns: dict[str, None] = {}
    for _, rec in first:
        columns.update(dict.fromkeys(flatten(rec)))
    yield list(columns)
    for lineno, rec in chain(first, records):
        yield lineno, flatten(rec), rec


def _is_object(value: Any, tally: Tally) -> bool:
    if isinstance(value, dict):
        return True
    tally.skip("JSON values that are not objects skipped")
    return False


def flatten(record: dict, prefix: str = "") -> dict[str, str]:
    """A JSON object as text cells: nested objects become "a.b" keys, lists JSON text."""
    out: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            out[name] = cell_text(value) if not isinstance(value, bool) else str(value).lower()
    return out
