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


# Windows Explorer hides extensions, so a marker made there is often "portable.txt".
PORTABLE_MARKERS = ("portable", "portable.txt")


def _portable_root() -> Path | None:
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    return exe_dir if any((exe_dir / m).exists() for m in PORTABLE_MARKERS) else None


def is_portable() -> bool:
    """Whether this is a bundle with a ``portable`` marker beside its executable."""
    return _portable_root() is not None


def portable_root() -> Path | None:
    """The folder of a portable bundle (its executable's), or None when not portable."""
    return _portable_root()


def _user_dir(env: str, portable_name: str, platform_path) -> Path:
    """A user folder: the override in ``env``, beside a portable executable, or the OS's."""
    override, portable = os.environ.get(env), _portable_root()
    if override:
        path = Path(override)
    elif portable:
        path = portable / portable_name
    else:
        path = platform_path(APP, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Where the user's own files (the sample project copy) are kept."""
    return _user_dir("QUIRE_DATA_DIR", "data", user_data_path)


def cache_dir() -> Path:
    """Where rebuildable caches (search indexes) are kept."""
    return _user_dir("QUIRE_CACHE_DIR", "cache", user_cache_path)


def config_dir() -> Path:
    """Where the user's settings (window layout, recent projects, coder name) are kept."""
    return _user_dir("QUIRE_CONFIG_DIR", "settings", user_config_path)
