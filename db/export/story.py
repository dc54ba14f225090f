"""The flowables of an export: title page, headings, excerpt blocks, notes, appendices.

:class:`StoryMaker` turns prepared data (see :mod:`db.export.pdf`) into RichText
flowables. It numbers footnotes in story order -- the order they are printed -- so the
numbers run on through the document, and counts the characters replaced by the
placeholder glyph.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from db.citations.notes import NoteSequence
from db.citations.urls import links_in, printable
from db.descriptions import SECTIONS, parse_description
from db.export.annotate import annotate, note_text, readable
from db.export.arabic import Style, faces
from db.export.fonts import PLACEHOLDER, sanitize
from db.export.footnotes import Note, NoteArea
from db.export.richtext import Band, Box, RichText, Setting, rich
from db.export.selection import source_label
from db.queries.citations import note_in_sequence

_HANDLE = re.compile(r"(?<!\w)@(?=\w)")
GUTTER = 96.0
BODY = 10.0
GREY = "#5c5c5c"


@dataclass
class ExcerptData:
    """Everything printed with one excerpt."""

    row: dict[str, Any]
    stretch: str  # the source's text from ``lo``: the excerpt and its context
    lo: int
    source_length: int
    spans: list[dict[str, Any]]
    notes: list[dict[str, Any]]  # citations (unformatted), in the excerpt's order
    footnote_at: dict[int, tuple[int, int]]  # footnote id -> (offset, end) in the source
    memos: list[dict[str, Any]] = field(default_factory=list)


class StoryMaker:
    """Builds flowables and numbers notes; one per document.

    Notes are formatted as they are numbered, in story order, by one
    :class:`~db.citations.notes.NoteSequence` (so a work cited again gets its style's
    shortened note); ``works`` gives the known works each article footnote names.
    """

    def __init__(self, area: NoteArea, *, labels: bool = True, memos: bool = True,
                 sequence: NoteSequence | None = None,
                 works: dict[int, list[dict[str, Any]]] | None = None):
        self.area, self.labels, self.with_memos = area, labels, memos
        self.sequence = sequence or NoteSequence()
        self.works = works or {}
        self.placeholders = 0
        self._keys = 0

    @property
    def number(self) -> int:
        """The number of the last note set."""
        return self.sequence.number

    # --- small pieces ----------------------------------------------------------------------

    def text(self, text: str, style: Style | None = None, **options: Any) -> RichText:
        """Plain text (any script), placeholders counted, web addresses readable,
        breakable and live."""
        clean, missing = sanitize(printable(text))
        self.placeholders += _holders(missing)
        return rich(clean, style=style or Style(size=BODY), links=links_in(clean), **options)

    def key(self) -> str:
        """A fresh bookmark key."""
        self._keys += 1
        return f"q{self._keys}"

    def heading(self, title: str, *, size: float = 15.0, level: int = 0,
                color: str = "") -> list:
        """A heading with a bookmark (outline entry), kept with what follows."""
        clean = ltr_handles(" ".join(title.split()) or "—")
        flow = self.text(clean, Style(bold=True, size=size), space_before=6, space_after=8,
                         outline=(clean, level, self.key()))
        if color:
            flow.setting.bands.append(Band(0, len(flow.setting.text), (readable(color),)))
        return [CondPageBreak(size * 7), flow]

    # --- notes -----------------------------------------------------------------------------

    def _note(self, row: dict[str, Any]) -> Note:
        """The next note, from a row of ``citations_for_excerpts`` (unformatted)."""
        text = note_in_sequence(self.sequence, row, self.works.get(row.get("footnote_id")))
        full, styles, holders = note_text(self.number, printable(text))
        self.placeholders += holders
        # a citation is set left to right in its (English) style, even when it starts
        # with an Arabic name; an article's own note follows its first letter
        base = None if row["cites"] == "footnote" else 0
        return Note(self.number, rich(full, styles, links=links_in(full), base=base))

    def _notes_for(self, data: ExcerptData) -> tuple[list[tuple[int, int, int]], list[int],
                                                     list[Note]]:
        """Markers in the text, numbers after it, and the notes in reading order."""
        row = data.row
        inside, after = [], []
        for n in data.notes:
            where = data.footnote_at.get(n.get("footnote_id") or -1)
            if where and row["start"] <= where[0] and where[1] <= row["end"]:
                inside.append((where[0], where[1], n))
            else:
                after.append(n)
        inside.sort(key=lambda t: t[0])
        ordered = [n for _, _, n in inside] + after
        notes = [self._note(n) for n in ordered]
        markers = [(a, b, note.number) for (a, b, _), note in zip(inside, notes, strict=False)]
        return markers, [note.number for note in notes[len(inside):]], notes

    # --- an excerpt ------------------------------------------------------------------------

    def excerpt(self, data: ExcerptData) -> list:
        """Header line, annotated text with its notes, memos."""
        row = data.row
        gutter = GUTTER if self.labels else 0.0
        out: list = [CondPageBreak(90), self.header(row, gutter)]
        markers, end_numbers, notes = self._notes_for(data)
        ann = annotate(data.stretch, data.lo, row["start"], row["end"],
                       source_length=data.source_length, spans=data.spans, markers=markers,
                       end_numbers=end_numbers, size=BODY, labels=self.labels)
        self.placeholders += ann.placeholders
        setting = Setting(ann.text, faces(ann.text, ann.styles), bands=ann.bands,
                          marks=ann.marks, gutter=gutter,
                          notes=list(zip(ann.note_offsets, notes, strict=True)))
        out.append(RichText(setting, area=self.area, space_after=4))
        if self.with_memos:
            out += [self.memo(m, gutter) for m in data.memos]
        out.append(Spacer(1, 12))
        return out

    def header(self, row: dict[str, Any], gutter: float) -> RichText:
        """Title in bold (a post's: its author), then author and handle, platform, date
        and coder in grey."""
        who = row.get("author") or ""
        if row.get("handle"):
            who = f"{who} @{row['handle']}".strip()
        titled = " ".join((row.get("title") or "").split())
        title = titled or who or source_label(row)
        bits = [who if titled else "", (row.get("platform") or "").capitalize(),
                _when(row.get("published")), f"coded by {row['coder']}" if row.get("coder")
                else ""]
        meta = " · ".join(b for b in bits if b)
        text = ltr_handles(f"{title}\n{meta}" if meta else title)
        clean, missing = sanitize(text)
        self.placeholders += _holders(missing)
        cut = clean.find("\n") if meta else len(clean)
        styles = [(0, cut, Style(bold=True, size=BODY))]
        if meta:
            styles.append((cut, len(clean), Style(size=8.5, color=GREY)))
        return rich(clean, styles, gutter=gutter, space_after=3)

    def memo(self, memo: dict[str, Any], gutter: float) -> RichText:
        """A memo in a note box: title and author, then its body as written."""
        head = memo.get("title") or "Memo"
        by = ", ".join(b for b in (memo.get("author"), _when(memo.get("updated_at"))) if b)
        head = f"{head} ({by})" if by else head
        body = (memo.get("body") or "").strip()
        text, missing = sanitize(f"{head}\n{body}" if body else head)
        self.placeholders += _holders(missing)
        cut = text.find("\n") if body else len(text)
        styles = [(0, cut, Style(bold=True, size=8.5))]
        if body:
            styles.append((cut, len(text), Style(size=8.5)))
        return rich(text, styles, gutter=gutter, box=Box(), space_before=2, space_after=4)

    # --- a whole source --------------------------------------------------------------------

    def source(self, detail: dict[str, Any], spans: list[dict[str, Any]]) -> list:
        """A source whole: heading, header line, its text annotated with every coded span
        and its own footnotes at their markers; notes without a marker after it."""
        text = detail["text"]
        placed = [f for f in detail["footnotes"] if 0 <= f["offset"] < f["end"] <= len(text)]
        notes = [self._note({"cites": "footnote", "kind": "footnote", "footnote_id": f["id"],
                             "footnote_text": f["text"], "note": ""}) for f in placed]
        markers = [(f["offset"], f["end"], n.number)
                   for f, n in zip(placed, notes, strict=True)]
        ann = annotate(text, 0, 0, len(text), source_length=len(text), spans=spans,
                       markers=markers, end_numbers=[], size=BODY, labels=self.labels)
        self.placeholders += ann.placeholders
        gutter = GUTTER if self.labels else 0.0
        setting = Setting(ann.text, faces(ann.text, ann.styles), bands=ann.bands,
                          marks=ann.marks, gutter=gutter,
                          notes=list(zip(ann.note_offsets, notes, strict=True)))
        row = {**detail, "source_id": detail["id"], "coder": ""}
        out = [*self.heading(source_label(row), size=16)]
        meta = self.header({**row, "title": ""}, gutter) if row.get("author") or \
            row.get("platform") or row.get("published") else None
        out += [meta] if meta else []
        out.append(RichText(setting, area=self.area, space_before=4, space_after=10))
        loose = [f for f in detail["footnotes"] if f not in placed]
        if loose:
            out += self.heading("Notes without a marker in the text", size=11, level=1)
            out += [self.text(f"[{f['label']}] {f['text']}", Style(size=8.5), space_after=3)
                    for f in loose]
        return out

    # --- whole parts -----------------------------------------------------------------------

    def bibliography(self, entries: list[str]) -> list:
        """The bibliography heading and its entries."""
        out: list = [PageBreak(), *self.heading("Bibliography")]
        # an entry is set left to right whatever script it starts with (an Arabic title)
        out += [self.text(e, Style(size=9), space_after=5, base=0) for e in entries]
        return out

    def codebook(self, tree: list[dict[str, Any]], here: dict[int, int],
                 title: str = "Codebook", new_page: bool = True,
                 memos: dict[int, list[dict[str, Any]]] | None = None) -> list:
        """The code tree: each code in its colour, with counts, its description (the
        four parts) and, when given, the memos written on it."""
        out: list = [PageBreak()] if new_page else []
        out += self.heading(title)
        for code in tree:
            out.append(self._code_row(code, here.get(code["id"], 0)))
            out += [self.memo(m, 14.0 * code["depth"] + 14.0)
                    for m in (memos or {}).get(code["id"], [])]
        return out

    def _code_row(self, code: dict[str, Any], here: int) -> RichText:
        counts = (f"   {here} in this export · {code['excerpts']} excerpt(s) in "
                  f"{code['sources']} source(s) in the project")
        pieces = [(code["name"], Style(bold=True, size=9.5)), (counts, Style(size=8, color=GREY))]
        parts = parse_description(code.get("description") or "")
        for key, heading, _label in SECTIONS:
            if parts[key]:
                pieces += [(f"\n{heading}: ", Style(bold=True, size=8.5)),
                           (parts[key], Style(size=8.5))]
        text, styles = self._pieces(pieces)
        flow = rich(text, styles, gutter=14.0 * code["depth"], space_after=5)
        flow.setting.bands.append(Band(0, styles[0][1], (readable(code["color"]),)))
        return flow

    def source_memos(self, sources: list[tuple[str, list[dict[str, Any]]]]) -> list:
        """The memos on the sources of the export, under each source's title."""
        out: list = [PageBreak(), *self.heading("Memos on the sources")]
        for title, memos in sources:
            out.append(self.text(title, Style(bold=True, size=9.5), space_before=4,
                                 space_after=2))
            out += [self.memo(m, 0.0) for m in memos]
        return out

    def _pieces(self, pieces: list[tuple[str, Style]]
                ) -> tuple[str, list[tuple[int, int, Style]]]:
        """Pieces of text in their styles joined, each made printable (placeholders
        counted)."""
        text, styles = "", []
        for piece, style in pieces:
            clean, missing = sanitize(piece)
            self.placeholders += _holders(missing)
            styles.append((len(text), len(text) + len(clean), style))
            text += clean
        return text, styles


def ltr_handles(text: str) -> str:
    """``@handle`` kept left-to-right inside Arabic: a left-to-right mark before the "@"
    (without it the bidi algorithm puts the "@" after the name: "name@")."""
    return _HANDLE.sub("\u200e@", text)


def _holders(edits: list[tuple[int, int, str]]) -> int:
    return sum(1 for edit in edits if edit[2] == PLACEHOLDER)


def _when(value: str | None) -> str:
    """An ISO timestamp as "2017-10-15 15:00" (midnight: the date alone)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value[:16]
    return moment.strftime("%Y-%m-%d" if moment.time() == dt.time() else "%Y-%m-%d %H:%M")


def title_page(maker: StoryMaker, *, project: str, title: str, lines: list[tuple[str, str]],
               counts: str, notes: list[str]) -> list:
    """The title page: project, title, date, filters, counts and notes on reading it."""
    out: list = [Spacer(1, 90)]
    out.append(maker.text(f"Quire export · {project}".upper(), Style(size=9, color=GREY),
                          space_after=14))
    out.append(maker.text(title, Style(bold=True, size=24), space_after=10))
    out.append(maker.text(f"Exported {dt.datetime.now():%Y-%m-%d %H:%M}",
                          Style(size=10, color=GREY), space_after=22))
    out.append(maker.text(counts, Style(bold=True, size=11), space_after=14))
    for what, value in lines:
        text = f"{what}: {value}"
        out.append(rich(text, [(0, len(what) + 1, Style(bold=True, size=10)),
                               (len(what) + 1, len(text), Style(size=10))], space_after=4))
    out.append(Spacer(1, 18))
    out += [maker.text(n, Style(size=8.5, color=GREY), space_after=5) for n in notes]
    out.append(PageBreak())
    return out
