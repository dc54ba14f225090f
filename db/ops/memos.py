"""Memos: writing, editing, moving and deleting them.

A memo is on the project, a collection, a source, a code or an excerpt; its body is
Markdown. Every operation is undoable exactly (:mod:`db.restore`).

A memo outlives what it is on, by construction: every deletion is a restore, and a
restore that deletes a row keeps the memos on it as orphans (their key cleared,
``Memo.detached_from`` saying what they were on), so they stay in the Memos pane flagged
as orphaned until the user deletes them or moves them elsewhere (:func:`move_memo`).
Undoing the deletion attaches them again.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.changes import Changes
from db.citations.errors import NotesError
from db.conflicts import editable
from db.errors import NotFoundError
from db.models import MEMO_TARGETS, Code, Collection, Excerpt, Memo, Source, utcnow
from db.ops import OpResult
from db.queries.memos import TARGET_COLUMNS, snippet
from db.restore import no_op, remove, undoable
from db.state import State, capture
from db.text import plain_lines

MEMOS = Memo.__tablename__
MAX_TITLE = 500
_MODELS = {"collection": Collection, "source": Source, "code": Code, "excerpt": Excerpt}


def get_memo(session: Session, memo_id: int) -> Memo:
    """The memo ``memo_id``; NotFoundError if there is none."""
    memo = session.get(Memo, memo_id) if memo_id is not None else None
    if memo is None:
        raise NotFoundError(f"no memo with id {memo_id}")
    return memo


def check_target(session: Session, target: str, target_id: int | None) -> None:
    """NotesError for an unknown kind of target, NotFoundError for a missing one."""
    if target not in MEMO_TARGETS:
        raise NotesError(f"a memo can be on {', '.join(MEMO_TARGETS)}, not '{target}'")
    if target == "project":
        return
    if target_id is None:
        raise NotesError(f"say which {target} the memo is on")
    if session.get(_MODELS[target], target_id) is None:
        raise NotFoundError(f"no {target} with id {target_id}")


def _clean_title(title: str) -> str:
    clean = " ".join((title or "").split())
    if len(clean) > MAX_TITLE:
        raise NotesError(f"a memo title can have at most {MAX_TITLE} characters")
    return clean


def _target_values(target: str, target_id: int | None) -> dict[str, int | None]:
    values: dict[str, int | None] = dict.fromkeys(TARGET_COLUMNS.values())
    if target in TARGET_COLUMNS:
        values[TARGET_COLUMNS[target]] = target_id
    return values


# --- writing ---------------------------------------------------------------------------------

def create_memo(session: Session, *, target: str, target_id: int | None = None,
                title: str = "", body: str = "", coder_id: int | None = None) -> OpResult:
    """A new memo on ``target`` ("project", or "collection"/"source"/"code"/"excerpt"
    with ``target_id``) with a title and a Markdown body (value = the memo id)."""
    check_target(session, target, target_id)
    clean = _clean_title(title)
    if not clean and not (body or "").strip():
        raise NotesError("a memo needs a title or some text")
    now = utcnow()
    memo = Memo(target=target, title=clean, body=plain_lines(body or ""), coder_id=coder_id,
                created_at=now, updated_at=now, **_target_values(target, target_id))
    session.add(memo)
    session.flush()
    before = State().include(MEMOS, [memo.id])
    return undoable(Changes().add(MEMOS, [memo.id]), before, _label("New memo", clean, body),
               memo.id)


def _label(verb: str, title: str, body: str) -> str:
    name = title or snippet(body, 5)
    return f"{verb} '{name}'" if name else verb


def edit_memo(session: Session, *, memo_id: int, title: str | None = None,
              body: str | None = None, expected_version: int | None = None) -> OpResult:
    """Change a memo's title and/or body (None leaves it); its update time moves on.
    With ``expected_version`` (the version the editor opened), EditConflictError if
    someone changed the memo since."""
    memo = editable(session, get_memo, MEMOS, memo_id, expected_version)
    new_title = memo.title if title is None else _clean_title(title)
    new_body = memo.body if body is None else plain_lines(body)
    label = _label("Edit memo", new_title, new_body)
    if (new_title, new_body) == (memo.title, memo.body):
        return no_op(session, label=label, value=memo.id)
    if not new_title and not new_body.strip():
        raise NotesError("a memo needs a title or some text; delete it instead")
    before = capture(session, {MEMOS: [memo.id]})
    memo.title, memo.body, memo.updated_at = new_title, new_body, utcnow()
    session.flush()
    return undoable(Changes().add(MEMOS, [memo.id]), before, label, memo.id)


def move_memo(session: Session, *, memo_id: int, target: str,
              target_id: int | None = None, expected_version: int | None = None) -> OpResult:
    """Put a memo on another target (an orphaned memo is attached again); with
    ``expected_version``, EditConflictError if someone changed the memo since."""
    memo = editable(session, get_memo, MEMOS, memo_id, expected_version)
    check_target(session, target, target_id)
    before = capture(session, {MEMOS: [memo.id]})
    memo.target, memo.detached_from = target, None
    for column, value in _target_values(target, target_id).items():
        setattr(memo, column, value)
    memo.updated_at = utcnow()
    session.flush()
    return undoable(Changes().add(MEMOS, [memo.id]), before,
               _label("Move memo", memo.title, memo.body), memo.id)


def delete_memo(session: Session, *, memo_id: int,
                expected_version: int | None = None) -> OpResult:
    """Delete a memo (undo puts it back, with its id and dates); with ``expected_version``,
    EditConflictError if someone changed it since (their edit would be lost unseen)."""
    memo = editable(session, get_memo, MEMOS, memo_id, expected_version)
    label = _label("Delete memo", memo.title, memo.body)
    return remove(session, keys={MEMOS: [memo.id]}, label=label, value=memo_id)
