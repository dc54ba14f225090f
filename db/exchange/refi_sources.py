"""Reading REFI-QDA text sources: their text, selections, codings and variables.

Positions in another program's file count characters of the text as it wrote it. The
text is canonicalized (:mod:`db.text`) and every position is carried through that
(:mod:`db.exchange.positions`). The unit is code points unless the file comes from a
program known to count UTF-16 units (NVivo, MAXQDA, ATLAS.ti), or a position only fits
in UTF-16 units; the two differ only in texts with emoji and other characters outside
the Basic Multilingual Plane.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from db.exchange.bundle import BCoding, BExcerpt, BSource
from db.exchange.positions import CODE_POINTS, UTF16, PositionMap, astral_count
from db.exchange.refi_model import (
    BY_NAME,
    LIST_FIELDS,
    MARKER_COLOR,
    derived_guid,
    guid,
    ns,
    parse_timestamp,
    untitled_name,
)

_CP_ORIGINS = ("quire", "qualcoder")
_UTF16_ORIGINS = ("nvivo", "maxqda", "atlas")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class SourceContext:
    """What reading sources needs from the rest of the file, and what it reports back."""

    origin: str
    codes: set[str]
    variables: dict[str, tuple[str, str]]  # guid -> (name, type)
    internal: Callable[[str], bytes | None]
    coder: Callable[[str | None], str | None]  # a user GUID -> the coder's UUID
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # note -> targets
    errors: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def note_refs(self, el, target: str, about: str) -> None:
        """Record the NoteRefs of ``el``: their notes are memos on ``target`` ``about``."""
        for ref in el.findall(ns("NoteRef")):
            self.notes.setdefault(guid(ref.get("targetGUID")), []).append((target, about))


def decode(data: bytes) -> str:
    """The text of a source file as written (a UTF-8 BOM dropped, line ends kept)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise ValueError("its text encoding could not be recognised") from None
        return str(best)


def read_text_source(el, ctx: SourceContext) -> tuple[BSource, list[BExcerpt]] | None:
    """A TextSource as a source and its excerpts; None (reported) when it has no text."""
    uuid, name = guid(el.get("guid")), el.get("name") or ""
    raw = _raw_text(el, ctx, name or uuid)
    if raw is None:
        return None
    selections = el.findall(ns("PlainTextSelection"))
    ends = [_int(s.get("endPosition")) for s in selections]
    unit = _unit(ctx.origin, raw, [e for e in ends if e is not None])
    pmap = PositionMap(raw, unit)
    if not pmap.text.strip():
        ctx.unmapped.append(f"source '{name or uuid}' has no text and was not imported")
        return None
    if unit == UTF16:
        ctx.unmapped.append(f"positions in source '{name or uuid}' were read as UTF-16 "
                            "code units")
    title = "" if name == untitled_name(pmap.text) else name
    source = BSource(uuid, "article", title, pmap.text)
    if parse_timestamp(el.get("creationDateTime")):
        source.meta["added_at"] = parse_timestamp(el.get("creationDateTime"))
    _variables(el, source, ctx)
    ctx.note_refs(el, "source", uuid)
    excerpts = [e for s in selections if (e := _selection(s, pmap, source, ctx))]
    excerpts += _whole_source_codings(el, source, ctx)
    return source, excerpts


def _raw_text(el, ctx: SourceContext, label: str) -> str | None:
    inline = el.find(ns("PlainTextContent"))
    if inline is not None:
        return inline.text or ""
    path = el.get("plainTextPath") or ""
    if not path:
        what = "only a rich-text file" if el.get("richTextPath") else "no text"
        ctx.unmapped.append(f"source '{label}' has {what}; it was not imported")
        return None
    data = ctx.internal(path)
    if data is None:
        where = "is not inside the project file" if path.lower().startswith("internal://") \
            else "lies outside the project file (Quire reads only what the .qdpx holds)"
        ctx.unmapped.append(f"source '{label}': its text {path!r} {where}; not imported")
        return None
    try:
        return decode(data)
    except ValueError as exc:
        ctx.unmapped.append(f"source '{label}': {exc}; not imported")
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _unit(origin: str, raw: str, ends: list[int]) -> str:
    """The unit the file's positions count for a text (see the module's docstring)."""
    if not astral_count(raw):
        return CODE_POINTS
    who = origin.lower()
    if any(o in who for o in _CP_ORIGINS):
        return CODE_POINTS
    if any(o in who for o in _UTF16_ORIGINS) or any(e > len(raw) for e in ends):
        return UTF16
    return CODE_POINTS


def _selection(el, pmap: PositionMap, source: BSource, ctx: SourceContext) -> BExcerpt | None:
    sel = guid(el.get("guid"))
    start, end = _int(el.get("startPosition")), _int(el.get("endPosition"))
    if start is None or end is None or not 0 <= start <= end <= pmap.raw_length:
        ctx.errors.append(f"selection {sel} in source '{source.title or source.uuid}' has "
                          f"positions [{el.get('startPosition')}, {el.get('endPosition')}) "
                          f"outside its text of {pmap.raw_length} characters")
        return None
    a, b = pmap.start(start), pmap.end(end)
    if a >= b:
        ctx.unmapped.append(f"selection {sel} in source '{source.title or source.uuid}' "
                            "is empty (or only a line break); not imported")
        return None
    excerpt = BExcerpt(sel, source.uuid, a, b, ctx.coder(el.get("creatingUser")),
                       created_at=parse_timestamp(el.get("creationDateTime")))
    excerpt.codings = _codings(el, excerpt, ctx)
    ctx.note_refs(el, "excerpt", sel)
    if not excerpt.codings:
        excerpt.color = MARKER_COLOR
    if excerpt.coder is None and excerpt.codings:
        excerpt.coder = excerpt.codings[0].coder
    return excerpt


def _codings(el, excerpt: BExcerpt, ctx: SourceContext) -> list[BCoding]:
    out: list[BCoding] = []
    for c in el.findall(ns("Coding")):
        ref = c.find(ns("CodeRef"))
        code = guid(ref.get("targetGUID")) if ref is not None else None
        if code not in ctx.codes:
            ctx.errors.append(f"coding {guid(c.get('guid'))} refers to code {code}, which is "
                              "not in the file's codebook")
            continue
        who = ctx.coder(c.get("creatingUser")) or excerpt.coder
        out.append(BCoding(guid(c.get("guid")), code, who,
                           parse_timestamp(c.get("creationDateTime"))))
        ctx.note_refs(c, "excerpt", excerpt.uuid)
    return out


def _whole_source_codings(el, source: BSource, ctx: SourceContext) -> list[BExcerpt]:
    """Codings of a source as a whole become excerpts of its whole text."""
    holder = BExcerpt(derived_guid("whole", source.uuid), source.uuid, 0, len(source.text))
    holder.codings = _codings(el, holder, ctx)
    if not holder.codings:
        return []
    holder.coder = holder.codings[0].coder
    return [holder]


def _variables(el, source: BSource, ctx: SourceContext) -> None:
    """Variable values as the source's metadata (unknown ones kept in ``extra``)."""
    extra: dict[str, str] = {}
    for vv in el.findall(ns("VariableValue")):
        ref = vv.find(ns("VariableRef"))
        name, _type = ctx.variables.get(guid(ref.get("targetGUID")) if ref is not None
                                        else "", ("", ""))
        value = next((c.text or "" for c in vv if c.tag != ns("VariableRef")), "")
        if not name:
            ctx.unmapped.append(f"source '{source.title}': a value of an undeclared variable")
        elif not _set_known(source, name, value.strip()):
            extra[name] = value
    if extra:
        source.meta["extra"] = {"variables": extra}


def _set_known(source: BSource, name: str, value: str) -> bool:
    """Put a value of one of Quire's own variables in place; False for other names."""
    key = name.strip().lower()
    if key not in BY_NAME:
        return False
    typed = BY_NAME[key].type
    if key == "kind":
        if value not in ("article", "post"):
            return False
        source.kind = value
    elif key in LIST_FIELDS:
        source.meta[key] = value.split()
    elif typed == "DateTime":
        when = parse_timestamp(value)
        if when is None:
            return False
        source.meta[key] = when
    elif typed == "Integer":
        try:
            source.meta[key] = int(value)
        except ValueError:
            return False
    elif typed == "Boolean":
        source.meta[key] = value.lower() in ("true", "1")
    else:
        source.meta[key] = value
    return True
