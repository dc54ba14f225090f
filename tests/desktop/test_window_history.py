"""The window's Undo is the project's history (db.history): it survives reopening, it is
shared with `quire undo`, and it never overwrites what another process did since."""

from __future__ import annotations

from sqlalchemy import select

from db import history
from db.models import Coder, Excerpt
from db.ops import bind
from db.ops.codes import create_code
from db.ops.coding import code_span
from desktop.session import ProjectSession
from tests.desktop.process_support import TEXT, quire

WAIT = 20_000


def _session(path, coder="Hana"):
    from db import project

    ps = ProjectSession(project.open(path))
    ps.set_coder(coder)
    return ps


def _code(ps, source_id, code, word):
    start = TEXT.index(word)
    return ps.run(bind(code_span, source_id=source_id, start=start, end=start + len(word),
                       code_id=code, coder_id=ps.coder_id()))


def test_steps_outlive_the_window_and_stay_personal(project_file, qtbot):
    path, source_id, water = project_file
    ps = _session(path)
    _code(ps, source_id, water, "Raqqa")
    ps.run(bind(create_code, name="Fear"))
    assert ps.history.labels() == ["Apply code 'Water'", "New code 'Fear'"]
    ps.close()
    other = _session(path, coder="Omar")  # another person on this machine: not his steps
    assert other.history.count() == 0 and not other.history.can_undo()
    other.close()
    ps = _session(path)
    assert ps.history.index() == 2 and ps.history.undo_text() == "New code 'Fear'"
    ps.history.undo()
    assert ps.history.redo_text() == "New code 'Fear'"
    with ps.read() as s:
        assert [e.status for e in history.entries(s)] == [history.DONE, history.UNDONE]
    ps.close()


def test_quire_undo_and_the_window_share_one_history(project_file, qtbot):
    path, source_id, water = project_file
    ps = _session(path)
    _code(ps, source_id, water, "Raqqa")
    quire(["undo", str(path), "--coder", "Hana"])
    qtbot.waitUntil(lambda: ps.history.index() == 0 and ps.history.can_redo(), timeout=WAIT)
    ps.history.redo()
    with ps.read() as s:
        assert s.scalar(select(Excerpt.start)) == TEXT.index("Raqqa")
    ps.close()


def test_redo_never_erases_what_another_process_coded_meanwhile(project_file, qtbot):
    """Issue 12, item 1: code in the window, undo; `quire code` codes elsewhere; redo."""
    path, source_id, water = project_file
    ps = _session(path)
    _code(ps, source_id, water, "Raqqa")
    ps.history.undo()
    start = TEXT.index("water")
    quire(["code", str(path), "--code", "Water", "--source", str(source_id), "--start",
           str(start), "--end", str(start + 5), "--coder", "Omar"])
    ps.history.redo()
    with ps.read() as s:
        coded = {(e.start, name) for e, name in s.execute(
            select(Excerpt, Coder.name).join(Coder, Coder.id == Excerpt.coder_id))}
    assert coded == {(TEXT.index("Raqqa"), "Hana"), (start, "Omar")}
    ps.close()
