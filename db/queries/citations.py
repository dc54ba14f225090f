"""Citations as the Reader, the Coded excerpts view and exports show them, formatted.

An excerpt's notes are, in order: the citations the researcher attached (by position),
then the article's own footnotes whose markers ("[7]") lie inside the excerpt's span, in
text order. Those footnotes are found when asked, not stored as citations: an excerpt
resized to take in or leave out a marker gains or loses its note at once, and excerpts
made by any means (the Reader, "code all hits", an import) need no extra step. A
footnote the researcher attached explicitly (a ``Citation`` with ``footnote_id``) is
listed once, in its place.

A citation of the excerpt's own source uses the library reference linked to the source
if there is one, else the source's CSL (``db.citations.csl.csl_for_source``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from db.citations.csl import csl_for_source, missing_data, name_text, year_of
from db.citations.format import DEFAULT_STYLE, format_bibliography, format_citation
from db.citations.notes import NoteSequence, identity
from db.citations.works import WorkIndex, urls_in
from db.errors import NotFoundError
from db.models import Citation, Excerpt, Footnote, Reference, Source


def citation_count(session: Session, reference_id: int) -> int:
    """How many citations cite a reference (for "delete it anyway?")."""
    return session.scalar(select(func.count(Citation.id))
                          .where(Citation.reference_id == reference_id)) or 0


# --- items -----------------------------------------------------------------------------------

class _Items:
    """CSL items of sources and references, each read once per query."""

    def __init__(self, session: Session):
        self.session = session
        self.refs: dict[int, tuple[str, dict[str, Any]]] = {}
        self.sources: dict[int, dict[str, Any]] = {}

    def reference(self, reference_id: int) -> tuple[str, dict[str, Any]]:
        """(key, CSL) of a reference."""
        if reference_id not in self.refs:
            ref = self.session.get(Reference, reference_id)
            self.refs[reference_id] = (ref.key, dict(ref.csl or {}))
        return self.refs[reference_id]

    def source(self, source_id: int) -> dict[str, Any]:
        """The CSL a source is cited by: its linked reference's, else its own."""
        if source_id not in self.sources:
            src = self.session.get(Source, source_id)
            if src is None:
                raise NotFoundError(f"no source with id {source_id}")
            linked = self.reference(src.reference_id)[1] if src.reference_id else None
            self.sources[source_id] = linked or csl_for_source(src)
        return self.sources[source_id]


def source_csl(session: Session, source_id: int) -> dict[str, Any]:
    """A source's bibliographic data for its dialog: ``csl`` (what it is cited by when not
    linked), ``stored`` (False: derived, never edited), ``reference`` (the linked key)."""
    src = session.get(Source, source_id)
    if src is None:
        raise NotFoundError(f"no source with id {source_id}")
    key = session.scalar(select(Reference.key).where(Reference.id == src.reference_id)) \
        if src.reference_id else None
    return {"csl": csl_for_source(src), "stored": bool(src.csl), "reference": key,
            "reference_id": src.reference_id, "version": src.version,
            "guessed": dict((src.extra or {}).get("guessed") or {})}


def incomplete_sources(session: Session, source_ids: Iterable[int], limit: int = 50
                       ) -> list[dict[str, Any]]:
    """The sources (of ``source_ids``, at most ``limit``) whose reference -- the linked
    library reference, else their own data -- lacks an author or a date: id, title,
    missing ("author", "date"), reference_id (the linked reference, if any)."""
    items, out, ids = _Items(session), [], sorted(set(source_ids))
    for i in range(0, len(ids), 900):
        q = select(Source).where(Source.id.in_(ids[i:i + 900])) \
            .options(defer(Source.text), defer(Source.raw)).order_by(Source.id)
        for src in session.scalars(q):
            linked = items.reference(src.reference_id)[1] if src.reference_id else None
            missing = missing_data(linked or csl_for_source(src))
            if missing:
                out.append({"id": src.id, "title": src.title or src.author or
                            f"Source {src.id}", "missing": missing,
                            "reference_id": src.reference_id})
            if len(out) >= limit:
                return out
    return out


# --- an excerpt's notes -----------------------------------------------------------------------

def citations_for_excerpt(session: Session, excerpt_id: int, style: str = DEFAULT_STYLE,
                          html_output: bool = False) -> list[dict[str, Any]]:
    """The notes of an excerpt in order, formatted in ``style``: its citations, then the
    article's footnotes inside its span (see the module docstring).

    Each row: kind ("citation" or "footnote"), id (the citation's, None for a footnote
    that travels by itself), number (1, 2...), cites ("source", "reference" or
    "footnote"), reference_id, reference_key, footnote_id, label (the footnote's own
    label, "7"), locator_label, locator, note, text (plain, or HTML when asked), version
    (the citation's, what an edit passes as ``expected_version``).
    """
    excerpt = session.get(Excerpt, excerpt_id)
    if excerpt is None:
        raise NotFoundError(f"no excerpt with id {excerpt_id}")
    q = select(Citation).where(Citation.excerpt_id == excerpt.id) \
        .order_by(Citation.position, Citation.id)
    return _notes(session, excerpt, list(session.scalars(q)),
                  footnotes_inside(session, excerpt), _Items(session), style, html_output)


def citations_for_excerpts(session: Session, excerpt_ids: Iterable[int],
                           style: str = DEFAULT_STYLE, html_output: bool = False, *,
                           formatted: bool = True) -> dict[int, list[dict[str, Any]]]:
    """:func:`citations_for_excerpt` for many excerpts (missing ones are left out), read
    in a few batched queries.

    ``formatted`` False leaves the citations' ``text`` empty: a document formats them in
    its own order (:func:`note_in_sequence`)."""
    ids = list(dict.fromkeys(excerpt_ids))
    excerpts, cited = _excerpts_and_citations(session, ids)
    notes = _footnotes_of(session, {e.source_id for e in excerpts.values()})
    items, out = _Items(session), {}
    for eid in ids:
        ex = excerpts.get(eid)
        if ex is not None:
            inside = [n for n in notes.get(ex.source_id, ())
                      if ex.start <= n.offset and n.end <= ex.end]
            out[eid] = _notes(session, ex, cited.get(eid, []), inside, items,
                              style if formatted else None, html_output)
    return out


def _excerpts_and_citations(session: Session, ids: list[int]
                            ) -> tuple[dict[int, Excerpt], dict[int, list[Citation]]]:
    excerpts: dict[int, Excerpt] = {}
    cited: dict[int, list[Citation]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        excerpts.update((e.id, e) for e in session.scalars(
            select(Excerpt).where(Excerpt.id.in_(chunk))))
        q = select(Citation).where(Citation.excerpt_id.in_(chunk)) \
            .order_by(Citation.excerpt_id, Citation.position, Citation.id)
        for c in session.scalars(q):
            cited.setdefault(c.excerpt_id, []).append(c)
    return excerpts, cited


def _footnotes_of(session: Session, source_ids: set[int]) -> dict[int, list[Footnote]]:
    """The footnotes with a marker of each source, in text order."""
    out: dict[int, list[Footnote]] = {}
    ids = sorted(source_ids)
    for i in range(0, len(ids), 900):
        q = select(Footnote).where(Footnote.source_id.in_(ids[i:i + 900]),
                                   Footnote.offset < Footnote.end) \
            .order_by(Footnote.source_id, Footnote.offset)
        for n in session.scalars(q):
            out.setdefault(n.source_id, []).append(n)
    return out


def _notes(session: Session, excerpt: Excerpt, cited: list[Citation],
           inside: list[Footnote], items: _Items, style: str | None,
           html_output: bool) -> list[dict[str, Any]]:
    rows = [_citation_row(session, c, excerpt, items, style, html_output) for c in cited]
    explicit = {c.footnote_id for c in cited if c.footnote_id is not None}
    rows += [_footnote_row(n, None, "", html_output) for n in inside if n.id not in explicit]
    for number, row in enumerate(rows, start=1):
        row["number"] = number
    return rows


def footnotes_inside(session: Session, excerpt: Excerpt) -> list[Footnote]:
    """The source's footnotes whose whole marker lies inside the excerpt, in text order."""
    q = select(Footnote).where(Footnote.source_id == excerpt.source_id,
                               Footnote.offset >= excerpt.start, Footnote.end <= excerpt.end,
                               Footnote.offset < Footnote.end).order_by(Footnote.offset)
    return list(session.scalars(q))


def _citation_row(session: Session, c: Citation, excerpt: Excerpt, items: _Items,
                  style: str | None, html_output: bool) -> dict[str, Any]:
    if c.footnote_id is not None:
        return _footnote_row(session.get(Footnote, c.footnote_id), c, c.note, html_output)
    key, item = items.reference(c.reference_id) if c.reference_id else \
        (None, items.source(excerpt.source_id))
    text = "" if style is None else format_citation(
        item, style=style, locator=c.locator, locator_label=c.locator_label,
        html_output=html_output)
    row = _row("citation", c, "reference" if key else "source", key,
               _with_note(text, c.note, html_output) if text else "")
    row["item"] = item
    return row


def _footnote_row(note: Footnote, c: Citation | None, extra: str,
                  html_output: bool) -> dict[str, Any]:
    text = html.escape(note.text, quote=False) if html_output else note.text
    row = _row("citation" if c else "footnote", c, "footnote", None,
               _with_note(text, extra, html_output))
    row.update(footnote_id=note.id, label=note.label, footnote_text=text)
    return row


def note_in_sequence(sequence: NoteSequence, row: dict[str, Any],
                     works: list[dict[str, Any]] | None = None) -> str:
    """The next note of a document from a row of :func:`citations_for_excerpts`: a
    citation in its position, or the article's footnote (``works``: what it names)."""
    if row["cites"] == "footnote":
        text = sequence.footnote(row["footnote_id"], row["footnote_text"], works)
        return _with_note(text, row["note"] if row["kind"] == "citation" else "",
                          sequence.html)
    text = sequence.cite(row["item"], row["locator"], row["locator_label"])
    return _with_note(text, row["note"], sequence.html)


def _row(kind: str, c: Citation | None, cites: str, key: str | None,
         text: str) -> dict[str, Any]:
    return {"kind": kind, "id": c.id if c else None, "version": c.version if c else None,
            "number": 0, "cites": cites,
            "reference_id": c.reference_id if c else None, "reference_key": key,
            "footnote_id": c.footnote_id if c else None, "label": "",
            "locator_label": c.locator_label if c else "", "locator": c.locator if c else "",
            "note": c.note if c else "", "text": text}


def _with_note(text: str, note: str, html_output: bool) -> str:
    note = (note or "").strip()
    if not note:
        return text
    return f"{text} {html.escape(note, quote=False) if html_output else note}"


# --- bibliography and the library -------------------------------------------------------------

def bibliography(session: Session, excerpt_ids: Iterable[int], style: str = DEFAULT_STYLE,
                 html_output: bool = False, also: Iterable[dict[str, Any]] = ()) -> list[str]:
    """The bibliography of a set of excerpts: their sources, every reference their
    citations cite and the works ``also`` given (those a document's notes cited), each
    once, in the style's order."""
    items = cited_works(session, excerpt_ids) + list(also)
    unique = list({identity(c): c for c in items}.values())
    return format_bibliography(unique, style=style, html_output=html_output)


def cited_works(session: Session, excerpt_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The CSL of the excerpts' sources and of the references their citations cite."""
    items, wanted = _Items(session), {}
    ids = list(excerpt_ids)
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for sid in session.scalars(select(Excerpt.source_id).where(Excerpt.id.in_(chunk))):
            wanted.setdefault(("source", sid), None)
        q = select(Citation.reference_id).where(Citation.excerpt_id.in_(chunk),
                                                Citation.reference_id.isnot(None))
        for rid in session.scalars(q):
            wanted.setdefault(("reference", rid), None)
    return [items.source(k) if kind == "source" else items.reference(k)[1]
            for kind, k in wanted]


# --- the works an article's footnotes name ----------------------------------------------------

def footnote_works(session: Session, notes: dict[int, str]) -> dict[int, list[dict[str, Any]]]:
    """The known works (references, sources) each footnote names: ``notes`` maps a
    footnote id to its text (see :mod:`db.citations.works`)."""
    if not notes:
        return {}
    index, items = WorkIndex(), _Items(session)
    for ref in session.scalars(select(Reference)):
        csl = ref.csl or {}
        index.add(("reference", ref.id), doi=str(csl.get("DOI", "")),
                  url=str(csl.get("URL", "")), title=str(csl.get("title", "")))
    with_urls = any(urls_in(t) for t in notes.values())
    q = select(Source.id, Source.kind, Source.title, Source.url)
    if not with_urls:
        q = q.where(Source.kind == "article")
    for sid, kind, title, url in session.execute(q):
        index.add(("source", sid), url=url or "", title=title if kind == "article" else "")
    out = {}
    for fid, text in notes.items():
        found = index.find(text)
        out[fid] = [items.source(k) if kind == "source" else items.reference(k)[1]
                    for kind, k in found]
    return out


def reference_list(session: Session) -> list[dict[str, Any]]:
    """Every reference of the library, by key: what the References pane lists."""
    counts = dict(session.execute(select(Citation.reference_id, func.count(Citation.id))
                                  .where(Citation.reference_id.isnot(None))
                                  .group_by(Citation.reference_id)).all())
    linked: dict[int, list[int]] = {}
    for sid, rid in session.execute(select(Source.id, Source.reference_id)
                                    .where(Source.reference_id.isnot(None))):
        linked.setdefault(rid, []).append(sid)
    q = select(Reference).order_by(func.lower(Reference.key))
    return [_reference_row(r, counts.get(r.id, 0), linked.get(r.id, []))
            for r in session.scalars(q)]


def _reference_row(ref: Reference, cited: int, sources: list[int]) -> dict[str, Any]:
    csl = ref.csl or {}
    names = csl.get("author") or csl.get("editor") or []
    return {"id": ref.id, "uuid": ref.uuid, "version": ref.version, "key": ref.key,
            "type": csl.get("type", ""),
            "title": str(csl.get("title", "")),
            "authors": "; ".join(name_text(n) for n in names if isinstance(n, dict)),
            "year": year_of(csl), "container": str(csl.get("container-title", "")),
            "DOI": str(csl.get("DOI", "")), "URL": str(csl.get("URL", "")),
            "citations": cited, "sources": sorted(sources), "csl": csl}
