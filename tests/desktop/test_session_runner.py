"""The one runner of window actions: refusals, empty results, the worker, one announcement."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from db.changes import Changes
from db.models import Code
from db.ops import OpResult, bind
from db.ops.actions import delete_memos
from db.ops.codes import create_code
from db.restore import no_op, undoable
from db.state import absent
from desktop.session import CANCELLED

WAIT = 10_000


@pytest.fixture
def heard(session):
    """Every announcement, as (changes, initiator)."""
    got = []
    session.project_changed.connect(lambda changes, who: got.append((changes, who)))
    return got


def codes(session) -> list[str]:
    with session.read() as s:
        return list(s.scalars(select(Code.name).order_by(Code.id)))


def held(gate: threading.Event, op, seen: list | None = None):
    """``op``, waiting for ``gate`` first (and noting the thread it runs on)."""

    def run(s, **more):
        if seen is not None:
            seen.append(threading.current_thread() is threading.main_thread())
        assert gate.wait(5)
        return op(s, **more)

    return run


def test_a_refusal_becomes_the_widgets_message_and_changes_nothing(session, heard):
    told = []
    step = session.run(bind(create_code, name="  "), label="New code", refused=told.append)
    assert step.refused and not step.ok and not step.pending
    assert told == [step.message] and step.message[0].isupper() and step.message[-1] == "."
    assert session.history.count() == 0 and heard == [] and codes(session) == []


def test_a_step_is_recorded_named_and_announced_once(session, heard):
    values = []
    step = session.run(bind(create_code, name="Water"), label="Make Water", initiator="me",
                       done=values.append)
    assert step.ok and values == [step.value] and codes(session) == ["Water"]
    assert session.history.labels() == ["Make Water"] and session.history.undo_text() == \
        "Make Water"
    assert [(c.ids, who) for c, who in heard] == [({"codes": {step.value}}, "me")]
    session.history.undo()
    assert codes(session) == [] and len(heard) == 2 and heard[1][1] is session.history


def test_an_action_that_changes_nothing_leaves_no_step(session, heard):
    session.run(bind(create_code, name="Water"))
    heard.clear()
    values = []
    step = session.run(bind(delete_memos, memo_ids=[], label="Delete no memos"),
                       done=values.append)
    assert step.ok and session.history.count() == 1  # only the creation
    step = session.run(bind(no_op, value=7), done=values.append)
    assert step.ok and values == [None, 7] and session.history.count() == 1 and heard == []


def test_a_slow_action_runs_on_the_worker_and_comes_back(session, heard, qtbot):
    gate, seen, values = threading.Event(), [], []
    step = session.run(held(gate, bind(create_code, name="Slow"), seen), slow=True,
                       done=lambda value: values.append(
                           (value, threading.current_thread() is threading.main_thread())))
    assert step.pending and step.task is not None and session.tasks.writing()
    assert not session.history.can_undo()  # nothing is walked while the worker writes
    with qtbot.waitSignal(step.task.finished, timeout=WAIT):
        gate.set()
    assert seen == [False], "the operation ran on the worker"
    assert values == [(step.value, True)], "its outcome came back on the GUI thread"
    assert step.ok and len(heard) == 1 and session.history.count() == 1
    assert not session.tasks.writing()


def test_writes_queue_behind_a_writing_task(session, heard, qtbot):
    gate = threading.Event()
    first = session.run(held(gate, bind(create_code, name="First")), slow=True)
    second = session.run(bind(create_code, name="Second"))  # a quick one, meanwhile
    assert second.pending and codes(session) == []  # not written on the GUI thread
    with qtbot.waitSignal(second.task.finished, timeout=WAIT):
        gate.set()
    assert first.ok and second.ok and codes(session) == ["First", "Second"]
    assert session.history.labels() == ["New code 'First'", "New code 'Second'"]
    assert len(heard) == 2


def test_cancel_rolls_back_an_action_that_cannot_stop_half_way(session, heard, qtbot):
    gate, told = threading.Event(), []
    step = session.run(held(gate, bind(create_code, name="Never")), slow=True,
                       refused=told.append)
    step.task.cancel()
    with qtbot.waitSignal(step.task.failed, timeout=WAIT):
        gate.set()
    assert step.cancelled and told == [CANCELLED] and codes(session) == []
    assert session.history.count() == 0 and heard == []


def chunked(session, *, names: list[str], fail_after: int | None = None,
            pause: threading.Event | None = None, progress=None, cancelled=None) -> OpResult:
    """A long operation that commits one code at a time, as an import does (waiting for
    ``pause`` after the second)."""
    done = Changes()
    for i, name in enumerate(names):
        if fail_after is not None and i == fail_after:
            raise OSError("the disk is full")
        if i == 2 and pause is not None:
            assert pause.wait(5)
        if cancelled():
            break
        done.merge(create_code(session, name=name).changes)
        session.commit()
        progress(i + 1, len(names), name)
    made = done.ids.get("codes", set())
    return undoable(done, absent({"codes": made}), "Chunks", len(made))


def test_cancel_keeps_what_a_long_operation_finished(session, heard, qtbot):
    pause = threading.Event()
    step = session.run(bind(chunked, names=["A", "B", "C", "D"], pause=pause), reports=True)
    qtbot.waitUntil(lambda: codes(session) == ["A", "B"], timeout=WAIT)
    step.task.cancel()
    with qtbot.waitSignal(step.task.finished, timeout=WAIT):
        pause.set()
    assert codes(session) == ["A", "B"] and step.value == 2 and step.ok
    assert session.history.labels() == ["Chunks"] and len(heard) == 1


def test_a_long_operation_that_fails_says_so_and_announces_what_it_kept(session, heard,
                                                                          qtbot):
    told = []
    step = session.run(bind(chunked, names=["A", "B", "C"], fail_after=2), reports=True,
                       refused=told.append)
    with qtbot.waitSignal(step.task.failed, timeout=WAIT):
        pass
    assert told == ["The disk is full."] and codes(session) == ["A", "B"]
    assert session.history.count() == 0
    assert len(heard) == 1 and len(heard[0][0].ids["codes"]) == 2  # the views look again


def test_an_undo_that_cannot_be_done_says_why(session, qtbot):
    from db.ops.codes import rename_code

    made = session.run(bind(create_code, name="Brittle"))
    with session.project.session() as s:  # someone else renames it since
        rename_code(s, code_id=made.value, name="Sturdy")
    with qtbot.waitSignal(session.history.refused) as said:
        session.history.undo()
    assert said.args[0].startswith("Could not undo “New code 'Brittle'”: ")
    assert "was changed since" in said.args[0]
    assert codes(session) == ["Sturdy"] and session.history.count() == 1  # kept, not done


def test_the_worker_writes_are_the_windows_own_for_the_watch(session, qtbot):
    gate = threading.Event()
    step = session.run(held(gate, bind(create_code, name="Mine")), slow=True)
    with qtbot.waitSignal(step.task.finished, timeout=WAIT):
        gate.set()
    assert session.watcher.poll() == Changes()
    with session.project.session() as s:  # another writer (not through the session)
        theirs = create_code(s, name="Theirs").value
    assert session.watcher.poll().ids == {"codes": {theirs}}
