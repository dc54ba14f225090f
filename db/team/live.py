"""Hearing other people's changes on a team project as they commit.

The server sends ``NOTIFY quire_changes`` whenever a transaction that wrote the change
log commits (:mod:`db.team.schema`). :class:`ChangeListener` keeps one connection
listening on a thread of its own and calls ``on_change`` for each notification; the
caller then reads the change log from where it left off, as it does for a project
file (DESIGN.md rule 3). A dropped connection is reported through ``on_status`` and
re-opened with a growing pause; after reconnecting ``on_change`` is called once, since
notifications sent while it was away are lost (the change log is not).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from db.team.address import conninfo
from db.team.schema import CHANNEL


class ChangeListener:
    """A thread that listens for a team project's change notifications."""

    def __init__(self, address: str, password: str | None, on_change: Callable[[], None],
                 on_status: Callable[[bool], None] | None = None):
        self._dsn = conninfo(address, password)
        self._on_change, self._on_status = on_change, on_status or (lambda _up: None)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="quire-listen", daemon=True)

    def start(self) -> ChangeListener:
        """Start listening (returns at once)."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and wait for the thread to end."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        pause, first = 0.5, True
        while not self._stop.is_set():
            try:
                self._listen(announce=not first)
                pause = 0.5
            except Exception:  # noqa: BLE001 - any failure means: the link is down
                self._on_status(False)
                self._stop.wait(pause)
                pause = min(pause * 2, 10.0)
            first = False

    def _listen(self, announce: bool) -> None:
        import psycopg

        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._on_status(True)
            if announce:
                self._on_change()
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=0.5):
                    self._on_change()
                conn.execute("SELECT 1")  # notices a server that went away
