"""REFI-QDA export: valid files, stable GUIDs, code-point positions, the codebook."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from db.errors import EmptyExportError
from db.exchange.refi_export import export_qdc, export_qdpx
from db.exchange.refi_model import CODEBOOK_NS, PROJECT_NS
from db.models import Code, Excerpt, Source
from tests.db.exchange.support import POST, assert_valid, build_study, schema_dirs

NS = {"q": PROJECT_NS, "c": CODEBOOK_NS}


@pytest.fixture
def study(proj):
    return build_study(proj)


def _qde(path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def test_the_project_file_follows_the_schema_and_holds_every_source(proj, study, tmp_path):
    out = tmp_path / "study.qdpx"
    with proj.sessions() as s:
        export_qdpx(s, out)
        uuids = {src.uuid: src.text for src in s.query(Source)}
    data = _qde(out)
    assert_valid(data, "Project.xsd")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert names == {"project.qde"} | {f"Sources/{u}.txt" for u in uuids}
        for u, text in uuids.items():
            assert zf.read(f"Sources/{u}.txt").decode("utf-8") == text  # no BOM, LF


def test_the_schemas_are_bundled_and_shared_ones_used_when_present():
    assert schema_dirs()[0].joinpath("Project.xsd").exists()
    assert schema_dirs()[0].joinpath("Codebook.xsd").exists()
    assert (schema_dirs()[0] / "README.md").read_text().count("MIT") >= 1


def test_guids_are_the_uuids_and_the_same_in_every_export(proj, study, tmp_path):
    with proj.sessions() as s:
        export_qdpx(s, tmp_path / "a.qdpx")
        export_qdpx(s, tmp_path / "b.qdpx")
        code_uuids = {c.uuid for c in s.query(Code)}
        excerpt_uuids = {e.uuid for e in s.query(Excerpt)}
    assert _qde(tmp_path / "a.qdpx") == _qde(tmp_path / "b.qdpx")
    root = etree.fromstring(_qde(tmp_path / "a.qdpx"))
    assert {c.get("guid") for c in root.iterfind(".//q:Code", NS)} == code_uuids
    assert {e.get("guid") for e in root.iterfind(".//q:PlainTextSelection", NS)} == \
        excerpt_uuids


def test_positions_are_code_points_and_say_so(proj, study, tmp_path):
    with proj.sessions() as s:
        export_qdpx(s, tmp_path / "a.qdpx")
        post = s.query(Source).filter_by(kind="post").one()
    root = etree.fromstring(_qde(tmp_path / "a.qdpx"))
    assert "code points" in root.find("q:Description", NS).text
    sel = root.find(f".//q:TextSource[@guid='{post.uuid}']/q:PlainTextSelection", NS)
    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
    assert POST[start:end] == "the old bridge is gone 🕊"  # after an emoji: code points
    assert root.find(".//q:Users/q:User[@name='Omar']", NS).get("guid") == \
        sel.get("creatingUser")


def test_codes_keep_hierarchy_colours_descriptions_and_memos(proj, study, tmp_path):
    with proj.sessions() as s:
        export_qdpx(s, tmp_path / "a.qdpx")
    root = etree.fromstring(_qde(tmp_path / "a.qdpx"))
    emotions = root.find(".//q:CodeBook/q:Codes/q:Code[@name='Emotions']", NS)
    assert emotions.get("color") == "#fb8072"
    assert emotions.find("q:Description", NS).text == "How people feel"
    hope = emotions.find("q:Code[@name='Hope']", NS)
    assert hope.find("q:Description", NS).text.startswith("أمل")
    note = hope.find("q:NoteRef", NS).get("targetGUID")
    assert root.find(f".//q:Notes/q:Note[@guid='{note}']", NS).get("name") == "When to use Hope"
    raqqa = root.find(".//q:Sets/q:Set[@name='Raqqa']", NS)
    assert len(raqqa.findall("q:MemberSource", NS)) == 2
    assert raqqa.find("q:MemberNote", NS) is not None


def test_post_metadata_travels_as_variables(proj, study, tmp_path):
    with proj.sessions() as s:
        export_qdpx(s, tmp_path / "a.qdpx")
    root = etree.fromstring(_qde(tmp_path / "a.qdpx"))
    names = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", NS)}
    post = root.find(".//q:TextSource[@name]/q:VariableValue/q:TextValue[.='post']/../..", NS)
    values = {names[vv.find("q:VariableRef", NS).get("targetGUID")]: vv[1].text
              for vv in post.iterfind("q:VariableValue", NS)}
    assert values["handle"] == "mosuleye" and values["likes"] == "7"
    assert values["published"] == "2019-01-05T12:00:00Z"
    assert values["hashtags"] == "Mosul"


def test_the_codebook_file_follows_its_schema(proj, study, tmp_path):
    with proj.sessions() as s:
        export_qdc(s, tmp_path / "book.qdc")
    data = (tmp_path / "book.qdc").read_bytes()
    assert_valid(data, "Codebook.xsd")
    root = etree.fromstring(data)
    assert [c.get("name") for c in root.iterfind("c:Codes/c:Code", NS)] == \
        ["Emotions", "Infrastructure"]
    assert root.find(".//c:Code[@name='Water']", NS) is not None


def test_an_empty_codebook_is_refused_with_a_sentence_and_no_file(proj, tmp_path):
    out = tmp_path / "empty.qdc"
    with proj.sessions() as s, pytest.raises(EmptyExportError, match="the codebook is empty"):
        export_qdc(s, out)
    assert not out.exists() and not list(tmp_path.glob(".quire-*"))


def test_a_failed_export_leaves_no_file(proj, study, tmp_path, monkeypatch):
    from db.exchange import refi_export

    def broken(_bundle):
        raise RuntimeError("disk full")

    monkeypatch.setattr(refi_export, "project_xml", broken)
    with proj.sessions() as s, pytest.raises(RuntimeError):
        export_qdpx(s, tmp_path / "a.qdpx")
    assert not list(tmp_path.glob("*.qdpx")) and not list(tmp_path.glob(".quire-*"))
