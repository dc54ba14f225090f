"""Plain-text articles (.txt): the text as written, with the plain-text notes convention,
and the author and date its byline or dateline states (:mod:`db.importers.byline`)."""

from __future__ import annotations

from pathlib import Path

from db.importers.articles import (
    by_extension,
    guess_title,
    is_pdf,
    is_zip,
    read_text,
    single_article,
)
from db.importers.base import ARTICLE, FileRead, ReadOptions
from db.importers.byline import guessed_fields
from db.importers.decode import looks_binary
from db.importers.footnotes import split_notes

_EXTENSIONS = (".txt", ".text")


class PlainTextImporter:
    """One article per text file, in any common encoding."""

    name = "text"
    label = "Plain text article"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Sure by extension; a faint guess for other files that look like text."""
        if looks_binary(head) or is_pdf(head) or is_zip(head):
            return 0.0
        score = by_extension(path, _EXTENSIONS, 0.8)
        # Files without a known extension may still be notes saved as text; any more
        # specific importer beats this guess.
        return score or (0.05 if _is_utf8(head) else 0.0)

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the file as one article; a trailing notes list becomes footnotes; the
        author and date its first lines state are taken (as guesses)."""
        text = read_text(path).strip()
        body, notes = split_notes(text)
        title = guess_title(body, path)
        return single_article(path, body, notes, title=title, **guessed_fields(body, title))


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut by the end of the head
    return True


IMPORTER = PlainTextImporter()
