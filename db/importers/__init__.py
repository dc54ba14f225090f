"""The registry of file formats: which importer reads which file.

Each format lives in its own module and exposes ``IMPORTER``. Detection looks at the
extension and the first bytes of a file; the user can force a format by name.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from db.errors import ImportFileError, UnknownFormatError, UnknownFormatNameError
from db.importers.base import FileRead, Importer, ReadOptions

# Order matters only for ties: the more specific formats come first.
_MODULES = [
    "db.importers.twitter",
    "db.importers.telegram",
    "db.importers.reddit",
    "db.importers.tabular",
    "db.importers.plaintext",
    "db.importers.markdown",
    "db.importers.taguette_html",
    "db.importers.forums",
    "db.importers.html",
    "db.importers.docx",
    "db.importers.odt",
    "db.importers.pdf",
]

HEAD_BYTES = 64 * 1024
FIRST_RECORD_BYTES = 16 * 1024 * 1024  # how far sniffing reads on to finish a JSON line


@cache
def importers() -> tuple[Importer, ...]:
    """Every importer, in detection order."""
    found = []
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a format not built yet
        found.append(module.IMPORTER)
    return tuple(found)


def by_name(name: str) -> Importer:
    """The importer called ``name`` (as given to ``--format``)."""
    for imp in importers():
        if imp.name == name:
            return imp
    known = ", ".join(sorted(i.name for i in importers()))
    raise UnknownFormatNameError(f"unknown format {name!r} (known formats: {known})")


def read_head(path: Path) -> bytes:
    """The first bytes of ``path``, for sniffing: at least its first line when that is a
    JSON record (a twarc2 page whose first post is long names its tweet keys only after
    the text), up to :data:`FIRST_RECORD_BYTES`."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        if len(head) == HEAD_BYTES and b"\n" not in head and \
                head.lstrip(b"\xef\xbb\xbf \t\r")[:1] == b"{":
            head += fh.readline(FIRST_RECORD_BYTES)
    return head


def detect(path: Path, head: bytes | None = None) -> Importer:
    """The importer most confident it can read ``path``; raises UnknownFormatError."""
    head = read_head(path) if head is None else head
    if not head:
        raise ImportFileError(path, "the file is empty")
    best, score = None, 0.0
    for imp in importers():
        s = imp.sniff(path, head)
        if s > score:
            best, score = imp, s
    if best is None:
        raise UnknownFormatError(path, f"not a format Quire can read ({_describe(path)})")
    return best


def read(path: Path, options: ReadOptions | None = None) -> tuple[Importer, FileRead]:
    """Detect (or take the forced) format of ``path`` and start reading it."""
    options = options or ReadOptions()
    try:
        imp = by_name(options.format) if options.format else detect(path)
    except OSError as exc:
        raise ImportFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return imp, imp.read(path, options)


def _describe(path: Path) -> str:
    return f"extension {path.suffix!r}" if path.suffix else "no extension"
