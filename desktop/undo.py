"""The window's undo history: a thin view of the project's own history (``db.history``).

The history lives in the project (DESIGN.md rule 4): it survives closing, and the window,
``quire undo`` and, on a team project, every person share it, each coder undoing and
redoing only their own steps. :class:`WindowHistory` is what the session's runner and the
Edit menu talk to: the runner runs an operation through :meth:`WindowHistory.perform`
inside its transaction (which records the step in the same transaction) and calls
:meth:`WindowHistory.recorded` after the commit; Undo, Redo and the Undo History view read
:meth:`labels`, :meth:`index`, :meth:`can_undo` and follow ``changed``
(:mod:`desktop.widgets.undo_controls`), and call :meth:`undo`, :meth:`redo` and
:meth:`go_to`. An undo or redo the core refuses (someone changed those rows since, a
running import) changes nothing and is said through ``refused``. Undoing a big step (an
import) runs on the worker, so the window stays responsive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import history
from db.errors import QuireError
from db.ops import OpResult

if TYPE_CHECKING:
    from desktop.session import ProjectSession

Operation = Callable[..., OpResult]
# What the core or the machine may refuse, said in a sentence (not a traceback).
REFUSALS = (QuireError, OSError, OperationalError, DBAPIError, StaleDataError)
LOST = ("Lost the connection to the server: nothing was changed. Quire reconnects by "
        "itself; try again in a moment")
DENIED = "The server refused: {}. Your role on this team project does not allow it"
GONE = ("The server changed nothing: someone else changed or removed it first, or your "
        "role on this team project does not allow changing it")


def refusal_text(exc: BaseException) -> str:
    """A refusal in a sentence: the core's own message, or for a team project's server
    what it said, never the statement sent or its parameters."""
    if isinstance(exc, StaleDataError):
        return GONE
    orig = getattr(exc, "orig", None)
    if isinstance(exc, DBAPIError) and type(orig).__module__.startswith("psycopg"):
        from db.team.address import server_message

        if exc.connection_invalidated or isinstance(exc, OperationalError):
            return LOST
        message = server_message(exc)
        if "permission denied" in message or "row-level security" in message:
            return DENIED.format(message)
        return f"The server refused: {message}; nothing was changed"
    return str(exc)
# A step kept in more bytes than this is undone or redone on the worker.
BIG_STEP = 256 * 1024


class WindowHistory(QObject):
    """The current coder's steps in the project's history, as the window shows and walks
    them (oldest first: the steps done, then those taken back, the next redo first)."""

    changed = Signal()  # the steps, the current one or whether Undo is possible changed
    refused = Signal(str)  # an undo or redo could not be done: why

    def __init__(self, session: ProjectSession):
        super().__init__(session)
        self._session = session
        self._steps: list[history.Entry] = []
        self._walking = False
        session.tasks.writing_changed.connect(self._on_writing_changed)

    # -- recording (the session's runner) ----------------------------------------------

    def perform(self, session: Session, op: Operation, label: str = "",
                records: bool = False) -> OpResult:
        """Run ``op`` in the runner's transaction and record it as one step (named
        ``label``, else its own label). ``records``: a long task that records its own
        step from its first commit is given a ``recorder``."""
        coder = self._session.coder_id()
        if records:
            recorder = history.Recorder(coder)
            return history.run(session, lambda s: op(s, recorder=recorder), coder_id=coder,
                               label=label)
        return history.run(session, op, coder_id=coder, label=label)

    def recorded(self, result: OpResult, initiator: object = None) -> None:
        """A step was committed: show it."""
        self.refresh()

    # -- walking -----------------------------------------------------------------------

    def can_undo(self) -> bool:
        """Whether Undo is possible now (not while the worker is writing)."""
        return self.index() > 0 and self._idle()

    def can_redo(self) -> bool:
        """Whether Redo is possible now."""
        return self.index() < self.count() and self._idle()

    def undo(self) -> None:
        """Take back the current coder's last step."""
        if self.can_undo():
            self._walk(history.undo, "undo", self._steps[self.index() - 1])

    def redo(self) -> None:
        """Do again the current coder's last step taken back."""
        if self.can_redo():
            self._walk(history.redo, "redo", self._steps[self.index()])

    def go_to(self, index: int) -> None:
        """Undo or redo until ``index`` steps are done (stops at the first refusal)."""
        while self._idle() and index != self.index():
            before = self.index()
            self.undo() if index < before else self.redo()
            if self.index() == before:
                return

    def _idle(self) -> bool:
        return not self._walking and not self._session.tasks.writing()

    def _walk(self, swap, verb: str, step: history.Entry) -> None:
        """Run the core's undo or redo: here for a small step, on the worker for a big one."""
        team = self._session.team
        if team is not None and team.write_refusal():
            self.refused.emit(f"Could not {verb} “{step.label}”: {team.write_refusal()}.")
            return None
        coder = self._session.coder_id()

        def work(**_task) -> OpResult | None:  # as a task: progress=..., cancelled=...
            with self._session.transaction() as s:
                return swap(s, coder_id=coder)

        if step.size <= BIG_STEP:
            try:
                result = work()
            except REFUSALS as exc:
                return self._refused(verb, step, exc)
            return self._walked(result)
        self._walking = True
        task = self._session.tasks.start(f"{verb.capitalize()} {step.label}", work, writes=True)
        task.finished.connect(self._walked)
        task.failed.connect(lambda exc, _trace: self._refused(verb, step, exc))

    def _walked(self, result: OpResult | None) -> None:
        self._walking = False
        if result is not None:
            self._session.announce(result.changes, self)  # undo and redo: the history
        self.refresh()

    def _refused(self, verb: str, step: history.Entry, exc: BaseException) -> None:
        self._walking = False
        self.refused.emit(f"Could not {verb} “{step.label}”: "
                          f"{self._session.refusal(exc)}")
        self.refresh()

    # -- reading -----------------------------------------------------------------------

    def labels(self) -> list[str]:
        """Every step's name, oldest first (done ones, then those taken back)."""
        return [e.label for e in self._steps]

    def index(self) -> int:
        """How many of :meth:`labels` are done."""
        return sum(e.status != history.UNDONE for e in self._steps)

    def count(self) -> int:
        """How many steps there are."""
        return len(self._steps)

    def undo_text(self) -> str:
        """The name of the step Undo would take back ("" when none)."""
        return self._steps[self.index() - 1].label if self.index() else ""

    def redo_text(self) -> str:
        """The name of the step Redo would do again ("" when none)."""
        return self._steps[self.index()].label if self.index() < self.count() else ""

    def refresh(self) -> None:
        """Read the current coder's steps again (after a step, an undo, or a change made
        by another process or teammate, whose own steps are theirs)."""
        coder = self._session.known_coder_id()
        if coder is None:  # nothing done yet under this name
            steps = []
        else:
            with self._session.read() as s:
                steps = history.entries(s, coder_id=coder)
        self._steps = ([e for e in steps if e.status != history.UNDONE]
                       + [e for e in steps if e.status == history.UNDONE])
        self.changed.emit()

    def clear(self) -> None:
        """Forget the steps shown (the project is closing; they stay in the project)."""
        self._steps = []

    def _on_writing_changed(self, *_args: object) -> None:
        self.changed.emit()
