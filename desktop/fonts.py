"""Loading the fonts Quire ships, so Arabic and emoji look the same on every machine.

Every bundled TTF is registered with Qt except the outline emoji font, which is the PDF's
(:mod:`db.export.fonts`): the window draws emoji with Noto Color Emoji, added as the last
fallback of the application's font, so a name with emoji shows them in colour wherever
the machine's own fonts lack them. Rows of tables are sized with :func:`row_height`, so
an emoji (taller than the text's font) never pushes the text out of its row.
:func:`reading_font` is how source text reads everywhere: the Reader, excerpt cards,
notes, and the dialogs that quote a source.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics, QGuiApplication

from db.resources import resource

EMOJI_FAMILY = "Noto Color Emoji"
PDF_ONLY = frozenset({"NotoEmoji-Regular.ttf"})
ROW_PADDING = 8
# Amiri ships in resources/fonts (registered by load_bundled_fonts); these are fallbacks.
ARABIC_FALLBACKS = ["Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", EMOJI_FAMILY]


def load_bundled_fonts() -> list[str]:
    """Register the bundled TTFs with Qt and put the colour emoji font last among the
    application font's families; returns the families that loaded."""
    families: list[str] = []
    for path in sorted(resource("fonts").glob("*.ttf")):
        if path.name in PDF_ONLY:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    if EMOJI_FAMILY in families:
        font = QGuiApplication.font()
        font.setFamilies([QFontInfo(font).family(), EMOJI_FAMILY])  # the resolved family:
        QGuiApplication.setFont(font)  # an alias ("Sans Serif") in a list matches nothing
    return sorted(set(families))


def row_height(font: QFont, padding: int = ROW_PADDING) -> int:
    """The height of a table row in ``font`` that holds any glyph, emoji included."""
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    fallbacks = [QFont(EMOJI_FAMILY), QFont(ARABIC_FALLBACKS[0]), QFont("Amiri")]
    for fallback in fallbacks:
        fallback.setPointSizeF(size)
    return max(QFontMetrics(f).height() for f in [font, *fallbacks]) + padding


def reading_font(base: QFont) -> QFont:
    """``base`` made a little larger, with fallbacks that have Arabic glyphs."""
    font = QFont(base)
    font.setFamilies(["Amiri", base.family(), *ARABIC_FALLBACKS])
    font.setPointSizeF(max(base.pointSizeF() * 1.25, 11.0))
    return font
