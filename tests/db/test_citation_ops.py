"""Citations on excerpts and the reference library: undoable operations and their queries."""

import pytest
from sqlalchemy import select

from db.citations.errors import NotesError, ReferenceFileError
from db.errors import NotFoundError
from db.models import Citation, Footnote, Reference, Source
from db.ops import bind
from db.ops.citations import (
    citation_count,
    cite,
    clean_locator,
    delete_citation,
    edit_citation,
    move_citation,
)
from db.ops.coding import resize_excerpt
from db.ops.references import (
    create_reference,
    delete_reference,
    edit_reference,
    edit_source_csl,
    import_references,
    link_reference,
    reference_by_key,
    unlink_reference,
)
from db.queries.citations import (
    bibliography,
    citations_for_excerpt,
    citations_for_excerpts,
    reference_list,
    source_csl,
)
from tests.db.coding_support import run
from tests.db.notes_support import coder, dump, excerpt, import_samples, round_trip, unchanged

WIDE = "They left at dawn.[1] Nobody came back to the town that spring.[2]"
LIBRARY = r"""@article{mcgurk2017,
  author = {McGurk, Brett},
  title = {ISIS has lost nearly 6000 terrorists in Raqqa},
  journal = {Twitter},
  year = {2017},
  url = {https://twitter.com/brett_mcgurk/status/919?s=20},
  x-note = {an unknown field}
}
@book{hoffman2017,
  author = {Hoffman, Adam},
  title = {The Rise of the Islamic State},
  publisher = {Verso},
  year = {2017},
  doi = {10.1000/rise}
}
@misc{broken title = {x}}
"""


@pytest.fixture
def study(proj, tmp_path):
    """Imported sources, a coder, an excerpt over both footnote markers, one without."""
    proj.ids = import_samples(proj, tmp_path)
    proj.coder = coder(proj)
    proj.wide = excerpt(proj, proj.ids["article"], WIDE, proj.coder)
    proj.narrow = excerpt(proj, proj.ids["article"], "They left", proj.coder)
    proj.tweet = excerpt(proj, proj.ids["tweet"], "ISIS has lost", proj.coder)
    proj.bib = tmp_path / "library.bib"
    proj.bib.write_text(LIBRARY, encoding="utf-8")
    return proj


def _notes(proj, excerpt_id, style="chicago", **kw):
    with proj.sessions() as s:
        return citations_for_excerpt(s, excerpt_id, style, **kw)


def _import(proj):
    return run(proj, bind(import_references, path=proj.bib)).value


def _key(proj, key):
    with proj.sessions() as s:
        return reference_by_key(s, key).id


# --- citing ---------------------------------------------------------------------------------

def test_citing_the_excerpts_own_source_with_a_page(study):
    done, _ = round_trip(study, bind(cite, excerpt_id=study.narrow, locator="p. 3",
                                     note="Compare the spring report.", coder_id=study.coder))
    assert done.label == "Cite the source"
    run(study, bind(cite, excerpt_id=study.narrow, locator="p. 3",
                    note="Compare the spring report."))
    assert [n["text"] for n in _notes(study, study.narrow)] == [
        "Rebecca Mead, “The Prophet of Dystopia,” April 17, 2017, 3. "
        "Compare the spring report."]
    assert [n["text"] for n in _notes(study, study.narrow, "apa")] == [
        "(Mead, 2017, p. 3) Compare the spring report."]


def test_the_articles_own_footnotes_travel_with_the_excerpt(study):
    run(study, bind(cite, excerpt_id=study.wide, locator="43"))
    notes = _notes(study, study.wide)
    assert [(n["number"], n["kind"], n["label"], n["text"]) for n in notes] == [
        (1, "citation", "", "Rebecca Mead, “The Prophet of Dystopia,” April 17, 2017, 43."),
        (2, "footnote", "1", "A witness told the reporter so."),
        (3, "footnote", "2", "The town council confirmed it in May.")]
    assert _notes(study, study.narrow) == []
    with study.sessions() as s:
        text = s.get(Source, study.ids["article"]).text
    run(study, bind(resize_excerpt, excerpt_id=study.narrow, start=0,
                    end=text.index("[1]") + 3))
    assert [n["label"] for n in _notes(study, study.narrow)] == ["1"]
    run(study, bind(resize_excerpt, excerpt_id=study.narrow, start=0,
                    end=text.index("[1]") + 2))  # half a marker is not the marker
    assert _notes(study, study.narrow) == []


def test_a_footnote_attached_explicitly_is_listed_once_in_its_place(study):
    with study.sessions() as s:
        second = s.scalar(select(Footnote.id).where(Footnote.label == "2"))
    run(study, bind(cite, excerpt_id=study.wide, footnote_id=second, note="(the council)"))
    run(study, bind(cite, excerpt_id=study.wide, position=0))
    notes = _notes(study, study.wide)
    assert [(n["cites"], n["label"]) for n in notes] == [
        ("source", ""), ("footnote", "2"), ("footnote", "1")]
    assert notes[1]["text"] == "The town council confirmed it in May. (the council)"


def test_arabic_sources_are_cited_with_their_words_unchanged(study):
    arabic = excerpt(study, study.ids["arabic"], "لم يعد أحد[1]", study.coder)
    run(study, bind(cite, excerpt_id=arabic))
    for style in ("chicago", "apa", "mla"):
        notes = _notes(study, arabic, style)
        assert "محمد الشريف" in notes[0]["text"]
        assert notes[1]["text"] == "قال شاهد ذلك."
    assert "“عاد السكان إلى المدينة,”" in _notes(study, arabic)[0]["text"]


def test_editing_moving_and_deleting_citations_are_undoable(study):
    first = run(study, bind(cite, excerpt_id=study.wide, locator="1")).value
    second = run(study, bind(cite, excerpt_id=study.wide, locator="para. 2")).value
    with study.sessions() as s:
        row = s.get(Citation, second)
        assert (row.locator_label, row.locator, row.position) == ("paragraph", "2", 1)
    round_trip(study, bind(edit_citation, citation_id=first, locator="5", note="n"))
    round_trip(study, bind(move_citation, citation_id=second, position=0))
    round_trip(study, bind(delete_citation, citation_id=first))
    run(study, bind(move_citation, citation_id=second, position=0))
    assert [n["id"] for n in _notes(study, study.wide)][:2] == [second, first]
    assert not run(study, bind(move_citation, citation_id=second, position=0)).changes
    run(study, bind(edit_citation, citation_id=first, locator=""))
    with study.sessions() as s:
        assert (s.get(Citation, first).locator_label, s.get(Citation, first).locator) == ("", "")


def test_bad_citations_change_nothing(study):
    unchanged(study, bind(cite, excerpt_id=999), NotFoundError)
    unchanged(study, bind(cite, excerpt_id=study.wide, reference_id=999), NotFoundError)
    with study.sessions() as s:
        note = s.scalar(select(Footnote.id).where(Footnote.source_id == study.ids["article"]))
    assert "another source" in unchanged(
        study, bind(cite, excerpt_id=study.tweet, footnote_id=note), NotesError)
    assert "not both" in unchanged(
        study, bind(cite, excerpt_id=study.wide, footnote_id=note, reference_id=1), NotesError)
    unchanged(study, bind(delete_citation, citation_id=999), NotFoundError)
    assert clean_locator("", "post 3") == ("post", "3")
    with pytest.raises(NotesError):
        clean_locator("page", "9" * 101)


# --- the reference library -------------------------------------------------------------------

def test_importing_references_is_one_undoable_step_and_links_sources(study):
    done, _ = round_trip(study, bind(import_references, path=study.bib))
    report = done.value
    assert [a["key"] for a in report.added] == ["mcgurk2017", "hoffman2017"]
    assert [(p.line, "Expected comma" in p.message) for p in report.problems] == [(16, True)]
    assert report.links == [{"key": "mcgurk2017", "source_id": study.ids["tweet"], "by": "url"}]
    assert report.lines()[0].endswith(
        "2 reference(s) imported, 0 already in the library, 1 could not be read, "
        "1 source link(s)")
    assert any("NOT imported: line 16:" in line for line in report.lines())


def test_a_linked_reference_is_what_the_source_is_cited_by(study):
    _import(study)
    run(study, bind(cite, excerpt_id=study.tweet))
    assert _notes(study, study.tweet)[0]["text"] == (
        "Brett McGurk, “ISIS Has Lost Nearly 6000 Terrorists in Raqqa,” Twitter, 2017, "
        "https://twitter.com/brett_mcgurk/status/919?s=20.")
    round_trip(study, bind(unlink_reference, source_id=study.ids["tweet"]))
    run(study, bind(unlink_reference, source_id=study.ids["tweet"]))
    assert _notes(study, study.tweet)[0]["text"].startswith("@brett_mcgurk, “ISIS")
    round_trip(study, bind(link_reference, source_id=study.ids["tweet"],
                           reference_id=_key(study, "hoffman2017")))


def test_importing_again_skips_duplicates_and_renames_clashing_keys(study):
    _import(study)
    before = dump(study)
    again = _import(study)
    assert again.added == [] and [d["of"] for d in again.duplicates] == [
        "mcgurk2017", "hoffman2017"]
    assert dump(study) == before
    clash = run(study, bind(import_references, fmt="csl-json", text=(
        '[{"id": "hoffman2017", "type": "book", "title": "Another Book", '
        '"author": [{"family": "Hoffman"}], "issued": {"date-parts": [[2017]]}}]'))).value
    assert clash.renamed == [{"line": 1, "key": "hoffman2017another", "was": "hoffman2017"}]


def test_a_file_that_is_not_a_library_is_refused(study, tmp_path):
    (tmp_path / "notes.txt").write_text("just words")
    unchanged(study, bind(import_references, path=tmp_path / "notes.txt"), ReferenceFileError)


def test_deleting_a_cited_reference_can_be_undone(study):
    _import(study)
    ref = _key(study, "mcgurk2017")
    run(study, bind(cite, excerpt_id=study.wide, reference_id=ref, locator="2"))
    run(study, bind(cite, excerpt_id=study.tweet))
    with study.sessions() as s:
        assert citation_count(s, ref) == 1
    done, _ = round_trip(study, bind(delete_reference, reference_id=ref))
    assert done.value == {"citations": 1, "sources": 1}
    assert done.label == "Delete reference 'mcgurk2017'"
    run(study, bind(delete_reference, reference_id=ref))
    with study.sessions() as s:
        assert s.get(Source, study.ids["tweet"]).reference_id is None
        assert s.scalars(select(Reference.key)).all() == ["hoffman2017"]


def test_unknown_csl_fields_are_kept_through_edits(study):
    _import(study)
    ref = _key(study, "mcgurk2017")
    round_trip(study, bind(edit_reference, reference_id=ref,
                           fields={"title": "A new title", "issued": None}))
    run(study, bind(edit_reference, reference_id=ref, fields={"title": "A new title"},
                    key="mcgurk-tweet"))
    with study.sessions() as s:
        csl = s.get(Reference, ref).csl
    assert csl["custom"] == {"x-note": "an unknown field"} and csl["id"] == "mcgurk-tweet"
    sid = study.ids["arabic"]
    round_trip(study, bind(edit_source_csl, source_id=sid,
                           fields={"x-archive": {"box": 3}, "container-title": "الجزيرة"}))
    run(study, bind(edit_source_csl, source_id=sid, fields={"x-archive": {"box": 3}}))
    run(study, bind(edit_source_csl, source_id=sid, fields={"title": "عنوان جديد"}))
    with study.sessions() as s:
        shown = source_csl(s, sid)
    assert shown["csl"]["x-archive"] == {"box": 3} and shown["csl"]["title"] == "عنوان جديد"
    assert "already a reference with the key" in unchanged(
        study, bind(edit_reference, reference_id=ref, key="hoffman2017"), NotesError)
    unchanged(study, bind(edit_source_csl, source_id=sid, csl={"title": "no type"}), NotesError)


def test_references_made_by_hand(study):
    done, _ = round_trip(study, bind(create_reference, csl={
        "type": "report", "title": "Displacement in Raqqa", "author": [{"literal": "UNHCR"}],
        "issued": {"date-parts": [[2018]]}}))
    ref = run(study, bind(create_reference, csl={"type": "report", "title": "X"},
                          key="unhcr2018")).value
    with study.sessions() as s:
        assert s.get(Reference, ref).key == "unhcr2018"
    assert "already a reference" in unchanged(study, bind(
        create_reference, csl={"type": "book"}, key="UNHCR2018"), NotesError)


# --- lists and bibliographies ----------------------------------------------------------------

def test_the_reference_list(study):
    _import(study)
    ref = _key(study, "hoffman2017")
    run(study, bind(cite, excerpt_id=study.wide, reference_id=ref))
    with study.sessions() as s:
        rows = reference_list(s)
    assert [(r["key"], r["year"], r["authors"], r["citations"], r["sources"]) for r in rows] == [
        ("hoffman2017", "2017", "Adam Hoffman", 1, []),
        ("mcgurk2017", "2017", "Brett McGurk", 0, [study.ids["tweet"]])]


def test_a_bibliography_for_a_set_of_excerpts(study):
    _import(study)
    run(study, bind(cite, excerpt_id=study.wide, reference_id=_key(study, "hoffman2017")))
    with study.sessions() as s:
        chicago = bibliography(s, [study.wide, study.narrow, study.tweet])
        apa = bibliography(s, [study.wide, study.tweet], "apa", html_output=True)
        batch = citations_for_excerpts(s, [study.wide, study.tweet, 999])
    # Every cited work is listed, the Markdown article too (Chicago 18 would omit an
    # unpublished document); the tweet is cited by the library reference linked to it.
    assert chicago == [
        "Hoffman, Adam. The Rise of the Islamic State. Verso, 2017. "
        "https://doi.org/10.1000/rise.",
        "McGurk, Brett. “ISIS Has Lost Nearly 6000 Terrorists in Raqqa.” Twitter, 2017. "
        "https://twitter.com/brett_mcgurk/status/919?s=20.",
        "Mead, Rebecca. “The Prophet of Dystopia.” April 17, 2017."]
    assert apa == [
        "Hoffman, A. (2017). <i>The Rise of the Islamic State</i>. Verso. "
        "https://doi.org/10.1000/rise",
        "McGurk, B. (2017). ISIS has lost nearly 6000 terrorists in Raqqa. <i>Twitter</i>. "
        "https://twitter.com/brett_mcgurk/status/919?s=20",
        "Mead, R. (2017, April 17). <i>The Prophet of Dystopia</i>."]
    assert set(batch) == {study.wide, study.tweet} and len(batch[study.wide]) == 3


def test_html_notes_escape_what_the_researcher_wrote(study):
    run(study, bind(cite, excerpt_id=study.narrow, note="<b>not bold</b> & more"))
    text = _notes(study, study.narrow, html_output=True)[0]["text"]
    assert text.endswith("&lt;b&gt;not bold&lt;/b&gt; &amp; more")
