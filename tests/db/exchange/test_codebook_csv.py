"""The codebook as a table: out as CSV (what Taguette and spreadsheets read), back in."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from db import project
from db.errors import ImportFileError
from db.exchange.codebook_csv import COLUMNS, export_codebook_csv, import_codebook
from db.models import Code, Coder, Coding, Collection, Excerpt, Memo, Source
from db.ops.codes import create_code
from db.queries.codes import code_tree
from tests.db.coding_support import round_trip

FILES = Path(__file__).parent / "taguette_files"


def codebook(proj) -> list[tuple]:
    with proj.sessions() as s:
        return [(r["path"], r["depth"], r["description"], r["color"]) for r in code_tree(s)]


def build(proj) -> None:
    with proj.session() as s:
        emotions = create_code(s, name="Emotions", description="How people feel\nآمال",
                               color="#fb8072").value
        create_code(s, name="Hope", parent_id=emotions, description="أمل")
        create_code(s, name="Politics/Local", parent_id=emotions, color="#80b1d3")
        create_code(s, name="Water, power", description='Say "none"')


def test_out_and_back_into_a_new_project_gives_the_same_codebook(proj, tmp_path):
    build(proj)
    out = tmp_path / "book.csv"
    with proj.sessions() as s:
        export_codebook_csv(s, out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read the Arabic
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(COLUMNS)
    assert rows[3][0] == "Emotions/Politics/Local" and rows[3][3] == "Emotions"
    with project.create(tmp_path / "other.quire") as other:
        with other.session() as s:
            report = import_codebook(s, path=out).value
        assert report.added["codes"] == 4
        assert codebook(other) == codebook(proj)  # "Politics/Local" came back whole


def test_importing_is_one_undoable_step_and_codes_already_there_are_matched(proj, tmp_path):
    build(proj)
    out = tmp_path / "book.csv"
    with proj.sessions() as s:
        export_codebook_csv(s, out)
    with proj.session() as s:
        report = import_codebook(s, path=out).value
    assert not report.changes_anything and report.matched_by["codes"] == {"path": 4}
    out.write_text("path,description\nEmotions/Hope/Small,\nNew/Deeper,d\n", encoding="utf-8")
    tables = (Source, Code, Coder, Excerpt, Coding, Memo, Collection)
    done, _ = round_trip(proj, lambda s: import_codebook(s, path=out), tables=tables)
    assert done.value.added["codes"] == 3  # Small, New and Deeper; Emotions/Hope matched


def test_taguettes_codebook_csv_gives_flat_names(proj):
    with proj.session() as s:
        report = import_codebook(s, path=FILES / "codebook.csv").value
    assert report.added["codes"] == 7
    with proj.sessions() as s:
        local = s.scalar(select(Code).where(Code.name == "politique/locale"))
        assert local.parent_id is None and local.description == "Local politics"


def test_a_spreadsheet_path_makes_its_parents_and_bad_rows_refuse_the_file(proj, tmp_path):
    path = tmp_path / "hand.csv"
    path.write_text("Path;Colour\nA/B/C;#00ff00\nA/B;\n", encoding="cp1252")
    with proj.session() as s:
        import_codebook(s, path=path)
    assert [(p, d) for p, d, _, _ in codebook(proj)] == [("A", 0), ("A/B", 1), ("A/B/C", 2)]
    assert codebook(proj)[2][3] == "#00ff00"
    for text, words in (("path,description\n,orphan description\n", "line 2: a code without"),
                        ("path,parent\nX/Y,Z\n", "not under its parent"),
                        ("title,description\nx,y\n", "no column 'path', 'tag' or 'name'")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ImportFileError, match=words), proj.session() as s:
            import_codebook(s, path=path)
