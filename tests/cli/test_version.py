"""``quire --version`` (and ``--verbose``): answered at once, with or without a display."""

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from db import __version__
from desktop import about
from desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_version(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"Quire {__version__} (source checkout, {about.version_line().split(', ')[1]}"]


def test_the_version_is_the_packages():
    assert __version__ == metadata.version("quire")


@pytest.mark.parametrize("argv", [["--version", "--verbose"], ["--verbose", "--version"]])
def test_verbose_lists_the_components(argv, capsys):
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = dict(line.split(None, 1) if not line.startswith("  ") else
                (line.strip().rsplit("  ", 1)[0].strip(), line.strip().rsplit("  ", 1)[1])
                for line in lines[1:])
    assert lines[0].startswith(f"Quire {__version__} ")
    assert rows["Python"].startswith(".".join(map(str, sys.version_info[:3])))
    assert rows["SQLAlchemy"] == metadata.version("SQLAlchemy")
    assert rows["Whoosh"] == metadata.version("Whoosh-Reloaded")
    assert rows["reportlab"] == metadata.version("reportlab")
    assert rows["psycopg"] == metadata.version("psycopg")
    assert rows["PySide6"] == rows["Qt"] == metadata.version("PySide6-Essentials")
    assert "not installed" not in "\n".join(lines)


def test_version_needs_no_display_and_loads_neither_qt_nor_the_database():
    code = ("import sys; from desktop.cli import main; rc = main(['--version', '--verbose']); "
            "heavy = [m for m in ('PySide6', 'sqlalchemy', 'whoosh', 'reportlab') "
            "if m in sys.modules]; assert not heavy, heavy; sys.exit(rc)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Quire {__version__}")
    assert "no display" not in done.stderr


def test_version_with_other_arguments_is_not_taken_for_the_version(capsys):
    """``--version`` only stands alone (or with ``--verbose``): a project named so is not."""
    with pytest.raises(SystemExit):
        main(["sources", "--version"])
    assert "Quire" not in capsys.readouterr().out


def test_a_missing_component_is_said_so(monkeypatch):
    monkeypatch.setattr(about, "COMPONENTS", (*about.COMPONENTS, ("Nothing", "no-such-dist")))
    assert ("Nothing", "not installed") in about.components()


def test_no_notices_in_a_checkout():
    assert about.notices_path() is None
