"""Does a leftover write-ahead journal belong to the project file beside it?

SQLite replays any ``-wal`` file it finds beside a database, whichever database it was
written for: a journal left by a process killed after the project file was moved away,
replayed into an older copy put back under the old name, silently mixes two states.
SQLite records nothing that ties a journal to its file, so this module checks what a
journal must satisfy if it continues the file it lies beside (read from the bytes,
without opening either as a database):

- the page size the journal was written with is the file's page size;
- every page the journal's last commit says the database has, beyond the end of the
  file, is in the journal (a journal written for a bigger, later copy is not).

A journal that passes is then checked by SQLite itself (``integrity_check``, which, unlike
``quick_check``, also compares every index with its table) before it is replayed.
Formats: https://www.sqlite.org/fileformat2.html (the WAL file format).
"""

from __future__ import annotations

import struct
from pathlib import Path

_WAL_MAGIC = (0x377F0682, 0x377F0683)
_WAL_HEADER, _FRAME_HEADER = 32, 24


def journal_mismatch(db: Path, wal: Path) -> str | None:
    """Why ``wal`` cannot continue ``db`` (None when nothing shows it does not)."""
    with wal.open("rb") as fh:
        header = fh.read(_WAL_HEADER)
        if len(header) < _WAL_HEADER:
            return None  # an empty or cut journal holds no commit: SQLite ignores it
        magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", header[:24])
        if magic not in _WAL_MAGIC:
            return "the journal is not a SQLite journal"
        if page_size != _db_page_size(db):
            return "the journal was written with another page size"
        pages, committed = _frames(fh, page_size, (salt1, salt2))
    file_pages = db.stat().st_size // page_size
    missing = [p for p in range(file_pages + 1, committed + 1) if p not in pages]
    if missing:
        return (f"the journal describes a database of {committed} pages, but this file has "
                f"{file_pages} and the journal lacks {len(missing)} of the others")
    return None


def _db_page_size(db: Path) -> int:
    with db.open("rb") as fh:
        raw = struct.unpack(">H", fh.read(18)[16:18])[0]
    return 65536 if raw == 1 else raw


def _frames(fh, page_size: int, salts: tuple[int, int]) -> tuple[set[int], int]:
    """The pages of the journal's frames up to its last commit, and the database size
    that commit records (frames of an older generation, whose salts differ, end it)."""
    pages: set[int] = set()
    seen: set[int] = set()
    committed = 0
    while len(head := fh.read(_FRAME_HEADER)) == _FRAME_HEADER:
        page, size_after, s1, s2 = struct.unpack(">4I", head[:16])
        if (s1, s2) != salts:
            break
        seen.add(page)
        if size_after:  # a commit frame: everything seen so far is committed
            pages |= seen
            committed = size_after
        fh.seek(page_size, 1)
    return pages, committed
