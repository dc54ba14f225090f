"""The exchange subcommands (export/import REFI-QDA, merge, agreement) through their parser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from db import project
from desktop.cli_exchange import COMMANDS
from tests.cli.support import run_quire
from tests.db.coding_support import dump
from tests.db.exchange.support import build_study
from tests.project_support import new_project


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.quire"
    with new_project(path) as proj:
        build_study(proj)
    return path


@pytest.fixture
def empty(tmp_path):
    path = tmp_path / "empty.quire"
    new_project(path).close()
    return path




def _dump(path):
    with project.open(path) as proj:
        return dump(proj)


def test_the_commands_need_no_qt():
    assert COMMANDS == ("export-qdpx", "import-qdpx", "export-qdc", "import-qdc",
                        "export-codebook", "import-codebook", "import-taguette", "merge",
                        "agreement")
    code = ("import sys, desktop.cli_exchange, db.merge, db.agreement; "
            "sys.exit('PySide6' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_export_then_import_a_project(capsys, study, empty, tmp_path):
    out = tmp_path / "study.qdpx"
    code, text, _ = run_quire(capsys, "export-qdpx", study, out)
    assert code == 0 and "code points" in text and out.exists()
    code, text, _ = run_quire(capsys, "import-qdpx", empty, out, "--json")
    report = json.loads(text)
    assert code == 0 and report["added"]["excerpts"] == 6 and report["added"]["coders"] == 2


def test_export_then_import_a_codebook(capsys, study, empty, tmp_path):
    assert run_quire(capsys, "export-qdc", study, tmp_path / "book.qdc")[0] == 0
    code, text, _ = run_quire(capsys, "import-qdc", empty, tmp_path / "book.qdc")
    assert code == 0 and re.search(r"codes\s+4 to add", text)


def test_a_refused_file_changes_nothing_and_says_why(capsys, study, tmp_path):
    bad = tmp_path / "bad.qdpx"
    bad.write_text("hello")
    before = _dump(study)
    code, _, err = run_quire(capsys, "import-qdpx", study, bad)
    assert code == 2 and "not a zip archive" in err
    assert _dump(study) == before


def test_merge_dry_run_then_merge(capsys, study, empty, tmp_path):
    copy = tmp_path / "copy.quire"
    shutil.copy(study, copy)
    before = _dump(empty)
    code, text, _ = run_quire(capsys, "merge", empty, copy, "--dry-run")
    assert code == 0 and "nothing changed" in text and re.search(r"sources\s+3 to add", text)
    assert _dump(empty) == before
    code, text, _ = run_quire(capsys, "merge", empty, copy, "--json")
    assert code == 0 and json.loads(text)["added"]["memos"] == 6
    code, text, _ = run_quire(capsys, "merge", empty, copy)
    assert re.search(r"sources\s+0 to add\s+3 already there \(by UUID 3\)", text)


def test_agreement_table_json_and_csv(capsys, study, tmp_path):
    code, text, _ = run_quire(capsys, "agreement", study, "--coders", "Amira,Omar", "--code",
                              "Infrastructure/Water", "--unit", "segment", "--ignore-uncoded",
                              "--csv", tmp_path / "a.csv")
    assert code == 0 and "units: sentences" in text and "uncoded text ignored" in text
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").startswith("code,coders")
    code, text, _ = run_quire(capsys, "agreement", study, "--json")
    data = json.loads(text)
    assert data["coders"] == ["Amira", "Omar"] and data["overall"]["path"] == "All codes"
    code, _, err = run_quire(capsys, "agreement", study, "--coders", "Amira,Nobody")
    assert code == 2 and "no coder named 'Nobody'" in err
