"""The codebook: creating, renaming, recolouring, moving, merging and deleting codes.

Every operation captures the rows it will touch (:mod:`db.state`), so its inverse
puts them back exactly (:mod:`db.restore`), and the inverse of that redoes it exactly.
Names are unique among siblings, ignoring case ("Despair" and "despair" side by side
would only confuse); white space in a name is tidied to single spaces.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from db import changes
from db.changes import Changes
from db.conflicts import editable
from db.errors import CodingError, NotFoundError
from db.models import Code, Coding, Excerpt, Memo
from db.ops import OpResult
from db.palette import next_color, normalize_color
from db.queries.codes import (
    SEP,
    children_map,
    descendants,
    orphaned_excerpts,
    resolve_path,
    subtree,
)
from db.restore import remove, undoable
from db.state import State, capture

MAX_NAME = 300
CODES, CODINGS, EXCERPTS = Code.__tablename__, Coding.__tablename__, Excerpt.__tablename__
MEMOS = Memo.__tablename__


# --- checks ----------------------------------------------------------------------------------

def get_code(session: Session, code_id: int) -> Code:
    """The code ``code_id``; NotFoundError if there is none."""
    code = session.get(Code, code_id) if code_id is not None else None
    if code is None:
        raise NotFoundError(f"no code with id {code_id}")
    return code


def clean_code_name(name: str) -> str:
    """``name`` with white space tidied; CodingError when empty or too long."""
    clean = " ".join((name or "").split())
    if not clean:
        raise CodingError("a code needs a name")
    if len(clean) > MAX_NAME:
        raise CodingError(f"a code name can have at most {MAX_NAME} characters")
    return clean


def _siblings(parent_id: int | None):
    return Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id


def _check_free(session: Session, parent_id: int | None, name: str,
                except_id: int | None = None) -> None:
    """CodingError if a sibling under ``parent_id`` already has ``name`` (any case)."""
    q = select(Code.id, Code.name).where(_siblings(parent_id))
    for cid, other in session.execute(q):
        if cid != except_id and other.casefold() == name.casefold():
            where = "at the top level" if parent_id is None else \
                f"under '{get_code(session, parent_id).name}'"
            raise CodingError(f"there is already a code named '{other}' {where}")


def _next_position(session: Session, parent_id: int | None) -> int:
    top = session.scalar(select(func.max(Code.position)).where(_siblings(parent_id)))
    return 0 if top is None else top + 1


# --- creating and editing ---------------------------------------------------------------------

def create_code(session: Session, *, name: str, parent_id: int | None = None, color: str = "",
                description: str = "", coder_id: int | None = None) -> OpResult:
    """A new code at the end of ``parent_id``'s children (value = its id).

    ``color`` "" takes the next colour of the default palette.
    """
    clean = clean_code_name(name)
    if parent_id is not None:
        get_code(session, parent_id)
    _check_free(session, parent_id, clean)
    code = Code(name=clean, parent_id=parent_id, position=_next_position(session, parent_id),
                color=normalize_color(color) if color else next_color(session),
                description=description or "", coder_id=coder_id)
    session.add(code)
    session.flush()
    before = State().include(CODES, [code.id])
    return undoable(Changes().add(CODES, [code.id]), before, f"New code '{clean}'", code.id)


def ensure_code_path(session: Session, *, path: str, coder_id: int | None = None) -> OpResult:
    """The code at ``path`` ("Parent/Child"), creating the missing codes (value = its id)."""
    found, missing = resolve_path(session, path)
    if found is None and not missing:
        raise CodingError("a code path needs at least one name")
    before = State()
    done = Changes()
    parent = found
    for name in missing:
        made = create_code(session, name=name, parent_id=parent, coder_id=coder_id)
        parent = made.value
        before.include(CODES, [parent])
        done.add(CODES, [parent])
    label = f"New code '{path.strip()}'" if missing else ""
    return undoable(done, before, label, parent)


def rename_code(session: Session, *, code_id: int, name: str,
                expected_version: int | None = None) -> OpResult:
    """Give a code a new name (unique among its siblings). With ``expected_version`` (the
    version the caller showed), EditConflictError if someone changed the code since."""
    code = editable(session, get_code, CODES, code_id, expected_version)
    clean = clean_code_name(name)
    _check_free(session, code.parent_id, clean, except_id=code.id)
    before = capture(session, {CODES: [code.id]})
    old, code.name = code.name, clean
    session.flush()
    return undoable(Changes().add(CODES, [code.id]), before,
                       f"Rename code '{old}' to '{clean}'", code.id)


def update_code(session: Session, *, code_id: int, color: str | None = None,
                description: str | None = None,
                expected_version: int | None = None) -> OpResult:
    """Change a code's colour and/or description (None leaves it as it is); with
    ``expected_version``, EditConflictError if someone changed the code since."""
    code = editable(session, get_code, CODES, code_id, expected_version)
    new_color = normalize_color(color) if color is not None else code.color
    before = capture(session, {CODES: [code.id]})
    code.color = new_color
    if description is not None:
        code.description = description
    session.flush()
    what = "colour" if description is None else "description" if color is None else "code"
    label = f"Edit code '{code.name}'" if what == "code" else f"Change {what} of '{code.name}'"
    return undoable(Changes().add(CODES, [code.id]), before, label, code.id)


# --- moving -----------------------------------------------------------------------------------

def move_code(session: Session, *, code_id: int, parent_id: int | None,
              position: int, expected_version: int | None = None) -> OpResult:
    """Put a code under ``parent_id`` (None: top level) at index ``position`` among its
    new siblings, which are renumbered 0, 1, 2...; into its own subtree: CodingError.
    With ``expected_version``, EditConflictError if someone changed the code since."""
    code = editable(session, get_code, CODES, code_id, expected_version)
    kids = children_map(session)
    if parent_id is not None:
        get_code(session, parent_id)
        if parent_id in subtree(kids, code_id):
            raise CodingError(f"'{code.name}' cannot be moved under itself or one of its "
                              "own sub-codes")
    if parent_id != code.parent_id:
        _check_free(session, parent_id, code.name, except_id=code.id)
    old = [c for c in kids.get(code.parent_id, []) if c != code_id]
    new = [c for c in kids.get(parent_id, []) if c != code_id]
    new.insert(max(0, min(position, len(new))), code_id)
    before = capture(session, {CODES: set(old) | set(new)})
    moved_out = parent_id != code.parent_id
    code.parent_id = parent_id
    _renumber(session, [new, old] if moved_out else [new])
    session.flush()
    return undoable(Changes().add(CODES, set(old) | set(new)), before,
                       f"Move code '{code.name}'", code.id)


def _renumber(session: Session, orders: list[list[int]]) -> None:
    """Positions 0, 1, 2... for each list of sibling ids, in list order (ORM, so logged)."""
    for ids in orders:
        for pos, cid in enumerate(ids):
            code = session.get(Code, cid)
            if code.position != pos:
                code.position = pos


# --- merging ----------------------------------------------------------------------------------

def merge_code(session: Session, *, code_id: int, into_id: int) -> OpResult:
    """Merge a code into another: its codings, memos and sub-codes go to ``into_id``.

    A coding the target already has on the same excerpt by the same coder collapses into
    the target's. A sub-code whose name the target already has among its children is
    merged into that child in turn; the others move under the target, after its own
    children. The merged code (and any sub-code merged in turn) is deleted.
    """
    src, dst = get_code(session, code_id), get_code(session, into_id)
    kids = children_map(session)
    if code_id == into_id:
        raise CodingError(f"'{src.name}' cannot be merged into itself")
    if into_id in subtree(kids, code_id):
        raise CodingError(f"'{src.name}' cannot be merged into its own sub-code '{dst.name}'")
    label = f"Merge code '{src.name}' into '{dst.name}'"
    pairs, moves = _merge_plan(session, kids, code_id, into_id)
    gone = [s for s, _ in pairs]
    before = capture(session, {
        CODES: gone + [k for k, _ in moves],
        CODINGS: session.scalars(select(Coding.id).where(Coding.code_id.in_(gone))),
        MEMOS: session.scalars(select(Memo.id).where(Memo.code_id.in_(gone)))})
    done = _do_merge(session, pairs, moves)
    session.expire_all()
    return undoable(done.add(CODES, [into_id]), before, label, into_id)


def _merge_plan(session: Session, kids: dict, src: int, dst: int
                ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(code, into) pairs to merge, and (sub-code, new parent) moves, for merging src."""
    names = {cid: name for cid, name in session.execute(select(Code.id, Code.name))}
    pairs: list[tuple[int, int]] = []
    moves: list[tuple[int, int]] = []
    todo = [(src, dst)]
    while todo:
        s, d = todo.pop(0)
        pairs.append((s, d))
        twins = {names[k].casefold(): k for k in kids.get(d, []) if k != src}
        for k in kids.get(s, []):
            twin = twins.get(names[k].casefold())
            if twin is None:
                moves.append((k, d))
            else:
                todo.append((k, twin))
    return pairs, moves


def _do_merge(session: Session, pairs: list[tuple[int, int]],
              moves: list[tuple[int, int]]) -> Changes:
    done = Changes()
    gone = [s for s, _ in pairs]
    _park(session, gone)
    for s, d in pairs:
        _merge_codings(session, s, d, done)
        memos = list(session.scalars(select(Memo.id).where(Memo.code_id == s)))
        session.execute(update(Memo).where(Memo.id.in_(memos)).values(code_id=d))
        _log(session, done, MEMOS, memos)
    for k, d in moves:
        session.execute(update(Code).where(Code.id == k)
                        .values(parent_id=d, position=_next_position(session, d)))
    _log(session, done, CODES, [k for k, _ in moves])
    session.execute(delete(Code).where(Code.id.in_(gone)))
    _log(session, done, CODES, gone, changes.DELETE)
    return done


def _park(session: Session, ids: list[int]) -> None:
    """Rename codes about to go to their UUID, so their names are free at once."""
    session.execute(update(Code).where(Code.id.in_(ids)).values(name=Code.uuid))


def _merge_codings(session: Session, src: int, dst: int, done: Changes) -> None:
    other = aliased(Coding)
    same_coder = or_(other.coder_id == Coding.coder_id,
                     and_(other.coder_id.is_(None), Coding.coder_id.is_(None)))
    twin = exists().where(other.code_id == dst, other.excerpt_id == Coding.excerpt_id,
                          same_coder)
    dups = list(session.scalars(select(Coding.id).where(Coding.code_id == src, twin)))
    session.execute(delete(Coding).where(Coding.id.in_(dups)))
    _log(session, done, CODINGS, dups, changes.DELETE)
    moved = list(session.scalars(select(Coding.id).where(Coding.code_id == src)))
    session.execute(update(Coding).where(Coding.id.in_(moved)).values(code_id=dst))
    _log(session, done, CODINGS, moved)


def _log(session: Session, done: Changes, table: str, ids: list[int],
         action: str = changes.UPSERT) -> None:
    if ids:
        changes.log(session, table, ids, action)
        done.add(table, ids)


# --- deleting ---------------------------------------------------------------------------------

def delete_code(session: Session, *, code_id: int,
                expected_version: int | None = None) -> OpResult:
    """Delete a code with its sub-codes and their codings (value = what was removed).

    Excerpts left with no code and no marker colour are deleted too (with their
    citations); the memos on all of them are kept as orphans. The inverse restores all.
    With ``expected_version``, EditConflictError if someone changed the code since.
    """
    name = editable(session, get_code, CODES, code_id, expected_version).name
    ids = descendants(session, code_id)
    orphans = list(session.scalars(orphaned_excerpts(ids)))
    codings = list(session.scalars(select(Coding.id).where(Coding.code_id.in_(ids))))
    value = {"codes": len(ids), "codings": len(codings), "excerpts_deleted": len(orphans)}
    return remove(session, keys={CODES: ids, EXCERPTS: orphans}, label=f"Delete code '{name}'",
                  value=value)


__all__ = ["SEP", "create_code", "ensure_code_path", "rename_code", "update_code",
           "move_code", "merge_code", "delete_code", "clean_code_name", "get_code"]
