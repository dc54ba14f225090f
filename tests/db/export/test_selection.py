"""What an export holds: filters, hand-picked excerpts, search hits, grouping and order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.errors import EmptyExportError, ExportError
from db.export.selection import UNCODED, Selection, describe, gather, group
from db.models import Collection
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from tests.db.coding_support import run
from tests.db.export.support import ARABIC, ENGLISH, make_project


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    proj, made = make_project(tmp_path_factory.mktemp("selection"))
    yield proj, made
    proj.close()


def _ids(proj, sel: Selection, **kw) -> set[int]:
    with proj.sessions() as s:
        return {r["id"] for r in gather(s, sel, **kw)}


def test_codes_with_and_without_their_sub_codes(sample):
    proj, made = sample
    ex, parent = made.excerpts, made.codes["Displacement"]
    assert _ids(proj, Selection(code_ids=[parent])) == {ex["surveys"], ex["mosul"], ex["camps"]}
    assert _ids(proj, Selection(code_ids=[parent], subcodes=False)) == {ex["surveys"],
                                                                         ex["mosul"]}


def test_coders_dates_sources_and_chosen_excerpts(sample):
    proj, made = sample
    ex = made.excerpts
    other = run(proj, lambda s: ensure_coder(s, name="Omar")).value
    assert _ids(proj, Selection(coder_ids=[made.coder])) == set(ex.values())
    with pytest.raises(EmptyExportError):
        _ids(proj, Selection(coder_ids=[other]))
    october = _ids(proj, Selection(date_from="2017-10-01", date_to="2017-10-31"))
    english = {ex[k] for k in ("surveys", "water", "camps", "relief")}  # its byline's date
    assert english <= october
    assert october - english <= {v for k, v in ex.items() if k.startswith("post")}
    assert _ids(proj, Selection(source_id=made.sources[ARABIC])) == {
        ex["mosul"], ex["undp"], ex["fear_hope"]}
    assert _ids(proj, Selection(excerpt_ids=[ex["water"], ex["undp"]])) == {ex["water"],
                                                                          ex["undp"]}
    with pytest.raises(ExportError):
        _ids(proj, Selection(source_id=99999))


def test_collections(sample):
    proj, made = sample
    with proj.sessions() as s:
        sample_id = s.scalar(select(Collection.id).where(Collection.name == "Sample"))
    assert _ids(proj, Selection(collection_ids=[sample_id])) == set(made.excerpts.values())


def test_search_hits_keep_the_excerpts_they_touch(sample):
    proj, made = sample
    sid = made.sources[ENGLISH]
    at = made.texts[sid].index("electricity")
    hits = [(sid, at, at + len("electricity"))]
    assert _ids(proj, Selection(hits=hits)) == {made.excerpts["surveys"],
                                                made.excerpts["water"]}
    assert made.excerpts["water"] in _ids(proj, Selection(query="electricity"), project=proj)
    with pytest.raises(ExportError):
        _ids(proj, Selection(query="electricity"))  # a query needs the project's index


def test_grouped_by_code_source_or_date(sample):
    proj, made = sample
    with proj.sessions() as s:
        rows = gather(s, Selection())
        by_code = group(s, Selection(), rows)
        by_source = group(s, Selection(order="source"), rows)
        by_date = group(s, Selection(order="date"), rows)
    assert [g.title for g in by_code] == ["Displacement", "Displacement/Return", "Fear",
                                          "Hope", "Propaganda"]
    assert by_code[0].color == "#1f4e9e"
    assert len({g.key for g in by_source}) == len(by_source) == len({r["source_id"]
                                                                     for r in rows})
    assert by_date[-1].title == "Undated" and by_date[0].title <= by_date[1].title
    assert sum(len(g.rows) for g in by_source) == len(rows)
    with pytest.raises(ExportError):
        Selection(order="size")


def test_a_highlight_without_a_code_has_its_own_heading(sample, tmp_path):
    proj, made = sample
    sid = made.sources[ENGLISH]
    eid = run(proj, lambda s: code_span(s, source_id=sid, start=0, end=10, color="#ff0000",
                                        coder_id=made.coder)).value
    with proj.sessions() as s:
        groups = group(s, Selection(), gather(s, Selection(excerpt_ids=[eid])))
    assert [g.title for g in groups] == [UNCODED]


def test_the_filters_in_words(sample):
    proj, made = sample
    with proj.sessions() as s:
        words = dict(describe(s, Selection(code_ids=[made.codes["Fear"]], coder_ids=[made.coder],
                                           date_from="2017-01-01", query="water")))
    assert words == {"Codes": "Fear (with sub-codes)", "Coders": "Lina",
                     "Published": "2017-01-01 to …", "Search": "water"}
