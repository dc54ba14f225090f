"""Coders: the people whose excerpts and codings a project records."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.changes import Changes
from db.errors import CodingError
from db.models import Coder
from db.ops import OpResult
from db.restore import no_op, undoable
from db.state import State

MAX_NAME = 200


def clean_coder_name(name: str) -> str:
    """``name`` with its white space tidied; CodingError when empty or too long."""
    clean = " ".join((name or "").split())
    if not clean:
        raise CodingError("a coder needs a name")
    if len(clean) > MAX_NAME:
        raise CodingError(f"a coder's name can have at most {MAX_NAME} characters")
    return clean


def ensure_coder(session: Session, *, name: str) -> OpResult:
    """The coder called ``name``, created when missing (value = coder id).

    An existing coder changes nothing and its inverse does nothing; a new coder's
    inverse removes it.
    """
    clean = clean_coder_name(name)
    found = session.scalar(select(Coder.id).where(Coder.name == clean))
    label = f"Add coder '{clean}'"
    if found is not None:
        return no_op(session, label=label, value=found)
    coder = Coder(name=clean)
    session.add(coder)
    session.flush()
    before = State().include(Coder.__tablename__, [coder.id])
    return undoable(Changes().add(Coder.__tablename__, [coder.id]), before, label, coder.id)


def default_coder_name(session: Session, fallback: str = "") -> str:
    """The name to code under when none was chosen: on a team project the signed-in
    database login (the server's row-level security knows each member by it, so a coder
    working under another name could not write their own codings), else ``fallback``
    (a project file has no login: the window asks once, commands say ``--coder``)."""
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(text("SELECT session_user"))
    return fallback
