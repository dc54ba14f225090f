"""Render resources/icons/quire.svg to the bitmaps: run it after changing the SVG.

    .venv/bin/python packaging/make_icon_png.py

Writes resources/icons/quire.png (256 px, for the window, the .deb and desktops),
packaging/windows/quire.ico and packaging/macos/quire.icns (for the installers' spec).
Uses Qt's SVG renderer and image plugins, so no other tool is needed; the files are kept
in git.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

HERE = Path(__file__).resolve().parent
ICONS = HERE.parent / "resources" / "icons"
OUTPUTS = (ICONS / "quire.png", HERE / "windows" / "quire.ico", HERE / "macos" / "quire.icns")


def main(size: int = 256) -> int:
    """Write the bitmaps of quire.svg (see the module)."""
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts and painting need it)
    renderer = QSvgRenderer(str(ICONS / "quire.svg"))
    if not renderer.isValid():
        print("quire.svg could not be read", file=sys.stderr)
        return 1
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    for path in OUTPUTS:
        if not image.save(str(path)):
            print(f"could not write {path}", file=sys.stderr)
            return 1
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
