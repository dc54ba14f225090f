"""Walking a large JSON document from its file, decoding one piece at a time.

Only a window of the file is held as text (it slides forward as values are consumed),
so a Telegram export or a JSON array of 100,000 posts is never in memory as a whole,
neither as text nor as Python objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from db.errors import ImportFileError

CHUNK = 1 << 20  # characters read at a time
_MARGIN = 64
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def document_error(path: Path, line: int, incomplete: bool, what: str) -> ImportFileError:
    """The error for a JSON document that is cut short or damaged at ``line``."""
    if incomplete:
        return ImportFileError(path, "the JSON document is incomplete: it ends unexpectedly "
                                     f"at line {line} (was the export interrupted or the "
                                     "file cut short?)")
    return ImportFileError(path, f"the JSON document is damaged at line {line} ({what})")


class JsonCursor:
    """Step through the JSON document in an open text file.

    ``members()`` and ``elements()`` are generators: after each step the caller must
    consume the value that follows (with ``value()``, ``members()`` or ``elements()``).
    """

    def __init__(self, fh: IO[str], path: Path):
        self.fh, self.path = fh, path
        self.buf, self.pos, self.eof = "", 0, False
        self._line, self._line_pos = 1, 0  # line number at buf[_line_pos]

    def _more(self) -> bool:
        """Read another chunk, dropping what has been consumed; False at the end.

        At the end nothing moves, so positions taken before the call stay valid.
        """
        if self.eof:
            return False
        try:
            chunk = self.fh.read(CHUNK)
        except UnicodeDecodeError as exc:
            raise ImportFileError(self.path, "the file is not valid UTF-8 JSON") from exc
        if not chunk:
            self.eof = True
            return False
        self._line += self.buf.count("\n", self._line_pos, self.pos)
        self.buf, self.pos, self._line_pos = self.buf[self.pos:] + chunk, 0, 0
        return True

    def _skip(self) -> str:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def _take(self, expected: str) -> None:
        if self._skip() != expected:
            raise self.error(f"expected {expected!r}")
        self.pos += 1

    def peek(self) -> str:
        """The first character of the next value ("{", "[", '"', ...), "" at the end."""
        return self._skip()

    def value(self) -> Any:
        """Decode the next value whole."""
        self._skip()
        # A number cut by the window's edge would decode as a shorter number ("-0" of
        # "-0.5"): keep a margin longer than any real number ahead of the position.
        while len(self.buf) - self.pos < _MARGIN and self._more():
            pass
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue  # the value runs past the window: widen it and try again
                raise self.error(exc.msg, exc.pos) from exc
            if end < len(self.buf) or not self._more():
                self.pos = end
                return value

    def members(self) -> Iterator[str]:
        """Step through an object, yielding each key before its value."""
        self._take("{")
        if self._skip() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error("expected a key")
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
        if ch == ",":
            self.pos += 1
            return True
        if ch == close:
            self.pos += 1
            return False
        raise self.error(f"expected ',' or {close!r}")

    def end(self) -> None:
        """Check that nothing but white space follows the document."""
        if self._skip():
            raise self.error("extra data after the document")

    def line(self) -> int:
        """The line number where the next value starts."""
        self._skip()
        self._line += self.buf.count("\n", self._line_pos, self.pos)
        self._line_pos = self.pos
        return self._line

    def error(self, what: str, pos: int | None = None) -> ImportFileError:
        """An ImportFileError for a problem at ``pos`` (default: here)."""
        pos = self.pos if pos is None else pos
        line = self._line + self.buf.count("\n", self._line_pos, pos)
        tail = self.buf.rstrip()
        incomplete = self.eof and (pos >= len(tail) or not tail.endswith(("}", "]")))
        return document_error(self.path, line, incomplete, what)
