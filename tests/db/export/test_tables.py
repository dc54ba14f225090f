"""Quote tables: CSV (UTF-8 with BOM) and XLSX, one excerpt per row, nothing evaluated."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from db.errors import EmptyExportError, ExportError
from db.export.selection import Selection
from db.export.tables import COLUMNS, export_table
from db.ops.memos import create_memo
from tests.db.coding_support import run
from tests.db.export.support import MARKUP_MEMO, make_project


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    proj, made = make_project(tmp_path_factory.mktemp("tables"))
    run(proj, lambda s: create_memo(s, target="excerpt", target_id=made.excerpts["undp"],
                                    body="=HYPERLINK(\"http://example.org\")",
                                    coder_id=made.coder))
    yield proj, made
    proj.close()


def test_csv_has_a_bom_a_header_and_a_row_per_excerpt(sample, tmp_path):
    proj, made = sample
    with proj.sessions() as s:
        result = export_table(s, Selection(), tmp_path / "quotes.csv")
    raw = result.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert tuple(rows[0]) == COLUMNS and len(rows) - 1 == result.rows == len(made.excerpts)
    by_id = {int(r[0]): dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    mosul = by_id[made.excerpts["mosul"]]
    assert mosul["text"].startswith("أعلنت الحكومة العراقية") and mosul["codes"] == \
        "Displacement"
    assert mosul["coder"] == "Lina" and "مذكرة" in mosul["memos"]
    assert "الموصل بعد المعركة" in mosul["citation"] and "3" in mosul["citation"]
    surveys = by_id[made.excerpts["surveys"]]
    assert MARKUP_MEMO in surveys["memos"]
    assert "Raqqa Civil Recovery Working Group" in surveys["citation"]  # the article's note
    camps = by_id[made.excerpts["camps"]]
    assert camps["codes"] == "Displacement/Return"
    assert by_id[made.excerpts["undp"]]["memos"].startswith("'=HYPERLINK")  # defused


def test_xlsx_reads_back_with_text_never_evaluated(sample, tmp_path):
    proj, made = sample
    with proj.sessions() as s:
        result = export_table(s, Selection(order="source"), tmp_path / "quotes.xlsx",
                              style="apa")
    sheet = openpyxl.load_workbook(result.path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) - 1 == len(made.excerpts)
    undp = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == made.excerpts["undp"])
    memo = undp[COLUMNS.index("memos")]
    assert memo.value.startswith("=HYPERLINK") and memo.data_type == "s"
    assert isinstance(undp[COLUMNS.index("start (code point)")].value, int)
    posts = [r for r in rows[1:] if r[COLUMNS.index("platform")] == "twitter"]
    assert posts and all(r[COLUMNS.index("URL")].startswith("https://") for r in posts)


def test_nothing_to_export_and_bad_names(sample, tmp_path):
    proj, _ = sample
    with proj.sessions() as s:
        with pytest.raises(EmptyExportError):
            export_table(s, Selection(excerpt_ids=[]), tmp_path / "none.csv")
        with pytest.raises(ExportError):
            export_table(s, Selection(), tmp_path / "quotes.txt")
        with pytest.raises(ExportError):
            export_table(s, Selection(), tmp_path / "nowhere" / "quotes.csv")
        with pytest.raises(ExportError):
            export_table(s, Selection(), tmp_path / "q.csv", style="harvard")
    assert list(tmp_path.iterdir()) == []
