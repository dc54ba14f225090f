"""Coding passages: highlighting spans, applying and removing codes, resizing and deleting.

An excerpt is a span ``[start, end)`` of a source's text (code points, DESIGN.md rule 6)
made by one coder; a coding is one code on it by one coder. An excerpt without codes
lives on only as a marker (it has a colour); removing the last code of an excerpt
without a colour removes the excerpt. Inverses restore rows exactly
(:mod:`db.restore`); deleting an excerpt keeps its memos, as orphans.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.conflicts import editable
from db.errors import CodingError, NotFoundError
from db.models import Code, Coding, Excerpt, Source, new_uuid, utcnow
from db.ops import OpResult
from db.ops.codes import get_code
from db.palette import normalize_color
from db.restore import no_op, remove, undoable
from db.state import State, capture

EXCERPTS, CODINGS = Excerpt.__tablename__, Coding.__tablename__
_CHUNK = 900


# --- checks ----------------------------------------------------------------------------------

def check_span(source_id: int, length: int, start: int, end: int) -> None:
    """CodingError unless ``[start, end)`` is a non-empty span of a text of ``length``."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise CodingError("a span's start and end must be whole numbers")
    if start == end:
        raise CodingError(f"the span [{start}, {end}) is empty; select some text")
    if start > end:
        raise CodingError(f"the span [{start}, {end}) ends before it starts")
    if start < 0 or end > length:
        raise CodingError(f"the span [{start}, {end}) is outside source {source_id}, whose "
                          f"text has {length} characters (0 to {length})")


def check_blank(piece: str, start: int, end: int) -> None:
    """CodingError if the selected text is only white space (or invisible format marks
    such as the right-to-left mark, which select like spaces in Arabic text)."""
    if all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in piece):
        raise CodingError(f"the span [{start}, {end}) is only white space; select some words")


def _checked_span(session: Session, source_id: int, start: int, end: int) -> None:
    length = session.scalar(select(Source.length).where(Source.id == source_id))
    if length is None:
        raise NotFoundError(f"no source with id {source_id}")
    check_span(source_id, length, start, end)
    piece = session.scalar(select(func.substr(Source.text, start + 1, end - start))
                           .where(Source.id == source_id))
    check_blank(piece or "", start, end)


def get_excerpt(session: Session, excerpt_id: int) -> Excerpt:
    """The excerpt ``excerpt_id``; NotFoundError if there is none."""
    excerpt = session.get(Excerpt, excerpt_id) if excerpt_id is not None else None
    if excerpt is None:
        raise NotFoundError(f"no excerpt with id {excerpt_id}")
    return excerpt


def _same_coder(column, coder_id: int | None):
    return column.is_(None) if coder_id is None else column == coder_id


# --- coding one span -----------------------------------------------------------------------------

def code_span(session: Session, *, source_id: int, start: int, end: int,
              code_id: int | None = None, coder_id: int | None, color: str = "") -> OpResult:
    """Code (or, with only ``color``, highlight) ``[start, end)`` of a source (value = the
    excerpt id). The coder's own excerpt with exactly this span, if any, gets the code."""
    _checked_span(session, source_id, start, end)
    code = get_code(session, code_id) if code_id is not None else None
    color = normalize_color(color) if color else ""
    if code is None and not color:
        raise CodingError("choose a code, or a colour to highlight with")
    label = f"Apply code '{code.name}'" if code else "Highlight"
    found = _same_span(session, source_id, start, end, coder_id)
    if found is not None:
        return _code_existing(session, found, code, color, coder_id, label)
    return _code_new(session, (source_id, start, end), code, color, coder_id, label)


def _same_span(session: Session, source_id: int, start: int, end: int,
               coder_id: int | None) -> int | None:
    """The coder's oldest excerpt with exactly this span, if any."""
    return session.scalar(select(Excerpt.id).where(
        Excerpt.source_id == source_id, Excerpt.start == start, Excerpt.end == end,
        _same_coder(Excerpt.coder_id, coder_id)).order_by(Excerpt.id).limit(1))


def _code_new(session: Session, span: tuple[int, int, int], code: Code | None, color: str,
              coder_id: int | None, label: str) -> OpResult:
    """A new excerpt of ``span`` with the code (if any) and the colour."""
    excerpt = Excerpt(source_id=span[0], start=span[1], end=span[2], coder_id=coder_id,
                      color=color)
    session.add(excerpt)
    session.flush()
    before = State().include(EXCERPTS, [excerpt.id])
    done = Changes().add(EXCERPTS, [excerpt.id])
    if code is not None:
        coding = _add_coding(session, excerpt.id, code.id, coder_id)
        before.include(CODINGS, [coding])
        done.add(CODINGS, [coding])
    return undoable(done, before, label, excerpt.id)


def _code_existing(session: Session, excerpt_id: int, code: Code | None, color: str,
                   coder_id: int | None, label: str) -> OpResult:
    """Add the code (and/or the colour) to an excerpt the coder already has."""
    excerpt = session.get(Excerpt, excerpt_id)
    has_code = code is not None and _coding_of(session, excerpt_id, code.id, coder_id)
    if (code is None or has_code) and (not color or excerpt.color == color):
        what = f"code '{code.name}'" if code else "this highlight"
        raise CodingError(f"this passage already has {what}")
    before = capture(session, {EXCERPTS: [excerpt_id]})
    done = Changes()
    if color and excerpt.color != color:
        excerpt.color = color
        session.flush()
        done.add(EXCERPTS, [excerpt_id])
    if code is not None and not has_code:
        coding = _add_coding(session, excerpt_id, code.id, coder_id)
        before.include(CODINGS, [coding])
        done.add(CODINGS, [coding])
    return undoable(done, before, label, excerpt_id)


def _coding_of(session: Session, excerpt_id: int, code_id: int,
               coder_id: int | None) -> int | None:
    return session.scalar(select(Coding.id).where(
        Coding.excerpt_id == excerpt_id, Coding.code_id == code_id,
        _same_coder(Coding.coder_id, coder_id)))


def _add_coding(session: Session, excerpt_id: int, code_id: int, coder_id: int | None) -> int:
    coding = Coding(excerpt_id=excerpt_id, code_id=code_id, coder_id=coder_id)
    session.add(coding)
    session.flush()
    return coding.id


# --- coding many spans at once ("code all hits") -------------------------------------------------

def code_spans(session: Session, *, spans: Iterable[tuple[int, int, int]], code_id: int,
               coder_id: int | None) -> OpResult:
    """Apply a code to many ``(source_id, start, end)`` spans as one step (value = the
    excerpt ids, one per distinct span, in order). All spans are checked first; spans
    the coder has already coded with this code are left as they are."""
    code = get_code(session, code_id)
    wanted = list(dict.fromkeys((int(s), int(a), int(b)) for s, a, b in spans))
    if not wanted:
        raise CodingError("there are no passages to code")
    _check_many(session, wanted)
    ids = _existing_excerpts(session, wanted, coder_id)
    new_excerpts = _insert_excerpts(session, [w for w in wanted if w not in ids], coder_id)
    ids.update(new_excerpts)
    excerpt_ids = [ids[w] for w in wanted]
    coded = _coded_already(session, excerpt_ids, code.id, coder_id)
    new_codings = _insert_codings(session, [e for e in dict.fromkeys(excerpt_ids)
                                            if e not in coded], code.id, coder_id)
    if not new_codings:
        raise CodingError(f"every one of these passages already has code '{code.name}'")
    before = State().include(EXCERPTS, new_excerpts.values()).include(CODINGS, new_codings)
    done = Changes().add(EXCERPTS, new_excerpts.values()).add(CODINGS, new_codings)
    label = f"Apply code '{code.name}' to {len(new_codings)} passage(s)"
    return undoable(done, before, label, excerpt_ids)


def _check_many(session: Session, spans: list[tuple[int, int, int]]) -> None:
    """Check every span against its source's text, one text in memory at a time."""
    by_source: dict[int, list[tuple[int, int]]] = {}
    for sid, start, end in spans:
        by_source.setdefault(sid, []).append((start, end))
    for sid, pairs in by_source.items():
        text = session.scalar(select(Source.text).where(Source.id == sid))
        if text is None:
            raise NotFoundError(f"no source with id {sid}")
        for start, end in pairs:
            check_span(sid, len(text), start, end)
            check_blank(text[start:end], start, end)


def _existing_excerpts(session: Session, spans: list[tuple[int, int, int]],
                       coder_id: int | None) -> dict[tuple[int, int, int], int]:
    """The coder's excerpts with exactly these spans (the oldest one of each)."""
    wanted, out = set(spans), {}
    sources = sorted({s for s, _, _ in spans})
    for i in range(0, len(sources), _CHUNK):
        q = (select(Excerpt.source_id, Excerpt.start, Excerpt.end, Excerpt.id)
             .where(Excerpt.source_id.in_(sources[i:i + _CHUNK]),
                    _same_coder(Excerpt.coder_id, coder_id)).order_by(Excerpt.id.desc()))
        for sid, start, end, eid in session.execute(q):
            if (sid, start, end) in wanted:
                out[(sid, start, end)] = eid
    return out


def _insert_excerpts(session: Session, spans: list[tuple[int, int, int]],
                     coder_id: int | None) -> dict[tuple[int, int, int], int]:
    if not spans:
        return {}
    now = utcnow()
    rows = [{"uuid": new_uuid(), "source_id": s, "start": a, "end": b, "coder_id": coder_id,
             "color": "", "created_at": now} for s, a, b in spans]
    ids = _insert_returning(session, Excerpt, rows)
    changes.log(session, EXCERPTS, ids)
    return dict(zip(spans, ids, strict=True))


def _coded_already(session: Session, excerpt_ids: list[int], code_id: int,
                   coder_id: int | None) -> set[int]:
    out: set[int] = set()
    ids = sorted(set(excerpt_ids))
    for i in range(0, len(ids), _CHUNK):
        out |= set(session.scalars(select(Coding.excerpt_id).where(
            Coding.excerpt_id.in_(ids[i:i + _CHUNK]), Coding.code_id == code_id,
            _same_coder(Coding.coder_id, coder_id))))
    return out


def _insert_codings(session: Session, excerpt_ids: list[int], code_id: int,
                    coder_id: int | None) -> list[int]:
    if not excerpt_ids:
        return []
    now = utcnow()
    rows = [{"uuid": new_uuid(), "excerpt_id": e, "code_id": code_id, "coder_id": coder_id,
             "created_at": now} for e in excerpt_ids]
    ids = _insert_returning(session, Coding, rows)
    changes.log(session, CODINGS, ids)
    return ids


def _insert_returning(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in one statement per batch; their new ids, in order."""
    ids: list[int] = []
    for i in range(0, len(rows), 500):
        stmt = insert(model.__table__).returning(model.__table__.c.id,
                                                 sort_by_parameter_order=True)
        ids += list(session.scalars(stmt, rows[i:i + 500]))
    return ids


# --- codes on an excerpt ---------------------------------------------------------------------

def apply_code(session: Session, *, excerpt_id: int, code_id: int,
               coder_id: int | None) -> OpResult:
    """Put a code on an existing excerpt (value = the coding id)."""
    excerpt = get_excerpt(session, excerpt_id)
    code = get_code(session, code_id)
    if _coding_of(session, excerpt.id, code.id, coder_id):
        raise CodingError(f"this passage already has code '{code.name}'")
    coding = _add_coding(session, excerpt.id, code.id, coder_id)
    before = State().include(CODINGS, [coding])
    return undoable(Changes().add(CODINGS, [coding]), before, f"Apply code '{code.name}'", coding)


def remove_code(session: Session, *, excerpt_id: int, code_id: int) -> OpResult:
    """Take a code off an excerpt (every coder's coding of it). An excerpt left with no
    code and no colour is deleted (value = True then)."""
    excerpt = get_excerpt(session, excerpt_id)
    code = get_code(session, code_id)
    ids = list(session.scalars(select(Coding.id).where(Coding.excerpt_id == excerpt.id,
                                                       Coding.code_id == code.id)))
    if not ids:
        raise CodingError(f"excerpt {excerpt.id} does not have code '{code.name}'")
    others = session.scalar(select(func.count(Coding.id)).where(
        Coding.excerpt_id == excerpt.id, Coding.code_id != code.id))
    label = f"Remove code '{code.name}'"
    if not others and not excerpt.color:
        return remove(session, keys={EXCERPTS: [excerpt.id]}, label=label, value=True)
    return remove(session, keys={CODINGS: ids}, label=label, value=False)


# --- excerpts themselves ---------------------------------------------------------------------

def resize_excerpt(session: Session, *, excerpt_id: int, start: int, end: int,
                   expected_version: int | None = None) -> OpResult:
    """Move an excerpt's boundaries to ``[start, end)`` of the same source; with
    ``expected_version``, EditConflictError if someone changed the excerpt since."""
    excerpt = editable(session, get_excerpt, EXCERPTS, excerpt_id, expected_version)
    _checked_span(session, excerpt.source_id, start, end)
    if (excerpt.start, excerpt.end) == (start, end):
        return no_op(session, label="Resize excerpt", value=excerpt.id)
    before = capture(session, {EXCERPTS: [excerpt.id]})
    excerpt.start, excerpt.end = start, end
    session.flush()
    return undoable(Changes().add(EXCERPTS, [excerpt.id]), before, "Resize excerpt", excerpt.id)


def delete_excerpt(session: Session, *, excerpt_id: int,
                   expected_version: int | None = None) -> OpResult:
    """Delete an excerpt with its codings and citations; its memos are kept as orphans.
    With ``expected_version``, EditConflictError if someone changed it since."""
    excerpt = editable(session, get_excerpt, EXCERPTS, excerpt_id, expected_version)
    return remove(session, keys={EXCERPTS: [excerpt.id]}, label="Delete excerpt",
                  value=excerpt.id)
