"""Footnote citations on excerpts: citing, editing, reordering and deleting, all undoable.

A citation cites a reference of the library, or (``reference_id`` None) the excerpt's own
source, with an optional locator (a label such as "page", "paragraph" or "post", and a
value) and an optional note. It can instead carry one of the article's own footnotes
(``footnote_id``), though the footnotes whose markers lie inside an excerpt travel with
it without one (:func:`db.queries.citations.citations_for_excerpt`). Citations of an
excerpt are ordered by ``position``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.changes import Changes
from db.citations.errors import NotesError
from db.citations.format import parse_locator
from db.conflicts import editable
from db.errors import NotFoundError
from db.models import Citation, Footnote, Reference
from db.ops import OpResult
from db.ops.coding import get_excerpt
from db.queries.citations import citation_count
from db.restore import no_op, remove, undoable
from db.state import capture

CITATIONS = Citation.__tablename__
UNCHANGED: Any = object()  # "leave as it is", for arguments where None means something
MAX_LABEL, MAX_LOCATOR = 40, 100
__all__ = ["cite", "edit_citation", "move_citation", "delete_citation", "citation_count",
           "clean_locator", "get_citation", "UNCHANGED"]


def get_citation(session: Session, citation_id: int) -> Citation:
    """The citation ``citation_id``; NotFoundError if there is none."""
    found = session.get(Citation, citation_id) if citation_id is not None else None
    if found is None:
        raise NotFoundError(f"no citation with id {citation_id}")
    return found


def _check_reference(session: Session, reference_id: int | None) -> None:
    if reference_id is not None and session.get(Reference, reference_id) is None:
        raise NotFoundError(f"no reference with id {reference_id}")


def _check_footnote(session: Session, footnote_id: int | None, source_id: int) -> None:
    if footnote_id is None:
        return
    note = session.get(Footnote, footnote_id)
    if note is None:
        raise NotFoundError(f"no footnote with id {footnote_id}")
    if note.source_id != source_id:
        raise NotesError(f"footnote {footnote_id} belongs to another source than the excerpt")


def clean_locator(label: str, value: str) -> tuple[str, str]:
    """A locator as stored: ("page", "12") from ("", "p. 12") or ("page", "12"); a value
    without a label is a page; ("", "") for none."""
    label, value = " ".join((label or "").split()).lower(), " ".join((value or "").split())
    if value and not label:
        label, value = parse_locator(value)
    if not value:
        return "", ""
    if len(label) > MAX_LABEL or len(value) > MAX_LOCATOR:
        raise NotesError(f"a locator can have a label of {MAX_LABEL} and a value of "
                         f"{MAX_LOCATOR} characters at most")
    return label, value


def _what(session: Session, reference_id: int | None, footnote_id: int | None) -> str:
    if footnote_id is not None:
        return "footnote"
    if reference_id is None:
        return "the source"
    return f"'{session.get(Reference, reference_id).key}'"


# --- citing ------------------------------------------------------------------------------------

def cite(session: Session, *, excerpt_id: int, reference_id: int | None = None,
         footnote_id: int | None = None, locator_label: str = "", locator: str = "",
         note: str = "", coder_id: int | None = None, position: int | None = None
         ) -> OpResult:
    """Add a citation to an excerpt (value = its id): the reference ``reference_id``, or
    the excerpt's own source, or the source's footnote ``footnote_id``; at ``position``
    among the excerpt's citations (default: last)."""
    excerpt = get_excerpt(session, excerpt_id)
    if reference_id is not None and footnote_id is not None:
        raise NotesError("a citation cites a reference or carries a footnote, not both")
    _check_reference(session, reference_id)
    _check_footnote(session, footnote_id, excerpt.source_id)
    label, value = clean_locator(locator_label, locator)
    siblings = _ordered_ids(session, excerpt.id)
    before = capture(session, {CITATIONS: siblings})
    made = Citation(excerpt_id=excerpt.id, reference_id=reference_id, footnote_id=footnote_id,
                    locator_label=label, locator=value, note=note or "", coder_id=coder_id,
                    position=len(siblings))
    session.add(made)
    session.flush()
    order = _insert_at(siblings, made.id, position)
    _renumber(session, order)
    before.include(CITATIONS, [made.id])
    return undoable(Changes().add(CITATIONS, order), before,
               f"Cite {_what(session, reference_id, footnote_id)}", made.id)


def _ordered_ids(session: Session, excerpt_id: int) -> list[int]:
    q = select(Citation.id).where(Citation.excerpt_id == excerpt_id) \
        .order_by(Citation.position, Citation.id)
    return list(session.scalars(q))


def _insert_at(ids: list[int], new: int, position: int | None) -> list[int]:
    out = [i for i in ids if i != new]
    at = len(out) if position is None else max(0, min(int(position), len(out)))
    out.insert(at, new)
    return out


def _renumber(session: Session, ids: list[int]) -> None:
    for pos, cid in enumerate(ids):
        row = session.get(Citation, cid)
        if row.position != pos:
            row.position = pos
    session.flush()


# --- editing -----------------------------------------------------------------------------------

def edit_citation(session: Session, *, citation_id: int, reference_id: Any = UNCHANGED,
                  locator_label: str | None = None, locator: str | None = None,
                  note: str | None = None, expected_version: int | None = None) -> OpResult:
    """Change what a citation cites (``reference_id``; None: the excerpt's source), its
    locator or its note; arguments left out stay as they are. With ``expected_version``
    (what the caller showed), EditConflictError if someone changed it since."""
    row = editable(session, get_citation, "citations", citation_id, expected_version)
    if reference_id is not UNCHANGED:
        if row.footnote_id is not None:
            raise NotesError("this citation carries a footnote of the article; it cites no "
                             "reference")
        _check_reference(session, reference_id)
    wanted = _wanted(row, reference_id, locator_label, locator, note)
    label = "Edit citation"
    if all(getattr(row, k) == v for k, v in wanted.items()):
        return no_op(session, label=label, value=row.id)
    before = capture(session, {CITATIONS: [row.id]})
    for key, value in wanted.items():
        setattr(row, key, value)
    session.flush()
    return undoable(Changes().add(CITATIONS, [row.id]), before, label, row.id)


def _wanted(row: Citation, reference_id: Any, locator_label: str | None,
            locator: str | None, note: str | None) -> dict[str, Any]:
    label = row.locator_label if locator_label is None else locator_label
    value = row.locator if locator is None else locator
    if locator_label is None and locator is not None and not locator.strip():
        label = ""
    clean_label, clean_value = clean_locator(label, value)
    return {"reference_id": row.reference_id if reference_id is UNCHANGED else reference_id,
            "locator_label": clean_label, "locator": clean_value,
            "note": row.note if note is None else note}


def move_citation(session: Session, *, citation_id: int, position: int) -> OpResult:
    """Put a citation at ``position`` among its excerpt's citations (0 = first)."""
    row = get_citation(session, citation_id)
    ids = _ordered_ids(session, row.excerpt_id)
    order = _insert_at(ids, row.id, position)
    if order == ids and [session.get(Citation, i).position for i in ids] == list(
            range(len(ids))):
        return no_op(session, label="Move citation", value=row.id)
    before = capture(session, {CITATIONS: ids})
    _renumber(session, order)
    return undoable(Changes().add(CITATIONS, ids), before, "Move citation", row.id)


def delete_citation(session: Session, *, citation_id: int) -> OpResult:
    """Delete a citation (undo puts it back in its place)."""
    row = get_citation(session, citation_id)
    return remove(session, keys={CITATIONS: [row.id]}, label="Delete citation",
                  value=citation_id)
