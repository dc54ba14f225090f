"""The memo and citation subcommands (memo, memos, references, cite, citations)."""

import json
import subprocess
import sys

import pytest

from desktop.cli_notes import COMMANDS, add_commands
from tests.cli.support import group_parser, run_quire
from tests.db.notes_support import coder, excerpt, import_samples
from tests.project_support import new_project

WIDE = "They left at dawn.[1] Nobody came back to the town that spring.[2]"
BIBTEX = """@article{hoffman2017,
  author = {Hoffman, Adam},
  title = {The Rise of the Islamic State},
  journal = {The Atlantic},
  year = {2017}
}

@book{broken, title = {Unclosed
@misc{fine, title = {A fine page}, url = {https://twitter.com/brett_mcgurk/status/919}}
"""
RIS = "TY  - JOUR\nTI  - A paper\nPY  - 2019\nnot a field\nER  - \n"


@pytest.fixture
def study(tmp_path):
    """A project file with imported sources (an article with footnotes, an Arabic article
    and a tweet), an excerpt over both of the article's footnote markers, and a code."""
    path = tmp_path / "study.quire"
    samples = tmp_path / "samples"
    samples.mkdir()
    with new_project(path) as proj:
        ids = import_samples(proj, samples)
        who = coder(proj)
        excerpt(proj, ids["article"], WIDE, who)
        excerpt(proj, ids["tweet"], "ISIS has lost", who)
        with proj.session() as s:
            from db.ops.codes import ensure_code_path
            ensure_code_path(s, path="Places/Raqqa")
    (tmp_path / "library.bib").write_text(BIBTEX, encoding="utf-8")
    (tmp_path / "bad.ris").write_text(RIS, encoding="utf-8")
    return path






def test_the_commands_are_added_and_need_no_qt():
    assert COMMANDS == ("memo", "memos", "references", "cite", "citations")
    parser = group_parser(add_commands)
    assert set(parser._subparsers._group_actions[0].choices) == set(COMMANDS)
    probe = ("import sys, desktop.cli_notes; "
             "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0


def test_memos_on_every_kind_of_target(study, capsys):
    for target in ("project", "collection:Study", "source:3", "code:Places/Raqqa",
                   "excerpt:1"):
        code, out, err = run_quire(capsys, "memo", study, "--on", target, "--text",
                                   f"about {target}", "--coder", "Lina")
        assert code == 0, err
    assert out.strip() == ("memo 5 on excerpt 1 of “The Prophet of Dystopia”: “They left "
                           "at dawn.[1] Nobody came back to…” by Lina")
    code, out, _ = run_quire(capsys, "memos", study)
    assert code == 0 and out.strip().endswith("5 memo(s)")
    assert "on code “Places/Raqqa”" in out and "on collection “Study”" in out
    code, out, _ = run_quire(capsys, "memos", study, "--kind", "source", "--json")
    rows = json.loads(out)
    assert [(r["target"], r["target_id"], r["body"]) for r in rows] == [
        ("source", 3, "about source:3")]
    _, out, _ = run_quire(capsys, "memos", study, "--search", "PROJECT", "--author", "Lina")
    assert "1 memo(s)" in out


@pytest.mark.parametrize("target,message", [
    ("paragraph:3", "is not a target"), ("source:abc", "source:ID with a number"),
    ("excerpt:99", "no excerpt with id 99"), ("code:Nowhere", "no code at 'Nowhere'"),
    ("collection:Other", "no collection named 'Other'")])
def test_bad_targets(study, capsys, target, message):
    code, out, err = run_quire(capsys, "memo", study, "--on", target, "--text", "x")
    assert code == 2 and message in err and out == ""


def test_references_import_reports_lines_and_lists_the_library(study, tmp_path, capsys):
    code, out, err = run_quire(capsys, "references", "import", study, tmp_path / "library.bib")
    assert code == 1, err  # something was not imported
    assert "2 reference(s) imported, 0 already in the library, 1 could not be read" in out
    assert "NOT imported: line 8: malformed entry '@book{broken, title = {Unclosed'" in out
    assert "linked fine to source 3 (same url)" in out
    code, out, _ = run_quire(capsys, "references", "import", study, tmp_path / "bad.ris", "--json")
    report = json.loads(out)
    assert code == 1 and report["added"] == [] and report["problems"] == [
        {"line": 4, "message": "'not a field' is not a RIS field ('XX  - value'); the "
                               "reference starting on line 1 was not imported"}]
    code, out, _ = run_quire(capsys, "references", study)
    assert code == 0 and out.splitlines()[0].startswith("fine ")
    assert "hoffman2017" in out and out.strip().endswith("2 reference(s)")
    _, out, _ = run_quire(capsys, "references", study, "--json")
    assert [r["key"] for r in json.loads(out)] == ["fine", "hoffman2017"]
    code, _, err = run_quire(capsys, "references", "import", study)
    assert code == 2 and "quire references import PROJECT FILE" in err


def test_cite_and_citations_with_the_articles_own_footnotes(study, tmp_path, capsys):
    run_quire(capsys, "references", "import", study, tmp_path / "library.bib")
    code, out, err = run_quire(capsys, "cite", study, "--excerpt", 1, "--locator", "p. 43")
    assert code == 0, err
    assert out.strip() == "1. Rebecca Mead, “The Prophet of Dystopia,” April 17, 2017, 43."
    code, out, err = run_quire(capsys, "cite", study, "--excerpt", 1, "--reference", "hoffman2017",
                               "--note", "On the same events.")
    assert code == 0, err
    code, out, _ = run_quire(capsys, "citations", study, "--excerpt", 1)
    assert out.splitlines() == [
        "1. Rebecca Mead, “The Prophet of Dystopia,” April 17, 2017, 43.",
        "2. Adam Hoffman, “The Rise of the Islamic State,” The Atlantic, 2017. "
        "On the same events.",
        "3. [1] A witness told the reporter so.",
        "4. [2] The town council confirmed it in May."]
    _, out, _ = run_quire(capsys, "citations", study, "--excerpt", 1, "--style", "apa", "--json")
    rows = json.loads(out)
    assert [r["text"] for r in rows[:2]] == ["(Mead, 2017, p. 43)",
                                             "(Hoffman, 2017) On the same events."]
    assert [(r["kind"], r["label"]) for r in rows[2:]] == [("footnote", "1"), ("footnote", "2")]
    _, out, _ = run_quire(capsys, "citations", study, "--excerpt", 1, "--style", "mla", "--html")
    assert "<i>The Atlantic</i>" not in out and "(Hoffman)" in out


def test_citing_a_post_and_errors(study, capsys):
    code, out, _ = run_quire(capsys, "cite", study, "--excerpt", 2)
    assert out.strip() == ("1. @brett_mcgurk, “ISIS has lost nearly 6000 terrorists in "
                           "Raqqa,” Twitter, October 15, 2017, "
                           "https://twitter.com/brett_mcgurk/status/919.")
    code, _, err = run_quire(capsys, "cite", study, "--excerpt", 2, "--reference", "nokey")
    assert code == 2 and "no reference with key 'nokey'" in err
    code, _, err = run_quire(capsys, "citations", study, "--excerpt", 99)
    assert code == 2 and "no excerpt with id 99" in err
    with pytest.raises(SystemExit):
        group_parser(add_commands).parse_args(["citations", str(study), "--excerpt", "1",
                                               "--style", "harvard"])
