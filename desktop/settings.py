"""The user's settings: recent projects, window layout, the coder's name.

Stored in an INI file in ``db.resources.config_dir()`` (beside the executable in
portable mode), never in the registry, so a classroom machine can be reset by deleting
one folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from db.resources import config_dir

MAX_RECENT = 10


def settings() -> QSettings:
    """The settings store (a fresh handle; QSettings caches and syncs by itself)."""
    return QSettings(str(config_dir() / "quire.ini"), QSettings.Format.IniFormat)


def recent_projects() -> list[Path]:
    """Recently opened project files that still exist, newest first."""
    paths = settings().value("recent", [], type=list) or []
    return [Path(p) for p in paths if Path(p).exists()]


def add_recent(path: Path) -> None:
    """Put ``path`` at the top of the recent projects."""
    paths = [str(path.resolve())] + [str(p) for p in recent_projects()
                                     if p.resolve() != path.resolve()]
    settings().setValue("recent", paths[:MAX_RECENT])


def coder_name() -> str:
    """The name recorded on everything this user codes ("" until asked)."""
    return str(settings().value("coder", "", type=str))


def set_coder_name(name: str) -> None:
    """Change the coder's name."""
    settings().setValue("coder", name.strip())


def save_layout(key: str, geometry: QByteArray, state: QByteArray) -> None:
    """Remember a window's geometry and dock/splitter state."""
    s = settings()
    s.setValue(f"{key}/geometry", geometry)
    s.setValue(f"{key}/state", state)


def layout(key: str) -> tuple[QByteArray | None, QByteArray | None]:
    """The remembered geometry and state of a window, if any."""
    s = settings()
    return s.value(f"{key}/geometry"), s.value(f"{key}/state")
