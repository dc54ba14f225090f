"""Reading BibTeX, RIS and CSL-JSON libraries: entries as CSL-JSON, problems by line."""

import pytest

from db.citations.errors import ReferenceFileError
from db.citations.references import (
    Known,
    SourceIndex,
    detect_format,
    make_key,
    parse_library,
    read_library,
)

BIBTEX = r"""@article{hoffman2017,
  author = {Hoffman, Adam and {World Health Organization} and M{\"u}ller, J{\"o}rg},
  title = {The {Rise} of the Islamic State},
  journal = {The Atlantic},
  year = 2017, month = mar,
  pages = {12--14},
  doi = {https://doi.org/10.1000/XYZ},
  url = {https://example.com/a%20b},
  x-zotero-field = {kept as it was}
}

@book{broken,
  author = {Smith, J},
  title = {Unclosed
@misc{fine, title={A Fine Page}, year={2020}, url={https://x.org}, urldate={2021-02-03}}
@misc{fine, title={Same key again}}
@article{noauth title={x}}
@online{arabic, author={الشريف, محمد}, title={عاد السكان إلى المدينة}, date={2018-01-02}}
@article{news, entrysubtype={newspaper}, title={Raqqa Falls}, journal={NYT}, year={2017}}
"""

RIS = """TY  - JOUR
AU  - Hoffman, Adam
TI  - The Rise of the Islamic State
JO  - The Atlantic
PY  - 2017/03/02/
SP  - 12
EP  - 14
UR  - https://example.com/rise
DO  - 10.1000/ABC
ZZ  - a tag nobody knows
AB  - An abstract that an exporter
  wrapped onto a second line.
ER  -

TY  - NEWS
TI  - Bad one
PY  - 2017
this line is not a field
ER  -

TY  - MGZN
AU  - الشريف، محمد
TI  - مقال عن المدينة
ER  -
TY  - BOOK
TI  - Never ended
"""


def _lines(lib):
    return [(p.line, p.message) for p in lib.problems]


def test_bibtex_entries_become_csl_and_malformed_ones_are_reported_by_line():
    lib = parse_library(BIBTEX, "bibtex")
    assert [(e.key, e.line) for e in lib.entries] == [
        ("hoffman2017", 1), ("fine", 15), ("arabic", 18), ("news", 19)]
    first = lib.entries[0].csl
    assert first == {
        "type": "article-journal",
        "author": [{"family": "Hoffman", "given": "Adam"},
                   {"literal": "World Health Organization"},
                   {"family": "Müller", "given": "Jörg"}],
        "title": "The Rise of the Islamic State", "container-title": "The Atlantic",
        "page": "12–14", "DOI": "10.1000/XYZ", "URL": "https://example.com/a%20b",
        "issued": {"date-parts": [[2017, 3]]}, "custom": {"x-zotero-field": "kept as it was"}}
    assert lib.entries[1].csl["accessed"] == {"date-parts": [[2021, 2, 3]]}
    assert lib.entries[2].csl["title"] == "عاد السكان إلى المدينة"
    assert lib.entries[3].csl["type"] == "article-newspaper"
    lines = _lines(lib)
    assert [n for n, _ in lines] == [12, 16, 17]
    assert "@book{broken" in lines[0][1] and "closing" in lines[0][1]
    assert "'fine' is used twice" in lines[1][1]
    assert "Expected comma" in lines[2][1]


def test_ris_records_become_csl_and_malformed_ones_are_reported_by_line():
    lib = parse_library(RIS, "ris")
    assert [e.line for e in lib.entries] == [1, 21]
    assert lib.entries[1].csl["author"] == [{"literal": "الشريف، محمد"}]
    assert lib.entries[1].csl["type"] == "article-magazine"
    csl = lib.entries[0].csl
    assert csl["author"] == [{"family": "Hoffman", "given": "Adam"}]
    assert csl["issued"] == {"date-parts": [[2017, 3, 2]]} and csl["page"] == "12–14"
    assert csl["abstract"] == "An abstract that an exporter wrapped onto a second line."
    assert csl["custom"] == {"ZZ": "a tag nobody knows"}
    assert _lines(lib) == [
        (18, "'this line is not a field' is not a RIS field ('XX  - value'); the reference "
             "starting on line 15 was not imported"),
        (25, "this reference has no end line 'ER  -' and was not imported")]


def test_ris_lines_outside_records_are_reported_once_per_run():
    lib = parse_library("junk\nmore junk\nTY  - GEN\nTI  - Kept\nER  - \n"
                        "TY  - GEN\nTI  - Cut short\nTY  - BOOK\nTI  - Whole\nER  -\n", "ris")
    assert [e.csl["title"] for e in lib.entries] == ["Kept", "Whole"]
    assert [e.csl["type"] for e in lib.entries] == ["document", "book"]
    assert [p.line for p in lib.problems] == [1, 6]


def test_csl_json_items_are_kept_whole_and_bad_items_reported_by_line():
    text = """[
  {"id": "a", "type": "post", "title": "x", "x-unknown": {"kept": [1, 2]}},
  {"id": "b", "title": "no type"},
  42,
  {"id": "c", "type": "book", "title": "y"}
]"""
    lib = parse_library(text, "csl-json")
    assert [(e.key, e.line) for e in lib.entries] == [("a", 2), ("c", 5)]
    assert lib.entries[0].csl["x-unknown"] == {"kept": [1, 2]}
    assert _lines(lib) == [(3, "this item has no 'type'"), (4, "this item is not a JSON object")]


def test_csl_json_with_a_syntax_error_keeps_the_items_before_it():
    lib = parse_library('[\n{"id": "a", "type": "book"},\n{"id": "b", "type": \n}\n]',
                        "csl-json")
    assert [e.key for e in lib.entries] == ["a"]
    assert lib.problems[0].line == 4 and "malformed JSON" in lib.problems[0].message
    zotero = parse_library('{"items": [{"id": "z", "type": "book"}]}', "csl-json")
    assert [e.key for e in zotero.entries] == ["z"]


def test_formats_are_found_by_name_and_content(tmp_path):
    assert detect_format("", "lib.bib") == "bibtex"
    assert detect_format("TY  - JOUR\n", "export.txt") == "ris"
    assert detect_format("  [{}]", "") == "csl-json"
    assert detect_format("% comment\n@article{x,", "") == "bibtex"
    assert detect_format("hello", "x.txt") == ""
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ReferenceFileError, match="not a BibTeX, RIS or CSL-JSON"):
        read_library(tmp_path / "notes.txt")
    with pytest.raises(ReferenceFileError, match="no such file"):
        read_library(tmp_path / "missing.bib")
    (tmp_path / "lib.bib").write_text(BIBTEX, encoding="utf-8")
    assert len(read_library(tmp_path / "lib.bib").entries) == 4


def test_keys_and_duplicates():
    csl = {"author": [{"family": "Müller"}], "issued": {"date-parts": [[2017]]},
           "title": "The Rise of Raqqa"}
    assert make_key(csl, set()) == "muller2017rise"
    assert make_key(csl, {"muller2017rise", "muller2017risea"}) == "muller2017riseb"
    assert make_key({"title": "عنوان"}, set()) == "ref"
    known = Known()
    known.add("hoffman", {"title": "The Rise", "DOI": "10.1000/ABC"})
    assert known.duplicate_of("other", {"DOI": "https://doi.org/10.1000/abc"}) == "hoffman"
    assert known.duplicate_of("Hoffman", {"title": "the rise"}) == "Hoffman"
    assert known.duplicate_of("hoffman", {"title": "Another work"}) is None


def test_matching_sources_by_doi_url_and_unambiguous_title():
    index = SourceIndex()
    index.add(1, url="https://www.example.com/rise/", title="The Rise of the State")
    index.add(2, url="https://doi.org/10.1000/xyz")
    index.add(3, title="A Common Title Here")
    index.add(4, title="A Common Title Here")
    index.add(5, title="Short")
    assert index.find({"URL": "http://example.com/rise"}) == [(1, "url")]
    assert index.find({"DOI": "10.1000/XYZ"}) == [(2, "doi")]
    assert index.find({"title": "the rise of the state!"}) == [(1, "title")]
    assert index.find({"title": "A common title here"}) == []  # two sources: ambiguous
    assert index.find({"title": "Short"}) == []  # too short to trust
