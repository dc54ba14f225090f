"""Reading JSON exports a record at a time: JSON Lines, a JSON array, or one document.

A malformed line of a JSON Lines file is a warning and the rest goes on; a damaged or
truncated single document cannot be resynchronised, so it raises ImportFileError. Large
documents are walked with :class:`JsonCursor`, which decodes one element at a time, so a
100,000-message export is never held as Python objects all at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from db.errors import ImportFileError
from db.importers.decode import looks_binary
from db.importers.postutil import Tally
from db.importers.safety import check_size
from db.text import BOM

LINES, ARRAY, DOCUMENT = "lines", "array", "document"
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".jsonlines", ".txt")

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


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
    text = read_json_text(path)
    if layout == ARRAY:
        yield from _array(JsonCursor(text, path))
    else:
        yield from _single(text, path, tally)


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
        raise JsonCursor(text, path).error_at(exc.pos, exc.msg) from exc
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


def _array(cur: JsonCursor) -> Iterator[tuple[int, Any]]:
    for _ in cur.elements():
        lineno = cur.line()
        yield lineno, cur.value()
    cur.end()


class JsonCursor:
    """Walk one JSON document held as a string, decoding only the pieces asked for.

    ``keys()`` and ``elements()`` are generators: after each step the caller must consume
    the value that follows (with ``value()``, ``keys()`` or ``elements()``).
    """

    def __init__(self, text: str, path: Path):
        self.text, self.path, self.pos = text, path, 0
        self._line, self._line_pos = 1, 0

    def _skip(self) -> str:
        self.pos = _WS.match(self.text, self.pos).end()
        return self.text[self.pos:self.pos + 1]

    def _take(self, expected: str) -> None:
        if self._skip() != expected:
            raise self.error_at(self.pos, f"expected {expected!r}")
        self.pos += 1

    def peek(self) -> str:
        """The first character of the next value ("{", "[", '"', ...), "" at the end."""
        return self._skip()

    def value(self) -> Any:
        """Decode the next value whole."""
        self._skip()
        try:
            value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as exc:
            raise self.error_at(exc.pos, exc.msg) from exc
        return value

    def keys(self) -> Iterator[str]:
        """Step through an object, yielding each key before its value."""
        self._take("{")
        if self._skip() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            self._take(":")
            yield key
            if not self._next_or_close("}"):
                return

    def elements(self) -> Iterator[None]:
        """Step through an array, yielding before each element."""
        self._take("[")
        if self._skip() == "]":
            self.pos += 1
            return
        while True:
            yield None
            if not self._next_or_close("]"):
                return

    def _next_or_close(self, close: str) -> bool:
        ch = self._skip()
        self.pos += 1
        if ch == ",":
            return True
        if ch == close:
            return False
        raise self.error_at(self.pos - 1, f"expected ',' or {close!r}")

    def end(self) -> None:
        """Check that nothing but white space follows the document."""
        if self._skip():
            raise self.error_at(self.pos, "extra data after the document")

    def line(self) -> int:
        """The line number of the current position (counted incrementally)."""
        self._line += self.text.count("\n", self._line_pos, self.pos)
        self._line_pos = self.pos
        return self._line

    def error_at(self, pos: int, what: str) -> ImportFileError:
        """An ImportFileError for a problem at ``pos``: incomplete or damaged."""
        line = self.text.count("\n", 0, pos) + 1
        if pos >= len(self.text.rstrip()):
            return ImportFileError(self.path, "the JSON document is incomplete: it ends "
                                              f"unexpectedly at line {line} (was the export "
                                              "interrupted or the file cut short?)")
        return ImportFileError(self.path, f"the JSON document is damaged at line {line} "
                                          f"({what})")
