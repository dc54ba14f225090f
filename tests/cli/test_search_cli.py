"""``quire search`` and ``quire reindex``, headless."""

import json
import subprocess
import sys

import pytest

from desktop.cli import main
from tests.cli.support import run_quire

POST = "🕊️ Families returned to #SDFfreedRaqqa. عادت العائلات إلى الرَّقَّة"


@pytest.fixture
def study(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "note.txt").write_text("A field note\n\nPeople left Raqqa at dawn [1].\n\nNotes\n"
                                "[1] Interview with families, 12 October 2017.\n",
                                encoding="utf-8")
    (d / "post.txt").write_text(f"Post\n\n{POST}\n", encoding="utf-8")
    p = tmp_path / "study.quire"
    assert main(["new", str(p)]) == 0
    assert main(["import", str(p), str(d)]) == 0
    return p




def test_search_json_gives_exact_spans(study, capsys):
    code, out, _ = run_quire(capsys, "search", str(study), "الرقة OR raqqa", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["offset_unit"] == "unicode code points"
    assert {h["text"] for h in data["hits"]} == {"Raqqa", "الرَّقَّة"}
    code, out, _ = run_quire(capsys, "show", str(study), str(data["hits"][0]["source_id"]),
                             "--json")
    text = json.loads(out)["text"]
    for h in data["hits"]:
        if h["source_id"] == json.loads(out)["id"]:
            assert text[h["start"]:h["end"]] == h["text"]
            assert text[:h["start"]].endswith(h["left"][-10:])
            assert text[h["end"]:].startswith(h["right"][:10])


def test_search_lines_limit_and_stemmed(study, capsys):
    code, out, _ = run_quire(capsys, "search", str(study), "family", "--stemmed")
    assert code == 0 and "[Families]" in out and "(footnote)" in out
    assert out.strip().endswith("2 hit(s) in 2 source(s)")
    code, out, _ = run_quire(capsys, "search", str(study), "family", "--stemmed", "--limit", "1")
    assert "1 hit(s) in 1 source(s) (limit reached)" in out
    code, out, _ = run_quire(capsys, "search", str(study), "family")
    assert code == 1 and "0 hit(s)" in out


def test_syntax_error_points_at_the_problem(study, capsys):
    code, out, err = run_quire(capsys, "search", str(study), '(raqqa OR "left')
    assert code == 2 and "never closed" in err and "Traceback" not in err
    assert err.splitlines()[-1] == "  " + " " * 10 + "^"


def test_reindex_prints_progress_and_summary(study, capsys):
    code, out, err = run_quire(capsys, "reindex", str(study))
    assert code == 0 and "search index rebuilt: 2 source(s)" in out
    assert "Saving the search index" in err


def test_search_loads_only_what_it_needs(study):
    code = ("import sys, json; from desktop.cli import main; "
            f"main(['search', {str(study)!r}, 'raqqa']); "
            "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {"db", "sqlalchemy", "whoosh"} <= loaded
    assert not loaded & {"PySide6", "alembic", "trafilatura", "pypdf", "lxml", "reportlab",
                         "openpyxl", "citeproc", "markdown_it", "docx", "bibtexparser"}


def test_help_loads_no_database_layer():
    """``quire search --help`` answers before SQLAlchemy, the models or Whoosh load."""
    code = ("import sys, json, contextlib, io; from desktop.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try: main(['search', '--help'])\n"
            "    except SystemExit: pass\n"
            "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not loaded & {"sqlalchemy", "whoosh", "PySide6", "alembic", "multiprocessing"}


def test_search_jsonl_streams_one_object_per_hit(study, capsys):
    code, out, _ = run_quire(capsys, "search", str(study), "raqqa OR الرقة", "--jsonl")
    hits = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {h["text"] for h in hits} == {"Raqqa", "الرَّقَّة"}
    assert all(h["start"] < h["end"] for h in hits)
