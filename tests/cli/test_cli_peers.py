"""quire import-taguette, export-codebook, import-codebook; a Taguette file given to a
project command is named as such and left as it was."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from tests.cli.support import run_quire

FILES = Path(__file__).resolve().parents[1] / "db" / "exchange" / "taguette_files"


def test_import_taguette_then_the_codebook_out_and_into_another_project(capsys, tmp_path):
    code, out, _ = run_quire(capsys, "import-taguette", FILES / "taguette-server.sqlite3",
                             tmp_path / "study.quire", "--project", "Field study")
    assert code == 0 and "excerpts          9 to add" in out
    code, out, _ = run_quire(capsys, "export-codebook", tmp_path / "study.quire",
                             tmp_path / "book.csv")
    assert code == 0 and (tmp_path / "book.csv").exists()
    run_quire(capsys, "new", tmp_path / "other.quire")
    code, out, _ = run_quire(capsys, "import-codebook", tmp_path / "other.quire",
                             tmp_path / "book.csv", "--json")
    assert code == 0 and json.loads(out)["added"]["codes"] == 7


def test_a_taguette_file_is_not_opened_as_a_project_and_not_changed(capsys, tmp_path):
    copy = tmp_path / "project.sqlite3"
    shutil.copyfile(FILES / "project.sqlite3", copy)
    before = hashlib.sha256(copy.read_bytes()).digest()
    code, _, err = run_quire(capsys, "sources", copy)
    assert code == 2 and "this is a Taguette project" in err and "import-taguette" in err
    assert hashlib.sha256(copy.read_bytes()).digest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.sqlite3"]
    code, _, err = run_quire(capsys, "import-taguette", FILES / "taguette-server.sqlite3",
                             tmp_path / "x.quire")
    assert code == 2 and "choose one" in err and not (tmp_path / "x.quire").exists()
