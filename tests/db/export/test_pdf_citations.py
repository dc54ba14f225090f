"""Notes and bibliography of an exported PDF, read back: every cited work listed once,
a work cited again shortened, an article's note printed again referring back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from db.export.pdf import PdfOptions, export_pdf
from db.export.selection import Selection
from db.models import Source
from db.ops import bind
from db.ops.citations import cite
from db.ops.codes import ensure_code_path
from db.ops.coding import apply_code
from db.ops.references import import_references
from tests.db.coding_support import run
from tests.db.export.support import ENGLISH, code, flat, make_project, page_texts, render

IMAGES = {"id": "barakat2017", "type": "report",
          "author": [{"family": "Barakat", "given": "Lina"}, {"family": "Reyes",
                                                             "given": "Tomas"}],
          "title": "Images of Return: Social Media after the Fall of Raqqa",
          "publisher": "Digital Conflict Monitor", "genre": "Working Paper",
          "number": "12", "issued": {"date-parts": [[2017, 11, 15]]}}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    proj, made = make_project(tmp_path_factory.mktemp("cited"))
    run(proj, bind(import_references, text=json.dumps([IMAGES]), fmt="csl-json"))
    # the passage with the article's note [3] (which names the report), under two codes
    shared = code(proj, made, ENGLISH, "Accounts sympathetic to ISIS", "Propaganda",
                  "classrooms.[3]")
    other = run(proj, lambda s: ensure_code_path(s, path="Counter-messaging",
                                                 coder_id=made.coder)).value
    run(proj, lambda s: apply_code(s, excerpt_id=shared, code_id=other, coder_id=made.coder))
    run(proj, lambda s: cite(s, excerpt_id=shared, locator_label="page", locator="2",
                             coder_id=made.coder))
    out = tmp_path_factory.mktemp("pdf") / "cited.pdf"
    with proj.sessions() as s:
        result = export_pdf(s, Selection(order="code"), out, PdfOptions())
        titles = {r.title for r in s.scalars(select(Source))
                  if r.id in {made.sources[ENGLISH], *made.sources.get("posts", [])}}
    yield result, page_texts(out), titles
    proj.close()


def test_every_cited_work_is_in_the_bibliography_once(exported):
    result, pages, _ = exported
    start = next(i for i, p in enumerate(pages) if "Bibliography" in p[:200])
    bib = flat(" ".join(pages[start:]).split("Codebook")[0])
    assert bib.count("Raqqa After the Battle") == 1  # the Markdown article
    assert bib.count("الموصل") >= 1  # the Arabic article
    assert bib.count("Losing the City, Keeping the Channel") == 0  # nothing coded there
    # the report the article's own note [3] names, from the library
    assert bib.count("Barakat, Lina, and Tomas Reyes. Images of Return: Social Media") == 1
    render(result.path, start + 1, "export_bibliography")


def test_a_note_printed_again_is_shortened_or_refers_back(exported):
    _, pages, _ = exported
    body = flat(" ".join(pages))
    # first time, the article's note as written; again, the report it names, shortened
    assert body.count("Lina Barakat and Tomas Reyes, \"Images of Return") == 1
    assert "Barakat and Reyes, Images of Return." in body
    # the citation of the article itself: full first, then shortened with its page
    full = body.find("“Raqqa After the Battle: Return, Rubble and the Long Wait,”")
    short = body.find("“Raqqa After the Battle,” 2.")
    assert 0 < full < short


def test_the_codebook_carries_descriptions_and_memos_on_codes_and_sources(tmp_path):
    from db.descriptions import format_description
    from db.ops.codes import update_code
    from db.ops.memos import create_memo

    proj, made = make_project(tmp_path)
    fear = made.codes["Fear"]
    described = format_description({"definition": "Dread of what comes next.",
                                    "use": "Worry about returning.", "avoid": "Grief.",
                                    "example": "Will the mines still be there?"})
    run(proj, lambda s: update_code(s, code_id=fear, description=described))
    for target, tid, title in (("code", fear, "Fear is everywhere"),
                               ("source", made.sources[ENGLISH], "About the author")):
        run(proj, lambda s, t=target, i=tid, w=title: create_memo(
            s, target=t, target_id=i, title=w, body="Check this.", coder_id=made.coder))
    with proj.sessions() as s:
        plain = export_pdf(s, Selection(), tmp_path / "plain.pdf", PdfOptions())
        full = export_pdf(s, Selection(), tmp_path / "full.pdf",
                          PdfOptions(context_memos=True))
    proj.close()
    body = flat(" ".join(page_texts(plain.path)))
    codebook = body[body.rfind("Codebook"):]
    assert ("Fear" in codebook and "Definition: Dread of what comes next. When to use: "
            "Worry about returning. When not to use: Grief. Example: Will the mines") \
        in codebook
    assert "Fear is everywhere" not in body and "About the author" not in body
    pages = page_texts(full.path)
    body = flat(" ".join(pages))
    assert "Memos on the sources" in body and "About the author" in body
    assert "Fear is everywhere" in body[body.rfind("Codebook"):]
    render(full.path, len(pages), "export_codebook_memos")
