"""The open project as the window sees it: its database, its runner, history and worker.

Every action a widget offers runs through one runner, :meth:`ProjectSession.run`
(as Anki's ``CollectionOp``): it runs the operation (on the worker when it may be slow,
or when the worker is writing already, so writes are never made on the GUI thread
beside an import), keeps a successful, non-empty result as one undo step, turns a
refusal into the widget's message, and announces ``project_changed(changes,
initiator)``, after which views decide for themselves what to redraw (DESIGN.md rules
3-5). Long work that writes nothing (exports, statistics, indexing) goes to the worker
through :meth:`ProjectSession.start_task`; the window shows either kind with
:class:`desktop.widgets.feedback.TaskProgress`. What other processes write is
announced the same way, with the initiator ``ELSEWHERE`` (:mod:`desktop.watch`).
On a team project the server's notifications wake the watch at once, and ``team``
(:class:`desktop.team_session.TeamState`) knows the member's role and whether the server
can be reached: an action is refused with a sentence, before it is tried, when it
cannot be done now (a reader, a server out of reach). A conflict (someone changed the
same thing first) is refused too, and the views are brought up to date at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.changes import Changes
from db.errors import ConflictError, QuireError
from db.ops import OpResult
from db.project import Project
from db.watch import OwnWrites, committed_changes
from desktop.tasks import Task, TaskRunner
from desktop.undo import REFUSALS, Operation, WindowHistory, refusal_text
from desktop.watch import POLL_MS, ChangeWatcher

CANCELLED = "Cancelled: nothing was changed."
CANCELLED_KEPT = "Cancelled: what was finished before Cancel is kept."


@dataclass
class Step:
    """How an action went: done (with its value), refused (the reason), cancelled, or
    still ``pending`` on the worker (``task`` runs it; the runner's callbacks follow)."""

    label: str = ""
    value: Any = None
    refused: str | None = None
    cancelled: bool = False
    pending: bool = False
    task: Task | None = None
    trace: str = ""  # where an unexpected error came from (for a bug report)

    @property
    def ok(self) -> bool:
        """True when the action ran (and, if it changed anything, is one undo step)."""
        return not self.pending and self.refused is None and not self.cancelled

    @property
    def message(self) -> str:
        """The reason it did not run, as a sentence for the widget ("" when it ran)."""
        text = (self.refused or "").strip()
        first = text.split(" ", 1)[0]
        if first.isalpha() and first.islower():  # (never a file name: "p.quire: …")
            text = text[0].upper() + text[1:]
        return text if not text or text.endswith((".", "!", "?")) else text + "."


class _Cancelled(Exception):
    """Cancel was pressed while an operation that cannot stop half-way was running."""


Done = Callable[[Any], None]
Refused = Callable[[str], None]


class ProjectSession(QObject):
    """One open project: read sessions, the runner, the history, the worker, the watch."""

    project_changed = Signal(object, object)  # Changes, initiator
    coder_filter_changed = Signal(object)  # a set of coder ids to show, or None for all

    def __init__(self, project: Project, parent: QObject | None = None, *,
                 poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.project = project
        self.tasks = TaskRunner(self)
        self.own_writes = OwnWrites()
        self.history = WindowHistory(self)
        self.watcher = ChangeWatcher(self, poll_ms)
        self.coder_name = ""
        self._coder_id: int | None = None
        self.visible_coders: set[int] | None = None  # None: everyone's work is shown
        self.team = None  # a team project: the member's standing (desktop.team_session)
        if project.engine.dialect.name == "postgresql":
            from desktop.team_session import TeamState

            self.team = TeamState(self)
            self.team.link.notified.connect(self.watcher.poll)
            self.team.link.start()

    # -- the database ------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short-lived session for queries (SQLite's WAL lets reads run beside a write)."""
        with self.project.sessions() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction on this thread: committed when the block ends, rolled
        back on an error (which then carries ``kept_changes``: what a long operation
        committed in chunks before it). The watch knows its writes for the window's own."""
        with self.project.sessions() as s:
            self.own_writes.bracket(s)
            try:
                yield s
                s.commit()
            except BaseException as exc:
                s.rollback()
                exc.kept_changes = committed_changes(s)
                raise

    # -- the runner --------------------------------------------------------------------

    def run(self, op: Operation, *, label: str = "", initiator: object = None,
            done: Done | None = None, refused: Refused | None = None, slow: bool = False,
            reports: bool = False, records: bool = False) -> Step:
        """Run ``op`` as one undoable step named ``label`` (else the core's label).

        ``done(value)`` follows success; ``refused(message)`` a refusal or Cancel.
        ``slow``: run on the worker (``Step.task`` follows it). ``reports``: the
        operation takes ``progress`` and ``cancelled`` and keeps what it finished when
        cancelled; without it, Cancel rolls the operation back whole. ``records``: it
        also takes a ``recorder`` and records its own step from its first commit (an
        import, which commits in chunks, stays one step even if it is killed).
        """
        step = Step(label=label)
        reason = self.team.write_refusal() if self.team is not None else ""
        if reason:
            return self._refuse(step, reason, refused)
        try:
            self.coder_id()  # known before any transaction, on this thread
            if slow or reports or records or self.tasks.writing():
                return self._queue(step, op, (reports or records, records),
                                   (initiator, done, refused))
            with self.transaction() as s:
                result = self.history.perform(s, op, label)
        except REFUSALS as exc:
            return self._refuse(step, self.refusal(exc), refused)
        return self._finish(step, result, initiator, done)

    def refusal(self, exc: BaseException) -> str:
        """The sentence for a refused action; after a conflict (someone else changed
        it first) the views are first shown the fresh state."""
        if isinstance(exc, ConflictError):
            denied = self.team.denied(exc.problems) if self.team is not None else ""
            if denied:  # the server hid the row from this member's writes: not a conflict
                return denied
            self.watcher.poll()
        return refusal_text(exc)

    def _queue(self, step: Step, op: Operation, how: tuple[bool, bool],
               handlers: tuple[object, Done | None, Refused | None]) -> Step:
        """Run ``op`` on the worker; the outcome comes back to the GUI thread."""
        reports, records = how

        def work(progress, cancelled) -> OpResult:
            call = ((lambda s, **kw: op(s, progress=progress, cancelled=cancelled, **kw))
                    if reports else op)
            with self.transaction() as s:
                result = self.history.perform(s, call, step.label, records)
                if cancelled() and not reports:
                    raise _Cancelled  # (rolled back whole)
            return result

        initiator, done, refused = handlers
        step.pending = True
        step.task = self.tasks.start(step.label or "Working", work, writes=True)
        step.task.finished.connect(lambda result: self._finish(step, result, initiator, done))
        step.task.failed.connect(lambda exc, trace: self._fail(step, exc, trace, handlers))
        return step

    def _finish(self, step: Step, result: OpResult, initiator: object,
                done: Done | None) -> Step:
        step.pending, step.value, step.label = False, result.value, result.label
        if result.changes:
            self.history.recorded(result, initiator)
            self.announce(result.changes, initiator)
        if done is not None:
            done(result.value)
        return step

    def _fail(self, step: Step, exc: BaseException, trace: str,
              handlers: tuple[object, Done | None, Refused | None]) -> None:
        initiator, _done, refused = handlers
        kept = getattr(exc, "kept_changes", None)
        if kept:
            self.announce(kept, initiator)  # what it committed before failing stays
        if isinstance(exc, _Cancelled) or (step.task.is_cancelled()
                                            and isinstance(exc, QuireError)):
            step.cancelled = True
            self._refuse(step, CANCELLED_KEPT if kept else CANCELLED, refused)
        elif isinstance(exc, REFUSALS):
            self._refuse(step, self.refusal(exc), refused)
        else:
            step.trace = trace
            self._refuse(step, f"{type(exc).__name__}: {exc}", refused)

    def _refuse(self, step: Step, reason: str, refused: Refused | None) -> Step:
        step.pending, step.refused = False, reason
        if refused is not None:
            refused(step.message)
        return step

    def announce(self, changes: Changes, initiator: object = None) -> None:
        """Tell every view what changed."""
        self.project_changed.emit(changes, initiator)

    def start_task(self, label: str, fn: Callable[..., Any]) -> Task:
        """Run long core work that writes nothing, ``fn(session, progress=...,
        cancelled=...)``, on the worker (an export, statistics, the search index)."""

        def work(progress, cancelled):
            with self.project.sessions() as s:
                return fn(s, progress=progress, cancelled=cancelled)

        return self.tasks.start(label, work)

    # -- who is coding -----------------------------------------------------------------

    def set_coder(self, name: str) -> None:
        """Record everything coded from now on under ``name`` (and show their steps).
        On a team project the coder is always the signed-in login (the server's
        row-level security knows people by it)."""
        if self.team is not None and self.team.login:
            name = self.team.login
        self.coder_name, self._coder_id = name.strip(), None
        self.history.refresh()

    def known_coder_id(self) -> int | None:
        """The current coder's id if the project has them already (None: not yet; a
        read-only project is never written to find out)."""
        if self._coder_id is None:
            from db.models import Coder

            with self.read() as s:
                self._coder_id = s.scalar(select(Coder.id).where(
                    Coder.name == (self.coder_name or "me")))
        return self._coder_id

    def coder_id(self) -> int:
        """The id of the current coder in this project, created on first use.

        Creating a coder record is bookkeeping, not a user action, so it is not undoable.
        """
        if self._coder_id is None:
            from db.ops.coders import ensure_coder

            with self.transaction() as s:
                self._coder_id = ensure_coder(s, name=self.coder_name or "me").value
        return self._coder_id

    def show_coders(self, coder_ids: set[int] | None) -> None:
        """Show only these coders' excerpts in the Reader and the views (None: everyone)."""
        self.visible_coders = None if coder_ids is None else set(coder_ids)
        self.coder_filter_changed.emit(self.visible_coders)

    def close(self) -> None:
        """Stop watching and background work, then release the database."""
        self.watcher.stop()
        if self.team is not None:
            self.team.link.stop()
        self.tasks.cancel_all()
        self.tasks.wait()
        self.history.clear()
        self.project.close()
