"""Guards for untrusted files: size limits, zip bombs, hostile XML (DESIGN.md rule 9)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml import ElementTree as SafeET  # noqa: F401  (re-exported for importers)
from defusedxml.common import DefusedXmlException

from db.errors import ImportFileError

MAX_TEXT_FILE = 512 * 1024 * 1024  # a single text document larger than this is refused
MAX_ZIP_MEMBER = 256 * 1024 * 1024  # uncompressed size of one member of a .docx/.odt/.xlsx
MAX_ZIP_TOTAL = 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed/compressed beyond this is a zip bomb, not a document


def check_size(path: Path, limit: int = MAX_TEXT_FILE) -> int:
    """Return the size of ``path``; refuse empty files and files larger than ``limit``."""
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(path, "the file is empty")
    if size > limit:
        raise ImportFileError(path, f"the file is too large ({size // 2**20} MB; Quire "
                                    f"imports files of up to {limit // 2**20} MB)")
    return size


def open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip container (docx, odt, xlsx) after checking it is not a zip bomb."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(path, "the file is damaged or not really this format "
                                    "(it is not a valid zip container)") from exc
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_ZIP_MEMBER or total > MAX_ZIP_TOTAL or (
            info.file_size > 10 * 2**20 and ratio > MAX_ZIP_RATIO
        ):
            zf.close()
            raise ImportFileError(path, "refused: the file expands to an unreasonable size "
                                        "(a zip bomb or a damaged file)")
    return zf


def read_member(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    """Read one member of a checked zip, with a clear message when it is missing or broken."""
    try:
        with zf.open(name) as fh:
            data = fh.read(MAX_ZIP_MEMBER + 1)
    except KeyError as exc:
        raise ImportFileError(path, f"the file is incomplete ({name} is missing)") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(path, f"the file is damaged ({name} cannot be read)") from exc
    if len(data) > MAX_ZIP_MEMBER:
        raise ImportFileError(path, f"refused: {name} is unreasonably large")
    return data


def parse_xml(path: Path, data: bytes):
    """Parse XML safely (no entities, no DTD tricks); returns an ElementTree element."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportFileError(path, "refused: the file contains unsafe XML "
                                    f"({type(exc).__name__})") from exc
    except SafeET.ParseError as exc:
        raise ImportFileError(path, f"the file is damaged (bad XML: {exc})") from exc
