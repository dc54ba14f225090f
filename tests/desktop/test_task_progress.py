"""The one long-task helper: a bar that follows the core's steps, a message, and Cancel."""

from __future__ import annotations

import threading

import pytest

from desktop.tasks import TaskRunner
from desktop.widgets.feedback import CANCELLING, TaskDialog, TaskProgress
from tests.desktop.codebook_support import ARTIFACTS

WAIT = 10_000


@pytest.fixture
def runner(qtbot):
    tasks = TaskRunner()
    yield tasks
    tasks.cancel_all()
    tasks.wait()


def stepwise(gates: list[threading.Event], kept: list[int]):
    """Work of ``len(gates)`` steps; each waits for its gate, reports, and is kept.
    It stops at its next check once cancelled; what it finished stays in ``kept``."""

    def work(progress, cancelled):
        for i, gate in enumerate(gates):
            assert gate.wait(5)
            if cancelled():
                return len(kept)
            kept.append(i)
            progress(i + 1, len(gates), f"Step {i + 1}")
        return len(kept)

    return work


def test_the_bar_follows_the_steps_and_hides_at_the_end(runner, qtbot):
    widget = TaskProgress()
    qtbot.addWidget(widget)
    gates, kept = [threading.Event() for _ in range(3)], []
    task = widget.follow(runner.start("Counting", stepwise(gates, kept)))
    assert widget.is_running() and widget.message.text() == "Counting…"
    assert widget.bar.maximum() == 0  # busy until the core gives a total
    with qtbot.waitSignal(task.progressed, timeout=WAIT):
        gates[0].set()
    qtbot.waitUntil(lambda: widget.bar.value() == 1, timeout=WAIT)
    assert widget.bar.maximum() == 3 and widget.message.text() == "Step 1"
    with qtbot.waitSignal(widget.ended, timeout=WAIT):
        gates[1].set()
        gates[2].set()
    assert not widget.is_running() and kept == [0, 1, 2]


def test_cancel_stops_the_work_and_keeps_what_it_finished(runner, qtbot):
    widget = TaskProgress()
    qtbot.addWidget(widget)
    gates, kept = [threading.Event() for _ in range(4)], []
    task = widget.follow(runner.start("Importing", stepwise(gates, kept)))
    with qtbot.waitSignal(task.progressed, timeout=WAIT):
        gates[0].set()
    widget.cancel_button.click()
    assert task.is_cancelled() and not widget.cancel_button.isEnabled()
    assert widget.message.text() == CANCELLING and widget.is_cancelling()
    widget.progressed(2, 4, "Step 2")  # a late step does not hide that Cancel was heard
    assert widget.message.text() == CANCELLING
    with qtbot.waitSignal(task.finished, timeout=WAIT) as result:
        for gate in gates[1:]:
            gate.set()
    assert result.args == [1] and kept == [0], "the finished step stays, the rest never ran"
    assert not widget.is_running()


def test_work_that_is_not_a_task_and_cannot_be_cancelled(qtbot):
    widget = TaskProgress()
    qtbot.addWidget(widget)
    widget.start("Searching…")
    assert widget.is_running() and widget.cancel_button.isHidden()
    widget.cancel()  # nothing to cancel: nothing happens
    assert widget.message.text() == "Searching…"
    stopped = []
    widget.start("Searching…", lambda: stopped.append(True))
    widget.cancel()
    assert stopped == [True]
    widget.stop()
    assert not widget.is_running()


def test_a_progress_window_for_menu_actions(runner, qtbot):
    gates, kept = [threading.Event() for _ in range(5)], []
    task = runner.start("Exporting", stepwise(gates, kept))
    dialog = TaskDialog("Export REFI-QDA Project", task)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(task.progressed, timeout=WAIT):
        gates[0].set()
    with qtbot.waitSignal(task.progressed, timeout=WAIT):
        gates[1].set()
    qtbot.waitUntil(lambda: dialog.progress.bar.value() == 2, timeout=WAIT)
    ARTIFACTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / "task_progress.png"))
    dialog.reject()  # Escape or the close button: Cancel, and the window waits for it
    assert task.is_cancelled() and dialog.isVisible()
    with qtbot.waitSignal(dialog.finished, timeout=WAIT):
        for gate in gates[2:]:
            gate.set()
    assert kept == [0, 1] and not dialog.isVisible()
