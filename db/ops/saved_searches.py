"""Operations on saved searches: save, rename and delete, each undoable (DESIGN.md rule 2)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.changes import Changes
from db.errors import NotFoundError, SavedSearchNameError
from db.models import SavedSearch
from db.ops import OpResult
from db.restore import remove, undoable
from db.state import State, capture

TABLE = SavedSearch.__tablename__


def _check_name(session: Session, name: str, except_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise SavedSearchNameError("a saved search needs a name")
    other = session.scalar(select(SavedSearch.id).where(SavedSearch.name == name))
    if other is not None and other != except_id:
        raise SavedSearchNameError(f"there is already a saved search called '{name}'")
    return name


def _get(session: Session, search_id: int) -> SavedSearch:
    row = session.get(SavedSearch, search_id)
    if row is None:
        raise NotFoundError(f"no saved search with id {search_id}")
    return row


def save_search(session: Session, *, name: str, query: str,
                options: dict[str, Any] | None = None) -> OpResult:
    """Save ``query`` with its options (e.g. ``{"stemmed": True}``) under ``name``."""
    row = SavedSearch(name=_check_name(session, name), query=query,
                      options=dict(options or {}))
    session.add(row)
    session.flush()
    return undoable(Changes().add(TABLE, [row.id]), State().include(TABLE, [row.id]),
                    f"Save search '{row.name}'", row.id)


def rename_search(session: Session, *, search_id: int, name: str) -> OpResult:
    """Give a saved search a new name."""
    row = _get(session, search_id)
    before = capture(session, {TABLE: [row.id]})
    old, row.name = row.name, _check_name(session, name, except_id=search_id)
    session.flush()
    return undoable(Changes().add(TABLE, [row.id]), before,
                    f"Rename search '{old}' to '{row.name}'", row.id)


def delete_search(session: Session, *, search_id: int) -> OpResult:
    """Delete a saved search (undo saves it again with the same id and UUID)."""
    row = _get(session, search_id)
    return remove(session, keys={TABLE: [row.id]}, label=f"Delete search '{row.name}'",
                  value=search_id)


def saved_searches(session: Session) -> list[dict[str, Any]]:
    """Every saved search, by name: id, name, query, options."""
    rows = session.scalars(select(SavedSearch).order_by(SavedSearch.name))
    return [{"id": r.id, "name": r.name, "query": r.query, "options": dict(r.options)}
            for r in rows]
