"""The headless ``quire`` subcommands."""

import json

import pytest

from desktop.cli import main
from tests.cli.support import run_quire


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "note.txt").write_text("A field note\n\nPeople left at dawn [1].\n\nNotes\n"
                                "[1] Interview, 12 October 2017.\n", encoding="utf-8")
    (d / "ar.txt").write_bytes("مقال عن الرقة\n\nعاد السكان إلى المدينة.\n".encode("cp1256"))
    return d




def test_new_import_sources_show(tmp_path, corpus, capsys):
    p = tmp_path / "study.quire"
    assert run_quire(capsys, "new", str(p))[0] == 0
    code, out, _ = run_quire(capsys, "import", str(p), str(corpus), "--collection", "Notes")
    assert code == 0 and "2 source(s) added from 2 file(s), 0 failed" in out
    code, out, _ = run_quire(capsys, "sources", str(p), "--json")
    rows = json.loads(out)
    assert {r["title"] for r in rows} == {"A field note", "مقال عن الرقة"}
    row = next(r for r in rows if r["title"] == "A field note")
    assert row["collections"] == ["Notes"] and row["footnotes"] == 1 and row["kind"] == "article"
    assert set(row) >= {"id", "uuid", "kind", "title", "author", "handle", "platform",
                        "published", "collections", "length", "footnotes"}
    code, out, _ = run_quire(capsys, "show", str(p), str(row["id"]), "--json")
    shown = json.loads(out)
    fn = shown["footnotes"][0]
    assert shown["text"][fn["offset"]:fn["end"]] == "[1]"
    assert fn["text"] == "Interview, 12 October 2017."
    code, out, _ = run_quire(capsys, "show", str(p), str(row["id"]))
    assert "People left at dawn [1]." in out and "[1] at " in out


def test_import_exits_1_when_a_file_fails(tmp_path, corpus, capsys):
    p = tmp_path / "s.quire"
    main(["new", str(p)])
    (corpus / "empty.txt").write_bytes(b"")
    code, out, _ = run_quire(capsys, "import", str(p), str(corpus))
    assert code == 1
    assert "FAILED   empty.txt: the file is empty" in out


def test_errors_are_messages_not_tracebacks(tmp_path, capsys):
    code, _, err = run_quire(capsys, "sources", str(tmp_path / "none.quire"))
    assert code == 2 and "no such file" in err and "Traceback" not in err
    p = tmp_path / "s.quire"
    main(["new", str(p)])
    code, _, err = run_quire(capsys, "show", str(p), "99")
    assert code == 2 and "no source with id 99" in err
    code, _, err = run_quire(capsys, "import", str(p), str(tmp_path / "nothing-here"))
    assert code == 2 and "no such file or folder" in err
    code, _, err = run_quire(capsys, "sources", str(p), "--collection", "Nope")
    assert code == 2 and "no collection named 'Nope'" in err


def test_unknown_format_is_a_usage_error(tmp_path, corpus, capsys):
    p = tmp_path / "s.quire"
    main(["new", str(p)])
    code, _, err = run_quire(capsys, "import", str(p), str(corpus), "--format", "nope")
    assert code == 2 and "unknown format 'nope'" in err and "markdown" in err


def test_coding_commands_are_wired_into_quire(tmp_path, corpus, capsys):
    p = tmp_path / "s.quire"
    main(["new", str(p)])
    main(["import", str(p), str(corpus)])
    capsys.readouterr()
    _, out, _ = run_quire(capsys, "sources", str(p), "--json")
    sid = next(r["id"] for r in json.loads(out) if r["title"] == "A field note")
    code, out, _ = run_quire(capsys, "code", str(p), "--code", "Movement/Leaving", "--source",
                             str(sid), "--start", "14", "--end", "38", "--coder", "Lina", "--json")
    assert code == 0, out
    code, out, _ = run_quire(capsys, "excerpts", str(p), "--json")
    [excerpt] = json.loads(out)
    assert excerpt["text"] == "People left at dawn [1]."
    assert excerpt["coder"] == "Lina"
    code, out, _ = run_quire(capsys, "codes", str(p))
    assert "Leaving" in out and code == 0
