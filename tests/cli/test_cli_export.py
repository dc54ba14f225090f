"""``quire export-pdf`` and ``quire export-excerpts``, through their own argument parser."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.errors import QuireError
from desktop import cli_export
from tests.db.export.support import ARABIC, make_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-export")
    proj, made = make_project(folder)
    proj.close()
    return folder / "export.quire", made


def quire(*argv: str) -> int:
    """Run an export command as ``quire`` would (QuireError is raised, not printed)."""
    parser = argparse.ArgumentParser(prog="quire")
    cli_export.add_commands(parser.add_subparsers(required=True))
    args = parser.parse_args([str(a) for a in argv])
    return args.run(args)


def test_export_pdf_with_filters(project_file, tmp_path, capsys):
    path, _ = project_file
    out = tmp_path / "displacement.pdf"
    assert quire("export-pdf", path, out, "--code", "Displacement", "--no-subcodes",
                 "--title", "Displacement", "--order", "source", "--style", "mla") == 0
    line = capsys.readouterr().out
    assert line.startswith(f"wrote {out}: 2 excerpt(s) from 2 source(s)")
    reader = PdfReader(str(out))
    assert reader.metadata.title == "Displacement"
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Their early surveys" in text and "For the tens of thousands" not in text


def test_export_excerpts_csv_and_xlsx_as_json(project_file, tmp_path, capsys):
    path, made = project_file
    out = tmp_path / "quotes.csv"
    assert quire("export-excerpts", path, out, "--coder", "Lina", "--from", "2017-10-01",
                 "--to", "2017-10-31", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert data["rows"] == len(rows) > 0 and data["offset_unit"] == "unicode code points"
    assert {r["platform"] for r in rows} <= {"twitter", "telegram", ""}  # "": an article
    assert "Raqqa After the Battle: Return, Rubble and the Long Wait" in {  # dated by
        r["source title"] for r in rows}  # its byline (30 October 2017)
    assert quire("export-excerpts", path, tmp_path / "all.xlsx", "--source",
                 made.sources[ARABIC]) == 0
    assert (tmp_path / "all.xlsx").stat().st_size > 0


def test_a_query_and_a_whole_source(project_file, tmp_path):
    path, made = project_file
    assert quire("export-pdf", path, tmp_path / "q.pdf", "--query", "electricity") == 0
    text = " ".join(p.extract_text() for p in PdfReader(str(tmp_path / "q.pdf")).pages)
    assert "water and electricity networks" in text
    assert quire("export-pdf", path, tmp_path / "whole.pdf", "--source",
                 made.sources[ARABIC], "--whole", "--page-size", "Letter") == 0
    assert len(PdfReader(str(tmp_path / "whole.pdf")).pages) >= 1


def test_nothing_to_export_is_exit_1_without_a_file(project_file, tmp_path, capsys):
    path, _ = project_file
    out = tmp_path / "none.pdf"
    assert quire("export-pdf", path, out, "--excerpt", "999999") == 1
    assert "nothing to export" in capsys.readouterr().err and not out.exists()


def test_bad_options_are_errors(project_file, tmp_path):
    path, _ = project_file
    with pytest.raises(QuireError, match="no code"):
        quire("export-pdf", path, tmp_path / "x.pdf", "--code", "Nope")
    with pytest.raises(QuireError, match="--whole needs --source"):
        quire("export-pdf", path, tmp_path / "x.pdf", "--whole")
    with pytest.raises(QuireError, match="must end in"):
        quire("export-excerpts", path, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_the_export_commands_never_import_qt():
    code = ("import sys, desktop.cli_export, db.export.pdf, db.export.tables; "
            "assert 'PySide6' not in sys.modules, 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
