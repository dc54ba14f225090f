"""``quire undo``, ``redo``, ``history`` and ``imports``, and the history shared between the
window and a ``quire`` command running in another process at the same time."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from db import history, project
from db.errors import ConflictError
from db.models import Coding, Excerpt, Source
from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import create_code, delete_code
from db.ops.coding import code_span
from tests.cli.support import run_quire
from tests.project_support import new_project

TEXT = "They left at dawn. Nobody came back to the town that spring."


@pytest.fixture
def study(tmp_path):
    """A project file with one article and the code 'Leaving'."""
    path = tmp_path / "study.quire"
    (tmp_path / "a.txt").write_text(f"Dawn\n\n{TEXT}", encoding="utf-8")
    new_project(path).close()
    assert run_quire_main("import", path, tmp_path / "a.txt") == 0
    return path


def run_quire_main(*argv) -> int:
    from desktop.cli import main

    return main([str(a) for a in argv])


def quire_process(*argv) -> subprocess.CompletedProcess:
    """``quire ARGV...`` as another process (a terminal beside the open window)."""
    code = "import sys; from desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *map(str, argv)], capture_output=True,
                          text=True, timeout=120)


def counts(path) -> tuple[int, int]:
    with project.open(path) as proj, proj.sessions() as s:
        return (len(s.scalars(select(Excerpt.id)).all()),
                len(s.scalars(select(Coding.id)).all()))


def test_undo_redo_and_the_history_of_commands(study, capsys):
    start = TEXT.index("dawn") + len("Dawn\n\n")
    code, out, _ = run_quire(capsys, "code", study, "--code", "Leaving", "--source", 1,
                             "--start", start, "--end", start + 4, "--coder", "Lina")
    assert code == 0 and counts(study) == (1, 1)
    code, out, _ = run_quire(capsys, "undo", study, "--coder", "Lina")
    assert code == 0 and out.strip() == "undid: Apply code 'Leaving'"
    assert counts(study) == (0, 0)
    assert run_quire(capsys, "undo", study, "--coder", "Lina")[1].startswith("nothing to undo")
    code, out, _ = run_quire(capsys, "redo", study, "--coder", "Lina")
    assert code == 0 and out.strip() == "redid: Apply code 'Leaving'" and counts(study) == (1, 1)
    code, out, _ = run_quire(capsys, "history", study, "--json")
    steps = json.loads(out)
    assert [(s["coder"], s["label"], s["status"]) for s in steps] == [
        ("cli", "Import a.txt", "done"), ("Lina", "Apply code 'Leaving'", "done")]
    code, out, err = run_quire(capsys, "undo", study)  # 'cli' imported what Lina coded
    assert code == 2 and "(on source 1) was made or moved there since" in err
    assert counts(study) == (1, 1)
    run_quire(capsys, "undo", study, "--coder", "Lina")
    code, out, _ = run_quire(capsys, "undo", study)
    assert code == 0 and out.strip() == "undid: Import a.txt"


def test_imports_are_listed_and_one_can_be_removed_as_a_step(study, capsys):
    code, out, _ = run_quire(capsys, "imports", study, "--json")
    (row,) = json.loads(out)
    assert row["sources"] == 1 and row["finished"] and row["by"] == "cli"
    assert row["files"][0]["added"] == 1
    code, out, _ = run_quire(capsys, "imports", study, "--remove", row["id"])
    assert code == 0 and f"removed import {row['id']} (1 source(s))" in out
    with project.open(study) as proj, proj.sessions() as s:
        assert s.scalars(select(Source)).all() == []
    assert run_quire(capsys, "undo", study)[0] == 0
    with project.open(study) as proj, proj.sessions() as s:
        assert len(s.scalars(select(Source)).all()) == 1


# --- the window and a command at the same time ------------------------------------------------

@pytest.fixture
def window(study):
    """The project as the window holds it open, coding as Hana."""
    proj = project.open(study)
    with proj.session() as s:
        proj.hana = ensure_coder(s, name="Hana").value
        proj.code = create_code(s, name="Leaving").value
    yield proj
    proj.close()


def _window_step(proj, op, **kw):
    with proj.session() as s:
        return history.run(s, bind(op, **kw), coder_id=proj.hana)


def test_a_command_coding_in_another_process_is_never_overwritten_by_redo(window, study):
    start = len("Dawn\n\n")
    mine = _window_step(window, code_span, source_id=1, start=start, end=start + 18,
                        code_id=window.code, coder_id=window.hana).value
    with window.session() as s:
        history.undo(s, coder_id=window.hana)
    done = quire_process("code", study, "--code", "Other", "--source", 1, "--start", start,
                         "--end", start + 18, "--json")
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)[0]["id"]
    assert theirs != mine  # the id the undo freed is never given to another row
    with window.session() as s:
        history.redo(s, coder_id=window.hana)
    with window.sessions() as s:
        assert set(s.scalars(select(Excerpt.id))) == {mine, theirs}  # nothing lost


def test_redo_is_refused_when_a_command_coded_a_passage_since(window, study):
    _window_step(window, delete_code, code_id=window.code)
    with window.session() as s:
        history.undo(s, coder_id=window.hana)  # the code 'Leaving' is back
    start = len("Dawn\n\n")
    done = quire_process("code", study, "--code", "Leaving", "--source", 1, "--start", start,
                         "--end", start + 18)
    assert done.returncode == 0, done.stderr
    with pytest.raises(ConflictError) as refused, window.session() as s:
        history.redo(s, coder_id=window.hana)  # deleting the code again would take it
    assert f"(on code {window.code}) was made or moved there since" in str(refused.value)
    assert counts(study) == (1, 1)  # nothing lost
    done = quire_process("redo", study, "--coder", "Hana")  # the same from a terminal
    assert done.returncode == 2 and "Nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr and counts(study) == (1, 1)
