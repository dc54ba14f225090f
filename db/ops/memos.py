"""Memos: writing, editing, moving and deleting them, and keeping them when their
target is deleted.

A memo is on the project, a collection, a source, a code or an excerpt; its body is
Markdown. Every operation is undoable exactly (:mod:`db.ops.rowstate`).

A memo outlives what it is on: :func:`detach_memos` clears the memos' keys and records
what they were on (``Memo.detached_from``), so they stay in the Memos pane flagged as
orphaned until the user deletes them or moves them elsewhere (:func:`move_memo`).
Operations that delete things call it before deleting; :func:`keeping_memos` wraps any
deleting operation that does not (yet), and the ``delete_*_keeping_memos`` functions
are the deletions of excerpts, codes and sources wrapped that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.changes import Changes
from db.citations.errors import NotesError
from db.errors import NotFoundError
from db.models import MEMO_TARGETS, Code, Coding, Collection, Excerpt, Memo, Source, utcnow
from db.ops import OpResult, bind
from db.ops.compose import sequence
from db.ops.rowstate import RowState, capture, no_op, restore
from db.queries.memos import TARGET_COLUMNS, snippet, target_label
from db.text import plain_lines

MEMOS = Memo.__tablename__
MAX_TITLE = 500
_MODELS = {"collection": Collection, "source": Source, "code": Code, "excerpt": Excerpt}


def _op(done: Changes, before: RowState, label: str, value=None) -> OpResult:
    return OpResult(done, bind(restore, target=before, label=label), value=value, label=label)


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
    before = RowState().include(MEMOS, [memo.id])
    return _op(Changes().add(MEMOS, [memo.id]), before, _label("New memo", clean, body),
               memo.id)


def _label(verb: str, title: str, body: str) -> str:
    name = title or snippet(body, 5)
    return f"{verb} '{name}'" if name else verb


def edit_memo(session: Session, *, memo_id: int, title: str | None = None,
              body: str | None = None) -> OpResult:
    """Change a memo's title and/or body (None leaves it); its update time moves on."""
    memo = get_memo(session, memo_id)
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
    return _op(Changes().add(MEMOS, [memo.id]), before, label, memo.id)


def move_memo(session: Session, *, memo_id: int, target: str,
              target_id: int | None = None) -> OpResult:
    """Put a memo on another target (an orphaned memo is attached again)."""
    memo = get_memo(session, memo_id)
    check_target(session, target, target_id)
    before = capture(session, {MEMOS: [memo.id]})
    memo.target, memo.detached_from = target, None
    for column, value in _target_values(target, target_id).items():
        setattr(memo, column, value)
    memo.updated_at = utcnow()
    session.flush()
    return _op(Changes().add(MEMOS, [memo.id]), before,
               _label("Move memo", memo.title, memo.body), memo.id)


def delete_memo(session: Session, *, memo_id: int) -> OpResult:
    """Delete a memo (undo puts it back, with its id and dates)."""
    memo = get_memo(session, memo_id)
    label = _label("Delete memo", memo.title, memo.body)
    before = capture(session, {MEMOS: [memo.id]})
    session.delete(memo)
    session.flush()
    return _op(Changes().add(MEMOS, [memo_id]), before, label, memo_id)


# --- orphans ---------------------------------------------------------------------------------

def detach_memos(session: Session, *, targets: Mapping[str, Iterable[int]]) -> OpResult:
    """Keep the memos on these targets (``{"excerpt": [12], "code": [3, 4]}``) as
    orphaned: their key cleared, what they were on recorded (value = the memo ids).

    Call it before deleting the targets; undo (after the targets are back) attaches the
    memos again.
    """
    found = _memos_on(session, targets)
    if not found:
        return no_op(session, label="Keep memos", value=[])
    before = capture(session, {MEMOS: [m.id for m, _ in found]})
    for memo, label in found:
        memo.detached_from = label or f"a deleted {memo.target}"
        setattr(memo, TARGET_COLUMNS[memo.target], None)
    session.flush()
    ids = [m.id for m, _ in found]
    return _op(Changes().add(MEMOS, ids), before, "Keep memos", ids)


def _memos_on(session: Session, targets: Mapping[str, Iterable[int]]
              ) -> list[tuple[Memo, str]]:
    """The memos on the targets, each with its target's label (computed once)."""
    out: list[tuple[Memo, str]] = []
    for target, ids in targets.items():
        if target not in TARGET_COLUMNS:
            continue
        column, wanted = getattr(Memo, TARGET_COLUMNS[target]), sorted(set(ids))
        labels: dict[int, str] = {}
        for i in range(0, len(wanted), 900):
            for memo in session.scalars(select(Memo).where(column.in_(wanted[i:i + 900]))):
                key = getattr(memo, TARGET_COLUMNS[target])
                if key not in labels:
                    labels[key] = target_label(session, target, key)
                out.append((memo, labels[key]))
    return out


def keeping_memos(session: Session, *, targets: Mapping[str, Iterable[int]],
                  then: Callable[[Session], OpResult]) -> OpResult:
    """Detach the memos on ``targets``, then run ``then`` (an operation deleting them),
    as one step with ``then``'s label and value."""
    kept = detach_memos(session, targets=targets)
    done = then(session)
    inverse = bind(sequence, steps=[done.inverse, kept.inverse], label=done.label,
                   value=done.value)
    return OpResult(Changes().merge(kept.changes).merge(done.changes), inverse,
                    value=done.value, label=done.label)


def delete_excerpt_keeping_memos(session: Session, *, excerpt_id: int) -> OpResult:
    """:func:`db.ops.coding.delete_excerpt`, its memos kept as orphaned."""
    from db.ops.coding import delete_excerpt

    return keeping_memos(session, targets={"excerpt": [excerpt_id]},
                         then=bind(delete_excerpt, excerpt_id=excerpt_id))


def delete_code_keeping_memos(session: Session, *, code_id: int) -> OpResult:
    """:func:`db.ops.codes.delete_code`, the memos on its codes and on the excerpts it
    deletes kept as orphaned."""
    from db.ops.codes import delete_code
    from db.queries.codes import descendants, orphaned_excerpts

    codes = descendants(session, code_id)
    excerpts = list(session.scalars(orphaned_excerpts(codes)))
    return keeping_memos(session, targets={"code": codes, "excerpt": excerpts},
                         then=bind(delete_code, code_id=code_id))


def delete_sources_keeping_memos(session: Session, *, source_ids: list[int]) -> OpResult:
    """:func:`db.ops.sources.delete_sources`, the memos on the sources and on their
    excerpts kept as orphaned."""
    from db.ops.sources import delete_sources

    excerpts = list(session.scalars(select(Excerpt.id).where(
        Excerpt.source_id.in_(list(source_ids)))))
    return keeping_memos(session, targets={"source": source_ids, "excerpt": excerpts},
                         then=bind(delete_sources, source_ids=source_ids))


def remove_code_keeping_memos(session: Session, *, excerpt_id: int, code_id: int) -> OpResult:
    """:func:`db.ops.coding.remove_code`; when that deletes the excerpt (its last code
    and no marker colour), the excerpt's memos are kept as orphaned."""
    from db.ops.coding import remove_code

    op = bind(remove_code, excerpt_id=excerpt_id, code_id=code_id)
    if not _removing_deletes(session, excerpt_id, code_id):
        return op(session)
    return keeping_memos(session, targets={"excerpt": [excerpt_id]}, then=op)


def _removing_deletes(session: Session, excerpt_id: int, code_id: int) -> bool:
    """Whether taking ``code_id`` off the excerpt leaves it with nothing to keep it."""
    excerpt = session.get(Excerpt, excerpt_id)
    if excerpt is None or excerpt.color:
        return False
    others = session.scalar(select(func.count(Coding.id)).where(
        Coding.excerpt_id == excerpt_id, Coding.code_id != code_id))
    return not others
