"""Annotated PDF exports: coded excerpts under headings, or one whole source.

:func:`export_pdf` writes the excerpts a :class:`~db.export.selection.Selection` holds:
a title page (project, title, date, filters, counts), a heading per code, source or day
(each a PDF bookmark), each excerpt with its header line, its text with every coded span
highlighted and the codes named in the margin, its memos in note boxes, and its
citations and the article's own footnotes as real footnotes (numbered through the
document, at the foot of the page of their marker: :mod:`db.export.footnotes`); then
the bibliography in the chosen style and the codebook. :func:`export_source_pdf` writes
one source whole, annotated the same way. Both write atomically
(:mod:`db.export.atomic`) and honour ``progress(done, total, message)`` and
``cancelled()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import PageTemplate
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.citations.format import DEFAULT_STYLE, STYLES
from db.citations.notes import NoteSequence
from db.errors import ExportError
from db.export import fonts
from db.export.atomic import atomic_target, check_target, checker
from db.export.footnotes import NoteArea, NotesDoc, NotesFrame, NotesTail
from db.export.richtext import draw_label
from db.export.selection import Selection, describe, gather, group, memos_of, source_label
from db.export.story import ExcerptData, StoryMaker, title_page
from db.models import Footnote, Memo, ProjectInfo, Source
from db.queries.citations import bibliography, citations_for_excerpts, footnote_works
from db.queries.codes import code_tree
from db.queries.excerpts import for_source
from db.queries.sources import detail as source_detail

PAGE_SIZES = {"a4": A4, "letter": LETTER}
MARGIN = 20 * mm
Progress = Callable[[int, int, str], None] | None
STEPS = 1000  # progress runs from 0 to STEPS: preparing 10%, setting 30%, layout 60%


@dataclass
class PdfOptions:
    """What an excerpt PDF includes and how it looks."""

    title: str = ""
    author: str = ""
    style: str = DEFAULT_STYLE
    page_size: str = "A4"
    memos: bool = True
    labels: bool = True
    codebook: bool = True
    bibliography: bool = True
    analyses: list = field(default_factory=list)  # db.analysis Specs to show before excerpts
    context_memos: bool = False  # memos on the sources and codes involved, too

    def check(self) -> None:
        """Raise ExportError for an unknown citation style or page size."""
        if self.style not in STYLES:
            raise ExportError(f"unknown citation style '{self.style}'; use "
                              + ", ".join(STYLES))
        if self.page_size.lower() not in PAGE_SIZES:
            raise ExportError(f"unknown page size '{self.page_size}'; use A4 or Letter")


@dataclass
class ExportResult:
    """What was written."""

    path: Path
    excerpts: int
    sources: int
    notes: int
    pages: int
    placeholders: int
    continued: list[int] = field(default_factory=list)  # pages whose notes go on from before


# --- excerpts --------------------------------------------------------------------------------

def export_pdf(session: Session, selection: Selection, path: str | Path,
               options: PdfOptions | None = None, *, project=None, progress: Progress = None,
               cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write the selection's excerpts as an annotated PDF at ``path`` (see the module)."""
    opts = options or PdfOptions()
    opts.check()
    target, check = check_target(path, (".pdf",)), checker(cancelled)
    tell = _teller(progress)
    tell(0, "Finding the excerpts…")
    rows = gather(session, selection, project=project, cancelled=cancelled)
    prepared = prepare(session, rows, opts, selection.coder_ids)
    check()
    area = NoteArea(_frame_width(opts.page_size))
    maker = StoryMaker(area, labels=opts.labels, memos=opts.memos,
                       **_notes_of(session, prepared, opts.style))
    body = _analyses(session, selection, opts, maker, project, cancelled) + \
        _body(session, selection, rows, prepared, maker, tell, check)
    tail = _appendices(session, rows, opts, maker)
    front = title_page(maker, project=_project_name(session), title=_title(opts),
                       lines=describe(session, selection) + _settings(selection, opts),
                       counts=_counts(rows, maker), notes=_reading_notes(maker))
    pages = _write(target, front + body + tail + [NotesTail(area)], area, opts,
                   tell, check, first_numbered=2)
    return ExportResult(target, len(rows), len({r["source_id"] for r in rows}),
                        maker.number, pages, maker.placeholders, list(area.continued))


def _analyses(session: Session, selection: Selection, opts: PdfOptions, maker: StoryMaker,
               project, cancelled) -> list:
    """The chosen charts and tables (db.export.analysis_pages), loaded only when asked."""
    if not opts.analyses:
        return []
    from db.export.analysis_pages import analysis_story

    return analysis_story(session, selection, opts.analyses, maker,
                          _frame_width(opts.page_size), project=project, cancelled=cancelled)


def prepare(session: Session, rows: list[dict[str, Any]], opts: PdfOptions,
            coder_ids: list[int] | None) -> dict[int, ExcerptData]:
    """Everything printed with each excerpt, read in a few batched queries."""
    ids = [r["id"] for r in rows]
    notes = citations_for_excerpts(session, ids, opts.style, formatted=False)
    at = _footnote_places(session, notes)
    memos = memos_of(session, ids) if opts.memos else {}
    lengths = _lengths(session, {r["source_id"] for r in rows})
    spans: dict[int, list[dict[str, Any]]] = {}
    out = {}
    for r in rows:
        sid = r["source_id"]
        if sid not in spans:
            spans[sid] = for_source(session, sid, coder_ids)
        before, after = r.get("before") or "", r.get("after") or ""
        out[r["id"]] = ExcerptData(r, before + r["text"] + after, r["start"] - len(before),
                                   lengths[sid], spans[sid], notes.get(r["id"], []), at,
                                   memos.get(r["id"], []))
    return out


def _notes_of(session: Session, prepared: dict[int, ExcerptData], style: str
              ) -> dict[str, Any]:
    """The note sequence of a document and the works its article footnotes name."""
    rows = [n for data in prepared.values() for n in data.notes]
    texts = {n["footnote_id"]: n["footnote_text"] for n in rows if n["cites"] == "footnote"}
    works = footnote_works(session, texts)
    known = [n["item"] for n in rows if "item" in n] + [w for ws in works.values() for w in ws]
    return {"sequence": NoteSequence(style, known=known), "works": works}


def _footnote_places(session: Session, notes: dict[int, list[dict[str, Any]]]
                     ) -> dict[int, tuple[int, int]]:
    ids = sorted({n["footnote_id"] for ns in notes.values() for n in ns if n["footnote_id"]})
    out: dict[int, tuple[int, int]] = {}
    for i in range(0, len(ids), 900):
        q = select(Footnote.id, Footnote.offset, Footnote.end).where(
            Footnote.id.in_(ids[i:i + 900]))
        out.update({fid: (a, b) for fid, a, b in session.execute(q)})
    return out


def _lengths(session: Session, source_ids: set[int]) -> dict[int, int]:
    ids = sorted(source_ids)
    out: dict[int, int] = {}
    for i in range(0, len(ids), 900):
        q = select(Source.id, Source.length).where(Source.id.in_(ids[i:i + 900]))
        out.update(dict(session.execute(q).all()))
    return out


def _body(session: Session, selection: Selection, rows: list[dict[str, Any]],
          prepared: dict[int, ExcerptData], maker: StoryMaker, tell, check) -> list:
    out: list = []
    groups = group(session, selection, rows)
    done, total = 0, sum(len(g.rows) for g in groups)
    for g in groups:
        out += maker.heading(g.title, color=g.color)
        for row in g.rows:
            check()
            out += maker.excerpt(prepared[row["id"]])
            done += 1
            if done % 25 == 0 or done == total:
                tell(100 + 300 * done // total, f"Setting excerpt {done} of {total}…")
    return out


def _appendices(session: Session, rows: list[dict[str, Any]], opts: PdfOptions,
                maker: StoryMaker) -> list:
    out: list = []
    if opts.context_memos:
        out += _source_memos(session, rows, maker)
    if opts.bibliography:
        entries = bibliography(session, [r["id"] for r in rows], opts.style,
                               also=maker.sequence.cited())
        if entries:
            out += maker.bibliography(entries)
    if opts.codebook:
        here = _code_counts(rows)
        tree = code_tree(session)
        memos = memos_of(session, list(here), Memo.code_id) if opts.context_memos else None
        if tree:
            out += maker.codebook(tree, here, memos=memos)
    return out


def _source_memos(session: Session, rows: list[dict[str, Any]], maker: StoryMaker) -> list:
    """The appendix of memos on the export's sources (none: nothing)."""
    titles = {r["source_id"]: source_label(r) for r in rows}
    memos = memos_of(session, list(titles), Memo.source_id)
    found = [(titles[sid], memos[sid]) for sid in titles if sid in memos]
    return maker.source_memos(found) if found else []


# --- one source ---------------------------------------------------------------------------------

def export_source_pdf(session: Session, source_id: int, path: str | Path,
                      options: PdfOptions | None = None, *,
                      coder_ids: list[int] | None = None, progress: Progress = None,
                      cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write one source whole as an annotated PDF: its text with every coded span
    highlighted, a margin of code labels, its own footnotes at their markers, and the
    codes it uses (``coder_ids``: only these coders' excerpts)."""
    opts = options or PdfOptions()
    opts.check()
    target, check = check_target(path, (".pdf",)), checker(cancelled)
    tell = _teller(progress)
    tell(0, "Reading the source…")
    detail = source_detail(session, source_id)
    spans = for_source(session, source_id, coder_ids)
    area = NoteArea(_frame_width(opts.page_size))
    works = footnote_works(session, {f["id"]: f["text"] for f in detail["footnotes"]})
    maker = StoryMaker(area, labels=opts.labels, memos=False,
                       sequence=NoteSequence(opts.style), works=works)
    story = maker.source(detail, spans)
    if opts.codebook and spans:
        story += maker.codebook(_used_codes(session, spans), _code_counts(spans),
                                title="Codes in this source", new_page=False)
    check()
    titled = PdfOptions(**{**opts.__dict__, "title": opts.title or detail["title"]
                           or f"Source {source_id}"})
    tell(300, "Laying out the pages…")
    pages = _write(target, story + [NotesTail(area)], area, titled, tell, check,
                   first_numbered=1)
    return ExportResult(target, len(spans), 1, maker.number, pages, maker.placeholders,
                        list(area.continued))


def _code_counts(spans: list[dict[str, Any]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for s in spans:
        for c in s["codes"]:
            counts[c["id"]] = counts.get(c["id"], 0) + 1
    return counts


def _used_codes(session: Session, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    used = set(_code_counts(spans))
    return [c for c in code_tree(session) if c["id"] in used]


# --- words on the title page --------------------------------------------------------------------

def _project_name(session: Session) -> str:
    return session.scalar(select(ProjectInfo.name)) or "project"


def _title(opts: PdfOptions) -> str:
    return opts.title.strip() or "Coded excerpts"


def _settings(selection: Selection, opts: PdfOptions) -> list[tuple[str, str]]:
    out = [("Order", f"by {selection.order}"),
           ("Citation style", STYLES[opts.style].title)]
    if selection.context:
        out.append(("Context", f"{selection.context} characters before and after, in grey"))
    return out


def _counts(rows: list[dict[str, Any]], maker: StoryMaker) -> str:
    codes = {c["id"] for r in rows for c in r["codes"]}
    sources = {r["source_id"] for r in rows}
    return (f"{len(rows)} excerpt(s) from {len(sources)} source(s) · {len(codes)} code(s) "
            f"· {maker.number} footnote(s)")


def _reading_notes(maker: StoryMaker) -> list[str]:
    out = ["Highlights are in each code's colour, lightened where needed so that the text "
           "stays readable; where codes overlap, the highlight is split into stripes, one "
           "per code, and the margin names each code beside the lines it covers.",
           "Footnotes are the citations attached to each excerpt and the article's own "
           "notes inside it, numbered through the document."]
    if maker.placeholders:
        out.append(f"{maker.placeholders} character(s) that the embedded fonts cannot show "
                   f"are printed as {fonts.PLACEHOLDER}.")
    return out


# --- the document -------------------------------------------------------------------------------

def _frame_width(page_size: str) -> float:
    return PAGE_SIZES[page_size.lower()][0] - 2 * MARGIN


def _write(target: Path, story: list, area: NoteArea, opts: PdfOptions, tell, check,
           first_numbered: int) -> int:
    """Lay the story out into a temporary file and rename it to ``target``; pages."""
    fonts.register()
    size = PAGE_SIZES[opts.page_size.lower()]
    total, seen = len(story), [0]

    def after(_flowable) -> None:
        seen[0] += 1
        if seen[0] % 50 == 0:
            check()
            tell(400 + 600 * min(seen[0], total) // total, "Laying out the pages…")

    with atomic_target(target) as tmp:
        doc = NotesDoc(str(tmp), area=area, on_flowable=after, pagesize=size,
                       leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                       bottomMargin=MARGIN, title=_title(opts), author=opts.author,
                       subject="Coded excerpts exported from Quire", creator="Quire",
                       initialFontName=fonts.font_name(fonts.LATIN))  # else Helvetica
        frame = NotesFrame(area, MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN,
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        decorate = _decorator(_title(opts), first_numbered)
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=decorate)])
        doc.build(story)
        check()
        tell(STEPS, "Done")
        return doc.page


def _decorator(title: str, first_numbered: int):
    def decorate(canv, doc) -> None:
        page = canv.getPageNumber()
        if page < first_numbered:
            return
        width, height = doc.pagesize
        canv.saveState()
        draw_label(canv, str(page), width / 2, MARGIN / 2, 8.5, "#555555", align="center")
        draw_label(canv, title, MARGIN, height - MARGIN / 2, 7.5, "#888888",
                   max_width=width - 2 * MARGIN)
        canv.setStrokeColor(HexColor("#dddddd"))
        canv.restoreState()
    return decorate


def _teller(progress: Progress):
    def tell(done: int, message: str) -> None:
        if progress is not None:
            progress(min(done, STEPS), STEPS, message)
    return tell
