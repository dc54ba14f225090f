"""Real footnotes: each starts on the page of its marker, long ones continue overleaf."""

from __future__ import annotations

import random

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import PageTemplate, Spacer

from db.export import fonts
from db.export.annotate import note_text
from db.export.arabic import Style
from db.export.footnotes import Note, NoteArea, NotesDoc, NotesFrame, NotesTail
from db.export.richtext import rich

WORDS = "the survey teams counted damaged houses street by street before anyone returned".split()


def _note(number: int, words: int, rng: random.Random) -> Note:
    text = f"Note{number}start " + " ".join(rng.choice(WORDS) for _ in range(words)) + \
        f" note{number}end"
    full, styles, _ = note_text(number, text)
    return Note(number, rich(full, styles))


def _build(path, paragraphs: int, seed: int = 6) -> NoteArea:
    """A document of paragraphs each carrying 0-3 notes, some of them very long."""
    fonts.register()
    rng = random.Random(seed)
    width, height = A4
    area = NoteArea(width - 144)
    doc = NotesDoc(str(path), area=area, pagesize=A4)
    doc.addPageTemplates([PageTemplate("p", [NotesFrame(area, 72, 72, width - 144,
                                                        height - 144)])])
    story, number = [], 0
    for i in range(paragraphs):
        text = f"Paragraph {i}. " + " ".join(rng.choice(WORDS) for _ in range(90))
        notes = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            number += 1
            length = rng.choice((8, 20, 60, 400)) if number != 7 else 1500  # 7: > a page
            notes.append((rng.randrange(len(text)), _note(number, length, rng)))
        story.append(rich(text, style=Style(size=10), notes=sorted(notes, key=lambda n: n[0]),
                          area=area, space_after=6))
    story.append(NotesTail(area))
    doc.build(story)
    area.total = number
    return area


def test_every_note_starts_on_the_page_of_its_marker(tmp_path):
    area = _build(tmp_path / "notes.pdf", 60)
    assert sorted(area.note_pages) == list(range(1, area.total + 1))
    for number, page in area.marker_pages.items():
        assert area.note_pages[number] == page, f"note {number}"
    assert area.continued, "some long notes must go on onto the next page"


def test_a_continued_note_goes_on_at_the_top_of_the_next_page(tmp_path):
    path = tmp_path / "notes.pdf"
    area = _build(path, 60)
    pages = [p.extract_text() for p in PdfReader(str(path)).pages]
    for page in area.continued:  # a note begun before this page ends on it or later
        begun = [n for n in range(1, area.total + 1)
                 if any(f"Note{n}start" in t for t in pages[:page - 1])
                 and not any(f"note{n}end" in t for t in pages[:page - 1])]
        assert begun, f"page {page} goes on with a note that was never begun"
        assert any(f"note{begun[-1]}end" in t for t in pages[page - 1:]), "the rest is lost"
    numbers = [n for n in range(1, area.total + 1) if f"Note{n}start" in "".join(pages)]
    assert numbers == list(range(1, area.total + 1))  # every note printed, each once


def test_notes_left_at_the_end_get_pages_of_their_own(tmp_path):
    fonts.register()
    path = tmp_path / "tail.pdf"
    width, height = A4
    area = NoteArea(width - 144)
    doc = NotesDoc(str(path), area=area, pagesize=A4)
    doc.addPageTemplates([PageTemplate("p", [NotesFrame(area, 72, 72, width - 144,
                                                        height - 144)])])
    note = _note(1, 2500, random.Random(1))
    doc.build([Spacer(1, 500), rich("Last words.", notes=[(0, note)], area=area),
               NotesTail(area)])
    text = "".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert len(PdfReader(str(path)).pages) >= 3
    assert "Note1start" in text and "note1end" in text
