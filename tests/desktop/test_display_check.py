"""``make run``'s display check (packaging/check_display.py): the packages it names are
the ones the README and .ci/run install, and it says what is missing in words."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "check_display.py"


def _module():
    spec = importlib.util.spec_from_file_location("check_display", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_names_every_package_the_check_knows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [pkg for pkg in _module().DISPLAY_PACKAGES if pkg not in readme]
    assert missing == []


def test_ci_installs_the_same_list_and_xvfb():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "check_display.py --packages" in ci
    assert "xvfb xauth" in ci
    out = subprocess.run([sys.executable, str(SCRIPT), "--packages"], capture_output=True,
                         text=True, check=True).stdout.split()
    assert "libxcb-cursor0" in out and "libxcb-icccm4" in out


def test_missing_libraries_become_package_names():
    check = _module()
    known, unknown = check.packages_for(["libxcb-cursor.so.0", "libxcb-icccm.so.4",
                                         "libnothing.so.9"])
    assert known == ["libxcb-cursor0", "libxcb-icccm4"]
    assert unknown == ["libnothing.so.9"]


def test_no_display_is_said(monkeypatch):
    check = _module()
    monkeypatch.setattr(check.sys, "platform", "linux")
    found = check.problems({"PATH": os.environ.get("PATH", "")})
    assert any("No display" in text for text in found)
    assert check.problems({"QT_QPA_PLATFORM": "offscreen"}) == []


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"),
                    reason="ldd on Linux only")
def test_this_machine_has_what_the_xcb_plugin_needs():
    """.ci/run installed the list: the plugin PySide6 ships loads every library."""
    check = _module()
    plugin = check.xcb_plugin()
    assert plugin is not None
    assert check.missing_libraries(plugin) == []
    env = {"DISPLAY": ":99", "PATH": os.environ.get("PATH", "")}
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
