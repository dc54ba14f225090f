"""Turning the bytes of a text file into canonical text, whatever its encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from db.errors import ImportFileError
from db.importers.safety import check_size
from db.text import canonical

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def looks_binary(head: bytes) -> bool:
    """True for data that is clearly not text (NUL bytes without a UTF-16/32 BOM)."""
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in head[:8192]


def decode_bytes(data: bytes, path: Path | str = "") -> tuple[str, str]:
    """Decode ``data`` and return ``(canonical text, encoding name)``.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are taken at their word; anything
    else (Windows-1256 Arabic, Latin-1, ...) is detected with charset-normalizer.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _decode(data, enc, path), enc
    try:
        return canonical(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_binary(data):
        raise ImportFileError(path, "this is a binary file, not text")
    best = _best_match(from_bytes(data))
    if best is None:
        raise ImportFileError(path, "the text encoding could not be recognised")
    return canonical(str(best)), best.encoding


# The legacy encodings Quire's sources are actually written in (Western European and
# Arabic Windows code pages). charset-normalizer often ranks a rarer code page a hair
# ahead (French Latin-1 text came out as Baltic cp1257: "élčves", "franēaise"), so a
# preferred one wins when it is nearly as plausible.
_PREFERRED = ("cp1252", "cp1256", "latin_1", "iso8859_15", "iso8859_6")
_CHAOS_MARGIN = 0.05


def _best_match(matches):
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if match.encoding in _PREFERRED and match.chaos <= best.chaos + _CHAOS_MARGIN:
            return match
    return best


def _decode(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return canonical(data.decode(encoding))
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"the file is not valid {encoding} ({exc.reason} "
                                    f"at byte {exc.start})") from exc


def read_text_file(path: Path) -> tuple[str, str]:
    """Read a whole text file as canonical text; returns ``(text, encoding)``."""
    check_size(path)
    return decode_bytes(path.read_bytes(), path)
