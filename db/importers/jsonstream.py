"""Reading JSON exports a record at a time: JSON Lines, a JSON array, or one document.

A malformed line of a JSON Lines file is a warning and the rest goes on; a damaged or
truncated single document cannot be resynchronised, so it raises ImportFileError. A JSON
array is walked with :class:`JsonCursor`, one element at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from db.errors import ImportFileError
from db.importers.decode import looks_binary
from db.importers.jsoncursor import JsonCursor, document_error
from db.importers.postutil import Tally
from db.importers.safety import check_size
from db.text import BOM

LINES, ARRAY, DOCUMENT = "lines", "array", "document"
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".jsonlines", ".txt")
LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def head_text(head: bytes) -> str:
    """The first bytes of a file as text for sniffing (a cut character is dropped)."""
    return head.decode("utf-8", errors="ignore").lstrip(BOM + " \t\r\n")


def iter_records(path: Path, tally: Tally) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, value)`` for every record of a JSON or JSON Lines file.

    A JSON array yields its elements; a single JSON object is one record.
    """
    check_size(path)
    layout = detect_layout(path)
    if layout == LINES:
        yield from _lines(path, tally)
        return
    if layout == ARRAY:
        yield from _array(path)
    else:
        yield from _single(read_json_text(path), path, tally)


def detect_layout(path: Path) -> str:
    """LINES, ARRAY or DOCUMENT, from the first non-blank line of the file."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
        if looks_binary(head):
            raise ImportFileError(path, "this is a binary file, not JSON")
        fh.seek(0)
        first = next((ln for ln in fh if ln.strip()), b"")
    first = first.lstrip(b"\xef\xbb\xbf \t")
    if not first.strip():
        raise ImportFileError(path, "the file is empty (it holds only blank lines)")
    if path.suffix.lower() in LINES_SUFFIXES:
        return LINES  # the name says so: a damaged first line is then just a warning
    if first[:1] == b"[":
        return ARRAY
    if first[:1] != b"{":
        raise ImportFileError(path, "this is not JSON (it does not start with { or [)")
    try:
        json.loads(first)
        return LINES
    except ValueError:
        pass
    # A pretty-printed document opens with "{" or '{"key": [' on its first line; a
    # JSON Lines file whose first record is damaged still ends that line with "}".
    return LINES if first.rstrip().endswith(b"}") else DOCUMENT


def read_json_text(path: Path) -> str:
    """The whole file as text (JSON exports are UTF-8), without a byte-order mark."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"the file is not valid UTF-8 JSON (bad byte at "
                                    f"position {exc.start})") from exc
    return text[1:] if text.startswith(BOM) else text


def _lines(path: Path, tally: Tally) -> Iterator[tuple[int, Any]]:
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:  # also UnicodeDecodeError
                tally.line(lineno, "not valid JSON")
                continue
            tally.records += 1
            yield lineno, value


def _single(text: str, path: Path, tally: Tally) -> Iterator[tuple[int, Any]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if _several_objects(text):
            yield from _text_lines(text, tally)
            return
        cut = exc.pos >= len(text.rstrip()) or not text.rstrip().endswith(("}", "]"))
        raise document_error(path, exc.lineno, cut, exc.msg) from exc
    tally.records += 1
    yield 1, value


def _several_objects(text: str) -> bool:
    """True when later lines parse on their own: JSON Lines with a damaged first line."""
    lines = [ln for ln in text.splitlines()[1:6] if ln.strip()]
    return any(_parses(ln) for ln in lines)


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _text_lines(text: str, tally: Tally) -> Iterator[tuple[int, Any]]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                value = json.loads(line)
            except ValueError:
                tally.line(lineno, "not valid JSON")
                continue
            tally.records += 1
            yield lineno, value


def _array(path: Path) -> Iterator[tuple[int, Any]]:
    with open_json(path) as fh:
        cur = JsonCursor(fh, path)
        for _ in cur.elements():
            lineno = cur.line()
            yield lineno, cur.value()
        cur.end()


def open_json(path: Path) -> IO[str]:
    """Open a JSON file as text (UTF-8, with or without a byte-order mark)."""
    return open(path, encoding="utf-8-sig")
