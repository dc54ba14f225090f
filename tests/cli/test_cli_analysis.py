"""``quire analyze`` prints what the core computes, writes charts and tables, refuses
bad options with a message."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from db import project
from db.analysis import Spec, analyze
from db.export.selection import Selection
from tests.cli.support import run_quire
from tests.db.analysis.support import build


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The hand-worked project of tests/db/analysis/support.py."""
    proj = project.create(tmp_path_factory.mktemp("cli") / "small.quire")
    small = build(proj)
    yield proj, small
    proj.close()


CASES = [
    (["frequencies", "--rollup"], Spec("frequencies", rollup=True), Selection()),
    (["cooccurrence", "--unit", "paragraph"], Spec("cooccurrence", unit="paragraph"),
     Selection()),
    (["crosstab", "--by", "platform", "--count", "sources"],
     Spec("crosstab", by="platform", counted="sources"), Selection()),
    (["timeline", "--interval", "week", "--from", "2016-06-01"],
     Spec("timeline", interval="week"), Selection(date_from="2016-06-01")),
    (["words", "--ngram", "2", "--keep-stopwords"], Spec("words", ngram=2, stopwords=False),
     Selection()),
]


@pytest.mark.parametrize(("argv", "spec", "sel"), CASES)
def test_the_cli_prints_the_core_numbers(made, capsys, argv, spec, sel):
    proj, _ = made
    code, out, err = run_quire(capsys, "analyze", argv[0], proj.path, *argv[1:], "--json")
    assert code == 0, err
    with proj.sessions() as s:
        expected = analyze(s, sel, spec, project=proj).to_dict()
    got = json.loads(out)
    assert got["rows"] == json.loads(json.dumps(expected["rows"]))
    assert got.get("matrix") == json.loads(json.dumps(expected.get("matrix")))


def test_filters_by_code_coder_and_the_sources_pane(made, capsys):
    proj, small = made
    code, out, _ = run_quire(capsys, "analyze", "frequencies", proj.path, "--coder", "Lina",
                             "--code", "Despair", "--platform", "twitter", "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["Code", "Excerpts", "Sources", "Characters", "Words"],
                    ["Despair", "1", "1", "18", "4"]]  # E6 only


def test_keyness_against_a_code_and_the_text_output(made, capsys):
    proj, _ = made
    code, out, _ = run_quire(capsys, "analyze", "words", proj.path, "--code", "Defiance",
                             "--against", "Counter-messaging", "--keep-stopwords")
    assert code == 0
    assert out.startswith("Keyness of the coded text against the reference codes' text")
    assert "Log-likelihood" in out and "fighters" in out


def test_chart_and_table_files(made, capsys, tmp_path):
    proj, _ = made
    code, out, err = run_quire(capsys, "analyze", "crosstab", proj.path, "--by", "collection",
                               "--chart", tmp_path / "x.svg", "--table", tmp_path / "x.xlsx",
                               "--layer", "row %")
    assert code == 0, err
    assert "<svg" in (tmp_path / "x.svg").read_text()
    book = load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["Table", "count", "row percent", "column percent", "Notes"]
    assert [c.value for c in book["count"][1]] == [None, "Articles", "Tweets", "Channels"]
    assert f"wrote {tmp_path / 'x.svg'}" in out
    code, _, _ = run_quire(capsys, "analyze", "crosstab", proj.path, "--by", "platform",
                           "--table", tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Code,Platform,Excerpts,Row %,Column %"


@pytest.mark.parametrize("argv", [
    ["crosstab"],  # needs --by
    ["words", "--against", "No such code"],
    ["frequencies", "--chart", "out.gif"],
    ["frequencies", "--code", "Nothing"],
])
def test_bad_options_get_a_message(made, capsys, tmp_path, argv):
    proj, _ = made
    args = [a if a != "out.gif" else tmp_path / a for a in argv]
    code, _, err = run_quire(capsys, "analyze", args[0], proj.path, *args[1:])
    assert code == 2 and err.startswith("quire: ")


def test_export_pdf_with_a_chart(made, capsys, tmp_path):
    proj, _ = made
    code, out, err = run_quire(capsys, "export-pdf", proj.path, tmp_path / "a.pdf",
                               "--analysis", "cooccurrence:sentence", "--analysis",
                               "timeline:month")
    assert code == 0, err
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "a.pdf").pages[:4])
    assert "Code co-occurrence (same sentence)" in text and "Coded excerpts per month" in text
    code, _, err = run_quire(capsys, "export-pdf", proj.path, tmp_path / "b.pdf",
                             "--analysis", "cooccurrence:page")
    assert code == 2 and "unknown unit 'page'" in err
