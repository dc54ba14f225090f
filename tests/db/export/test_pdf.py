"""The annotated PDF, read back: texts, notes, bibliography, bookmarks, metadata, pages."""

from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from db.errors import EmptyExportError, ExportCancelled, ExportError
from db.export.annotate import annotate, luminance, readable
from db.export.pdf import PdfOptions, export_pdf, export_source_pdf
from db.export.selection import Selection
from db.queries.citations import bibliography, citations_for_excerpts
from db.queries.excerpts import for_source
from tests.db.export.support import (
    ARABIC,
    ENGLISH,
    LONG_NOTE,
    MARKUP_MEMO,
    flat,
    make_project,
    page_texts,
    render,
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    proj, made = make_project(tmp_path_factory.mktemp("export"))
    yield proj, made
    proj.close()


@pytest.fixture(scope="module")
def exported(sample, tmp_path_factory):
    proj, made = sample
    out = tmp_path_factory.mktemp("pdf") / "excerpts.pdf"
    with proj.sessions() as s:
        result = export_pdf(s, Selection(), out, PdfOptions(title="Raqqa and Mosul",
                                                             author="Lina Haddad"))
    return result, page_texts(out)


def test_every_excerpt_is_printed_under_its_code_in_order(sample, exported):
    proj, made = sample
    result, pages = exported
    body = flat(" ".join(pages))
    english = ["Their early surveys describe a city", "For the tens of thousands of people",
               "water and electricity networks", "produced relief, but also"]
    at = 0
    for words in english:  # under their codes, in the codebook's order
        at = body.find(words, at)
        assert at > 0, words
    assert "أعلنت الحكومة العراقية" in body  # the Arabic excerpt, read back in logical order
    assert result.excerpts == len(made.excerpts) and result.sources >= 5


def test_footnotes_are_printed_in_order_with_their_numbers(sample, exported):
    proj, made = sample
    result, pages = exported
    body = flat(" ".join(pages))
    with proj.sessions() as s:
        notes = citations_for_excerpts(s, [made.excerpts["surveys"]])[made.excerpts["surveys"]]
    texts = [flat(n["text"]) for n in notes]
    # the article's own note [1] is inside the excerpt: it is numbered before the citation
    assert "Raqqa Civil Recovery Working Group" in texts[1]
    first, second = body.find(texts[1][:60]), body.find(texts[0][:40])
    assert 0 < first < second
    assert body[first - 3:first].strip().endswith("1") and result.notes == 7
    assert "Interview 69 in Ain Issa camp" in body  # the long note, all of it


def test_a_long_note_goes_on_at_the_foot_of_the_next_page(exported):
    result, pages = exported
    assert result.continued, "the long note must continue overleaf"
    page = result.continued[0]
    before, after = flat(pages[page - 2]), flat(pages[page - 1])
    assert "Interview 0 in Ain Issa" in " ".join(flat(p) for p in pages[:page - 1])
    assert "Interview 69 in Ain Issa" not in before and "Interview" in after


def test_bookmarks_metadata_and_page_size(sample, exported, tmp_path):
    result, _ = exported
    reader = PdfReader(str(result.path))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[:3] == ["Displacement", "Displacement/Return", "Fear"]
    assert "Codebook" in titles
    assert reader.metadata.title == "Raqqa and Mosul"
    assert reader.metadata.author == "Lina Haddad"
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    proj, _ = sample
    with proj.sessions() as s:
        letter = export_pdf(s, Selection(order="source"), tmp_path / "letter.pdf",
                            PdfOptions(page_size="Letter", codebook=False))
    reader = PdfReader(str(letter.path))
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert "Codebook" not in [o.title for o in reader.outline if not isinstance(o, list)]


def test_text_that_looks_like_markup_is_printed_as_it_is(exported):
    _, pages = exported
    assert MARKUP_MEMO in flat(" ".join(pages))


def test_bibliography_in_the_chosen_style(sample, tmp_path):
    proj, made = sample
    ids = list(made.excerpts.values())
    with proj.sessions() as s:
        result = export_pdf(s, Selection(), tmp_path / "apa.pdf", PdfOptions(style="apa"))
        entries = bibliography(s, ids, "apa")
    body = flat(" ".join(page_texts(result.path)))
    start = body.find("Bibliography")
    assert entries and start > 0
    places = [body.find(flat(e)[:40], start) for e in entries if flat(e)[:40].isascii()]
    assert places and all(p > start for p in places) and places == sorted(places)


def test_emoji_are_printed_as_emoji(exported):
    result, pages = exported
    assert result.placeholders == 0 and "□" not in " ".join(pages)
    assert "🙏" in " ".join(pages) or "🕊" in " ".join(pages)  # read back through ToUnicode
    assert "character(s) that the embedded fonts cannot show" not in flat(pages[0])


def test_fonts_are_embedded(exported):
    result, _ = exported
    out = subprocess.run(["pdffonts", str(result.path)], capture_output=True, text=True,
                         check=True).stdout
    rows = out.splitlines()[2:]
    assert any("Amiri" in r for r in rows) and any("DejaVuSans" in r for r in rows)
    assert any("NotoEmoji" in r for r in rows)
    assert rows and all(" yes yes " in r for r in rows)  # every font embedded, as a subset
    assert "Helvetica" not in out


def test_a_black_code_still_gives_readable_highlights():
    light = readable("#000000")
    assert luminance(light) >= 0.45  # contrast with black text >= 10:1
    assert (luminance(light) + 0.05) / 0.05 >= 10
    assert readable("#ffd54f") == "#ffd54f"  # light colours are kept as they are


def test_overlapping_codes_are_drawn_as_stripes(sample):
    proj, made = sample
    sid = made.sources[ENGLISH]
    with proj.sessions() as s:
        spans = for_source(s, sid)
    text = made.texts[sid]
    start = text.index("Their early surveys")
    end = text.index("fields.[1]") + len("fields.[1]")
    ann = annotate(text[start:end], start, start, end, source_length=len(text),
                   spans=spans, markers=[], end_numbers=[])
    two = [b for b in ann.bands if len(b.colors) == 2]
    assert two and ann.text[two[0].start:two[0].end] == "water and electricity networks"
    assert {m.label for m in ann.marks} == {"Displacement", "Fear"}


def test_empty_selection_writes_nothing(sample, tmp_path):
    proj, _ = sample
    out = tmp_path / "empty.pdf"
    with proj.sessions() as s, pytest.raises(EmptyExportError):
        export_pdf(s, Selection(excerpt_ids=[]), out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing/out.pdf", "file.txt/out.pdf", "folder", "x.doc"])
def test_a_path_that_cannot_be_written_is_a_clear_error(sample, tmp_path, where):
    proj, _ = sample
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder.pdf").mkdir()
    target = tmp_path / (where if where != "folder" else "folder.pdf")
    with proj.sessions() as s, pytest.raises(ExportError):
        export_pdf(s, Selection(), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "folder.pdf"]


def test_a_failure_while_writing_leaves_nothing_behind(sample, tmp_path, monkeypatch):
    proj, _ = sample
    import db.export.pdf as pdf_module

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_module.NotesDoc, "build", broken)
    with proj.sessions() as s, pytest.raises(ExportError, match="the disk is full"):
        export_pdf(s, Selection(), tmp_path / "out.pdf")
    assert list(tmp_path.iterdir()) == []


def test_cancel_and_progress(sample, tmp_path):
    proj, _ = sample
    seen: list[tuple[int, int]] = []
    with proj.sessions() as s:
        export_pdf(s, Selection(), tmp_path / "ok.pdf",
                   progress=lambda done, total, _m: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with proj.sessions() as s, pytest.raises(ExportCancelled):
        export_pdf(s, Selection(), tmp_path / "cancelled.pdf", cancelled=cancelled)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.pdf"]


def test_a_whole_source_annotated(sample, tmp_path):
    proj, made = sample
    with proj.sessions() as s:
        result = export_source_pdf(s, made.sources[ARABIC], tmp_path / "source.pdf")
    body = flat(" ".join(page_texts(result.path)))
    assert result.notes == 3  # the article's own three notes, at their markers
    assert "مركز دجلة للدراسات" in body and "Codes in this source" in body
    assert "Propaganda" in body and result.excerpts == 3
    render(result.path, 1, "export_whole_source_arabic")


def test_rendered_pages_for_looking(exported):
    result, pages = exported
    render(result.path, 1, "export_title_page")
    arabic = next(i for i, p in enumerate(pages) if "أعلنت الحكومة العراقية" in p)
    render(result.path, arabic + 1, "export_arabic_excerpt", dpi=130)
    overlap = next(i for i, p in enumerate(pages) if "Their early surveys" in p)
    render(result.path, overlap + 1, "export_overlapping_codes", dpi=130)
    render(result.path, result.continued[0], "export_footnotes_continued")
    render(result.path, len(pages), "export_codebook")
    emoji = next(i for i, p in enumerate(pages) if "treyes_reports" in p)
    render(result.path, emoji + 1, "export_emoji_posts", dpi=130)
    assert LONG_NOTE[:30] in flat(" ".join(pages))


def test_context_before_and_after_is_printed(sample, tmp_path):
    proj, made = sample
    with proj.sessions() as s:
        result = export_pdf(s, Selection(excerpt_ids=[made.excerpts["water"]], context=60),
                            tmp_path / "context.pdf")
    body = flat(" ".join(page_texts(result.path)))
    text = made.texts[made.sources[ENGLISH]]
    at = text.index("water and electricity networks")
    before, after = flat(text[at - 40:at]), flat(text[at + 30:at + 80])
    assert f"{before} water and electricity networks" in body
    assert after[:30] in body and "…" in body
