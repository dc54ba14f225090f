"""Loading the fonts Quire ships, so Arabic looks the same on every machine."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from db.resources import resource


def load_bundled_fonts() -> list[str]:
    """Register every bundled TTF with Qt; returns the families that loaded."""
    families: list[str] = []
    for path in sorted(resource("fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return sorted(set(families))

