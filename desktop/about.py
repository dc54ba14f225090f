"""Quire's version and the versions of the components it runs on.

``quire --version`` prints :func:`version_line`; ``quire --version --verbose`` and Help ▸
About add :func:`components`. Nothing here imports Qt or the core's heavy modules: the
versions come from the packages' installed metadata (kept in the bundle too, see
``packaging/quire.spec``), so the command answers at once, with or without a display.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from db import __version__

COMPONENTS = (
    # (shown as, distribution name): what Quire is built on, in the order shown
    ("PySide6", "PySide6-Essentials"),
    ("SQLAlchemy", "SQLAlchemy"),
    ("Alembic", "alembic"),
    ("Whoosh", "Whoosh-Reloaded"),
    ("reportlab", "reportlab"),
    ("uharfbuzz", "uharfbuzz"),
    ("psycopg", "psycopg"),
    ("citeproc-py", "citeproc-py"),
    ("trafilatura", "trafilatura"),
    ("lxml", "lxml"),
    ("matplotlib", "matplotlib"),
    ("pypdf", "pypdf"),
    ("cryptography", "cryptography"),
)


def version_line() -> str:
    """``Quire 0.1.0``, and whether this is a bundle or a checkout."""
    kind = "bundle" if getattr(sys, "frozen", False) else "source checkout"
    return f"Quire {__version__} ({kind}, {platform.system() or sys.platform} " \
           f"{platform.machine()})"


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def components(qt_version: str | None = None) -> list[tuple[str, str]]:
    """(name, version) of Python, SQLite, Qt and the bundled libraries Quire relies on.

    ``qt_version`` is the Qt library actually loaded (``qVersion()``), known once Qt is
    imported (the About box); without it, the Qt that the PySide6 wheel ships, which is
    the PySide6 version.
    """
    import sqlite3  # the standard library's: its C library's version is the one in use

    pyside = _dist_version("PySide6-Essentials")
    rows = [("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
            ("SQLite", sqlite3.sqlite_version),
            ("Qt", qt_version or pyside)]
    rows += [(shown, pyside if dist == "PySide6-Essentials" else _dist_version(dist))
             for shown, dist in COMPONENTS]
    return rows


def version_text(verbose: bool = False, qt_version: str | None = None) -> str:
    """What ``quire --version`` (``--verbose``) prints."""
    lines = [version_line()]
    if verbose:
        rows = components(qt_version)
        width = max(len(name) for name, _ in rows)
        lines += [f"  {name:<{width}}  {version}" for name, version in rows]
    return "\n".join(lines)


NOTICES = "THIRD-PARTY-NOTICES.txt"
"""The licences of everything bundled, generated at build time (packaging/notices.py)."""


def notices_path():
    """The bundle's third-party notices file, or None (a checkout has none)."""
    from pathlib import Path

    bundle = getattr(sys, "_MEIPASS", None)
    path = Path(bundle) / NOTICES if bundle else None
    return path if path is not None and path.exists() else None
