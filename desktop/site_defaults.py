"""The machine's defaults for every user, set by an administrator in one TOML file.

Read before the user's own settings (:mod:`desktop.settings`); a user's setting wins
unless the file locks that value. The file is

* Linux and other Unix: ``/etc/quire/defaults.toml``
* Windows: ``%ProgramData%\\Quire\\defaults.toml``
* macOS: ``/Library/Application Support/Quire/defaults.toml``

or the file named by ``QUIRE_SITE_DEFAULTS`` (for tests, or a deployment that keeps it
elsewhere). Example::

    coder_name = "{login}"        # the coder name until the user gives one
    ask_coder_name = false        # no first-run question
    citation_style = "apa"        # chicago, apa, mla...
    project_folder = "~/Documents/Quire"

    [locked]                      # these win over what the user chooses
    citation_style = "apa"

A file that cannot be read, is not TOML, or holds an unknown key or a wrong value is
ignored whole (never half-applied), with a message naming the file and the problem.
No Qt here: it is plain data.
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ENV = "QUIRE_SITE_DEFAULTS"

KEYS = {  # key: (type, what it is), for the checks and the messages
    "coder_name": (str, "the coder name until the user gives one ({login}: the login name)"),
    "ask_coder_name": (bool, "whether the first start asks the coder's name"),
    "citation_style": (str, "the citation style of notes and exports"),
    "project_folder": (str, "where New and Open start"),
}


def site_file() -> Path:
    """Where this machine's defaults file is (it need not exist)."""
    override = os.environ.get(ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA") or os.environ.get("ALLUSERSPROFILE") \
            or r"C:\ProgramData"
        return Path(base) / "Quire" / "defaults.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/Quire/defaults.toml")
    return Path("/etc/quire/defaults.toml")


@dataclass(frozen=True)
class SiteDefaults:
    """The file's values: ``values`` are defaults, ``locked`` win over the user's."""

    values: dict = field(default_factory=dict)
    locked: dict = field(default_factory=dict)
    path: Path | None = None
    problem: str = ""  # why the file was ignored ("" if it was read, or there is none)

    def get(self, key: str, user_value=None):
        """The value in force: locked, else the user's (if not None), else the default."""
        if key in self.locked:
            return self.locked[key]
        if user_value is not None:
            return user_value
        return self.values.get(key)

    def is_locked(self, key: str) -> bool:
        return key in self.locked


class SiteDefaultsError(ValueError):
    """The defaults file is unusable; the message names the file and the problem."""


def login_name() -> str:
    """The user's login name, "" if the system does not know it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password file
        return ""


def expand(key: str, value):
    """A value as used: ``{login}`` in the coder name, ``~`` and ``$VARS`` in the folder."""
    if key == "coder_name":
        return " ".join(value.replace("{login}", login_name()).split())
    if key == "project_folder":
        return str(Path(os.path.expandvars(os.path.expanduser(value))))
    return value


def _check(table: dict, where: str, path: Path) -> dict:
    from db.citations.format import STYLES

    out = {}
    for key, value in table.items():
        if key not in KEYS:
            raise SiteDefaultsError(f"{path}: unknown setting '{where}{key}' (known: "
                                    f"{', '.join(KEYS)}, and a [locked] table)")
        kind, _ = KEYS[key]
        if type(value) is not kind:
            raise SiteDefaultsError(f"{path}: '{where}{key}' must be "
                                    f"{'true or false' if kind is bool else 'a string'}, "
                                    f"not {value!r}")
        if key == "citation_style" and value.strip().lower() not in STYLES:
            raise SiteDefaultsError(f"{path}: '{where}citation_style' is {value!r}; "
                                    f"choose one of {', '.join(STYLES)}")
        if key == "citation_style":
            value = value.strip().lower()
        out[key] = expand(key, value)
    return out


def parse(path: Path) -> SiteDefaults:
    """Read and check one defaults file; raises SiteDefaultsError naming it."""
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise SiteDefaultsError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise SiteDefaultsError(f"{path}: is not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SiteDefaultsError(f"{path}: is not valid TOML: {exc}") from exc
    locked = raw.pop("locked", {})
    if not isinstance(locked, dict):
        raise SiteDefaultsError(f"{path}: 'locked' must be a table ([locked])")
    return SiteDefaults(values=_check(raw, "", path), locked=_check(locked, "locked.", path),
                        path=path)


def load() -> SiteDefaults:
    """This machine's defaults: empty when there is no file; when the file is bad, empty
    with ``problem`` saying why (the caller shows it)."""
    path = site_file()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return SiteDefaults()
    except OSError:
        stamp = None  # e.g. a folder the user may not read: parse() says so
    return _load(path, stamp)


@functools.lru_cache(maxsize=4)
def _load(path: Path, _stamp: tuple[int, int] | None) -> SiteDefaults:
    """The file read once per change (the settings ask for values often)."""
    try:
        return parse(path)
    except SiteDefaultsError as exc:
        return SiteDefaults(path=path, problem=f"{exc}. The machine's defaults are ignored.")
