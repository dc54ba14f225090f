"""The user's settings: recent projects, window layout, the coder's name.

Stored in an INI file in ``db.resources.config_dir()`` (beside the executable in
portable mode), never in the registry, so a classroom machine can be reset by deleting
one folder. A team project is remembered by its address without the password
(:func:`db.team.address.redact`): a password never lands here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from db.resources import config_dir
from db.team.address import is_server_address, redact

MAX_RECENT = 10


def settings() -> QSettings:
    """The settings store (a fresh handle; QSettings caches and syncs by itself)."""
    return QSettings(str(config_dir() / "quire.ini"), QSettings.Format.IniFormat)


def recent_targets() -> list[Path | str]:
    """Recently opened projects, newest first: files that still exist (as paths) and
    team projects (their ``postgresql://`` addresses, without passwords)."""
    entries = settings().value("recent", [], type=list) or []
    return [str(e) if is_server_address(str(e)) else Path(e) for e in entries
            if is_server_address(str(e)) or Path(e).exists()]


def recent_projects() -> list[Path]:
    """Recently opened project files that still exist, newest first."""
    return [t for t in recent_targets() if isinstance(t, Path)]


def add_recent(target: Path | str) -> None:
    """Put a project file or a team project's address (stored without its password)
    at the top of the recent projects."""
    first = redact(target) if is_server_address(str(target)) else str(Path(target).resolve())
    rest = [str(t) for t in recent_targets()
            if (redact(t) if isinstance(t, str) else str(t.resolve())) != first]
    settings().setValue("recent", [first, *rest][:MAX_RECENT])


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
