"""Reading REFI-QDA files: a ``.qdpx`` project or a ``.qdc`` codebook, into a bundle.

Reading is all or nothing: the whole file is read and checked before anything is
written, and :func:`import_qdpx` and :func:`import_qdc` then put the bundle into the
project as one undoable operation (through :func:`db.merge.merge_bundle`). The file is
parsed safely (no DTDs, no external entities) and validated against the REFI-QDA 1.0
schemas; a coding of a code the codebook lacks, or a selection outside its text,
refuses the file with a message naming them. What Quire has no place for (pictures,
PDFs, audio, video, cases, links, graphs, sets of codes) is listed in the bundle's
``unmapped`` report, and the rest is imported. GUIDs are kept as the entities' UUIDs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from db.errors import ImportCancelled, ImportFileError
from db.exchange.bundle import BCode, BCoder, BCollection, BMemo, Bundle
from db.exchange.refi_container import Container
from db.exchange.refi_export import ORPHAN_PREFIX
from db.exchange.refi_lenient import unpin_name_guids
from db.exchange.refi_model import CODEBOOK_NS, PROJECT_NS, guid, ns, parse_timestamp, validate
from db.exchange.refi_sources import SourceContext, decode, read_text_source
from db.importers.safety import MAX_TEXT_FILE, check_size, parse_xml
from db.ops import OpResult
from db.palette import normalize_color
from db.text import canonical

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
MAX_ERRORS_SHOWN = 5
MAX_CODE_DEPTH = 100  # levels of sub-codes read; deeper is a broken or hostile file
_CRLF_IN_TEXT = re.compile(rb"(<(?:[\w.-]+:)?PlainTextContent\b[^>]*>)(.*?)"
                           rb"(</(?:[\w.-]+:)?PlainTextContent>)", re.S)


# --- operations ------------------------------------------------------------------------------

def import_qdpx(session: Session, *, path: str | Path, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> OpResult:
    """Import a REFI-QDA project into the open project as one undoable step.

    Value: a :class:`db.merge.MergeReport` (what was added and matched, and what could
    not be mapped). ImportFileError, with nothing written, for a file Quire refuses.
    """
    from db.merge import merge_bundle

    bundle = read_qdpx(Path(path), progress=progress, cancelled=cancelled)
    return merge_bundle(session, bundle=bundle, label=f"Import {Path(path).name}",
                        progress=progress, cancelled=cancelled)


def import_qdc(session: Session, *, path: str | Path) -> OpResult:
    """Import a REFI-QDA codebook: its codes join the codebook (one undoable step)."""
    from db.merge import merge_bundle

    bundle = read_qdc(Path(path))
    return merge_bundle(session, bundle=bundle, label=f"Import codebook {Path(path).name}")


# --- .qdc ------------------------------------------------------------------------------------

def read_qdc(path: Path) -> Bundle:
    """The codes of a REFI-QDA codebook file (sets of codes are reported, not read)."""
    check_size(path, MAX_TEXT_FILE)
    data = path.read_bytes()
    root, notes = _parse(path, data, "CodeBook", CODEBOOK_NS, "Codebook.xsd")
    bundle = Bundle(name=path.stem, origin=root.get("origin") or "", notes=notes)
    codes = root.find(ns("Codes", CODEBOOK_NS))
    bundle.codes = _codes(codes, None, CODEBOOK_NS, {}) if codes is not None else []
    _check_unique(path, [c.uuid for c in bundle.codes], "code")
    sets = root.find(ns("Sets", CODEBOOK_NS))
    if sets is not None and len(sets):
        bundle.unmapped.append(f"{len(sets)} set(s) of codes: Quire has no code sets")
    unpin_name_guids(bundle)
    return bundle


# --- .qdpx -----------------------------------------------------------------------------------

def read_qdpx(path: Path, *, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> Bundle:
    """Everything Quire can take from a REFI-QDA project file, as a bundle."""
    progress, cancelled = progress or (lambda *a: None), cancelled or (lambda: False)
    if not path.is_file():
        raise ImportFileError(path, "no such file")
    with Container(path) as box:
        progress(0, 0, f"Reading {path.name}")
        root, notes = _parse(path, _keep_carriage_returns(box.qde()), "Project",
                             PROJECT_NS, "Project.xsd")
        bundle = _Reader(path, root, box, cancelled).read()
    bundle.notes[:0] = notes
    unpin_name_guids(bundle)
    return bundle


def _keep_carriage_returns(data: bytes) -> bytes:
    """Inline texts with their CRs kept (an XML parser would turn CRLF into LF, and the
    file's positions count the CR)."""
    return _CRLF_IN_TEXT.sub(lambda m: m[1] + m[2].replace(b"\r", b"&#13;") + m[3], data)


def _parse(path: Path, data: bytes, root_tag: str, namespace: str,
           schema: str) -> tuple[object, list[str]]:
    """The root element, and report lines for the harmless deviations from the schema."""
    root = parse_xml(path, data)
    if root.tag != ns(root_tag, namespace):
        found = root.tag.split("}")[-1]
        where = root.tag[1:].split("}")[0] if root.tag.startswith("{") else "no namespace"
        raise ImportFileError(path, f"this is not a REFI-QDA 1.0 {root_tag} file (its root "
                                    f"is <{found}> in {where}, not <{root_tag}> in "
                                    f"{namespace})")
    notes = validate(path, data, schema)
    _check_depth(path, root, namespace)
    return root, notes


def _check_depth(path: Path, root, namespace: str) -> None:
    """Refuse codes nested deeper than :data:`MAX_CODE_DEPTH` (walked without recursion)."""
    tag, stack = ns("Code", namespace), [(root, 0)]
    while stack:
        el, depth = stack.pop()
        for child in el:
            below = depth + (child.tag == tag)
            if below > MAX_CODE_DEPTH:
                raise ImportFileError(path, f"refused: its codes are nested more than "
                                            f"{MAX_CODE_DEPTH} levels deep (Quire reads "
                                            f"codebooks up to {MAX_CODE_DEPTH} levels)")
            stack.append((child, below))


def _check_unique(path: Path, guids: list[str], what: str) -> None:
    seen: set[str] = set()
    for g in guids:
        if g in seen:
            raise ImportFileError(path, f"the file is inconsistent: two {what}s share the "
                                        f"GUID {g}")
        seen.add(g)


def _codes(el, parent: str | None, namespace: str, ctx_notes: dict) -> list[BCode]:
    """The codes under ``el``, parents first."""
    out: list[BCode] = []
    for c in el.findall(ns("Code", namespace)):
        uuid = guid(c.get("guid"))
        desc = c.find(ns("Description", namespace))
        out.append(BCode(uuid, " ".join((c.get("name") or "").split()) or "Unnamed code",
                         parent, _color(c.get("color")),
                         canonical(desc.text or "") if desc is not None else ""))
        for ref in c.findall(ns("NoteRef", namespace)):
            ctx_notes.setdefault(guid(ref.get("targetGUID")), []).append(("code", uuid))
        out += _codes(c, uuid, namespace, ctx_notes)
    return out


def _color(value: str | None) -> str:
    try:
        return normalize_color(value) if value else ""
    except Exception:  # noqa: BLE001 - an unreadable colour just takes the default
        return ""


class _Reader:
    """One pass over a project XML, collecting a bundle, errors and the unmapped."""

    def __init__(self, path: Path, root, box: Container, cancelled: Cancelled):
        self.path, self.root, self.box, self.cancelled = path, root, box, cancelled
        self.bundle = Bundle(name=root.get("name") or path.stem,
                             origin=root.get("origin") or "")
        self._coders: dict[str, BCoder] = {}

    def read(self) -> Bundle:
        b = self.bundle
        self._users()
        notes: dict[str, list[tuple[str, str]]] = {}
        book = self.root.find(f"{ns('CodeBook')}/{ns('Codes')}")
        b.codes = _codes(book, None, PROJECT_NS, notes) if book is not None else []
        _check_unique(self.path, [c.uuid for c in b.codes], "code")
        ctx = self._context(notes)
        self._sources(ctx)
        self._sets(ctx)
        for ref in self.root.findall(ns("NoteRef")):
            ctx.notes.setdefault(guid(ref.get("targetGUID")), []).append(("project", ""))
        self._notes(ctx)
        self._others()
        if ctx.errors:
            raise ImportFileError(self.path, _refusal(ctx.errors))
        b.coders = list(self._coders.values())
        b.unmapped += ctx.unmapped
        return b

    def _users(self) -> None:
        names: set[str] = set()
        for u in self.root.findall(f"{ns('Users')}/{ns('User')}"):
            uuid = guid(u.get("guid"))
            name = " ".join((u.get("name") or u.get("id") or "").split()) or \
                f"User {uuid[:8]}"
            if name.casefold() in names:
                name = f"{name} ({uuid[:8]})"
            names.add(name.casefold())
            self._coders[uuid] = BCoder(uuid, name)

    def _coder(self, user: str | None) -> str | None:
        """The coder of a user GUID (a user the file does not list is added)."""
        uuid = guid(user)
        if uuid and uuid not in self._coders:
            self._coders[uuid] = BCoder(uuid, f"User {uuid[:8]}")
        return uuid

    def _context(self, notes: dict) -> SourceContext:
        variables = {guid(v.get("guid")): (v.get("name") or "", v.get("typeOfVariable") or "")
                     for v in self.root.findall(f"{ns('Variables')}/{ns('Variable')}")}
        return SourceContext(self.bundle.origin, {c.uuid for c in self.bundle.codes},
                             variables, self.box.internal, self._coder, notes)

    def _sources(self, ctx: SourceContext) -> None:
        box = self.root.find(ns("Sources"))
        elements = list(box) if box is not None else []
        others: dict[str, int] = {}
        for el in elements:
            if self.cancelled():
                raise ImportCancelled()
            kind = el.tag.split("}")[-1]
            if kind != "TextSource":
                others[kind] = others.get(kind, 0) + 1
                continue
            read = read_text_source(el, ctx)
            if read is not None:
                self.bundle.sources.append(read[0])
                self.bundle.excerpts += read[1]
        _check_unique(self.path, [s.uuid for s in self.bundle.sources], "source")
        _check_unique(self.path, [e.uuid for e in self.bundle.excerpts], "selection")
        for kind, n in others.items():
            ctx.unmapped.append(f"{n} {kind}(s): Quire imports text sources only")

    def _sets(self, ctx: SourceContext) -> None:
        known = {s.uuid: s for s in self.bundle.sources}
        nested = "quire" in self.bundle.origin.lower()
        by_path: dict[str, str] = {}
        for el in self.root.findall(f"{ns('Sets')}/{ns('Set')}"):
            members = [guid(m.get("targetGUID")) for m in el.findall(ns("MemberSource"))]
            if el.findall(ns("MemberCode")) and not members:
                ctx.unmapped.append(f"set '{el.get('name')}' groups codes: Quire has no "
                                    "code sets")
                continue
            uuid = guid(el.get("guid"))
            self._collection(el, uuid, nested, by_path)
            for sid in members:
                if sid in known:
                    known[sid].collections.append(uuid)
                else:
                    ctx.unmapped.append(f"set '{el.get('name')}' lists a source that was "
                                        "not imported")
            for m in el.findall(ns("MemberNote")):
                ctx.notes.setdefault(guid(m.get("targetGUID")), []).append(
                    ("collection", uuid))

    def _collection(self, el, uuid: str, nested: bool, by_path: dict[str, str]) -> None:
        path = " ".join((el.get("name") or "").split()) or "Unnamed set"
        head, _, name = path.rpartition("/") if nested else ("", "", path)
        desc = el.find(ns("Description"))
        self.bundle.collections.append(BCollection(
            uuid, name or path, by_path.get(head), (desc.text or "") if desc is not None
            else ""))
        by_path[path] = uuid

    def _notes(self, ctx: SourceContext) -> None:
        for el in self.root.findall(f"{ns('Notes')}/{ns('Note')}"):
            uuid = guid(el.get("guid"))
            memo = BMemo(uuid, "project", None, " ".join((el.get("name") or "").split()),
                         self._note_text(el, ctx), self._coder(el.get("creatingUser")),
                         parse_timestamp(el.get("creationDateTime")),
                         parse_timestamp(el.get("modifiedDateTime")))
            self._attach(memo, el, ctx.notes.pop(uuid, []), ctx)
            self.bundle.memos.append(memo)
        if ctx.notes:
            ctx.unmapped.append(f"{len(ctx.notes)} reference(s) to notes the file does not "
                                "contain")

    def _note_text(self, el, ctx: SourceContext) -> str:
        inline = el.find(ns("PlainTextContent"))
        if inline is not None:
            return canonical(inline.text or "")
        data = self.box.internal(el.get("plainTextPath") or "")
        if data is None:
            if el.get("plainTextPath") or el.get("richTextPath"):
                ctx.unmapped.append(f"the text of note '{el.get('name')}' is not inside "
                                    "the project file")
            return ""
        try:
            return canonical(decode(data))
        except ValueError:
            ctx.unmapped.append(f"the text of note '{el.get('name')}' cannot be read")
            return ""

    def _attach(self, memo: BMemo, el, targets: list[tuple[str, str]],
                ctx: SourceContext) -> None:
        if targets:
            memo.target, memo.about = targets[0]
            memo.about = memo.about or None
            if len(targets) > 1:
                ctx.unmapped.append(f"note '{memo.title or memo.uuid}' is attached to "
                                    f"{len(targets)} things; Quire kept it on the first")
            return
        desc = el.find(ns("Description"))
        text = (desc.text or "") if desc is not None else ""
        if text.startswith(ORPHAN_PREFIX):  # an orphaned memo exported by Quire
            target, _, what = text[len(ORPHAN_PREFIX):].partition(": ")
            memo.target, memo.detached_from = target, what

    def _others(self) -> None:
        for tag, what in (("Cases", "case"), ("Links", "link"), ("Graphs", "graph")):
            box = self.root.find(ns(tag))
            if box is not None and len(box):
                self.bundle.unmapped.append(f"{len(box)} {what}(s): Quire has no {what}s yet")


def _refusal(errors: list[str]) -> str:
    shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
    more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN \
        else ""
    return f"the file is inconsistent, so nothing was imported: {shown}{more}"


__all__ = ["import_qdpx", "import_qdc", "read_qdpx", "read_qdc"]
