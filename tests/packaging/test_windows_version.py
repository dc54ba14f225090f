"""packaging/windows_version.py: the version resource of the Windows executables, made from
the package's version (checked here by reading the text back as PyInstaller does: eval of
its VSVersionInfo notation; the real classes need Windows)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("quire_windows_version",
                                               ROOT / "packaging" / "windows_version.py")
wv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wv)


def _record(kind):
    return lambda *args, **kwargs: (kind, args, kwargs)


NAMES = {n: _record(n) for n in ("VSVersionInfo", "FixedFileInfo", "StringFileInfo",
                                 "StringTable", "StringStruct", "VarFileInfo", "VarStruct")}


@pytest.mark.parametrize(("version", "numbers"), [("0.1.0", (0, 1, 0, 0)),
                                                  ("1.2.3rc1", (1, 2, 3, 0)),
                                                  ("2.10", (2, 10, 0, 0)),
                                                  ("3.0.1+local.5", (3, 0, 1, 0))])
def test_numeric_versions(version, numbers):
    assert wv.numeric(version) == numbers


def test_the_resource_carries_the_package_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    text = wv.version_file_text(version, "quire-cli.exe", "Quire (command line)")
    kind, _, info = eval(text, dict(NAMES))  # noqa: S307 (how PyInstaller reads it)
    assert kind == "VSVersionInfo"
    _, _, ffi = info["ffi"]
    assert ffi["filevers"] == ffi["prodvers"] == wv.numeric(version)
    string_info, var_info = info["kids"]
    [[_, (lang, structs), _]] = string_info[1][0]
    strings = {s[1][0]: s[1][1] for s in structs}
    assert lang == "040904B0"
    assert strings["ProductVersion"] == strings["FileVersion"] == version
    assert strings["OriginalFilename"] == "quire-cli.exe"
    assert strings["InternalName"] == "quire-cli"
    assert strings["ProductName"] == "Quire"
    assert var_info[0] == "VarFileInfo"
