"""The reference library and sources' bibliographic data: importing, editing, linking,
deleting -- each one undoable step (:mod:`db.restore`).

Importing a BibTeX, RIS or CSL-JSON file adds its new references (duplicates of ones
already in the project are skipped, clashing keys renamed), reports the entries it could
not read with their line numbers, and links each new reference to the sources it matches
by DOI, URL or title. Undo removes what was added and unlinks what was linked.

A source cited "by itself" is cited by its linked reference when it has one, else by
its own CSL (``Source.csl``). Deleting a reference deletes its citations (the GUI asks
first, with :func:`citation_count`); undo puts all back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db import changes
from db.changes import Changes
from db.citations.csl import csl_for_source, normalize_doi
from db.citations.errors import NotesError
from db.citations.library import Library, Problem
from db.citations.references import (
    Known,
    SourceIndex,
    clean_key,
    make_key,
    parse_library,
    read_library,
)
from db.conflicts import editable
from db.errors import NotFoundError
from db.models import Citation, Reference, Source, new_uuid, utcnow
from db.ops import OpResult
from db.queries.citations import citation_count
from db.restore import change, combine, no_op, remove, undoable
from db.state import State

REFS, SOURCES = Reference.__table__, Source.__table__
__all__ = ["import_references", "create_reference", "edit_reference", "edit_source_csl",
           "link_reference", "unlink_reference", "delete_reference", "citation_count",
           "ReferenceImport"]


@dataclass
class ReferenceImport:
    """What an import did: references added, duplicates skipped, keys renamed, entries
    that could not be read (with their lines), and sources linked."""

    file: str
    format: str
    added: list[dict[str, Any]] = field(default_factory=list)  # id, key, title, line
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # line, key, of
    renamed: list[dict[str, Any]] = field(default_factory=list)  # line, key, was
    problems: list[Problem] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)  # key, source_id, by

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for JSON)."""
        out = asdict(self)
        out["problems"] = [{"line": p.line, "message": p.message} for p in self.problems]
        return out

    def lines(self) -> list[str]:
        """The report for a person: a summary line, then one line per event."""
        out = [f"{self.file}: {len(self.added)} reference(s) imported, "
               f"{len(self.duplicates)} already in the library, "
               f"{len(self.problems)} could not be read, {len(self.links)} source link(s)"]
        out += [f"  imported {a['key']}  (line {a['line']})  {a['title']}" for a in self.added]
        out += [f"  renamed {r['was']!r} to {r['key']!r} (line {r['line']}): the key was "
                "taken" for r in self.renamed]
        out += [f"  skipped line {d['line']}: {d['key'] or 'entry'} is already in the "
                f"library as {d['of']}" for d in self.duplicates]
        out += [f"  NOT imported: {p}" for p in self.problems]
        out += [f"  linked {link['key']} to source {link['source_id']} (same {link['by']})"
                for link in self.links]
        return out


# --- importing ---------------------------------------------------------------------------------

def import_references(session: Session, *, path: str | Path | None = None, text: str = "",
                      fmt: str = "", link: bool = True) -> OpResult:
    """Import the references of a file (or of ``text``), as one step (value =
    :class:`ReferenceImport`)."""
    lib = read_library(path, fmt) if path is not None else parse_library(text, fmt)
    report = ReferenceImport(str(path or "text"), lib.format, problems=list(lib.problems))
    rows = _new_rows(session, lib, report)
    ids = _insert(session, rows)
    for row, rid in zip(rows, ids, strict=True):
        report.added.append({"id": rid, "key": row["key"], "title": row["csl"].get("title", ""),
                             "line": row["line"]})
    label = f"Import {len(ids)} reference(s)"
    if not ids:
        return no_op(session, label=label, value=report)
    results = [undoable(Changes().add(REFS.name, ids), State().include(REFS.name, ids))]
    linked = _link_new(session, report) if link else None
    return combine(results + ([linked] if linked else []), label, value=report)


def _new_rows(session: Session, lib: Library, report: ReferenceImport) -> list[dict]:
    """The entries to add, with unique keys; duplicates and renames go to the report."""
    known, taken = Known(), set()
    for key, csl in session.execute(select(Reference.key, Reference.csl)):
        known.add(key, csl or {})
        taken.add(key.lower())
    rows = []
    for entry in lib.entries:
        csl, key = dict(entry.csl), clean_key(entry.key or str(entry.csl.get("id") or ""))
        dup = known.duplicate_of(key, csl)
        if dup is not None:
            report.duplicates.append({"line": entry.line, "key": key, "of": dup})
            continue
        key = csl["id"] = _free_key(key, csl, taken, entry.line, report)
        known.add(key, csl)
        taken.add(key.lower())
        rows.append({"key": key, "csl": csl, "line": entry.line})
    return rows


def _free_key(key: str, csl: dict[str, Any], taken: set[str], line: int,
              report: ReferenceImport) -> str:
    """``key``, or a new key when it is empty or taken (a rename is reported)."""
    if key and key.lower() not in taken:
        return key
    new = make_key(csl, taken)
    if key:
        report.renamed.append({"line": line, "key": new, "was": key})
    return new


def _insert(session: Session, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    now = utcnow()
    values = [{"uuid": new_uuid(), "key": r["key"], "csl": r["csl"], "created_at": now}
              for r in rows]
    for i in range(0, len(values), 500):
        stmt = insert(REFS).returning(REFS.c.id, sort_by_parameter_order=True)
        ids += list(session.scalars(stmt, values[i:i + 500]))
    changes.log(session, REFS.name, ids)
    return ids


def _link_new(session: Session, report: ReferenceImport) -> OpResult | None:
    """Link the sources without a reference to the new references they match."""
    index = _unlinked_sources(session)
    wanted: dict[int, dict[str, Any]] = {}
    for added in report.added:
        csl = session.scalar(select(Reference.csl).where(Reference.id == added["id"]))
        for sid, how in index.find(csl or {}):
            if sid not in wanted:
                wanted[sid] = {"reference_id": added["id"]}
                report.links.append({"key": added["key"], "source_id": sid, "by": how})
    if not wanted:
        return None
    return change(session, table=SOURCES.name, values=wanted)


def sources_matching(session: Session, csl: dict[str, Any]) -> list[tuple[int, str]]:
    """Sources without a reference that ``csl`` describes, matched as an import matches
    them (same DOI or URL, else the one source with the same title): ``(id, how)``."""
    return _unlinked_sources(session).find(csl or {})


def _unlinked_sources(session: Session) -> SourceIndex:
    index = SourceIndex()
    q = select(Source.id, Source.kind, Source.url, Source.title, Source.csl).where(
        Source.reference_id.is_(None))
    for sid, kind, url, title, csl in session.execute(q):
        csl = csl or {}
        index.add(sid, url=str(csl.get("URL") or url or ""),
                  doi=normalize_doi(str(csl.get("DOI", ""))),
                  title="" if kind == "post" else str(csl.get("title") or title or ""))
    return index


# --- single references ------------------------------------------------------------------------

def get_reference(session: Session, reference_id: int) -> Reference:
    """The reference ``reference_id``; NotFoundError if there is none."""
    ref = session.get(Reference, reference_id) if reference_id is not None else None
    if ref is None:
        raise NotFoundError(f"no reference with id {reference_id}")
    return ref


def reference_by_key(session: Session, key: str) -> Reference:
    """The reference with citation key ``key`` (exact, else ignoring case)."""
    ref = session.scalar(select(Reference).where(Reference.key == key)) or session.scalar(
        select(Reference).where(func.lower(Reference.key) == (key or "").lower()))
    if ref is None:
        raise NotFoundError(f"no reference with key '{key}'")
    return ref


def _check_key(session: Session, key: str, except_id: int | None = None) -> str:
    clean = clean_key(key)
    if not clean:
        raise NotesError("a reference needs a key (no spaces)")
    q = select(Reference.id).where(func.lower(Reference.key) == clean.lower())
    other = session.scalar(q)
    if other is not None and other != except_id:
        raise NotesError(f"there is already a reference with the key '{clean}'")
    return clean


def _check_csl(csl: Any) -> dict[str, Any]:
    if not isinstance(csl, dict):
        raise NotesError("bibliographic data must be a CSL-JSON object")
    if not str(csl.get("type") or "").strip():
        raise NotesError("bibliographic data needs a 'type' (article-newspaper, post...)")
    return dict(csl)


def _merged(csl: dict[str, Any], fields: dict[str, Any] | None) -> dict[str, Any]:
    """``csl`` with ``fields`` set (a None value removes the field); others kept."""
    out = dict(csl)
    for name, value in (fields or {}).items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def create_reference(session: Session, *, csl: dict[str, Any], key: str = "") -> OpResult:
    """A reference made by hand (value = its id); a key is made up when none is given."""
    data = _check_csl(csl)
    if key:
        key = _check_key(session, key)
    else:
        key = make_key(data, {k.lower() for k in session.scalars(select(Reference.key))})
    data["id"] = key
    ids = _insert(session, [{"key": key, "csl": data}])
    return undoable(Changes().add(REFS.name, ids), State().include(REFS.name, ids),
                    f"New reference '{key}'", ids[0])


def edit_reference(session: Session, *, reference_id: int, csl: dict[str, Any] | None = None,
                   fields: dict[str, Any] | None = None, key: str | None = None,
                   expected_version: int | None = None) -> OpResult:
    """Change a reference: its whole CSL-JSON (``csl``), some fields of it (``fields``; a
    None value removes one) and/or its key. Fields Quire does not know are kept. With
    ``expected_version``, EditConflictError if someone changed it since."""
    ref = editable(session, get_reference, REFS.name, reference_id, expected_version)
    data = _check_csl(_merged(ref.csl if csl is None else csl, fields))
    new_key = ref.key if key is None else _check_key(session, key, ref.id)
    data["id"] = new_key
    label = f"Edit reference '{new_key}'"
    if (data, new_key) == (ref.csl, ref.key):
        return no_op(session, label=label, value=ref.id)
    return change(session, table=REFS.name, values={ref.id: {"csl": data, "key": new_key}},
                  label=label, value=ref.id)


def edit_source_csl(session: Session, *, source_id: int, csl: dict[str, Any] | None = None,
                    fields: dict[str, Any] | None = None,
                    expected_version: int | None = None) -> OpResult:
    """Change a source's bibliographic data (whole, or some ``fields``; others kept). With
    ``expected_version``, EditConflictError if the source changed since."""
    source = editable(session, get_source, SOURCES.name, source_id, expected_version)
    data = _check_csl(_merged(csl_for_source(source) if csl is None else csl, fields))
    label = f"Edit bibliographic data of source {source_id}"
    if data == source.csl:
        return no_op(session, label=label, value=source_id)
    return change(session, table=SOURCES.name, values={source_id: {"csl": data}},
                  label=label, value=source_id)


def get_source(session: Session, source_id: int) -> Source:
    """The source ``source_id`` (NotFoundError if there is none)."""
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"no source with id {source_id}")
    return source


def link_reference(session: Session, *, source_id: int, reference_id: int) -> OpResult:
    """Cite a source by a library reference from now on (the GUI's "link by hand")."""
    return _set_link(session, source_id, get_reference(session, reference_id).id)


def unlink_reference(session: Session, *, source_id: int) -> OpResult:
    """Cite a source by its own bibliographic data again."""
    return _set_link(session, source_id, None)


def _set_link(session: Session, source_id: int, reference_id: int | None) -> OpResult:
    current = session.execute(select(Source.reference_id).where(Source.id == source_id)).first()
    if current is None:
        raise NotFoundError(f"no source with id {source_id}")
    label = "Link reference" if reference_id is not None else "Unlink reference"
    if current[0] == reference_id:
        return no_op(session, label=label, value=source_id)
    return change(session, table=SOURCES.name,
                  values={source_id: {"reference_id": reference_id}}, label=label,
                  value=source_id)


def delete_reference(session: Session, *, reference_id: int) -> OpResult:
    """Delete a reference with its citations, unlinking its sources (value = how many
    citations and sources it had); undo puts everything back."""
    ref = get_reference(session, reference_id)
    cited = session.scalar(select(func.count(Citation.id)).where(
        Citation.reference_id == ref.id))
    linked = session.scalar(select(func.count(Source.id)).where(Source.reference_id == ref.id))
    return remove(session, keys={REFS.name: [ref.id]}, label=f"Delete reference '{ref.key}'",
                  value={"citations": cited, "sources": linked})
