"""The user's settings: recent projects, window layout, the coder's name.

Stored in an INI file in ``db.resources.config_dir()`` (beside the executable in
portable mode), never in the registry, so a classroom machine can be reset by deleting
one folder. A team project is remembered by its address without the password
(:func:`db.team.address.redact`): a password never lands here. The machine's defaults
file (:mod:`desktop.site_defaults`) is read first: the coder name, the first-run question,
the citation style and the project folder come from it until the user sets their own, or
always when it locks them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from db.citations.format import DEFAULT_STYLE
from db.resources import config_dir, portable_root
from db.team.address import is_server_address, redact
from desktop import site_defaults

MAX_RECENT = 10
STYLE_KEY = "citations/style"


def settings() -> QSettings:
    """The settings store (a fresh handle; QSettings caches and syncs by itself)."""
    return QSettings(str(config_dir() / "quire.ini"), QSettings.Format.IniFormat)


def recent_targets() -> list[Path | str]:
    """Recently opened projects, newest first: files that still exist (as paths) and
    team projects (their ``postgresql://`` addresses, without passwords)."""
    out: list[Path | str] = []
    for entry in settings().value("recent", [], type=list) or []:
        if is_server_address(str(entry)):
            out.append(str(entry))
        elif (path := _from_stored(str(entry))) is not None and path.exists():
            out.append(path)
    return out


def recent_projects() -> list[Path]:
    """Recently opened project files that still exist, newest first."""
    return [t for t in recent_targets() if isinstance(t, Path)]


def add_recent(target: Path | str) -> None:
    """Put a project file or a team project's address (stored without its password)
    at the top of the recent projects."""
    def key(t: Path | str) -> str:
        return redact(t) if is_server_address(str(t)) else str(Path(t).resolve())

    first = key(target)
    rest = [t for t in recent_targets() if key(t) != first]
    stored = [first if is_server_address(first) else _stored(Path(first))]
    stored += [t if isinstance(t, str) else _stored(t) for t in rest]
    settings().setValue("recent", stored[:MAX_RECENT])


def _stored(path: Path) -> str:
    """A path as Recent keeps it: relative to a portable bundle's folder when inside it
    (a USB stick mounted elsewhere, or another drive letter, still finds it), else whole."""
    root = portable_root()
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass  # outside the portable folder: kept whole
    return str(path)


def _from_stored(text: str) -> Path | None:
    """A path from Recent; a relative one lies in the portable folder (None when this is
    not a portable bundle any more)."""
    path = Path(text)
    if path.is_absolute():
        return path
    root = portable_root()
    return root / path if root is not None else None


def site() -> site_defaults.SiteDefaults:
    """The machine's defaults (read again when the file changes)."""
    return site_defaults.load()


def is_locked(key: str) -> bool:
    """Whether the machine's defaults file fixes this value (see desktop.site_defaults)."""
    return site().is_locked(key)


def coder_name() -> str:
    """The name recorded on everything this user codes: the user's own, else the
    machine's default; the login name when the machine asks no question; "" until asked."""
    own = str(settings().value("coder", "", type=str)) or None
    name = site().get("coder_name", own)
    if not name and site().get("ask_coder_name") is False:
        name = site_defaults.login_name()
    return name or ""


def ask_coder_name() -> bool:
    """Whether the first start asks the coder's name: not when the user gave one, when
    the machine locks it, or when the machine's defaults turn the question off."""
    if settings().value("coder", "", type=str) or is_locked("coder_name"):
        return False
    return site().get("ask_coder_name") is not False


def set_coder_name(name: str) -> None:
    """Change the coder's name."""
    settings().setValue("coder", name.strip())


def citation_style() -> str:
    """The citation style of notes and exports: the user's last choice, else the
    machine's default, else Quire's; the machine's when it locks it."""
    own = settings().value(STYLE_KEY, None)
    return site().get("citation_style", str(own) if own else None) or DEFAULT_STYLE


def set_citation_style(name: str) -> None:
    """Remember the user's citation style (a locked style still wins)."""
    settings().setValue(STYLE_KEY, name)


def start_folder() -> Path:
    """Where New and Open start: the machine's locked project folder, else the latest
    project's folder, else the machine's default project folder (made if missing), else
    the home folder."""
    if is_locked("project_folder"):
        return _folder(site().get("project_folder"))
    recent = recent_projects()
    if recent:
        return recent[0].parent
    default = site().get("project_folder")
    return _folder(default) if default else Path.home()


def _folder(path: str) -> Path:
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return folder if folder.is_dir() else Path.home()
    return folder


def save_layout(key: str, geometry: QByteArray, state: QByteArray) -> None:
    """Remember a window's geometry and dock/splitter state."""
    s = settings()
    s.setValue(f"{key}/geometry", geometry)
    s.setValue(f"{key}/state", state)


def layout(key: str) -> tuple[QByteArray | None, QByteArray | None]:
    """The remembered geometry and state of a window, if any."""
    s = settings()
    return s.value(f"{key}/geometry"), s.value(f"{key}/state")
