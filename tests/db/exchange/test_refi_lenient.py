"""REFI-QDA files as real exporters write them: harmless deviations are read and reported,
name-made GUIDs are not identities, and the other tools' projects still come through."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.errors import ImportFileError
from db.exchange.codebook_csv import export_codebook_csv, read_codebook_table
from db.exchange.refi_import import import_qdc, import_qdpx
from db.exchange.refi_lenient import name_guid
from db.models import Code, Coding
from db.ops.codes import rename_code
from db.queries.codes import code_tree
from tests.db.exchange.test_refi_other_tools import S1, qde, qdpx, selection, texts

FILES = Path(__file__).parent / "taguette_files"


def import_codebook_file(proj, path):
    with proj.session() as s:
        return import_qdc(s, path=path).value


def test_taguettes_codebook_with_its_empty_sets_arrives_whole(proj):
    report = import_codebook_file(proj, FILES / "codebook.qdc")
    assert report.added["codes"] == 7
    assert any("empty <Sets/>" in n for n in report.notes)
    assert any("made from their names" in n for n in report.notes)
    with proj.sessions() as s:
        names = set(s.scalars(select(Code.name)))
        uuids = set(s.scalars(select(Code.uuid)))
    assert names == {"interesting", "water", "hope", "émotion", "أمل", "politique/locale",
                     "infrastructure"}
    assert name_guid("water") not in uuids  # Taguette's name-made GUIDs are not kept


def test_an_empty_codes_is_an_empty_codebook(proj):
    report = import_codebook_file(proj, FILES / "empty-codebook.qdc")
    assert not report.changes_anything
    assert any("empty <Codes/>" in n for n in report.notes)


def test_equal_names_from_another_project_are_matched_by_name_and_said_so(proj):
    import_codebook_file(proj, FILES / "codebook.qdc")
    with proj.session() as s:
        water = s.scalar(select(Code.id).where(Code.name == "water"))
        rename_code(s, code_id=water, name="Wasser")
    report = import_codebook_file(proj, FILES / "codebook.qdc")
    # Another project's "water" is not the renamed code, though Taguette gave both the
    # same GUID: it is added, and the others are matched by their names, not GUIDs.
    assert report.added["codes"] == 1
    assert report.matched_by["codes"] == {"path": 6}
    assert any("made from their names" in line for line in report.lines())


def test_a_deviation_that_changes_meaning_is_still_refused(proj, tmp_path):
    path = tmp_path / "bad.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x" '
                    'isCodable="true"/></Codes><Sets/></CodeBook>')
    with pytest.raises(ImportFileError, match="schema .*guid"):
        import_codebook_file(proj, path)
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Surprise/></Codes>'
                    '</CodeBook>')
    with pytest.raises(ImportFileError, match="schema"):
        import_codebook_file(proj, path)


@pytest.mark.parametrize("origin", ["NVivo 14", "MAXQDA 2022", "ATLAS.ti 23"])
def test_other_tools_projects_round_trip_through_the_codebook_table(proj, tmp_path, origin):
    """Their projects (with empty containers) import, and the codebook they brought goes
    out as CSV and comes back the same."""
    body = (f'<Sources><TextSource guid="{S1}" name="Dawn"><PlainTextContent>Fear of the '
            f'dark</PlainTextContent>{selection(0, 4)}</TextSource></Sources><Notes/><Sets/>')
    with proj.session() as s:
        report = import_qdpx(s, path=qdpx(tmp_path, {"project.qde": qde(body,
                                                                       origin=origin)})).value
    assert texts(proj) == {"Lina": ["Fear"]}
    assert {n for n in report.notes if "empty" in n} == {
        "the file has an empty <Notes/> (REFI-QDA 1.0 wants at least one child there); "
        "read as no notes",
        "the file has an empty <Sets/> (REFI-QDA 1.0 wants at least one child there); "
        "read as no sets"}
    with proj.sessions() as s:
        export_codebook_csv(s, tmp_path / "book.csv")
        want = [(r["path"], r["description"], r["color"]) for r in code_tree(s)]
        assert s.scalar(select(Coding.id)) is not None
    back = read_codebook_table(tmp_path / "book.csv")
    paths = {c.uuid: c.name for c in back.codes}
    got = [((paths[c.parent] + "/" if c.parent else "") + c.name, c.description, c.color)
           for c in back.codes]
    assert got == want == [("Fear", "خوف", "#ff0000"), ("Fear/Rumour", "", got[1][2])]
