"""The canonical-text contract (DESIGN.md rule 6), implemented once.

A source's text is stored once, normalized at import and never changed afterwards:

* Unicode NFC;
* ``\\n`` line endings (CRLF and lone CR become LF; U+2028/U+2029 are kept as typed);
* no byte-order mark;
* no lone surrogate (only a JSON escape such as ``\\ud800`` can make one, and SQLite
  cannot store it): each becomes U+FFFD, the replacement character.

Every position in the core is an index into that ``str`` (a code point), half-open
``[start, end)``. Importers that need positions inside the text (footnote markers) build
it with :class:`TextBuilder`, which records positions in the canonical text, so nothing
ever has to be re-mapped after normalization.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BOM = "\ufeff"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical(text: str) -> str:
    """Return ``text`` in canonical form: no BOM, ``\\n`` line endings, NFC."""
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if has_lone_surrogate(text):
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)


def plain_lines(text: str) -> str:
    """``text`` with ``\\n`` line endings (CRLF, CR and U+2029 become LF) and no lone
    surrogate, otherwise exactly as given: how memo bodies are stored, so that an editor
    shows and saves back every character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n")
    return _LONE_SURROGATE.sub("\ufffd", text) if has_lone_surrogate(text) else text


def has_lone_surrogate(text: str) -> bool:
    """True if ``text`` holds a lone surrogate (which no UTF-8 file or database can)."""
    return _LONE_SURROGATE.search(text) is not None


def is_canonical(text: str) -> bool:
    """True when ``text`` already satisfies the contract."""
    return canonical(text) == text


def text_hash(text: str) -> str:
    """SHA-256 of the canonical text's UTF-8 bytes, used to recognise identical sources."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_span(text: str, start: int, end: int) -> None:
    """Raise ``ValueError`` unless ``[start, end)`` is a non-empty span inside ``text``."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span [{start}, {end}) is outside a text of {len(text)} characters")


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units of ``text`` (what Qt and REFI-QDA tools often count)."""
    return len(text.encode("utf-16-le")) // 2


class TextBuilder:
    """Assemble a canonical text piece by piece and record positions in it.

    Each piece is canonicalized as it is appended; a lone CR at the end of one piece
    followed by LF at the start of the next still gives one line break, and a combining
    mark at the start of a piece is composed with the character before it.

    >>> b = TextBuilder(); b.append("Café\\r\\n"); at = b.mark(); b.append("[1]")
    >>> b.text(), at
    ('Café\\n[1]', 5)
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._pending_cr = False

    def __len__(self) -> int:
        return self._length

    def append(self, piece: str) -> None:
        """Append ``piece`` (any line endings, possibly decomposed) to the text."""
        if not piece:
            return
        if self._pending_cr and piece.startswith("\n"):
            piece = piece[1:]
        self._pending_cr = piece.endswith("\r")
        piece = canonical(piece)
        if piece and self._parts and unicodedata.combining(piece[0]):
            self._recompose_boundary(piece)
            return
        self._parts.append(piece)
        self._length += len(piece)

    def _recompose_boundary(self, piece: str) -> None:
        joined = unicodedata.normalize("NFC", self._parts[-1] + piece)
        self._length += len(joined) - len(self._parts[-1])
        self._parts[-1] = joined

    def mark(self) -> int:
        """The current end of the text: the position where the next piece will start."""
        return self._length

    def ends_with(self, suffix: str) -> bool:
        """True when the text built so far ends with ``suffix``."""
        return bool(self._parts) and "".join(self._parts[-2:]).endswith(suffix)

    def text(self) -> str:
        """The canonical text built so far."""
        return "".join(self._parts)
