"""Writing REFI-QDA files: a project as ``.qdpx``, the codebook as ``.qdc``.

A ``.qdpx`` is a zip holding ``project.qde`` (the XML) and ``Sources/<guid>.txt`` (each
source's canonical text, UTF-8, LF line endings). The mapping:

=========================  ==============================================================
Quire                      REFI-QDA 1.0
=========================  ==============================================================
coder                      ``Users/User`` (guid = coder UUID, name)
code (tree, colour, text)  ``CodeBook/Codes/Code`` nested, ``color``, ``Description``
source (article, post)     ``Sources/TextSource`` with ``plainTextPath``; its metadata
                           as ``VariableValue``s of the project's ``Variables``
excerpt                    ``PlainTextSelection`` (``creatingUser`` = its coder)
coding                     ``Coding`` with ``CodeRef`` (``creatingUser`` = its coder)
memo                       ``Notes/Note`` (``PlainTextContent``) and a ``NoteRef`` where
                           it is attached: the project, a code, a source, an excerpt
                           (a collection's memos are its Set's ``MemberNote``)
collection                 ``Sets/Set`` with ``MemberSource``s (nested names joined "/")
=========================  ==============================================================

Every GUID is the entity's UUID, so exporting twice gives the same GUIDs. Positions are
code points (stated in the project's ``Description``). Files are written to a temporary
name and renamed, so a failed export never leaves half a file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from sqlalchemy.orm import Session

from db.errors import EmptyExportError, ExportCancelled, ImportCancelled
from db.exchange.bundle import BCode, BExcerpt, BMemo, BSource, Bundle, read_project
from db.exchange.refi_model import (
    BY_NAME,
    CODEBOOK_NS,
    LIST_FIELDS,
    ORIGIN,
    POSITIONS_NOTE,
    PROJECT_NS,
    VALUE_TAGS,
    VARIABLES,
    derived_guid,
    ns,
    timestamp,
    untitled_name,
)
from db.export.atomic import atomic_target

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


def export_qdpx(session: Session, path: str | Path, *, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> Path:
    """Write the project of ``session`` to ``path`` as a REFI-QDA project (.qdpx).
    ExportCancelled (nothing written) when ``cancelled()`` says so before writing."""
    return write_qdpx(_read(session, Path(path), progress, cancelled), Path(path))


def export_qdc(session: Session, path: str | Path, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> Path:
    """Write the codebook of ``session``'s project to ``path`` as a REFI-QDA codebook."""
    return write_qdc(_read(session, Path(path), progress, cancelled).codes, Path(path))


def _read(session: Session, path: Path, progress: Progress | None,
          cancelled: Cancelled | None) -> Bundle:
    """The project to export, unless Cancel was pressed while reading it."""
    cancelled = cancelled or (lambda: False)
    try:
        bundle = read_project(session, progress=progress, cancelled=cancelled)
    except ImportCancelled:
        bundle = None
    if bundle is None or cancelled():
        raise ExportCancelled(f"{path.name}: export cancelled; nothing was written")
    return bundle


def write_qdpx(bundle: Bundle, path: Path) -> Path:
    """Write ``bundle`` as a .qdpx at ``path`` (replacing it whole, or not at all)."""
    xml = project_xml(bundle)
    with atomic_target(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        for s in bundle.sources:
            zf.writestr(f"Sources/{s.uuid}.txt", s.text.encode("utf-8"))
    return path


def write_qdc(codes: list[BCode], path: Path) -> Path:
    """Write ``codes`` as a .qdc codebook at ``path``. An empty codebook is refused
    (EmptyExportError, nothing written): the REFI-QDA schema wants at least one code."""
    if not codes:
        raise EmptyExportError(f"{path}: the codebook is empty, so there is no .qdc to write "
                               "(the REFI-QDA format needs at least one code)")
    root = etree.Element(ns("CodeBook", CODEBOOK_NS), nsmap={None: CODEBOOK_NS},
                         origin=ORIGIN)
    _code_tree(etree.SubElement(root, ns("Codes", CODEBOOK_NS)), codes, {}, CODEBOOK_NS)
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    with atomic_target(path) as tmp:
        Path(tmp).write_bytes(data)
    return path


# --- project.qde -----------------------------------------------------------------------------

def project_xml(bundle: Bundle) -> bytes:
    """The ``project.qde`` of ``bundle`` (UTF-8 bytes)."""
    root = etree.Element(ns("Project"), nsmap={None: PROJECT_NS},
                         name=bundle.name or "Quire project", origin=ORIGIN)
    notes = _notes_by_target(bundle.memos)
    if bundle.coders:
        users = etree.SubElement(root, ns("Users"))
        for c in bundle.coders:
            etree.SubElement(users, ns("User"), guid=c.uuid, name=c.name)
    if bundle.codes:
        book = etree.SubElement(etree.SubElement(root, ns("CodeBook")), ns("Codes"))
        _code_tree(book, bundle.codes, notes, PROJECT_NS)
    _variables(root, bundle.sources)
    if bundle.sources:
        _sources(etree.SubElement(root, ns("Sources")), bundle, notes)
    if bundle.memos:
        _notes(etree.SubElement(root, ns("Notes")), bundle.memos)
    if bundle.collections:
        _sets(etree.SubElement(root, ns("Sets")), bundle, notes)
    etree.SubElement(root, ns("Description")).text = POSITIONS_NOTE
    for memo in notes.get(None, []):
        etree.SubElement(root, ns("NoteRef"), targetGUID=memo)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _notes_by_target(memos: list[BMemo]) -> dict[str | None, list[str]]:
    """Memo GUIDs by the GUID of what they are on (None: the project)."""
    out: dict[str | None, list[str]] = {}
    for m in memos:
        if m.detached_from is None:
            out.setdefault(None if m.target == "project" else m.about, []).append(m.uuid)
    return out


def _code_tree(parent, codes: list[BCode], notes: dict, namespace: str) -> None:
    kids: dict[str | None, list[BCode]] = {}
    for c in codes:
        kids.setdefault(c.parent, []).append(c)

    def add(under, code: BCode) -> None:
        el = etree.SubElement(under, ns("Code", namespace), guid=code.uuid, name=code.name,
                              isCodable="true")
        if code.color:
            el.set("color", code.color[:7])
        if code.description:
            etree.SubElement(el, ns("Description", namespace)).text = code.description
        if namespace == PROJECT_NS:
            for memo in notes.get(code.uuid, []):
                etree.SubElement(el, ns("NoteRef"), targetGUID=memo)
        for child in kids.get(code.uuid, []):
            add(el, child)

    for top in kids.get(None, []):
        add(parent, top)


def _variables(root, sources: list[BSource]) -> None:
    used = [v for v in VARIABLES if any(_value(s, v.name) is not None for s in sources)]
    extra = sorted({k for s in sources for k in _extra_variables(s)})
    if not used and not extra:
        return
    box = etree.SubElement(root, ns("Variables"))
    for v in used:
        etree.SubElement(box, ns("Variable"), guid=v.guid, name=v.name, typeOfVariable=v.type)
    for name in extra:
        etree.SubElement(box, ns("Variable"), guid=_extra_guid(name), name=name,
                         typeOfVariable="Text")


def _extra_variables(s: BSource) -> dict[str, str]:
    """Variables another program gave this source, kept in ``extra`` at import."""
    found = (s.meta.get("extra") or {}).get("variables") or {}
    return {k: str(v) for k, v in found.items() if k not in BY_NAME and v not in (None, "")}


def _extra_guid(name: str) -> str:
    return derived_guid("variable", name)


def _value(s: BSource, name: str):
    """The value of variable ``name`` for a source, as text for the XML; None if unset."""
    value = s.kind if name == "kind" else s.meta.get(name)
    if name in LIST_FIELDS:
        return " ".join(value) if value else None
    if name == "published":
        return timestamp(value)
    if name == "is_repost":
        return "true" if value else None
    if value is None or value == "":
        return None
    return str(value)


def _sources(parent, bundle: Bundle, notes: dict) -> None:
    by_source: dict[str, list[BExcerpt]] = {}
    for e in bundle.excerpts:
        by_source.setdefault(e.source, []).append(e)
    for s in bundle.sources:
        el = etree.SubElement(parent, ns("TextSource"), guid=s.uuid, name=_name(s),
                              plainTextPath=f"internal://{s.uuid}.txt")
        when = timestamp(s.meta.get("added_at"))
        if when:
            el.set("creationDateTime", when)
        for e in by_source.get(s.uuid, []):
            _selection(el, e, notes)
        for memo in notes.get(s.uuid, []):
            etree.SubElement(el, ns("NoteRef"), targetGUID=memo)
        _values(el, s)


def _name(s: BSource) -> str:
    return s.title.strip() or untitled_name(s.text) or f"Source {s.uuid[:8]}"


def _selection(parent, e: BExcerpt, notes: dict) -> None:
    el = etree.SubElement(parent, ns("PlainTextSelection"), guid=e.uuid,
                          startPosition=str(e.start), endPosition=str(e.end))
    _who_when(el, "creatingUser", e.coder, e.created_at)
    for c in e.codings:
        coding = etree.SubElement(el, ns("Coding"), guid=c.uuid)
        _who_when(coding, "creatingUser", c.coder, c.created_at)
        etree.SubElement(coding, ns("CodeRef"), targetGUID=c.code)
    for memo in notes.get(e.uuid, []):
        etree.SubElement(el, ns("NoteRef"), targetGUID=memo)


def _who_when(el, attr: str, coder: str | None, when) -> None:
    if coder:
        el.set(attr, coder)
    stamp = timestamp(when)
    if stamp:
        el.set("creationDateTime", stamp)


def _values(parent, s: BSource) -> None:
    for v in VARIABLES:
        value = _value(s, v.name)
        if value is not None:
            vv = etree.SubElement(parent, ns("VariableValue"))
            etree.SubElement(vv, ns("VariableRef"), targetGUID=v.guid)
            etree.SubElement(vv, ns(VALUE_TAGS[v.type])).text = value
    for name, value in sorted(_extra_variables(s).items()):
        vv = etree.SubElement(parent, ns("VariableValue"))
        etree.SubElement(vv, ns("VariableRef"), targetGUID=_extra_guid(name))
        etree.SubElement(vv, ns("TextValue")).text = value


def _notes(parent, memos: list[BMemo]) -> None:
    for m in memos:
        el = etree.SubElement(parent, ns("Note"), guid=m.uuid)
        if m.title:
            el.set("name", m.title)
        if m.coder:
            el.set("creatingUser", m.coder)
        for attr, when in (("creationDateTime", m.created_at),
                           ("modifiedDateTime", m.updated_at)):
            if timestamp(when):
                el.set(attr, timestamp(when))
        if m.detached_from is not None:
            etree.SubElement(el, ns("Description")).text = (
                f"{ORPHAN_PREFIX}{m.target}: {m.detached_from}")
        etree.SubElement(el, ns("PlainTextContent")).text = m.body


ORPHAN_PREFIX = "Quire: orphaned memo, was on a deleted "


def _sets(parent, bundle: Bundle, notes: dict) -> None:
    paths = _collection_paths(bundle)
    members: dict[str, list[str]] = {}
    for s in bundle.sources:
        for c in s.collections:
            members.setdefault(c, []).append(s.uuid)
    for c in bundle.collections:
        el = etree.SubElement(parent, ns("Set"), guid=c.uuid, name=paths[c.uuid])
        if c.description:
            etree.SubElement(el, ns("Description")).text = c.description
        for sid in members.get(c.uuid, []):
            etree.SubElement(el, ns("MemberSource"), targetGUID=sid)
        for memo in notes.get(c.uuid, []):
            etree.SubElement(el, ns("MemberNote"), targetGUID=memo)


def _collection_paths(bundle: Bundle) -> dict[str, str]:
    paths: dict[str, str] = {}
    for c in bundle.collections:  # parents come first
        paths[c.uuid] = f"{paths[c.parent]}/{c.name}" if c.parent in paths else c.name
    return paths
