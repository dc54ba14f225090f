"""Finding Quire's bundled resources and the user's folders, in a checkout or a bundle.

Resources (fonts, styles, the sample collection) live in the top-level ``resources/``
folder; inside a PyInstaller bundle they are under ``sys._MEIPASS``. A ``portable``
marker file next to the executable keeps the user's data and cache beside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "Quire"


def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parent.parent


def resource(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource("sample", "articles")``."""
    return _root().joinpath("resources", *parts)


def _portable_root() -> Path | None:
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    return exe_dir if (exe_dir / "portable").exists() else None


def data_dir() -> Path:
    """Where the user's own files (the sample project copy, mappings) are kept."""
    override = os.environ.get("QUIRE_DATA_DIR")
    portable = _portable_root()
    path = Path(override) if override else (
        portable / "data" if portable else user_data_path(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Where rebuildable caches (search indexes) are kept."""
    override = os.environ.get("QUIRE_CACHE_DIR")
    portable = _portable_root()
    path = Path(override) if override else (
        portable / "cache" if portable else user_cache_path(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Where the user's settings (window layout, recent projects, coder name) are kept."""
    override = os.environ.get("QUIRE_CONFIG_DIR")
    portable = _portable_root()
    path = Path(override) if override else (
        portable / "settings" if portable else user_config_path(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
