"""The codebook as the Codes pane and the command line show it: a tree with counts.

A code's path is the names from the top of the tree down to it, joined with "/"
("Emotions/Despair"). Names may themselves contain "/", so :func:`code_by_path` matches
whole names against the path rather than splitting it blindly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from db.errors import NotFoundError
from db.models import Code, Coding, Excerpt

SEP = "/"


def _rows(session: Session) -> list[Any]:
    q = select(Code.id, Code.uuid, Code.name, Code.parent_id, Code.position, Code.color,
               Code.description, Code.version)
    return list(session.execute(q))


def children_map(session: Session) -> dict[int | None, list[int]]:
    """Ids of each code's children in their order (key None: the top-level codes)."""
    q = select(Code.id, Code.parent_id).order_by(Code.position, Code.id)
    kids: dict[int | None, list[int]] = {}
    for cid, parent in session.execute(q):
        kids.setdefault(parent, []).append(cid)
    return kids


def subtree(kids: dict[int | None, list[int]], code_id: int) -> list[int]:
    """``code_id`` and all its descendants, depth-first."""
    out, stack = [], [code_id]
    while stack:
        cid = stack.pop()
        out.append(cid)
        stack.extend(reversed(kids.get(cid, [])))
    return out


def descendants(session: Session, code_id: int) -> list[int]:
    """``code_id`` and every code below it, depth-first."""
    return subtree(children_map(session), code_id)


def _counts(session: Session, coder_ids: Iterable[int] | None) -> dict[int, tuple[int, int]]:
    q = (select(Coding.code_id, func.count(distinct(Coding.excerpt_id)),
                func.count(distinct(Excerpt.source_id)))
         .join(Excerpt, Excerpt.id == Coding.excerpt_id).group_by(Coding.code_id))
    if coder_ids is not None:
        q = q.where(Excerpt.coder_id.in_(list(coder_ids)))
    return {cid: (n, s) for cid, n, s in session.execute(q)}


def code_tree(session: Session, coder_ids: Iterable[int] | None = None, *,
              counted: bool = True) -> list[dict[str, Any]]:
    """Every code, depth-first in sibling order, with its path, depth and counts.

    Each row: id, uuid, name, parent_id, position, color, description, version (what an
    edit passes as ``expected_version``), path, depth, excerpts and sources (how many
    excerpts carry this code itself, and in how many sources; with ``coder_ids``, only
    those coders' excerpts count; 0 without ``counted``).
    """
    rows = {r.id: r for r in _rows(session)}
    counts = _counts(session, coder_ids) if counted else {}
    kids: dict[int | None, list[Any]] = {}
    for r in rows.values():
        kids.setdefault(r.parent_id, []).append(r)
    out: list[dict[str, Any]] = []
    stack = [(r, "", 0) for r in reversed(_ordered(kids.get(None, [])))]
    while stack:
        r, prefix, depth = stack.pop()
        path = f"{prefix}{SEP}{r.name}" if prefix else r.name
        n, s = counts.get(r.id, (0, 0))
        out.append({"id": r.id, "uuid": r.uuid, "name": r.name, "parent_id": r.parent_id,
                    "position": r.position, "color": r.color, "description": r.description,
                    "version": r.version, "path": path, "depth": depth, "excerpts": n,
                    "sources": s})
        stack.extend((k, path, depth + 1) for k in reversed(_ordered(kids.get(r.id, []))))
    return out


def _ordered(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: (r.position, r.id))


def code_path(session: Session, code_id: int) -> str:
    """The path of a code, e.g. "Emotions/Despair"; NotFoundError if there is no such code."""
    names: list[str] = []
    current: int | None = code_id
    while current is not None:
        row = session.execute(select(Code.name, Code.parent_id).where(Code.id == current)).first()
        if row is None:
            raise NotFoundError(f"no code with id {code_id}")
        names.append(row.name)
        current = row.parent_id
    return SEP.join(reversed(names))


def code_by_path(session: Session, path: str) -> int | None:
    """The id of the code at ``path`` ("Parent/Child"), or None.

    Names are matched exactly, else ignoring case (names are unique among siblings
    either way); a name containing "/" is matched whole.
    """
    found = resolve_path(session, path)
    return found[0] if found and not found[1] else None


def resolve_path(session: Session, path: str) -> tuple[int | None, list[str]]:
    """The deepest existing code along ``path`` and the names below it still missing.

    ``(None, ["A", "B"])``: nothing of "A/B" exists; ``(7, [])``: code 7 is "A/B".
    """
    rows = session.execute(select(Code.id, Code.name, Code.parent_id)).all()
    kids: dict[int | None, list[Any]] = {}
    for r in rows:
        kids.setdefault(r.parent_id, []).append(r)
    return _walk(kids, None, path.strip().strip(SEP).strip())


def _walk(kids: dict, parent: int | None, rest: str) -> tuple[int | None, list[str]]:
    """Match ``rest`` below ``parent``: longest names first, exact before case-insensitive."""
    best: tuple[int | None, list[str]] = (parent, [p.strip() for p in rest.split(SEP)
                                                   if p.strip()])
    for fold in (False, True):
        for r in sorted(kids.get(parent, []), key=lambda r: -len(r.name)):
            after = _after_name(rest, r.name, fold)
            if after is None:
                continue
            if not after:
                return r.id, []
            found = _walk(kids, r.id, after)
            if not found[1]:
                return found
            if len(found[1]) < len(best[1]):
                best = found
    return best


def _after_name(text: str, name: str, fold: bool) -> str | None:
    """What follows ``name`` and a separator at the start of ``text`` ('' if only the name
    is there); None when ``text`` does not start with that name."""
    head = text[:len(name)]
    if (head.casefold() != name.casefold()) if fold else (head != name):
        return None
    tail = text[len(name):].lstrip()
    if not tail:
        return ""
    if not tail.startswith(SEP):
        return None
    while tail.startswith(SEP):  # "A//B" is "A/B", as when the codes were made from it
        tail = tail[1:].lstrip()
    return tail


def impact(session: Session, code_id: int) -> dict[str, int]:
    """What deleting a code would remove, for the confirmation.

    codes: the code and its descendants; excerpts: excerpts coded with any of them;
    sources: the sources of those; codings: codings removed; excerpts_deleted: excerpts
    left with no code and no marker colour, which deleting removes as well.
    """
    ids = descendants(session, code_id)
    coded = _coded_excerpts(ids)
    q = select(func.count(distinct(Excerpt.id)), func.count(distinct(Excerpt.source_id))) \
        .where(Excerpt.id.in_(coded))
    n_excerpts, n_sources = session.execute(q).one()
    n_codings = session.scalar(select(func.count(Coding.id)).where(Coding.code_id.in_(ids)))
    orphans = session.scalar(select(func.count()).select_from(orphaned_excerpts(ids).subquery()))
    return {"codes": len(ids), "excerpts": n_excerpts, "sources": n_sources,
            "codings": n_codings, "excerpts_deleted": orphans}


def _coded_excerpts(code_ids: list[int]):
    return select(Coding.excerpt_id).where(Coding.code_id.in_(code_ids))


def orphaned_excerpts(code_ids: list[int]):
    """A select of the excerpts that removing ``code_ids`` leaves without any code or colour."""
    other = aliased(Coding)
    keeps = exists().where(and_(other.excerpt_id == Excerpt.id, other.code_id.not_in(code_ids)))
    return select(Excerpt.id).where(Excerpt.id.in_(_coded_excerpts(code_ids)),
                                    Excerpt.color == "", ~keeps)
