"""What the window knows of an open team project: who is signed in, their role, the
options the owner switched, and whether the server can be reached now.

The server enforces every rule (grants, row-level security); this only lets the window
say so before trying: a reader's window offers no editing, a coder's offers no codebook
changes unless the owner opened the codebook, and nothing is attempted while the server
is out of reach. The password, when the window had to ask for one, is kept here, in
memory only, for the listener and for the owner's server actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import SQLAlchemyError

from db.changes import Changes
from db.team import members, presence
from db.team.address import redact
from desktop.watch import ELSEWHERE, ServerLink

if TYPE_CHECKING:
    from desktop.session import ProjectSession

READER = ("You are a reader of this team project: you can read and search everything, "
          "but not change it")
CLOSED_CODEBOOK = ("Only the project's owner changes the codebook (the owner can let "
                   "coders change it in the Team pane)")
OFFLINE = ("Not connected to the server: nothing was changed. Quire is reconnecting; "
           "try again when the status bar says the server is back")
NO_ROLE = "You have no role on this team project: ask its owner to add you"


class TeamState(QObject):
    """The signed-in member's standing on the open team project."""

    changed = Signal()  # role, options or the connection changed

    def __init__(self, session: ProjectSession):
        super().__init__(session)
        url = session.project.engine.url
        bare = url._replace(password=None)  # (URL.set(password=None) would keep it)
        self.address = redact(bare)
        self.password = url.password  # (None when libpq finds it: .pgpass, PGPASSWORD)
        self.login, self.role, self.options = "", None, {}
        self.refresh(session)
        self.link = ServerLink(session, bare.render_as_string(False), self.password)
        self.link.connection_changed.connect(self._on_link_connection_changed)
        # the owner may switch an option or a role at any time: read them again when the
        # server says something changed
        self.link.notified.connect(lambda: self.refresh(session))

    @property
    def connected(self) -> bool:
        """Whether the server can be reached now (as far as the listener knows)."""
        return self.link.connected

    def refresh(self, session: ProjectSession) -> None:
        """Read the member's login, role and the project's options again."""
        before = (self.login, self.role, self.options)
        try:
            with session.read() as s:
                conn = s.connection()
                self.login = presence.login(conn)
                self.role = members.my_role(conn)
                self.options = presence.options(s)
        except SQLAlchemyError:
            return  # unreachable for a moment: keep what was known
        if (self.login, self.role, self.options) != before:
            self.changed.emit()
            if before[0] and before[2].get("blind") != self.options.get("blind"):
                # hidden or revealed: what this member may see of others' work changed
                session.announce(Changes().add("excerpts", ()).add("codings", ())
                                 .add("memos", ()).add("citations", ()), ELSEWHERE)

    def is_owner(self) -> bool:
        """Whether the signed-in member owns the project."""
        return self.role == "owner"

    def write_refusal(self) -> str:
        """Why nothing may be changed now ("" when changes may be tried)."""
        if not self.connected:
            return OFFLINE
        if self.role is None:
            return NO_ROLE
        return READER if self.role == "reader" else ""

    def codebook_refusal(self) -> str:
        """Why the codebook may not be changed ("" when it may)."""
        if self.role in ("reader", None) or self.is_owner():
            return self.write_refusal()
        return "" if self.options.get("open_codebook") else CLOSED_CODEBOOK

    def denied(self, problems: list[str]) -> str:
        """Why a write the server silently skipped (row-level security makes it look like
        a row someone else changed) was this member's role, if it surely was ("")."""
        refusal = self.codebook_refusal()
        if refusal and any("table 'codes'" in p for p in problems):
            return refusal
        return ""

    def describe(self) -> str:
        """Who is signed in where, for the status bar."""
        role = self.role or "no role"
        state = "" if self.connected else " — not connected, reconnecting…"
        return f"{self.login} ({role}) on {self.address}{state}"

    def _on_link_connection_changed(self, _up: bool) -> None:
        self.changed.emit()
