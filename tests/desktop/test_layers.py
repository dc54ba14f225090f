"""The desktop's layers are enforced: import-linter breaks on an import up the layers.

(``make test`` and ``make lint`` run the real check on the real tree; this shows the
contract bites.)
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(shutil.which("lint-imports") or ROOT / ".venv" / "bin" / "lint-imports")


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
def test_a_widget_importing_a_view_breaks_the_layers(tmp_path):
    for package in ("db", "desktop"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "desktop" / "widgets" / "sneaky.py").write_text(
        '"""A helper that reaches up a layer."""\n\nfrom desktop.views.reader import Reader\n')
    with (tmp_path / "desktop" / "undo.py").open("a") as undo:  # the history reaches down
        undo.write("\nimport desktop.widgets.bidi  # noqa: E402\n")
    done = subprocess.run([str(LINT), "--no-cache"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode != 0
    assert "The desktop is layered: window, panes, views, dialogs, widgets, models BROKEN" \
        in done.stdout
    assert "desktop.widgets.sneaky -> desktop.views.reader" in done.stdout
    assert "knows no widget BROKEN" in done.stdout
    assert "desktop.undo -> desktop.widgets.bidi" in done.stdout
    assert "The core never imports the desktop KEPT" in done.stdout
