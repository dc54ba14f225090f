"""The window notices what other processes write to its project (DESIGN.md rule 3).

Once a second :class:`ChangeWatcher` asks the change log for its newest ``seq`` (one
indexed read); only when it moved does it read the new entries, leave out this
window's own (:class:`db.watch.OwnWrites` marks the session's transactions), and
announce the rest through the session's one ``project_changed`` signal with the
initiator :data:`ELSEWHERE`. Every view then redraws what it shows, as after an action
in this window; the Undo/Redo actions and the Undo History read the history again.

On a team project :class:`ServerLink` also listens for the server's change
notifications (:class:`db.team.live.ChangeListener`) and wakes the watch at once, so a
teammate's change shows within a second; it also tells whether the server is reachable
(``connection_changed``), and after a reconnection the watch catches up from the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.exc import SQLAlchemyError

from db.changes import Changes
from db.watch import changes_since, last_seq

if TYPE_CHECKING:
    from desktop.session import ProjectSession

ELSEWHERE = "elsewhere"
"""The initiator of changes another process (a command, another window) made."""
POLL_MS = 1000


class ChangeWatcher:
    """Polls the change log of the session's project for other processes' writes.

    Its timer belongs to the session (it stops when the session goes); ``interval_ms``
    0 polls only when :meth:`poll` is called.
    """

    def __init__(self, session: ProjectSession, interval_ms: int = POLL_MS):
        self._session = session
        with session.read() as s:
            self._seen = last_seq(s)
        self._timer = QTimer(session, interval=interval_ms)
        self._timer.timeout.connect(self.poll)
        if interval_ms > 0:
            self._timer.start()

    def poll(self) -> Changes:
        """Announce what others wrote since the last look (and return it)."""
        try:
            with self._session.read() as s:
                found, self._seen = changes_since(s, self._seen, self._session.own_writes)
        except (SQLAlchemyError, OSError):
            return Changes()  # the file is busy or gone for a moment: look again next time
        if found:
            self._session.history.refresh()
            self._session.announce(found, ELSEWHERE)
        return found

    def stop(self) -> None:
        """Stop looking (the project is closing)."""
        self._timer.stop()


class ServerLink(QObject):
    """A team project's line to its server: change notifications and whether the server
    can be reached. The listener's thread only emits signals; the slots run on the GUI
    thread (queued connections)."""

    notified = Signal()  # someone committed a change (or the link came back)
    connection_changed = Signal(bool)  # the server can (True) or cannot be reached

    def __init__(self, session: ProjectSession, address: str, password: str | None):
        super().__init__(session)
        from db.team.live import ChangeListener

        self.connected = True
        self.connection_changed.connect(self._on_connection_changed)
        self._listener = ChangeListener(address, password, self.notified.emit,
                                        self._on_status)
        self._last: bool | None = None

    def start(self) -> ServerLink:
        """Start listening (returns at once)."""
        self._listener.start()
        return self

    def _on_status(self, up: bool) -> None:  # the listener's thread
        if up != self._last:
            self._last = up
            self.connection_changed.emit(up)

    def _on_connection_changed(self, up: bool) -> None:
        self.connected = up

    def stop(self) -> None:
        """Stop listening (the project is closing)."""
        self._listener.stop()
