"""The coding subcommands (codes, code, excerpts, uncode), through their own parser."""

import json
import subprocess
import sys

import pytest

from db import project
from desktop.cli_coding import COMMANDS, add_commands
from tests.cli.support import group_parser, run_quire
from tests.db.coding_support import add_source, dump
from tests.project_support import new_project

ARTICLE = ("They left at dawn. Nobody came back.\n\n"
           "The town was empty. In the spring, a few came back to the town.")
POST = "😀 عاد السكان إلى المدينة؟ لا أحد."


@pytest.fixture
def study(tmp_path):
    """A project file with an article (id 1) and a post (id 2)."""
    path = tmp_path / "study.quire"
    with new_project(path) as proj, proj.session() as s:
        add_source(s, ARTICLE, title="Dawn")
        add_source(s, POST, kind="post", platform="telegram", post_id="5")
    return path






def _span(text, word):
    start = text.index(word)
    return ["--start", start, "--end", start + len(word)]


def _dump(path):
    with project.open(path) as proj:
        return dump(proj)


def test_the_four_commands_are_added_and_need_no_qt():
    assert COMMANDS == ("codes", "code", "excerpts", "uncode")
    parser = group_parser(add_commands)
    assert set(parser._subparsers._group_actions[0].choices) == set(COMMANDS)
    probe = ("import sys, desktop.cli_coding; "
             "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0


def test_code_a_span_creates_the_code_path_and_prints_the_excerpt(study, capsys):
    code, out, err = run_quire(capsys, "code", study, "--code", "Emotions/Despair", "--source", 1,
                               *_span(ARTICLE, "Nobody came back"))
    assert code == 0, err
    assert "excerpt 1  source 1 [19, 35)  by cli  Emotions/Despair" in out
    assert "    Nobody came back" in out
    assert out.strip().endswith("1 excerpt(s) coded 'Emotions/Despair' by cli")
    code, out, _ = run_quire(capsys, "codes", study)
    assert code == 0
    lines = out.splitlines()
    assert "Emotions  (0 excerpt(s) in 0 source(s))" in lines[0]
    assert "  Despair  (1 excerpt(s) in 1 source(s))" in lines[1]
    assert lines[-1] == "2 code(s)"


def test_code_json_coder_from_option_or_environment(study, capsys, monkeypatch):
    code, out, _ = run_quire(capsys, "code", study, "--code", "Place", "--source", 2,
                             *_span(POST, "المدينة"), "--coder", "Layla", "--json")
    row, = json.loads(out)
    assert (row["text"], row["coder"], row["source_id"]) == ("المدينة", "Layla", 2)
    assert (row["start"], row["end"]) == (POST.index("المدينة"), POST.index("؟"))
    assert [c["path"] for c in row["codes"]] == ["Place"] and row["uuid"]
    monkeypatch.setenv("QUIRE_CODER", "Omar")
    _, out, _ = run_quire(capsys, "code", study, "--code", "place", "--source", 2,
                          *_span(POST, "عاد"), "--json")
    row, = json.loads(out)
    assert row["coder"] == "Omar" and row["codes"][0]["path"] == "Place"


@pytest.mark.parametrize("span,message", [
    (["--start", 5, "--end", 5], "the span [5, 5) is empty"),
    (["--start", 0, "--end", 500], f"outside source 1, whose text has {len(ARTICLE)}"),
    (["--start", -3, "--end", 2], "outside source 1"),
    (["--start", 36, "--end", 38], "is only white space"),
    (["--start", 3], "--source needs --start and --end"),
])
def test_bad_spans_are_refused_and_nothing_is_created(study, capsys, span, message):
    before = _dump(study)
    code, out, err = run_quire(capsys, "code", study, "--code", "New/Code", "--source", 1, *span)
    assert code == 2 and message in err and "Traceback" not in err and out == ""
    assert _dump(study) == before


def test_other_errors(study, capsys):
    code, _, err = run_quire(capsys, "code", study, "--code", "X", "--source", 9, "--start", 0,
                             "--end", 1)
    assert code == 2 and "no source with id 9" in err
    code, _, err = run_quire(capsys, "code", study, "--code", " / ", "--source", 1, "--start", 0,
                             "--end", 4)
    assert code == 2 and "a code path needs at least one name" in err
    with pytest.raises(SystemExit):
        group_parser(add_commands).parse_args(["code", str(study), "--code", "X",
                                               "--source", "1", "--query", "dawn"])
    with pytest.raises(SystemExit):
        group_parser(add_commands).parse_args(["code", str(study), "--code", "X"])


def test_excerpts_lists_exact_text_and_filters(study, capsys):
    run_quire(capsys, "code", study, "--code", "Return", "--source", 1,
              *_span(ARTICLE, "came back"))
    run_quire(capsys, "code", study, "--code", "Place", "--source", 2, *_span(POST, "المدينة"),
              "--coder", "Layla")
    code, out, _ = run_quire(capsys, "excerpts", study, "--json")
    rows = json.loads(out)
    assert code == 0 and [r["text"] for r in rows] == ["came back", "المدينة"]
    assert set(rows[0]) >= {"id", "uuid", "source_id", "start", "end", "text", "codes",
                            "coder"}
    _, out, _ = run_quire(capsys, "excerpts", study, "--coder", "Layla", "--json")
    assert [r["text"] for r in json.loads(out)] == ["المدينة"]
    _, out, _ = run_quire(capsys, "excerpts", study, "--code", "return")
    assert "    came back" in out and out.strip().endswith("1 excerpt(s)")
    code, _, err = run_quire(capsys, "excerpts", study, "--code", "Nope")
    assert code == 2 and "no code at 'Nope'" in err
    code, _, err = run_quire(capsys, "excerpts", study, "--coder", "Nobody")
    assert code == 2 and "no coder named 'Nobody'" in err


def test_uncode_removes_a_code_or_the_excerpt(study, capsys):
    run_quire(capsys, "code", study, "--code", "A", "--source", 1, *_span(ARTICLE, "dawn"))
    run_quire(capsys, "code", study, "--code", "B", "--source", 1, *_span(ARTICLE, "dawn"))
    code, out, _ = run_quire(capsys, "uncode", study, "--excerpt", 1, "--code", "A")
    assert code == 0 and out.strip() == "removed code 'A' from excerpt 1"
    code, out, _ = run_quire(capsys, "uncode", study, "--excerpt", 1, "--code", "B", "--json")
    assert json.loads(out) == {"excerpt": 1, "code": "B", "excerpt_deleted": True}
    code, _, err = run_quire(capsys, "uncode", study, "--excerpt", 1)
    assert code == 2 and "no excerpt with id 1" in err
    _, out, _ = run_quire(capsys, "code", study, "--code", "A", "--source", 1,
                          *_span(ARTICLE, "town"), "--json")
    eid = json.loads(out)[0]["id"]
    code, _, err = run_quire(capsys, "uncode", study, "--excerpt", eid, "--code", "B")
    assert code == 2 and f"excerpt {eid} does not have code 'B'" in err
    code, out, _ = run_quire(capsys, "uncode", study, "--excerpt", eid)
    assert code == 0 and out.strip() == f"deleted excerpt {eid}"
    assert _dump(study)["excerpts"] == []


def test_code_all_hits_of_a_query_by_sentence_as_one_step(study, capsys):
    code, out, err = run_quire(capsys, "code", study, "--code", "Return", "--query", "back",
                               "--unit", "sentence", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["text"] for r in rows] == ["Nobody came back.",
                                         "In the spring, a few came back to the town."]
    code, out, _ = run_quire(capsys, "code", study, "--code", "Town", "--query", "town",
                             "--unit", "paragraph", "--json")
    assert [r["text"] for r in json.loads(out)] == [ARTICLE.split("\n\n")[1]]  # one, not two
    code, out, _ = run_quire(capsys, "code", study, "--code", "Hit", "--query", "town", "--json")
    assert [r["text"] for r in json.loads(out)] == ["town", "town"]
    code, out, _ = run_quire(capsys, "code", study, "--code", "Whole", "--query", "المدينة",
                             "--unit", "source", "--json")
    assert [r["text"] for r in json.loads(out)] == [POST]
    code, _, err = run_quire(capsys, "code", study, "--code", "X", "--query", "zebra")
    assert code == 1 and "no hits for 'zebra'" in err
    code, _, err = run_quire(capsys, "code", study, "--code", "Return", "--query", "back",
                             "--unit", "sentence")
    assert code == 2 and "already has code 'Return'" in err
