"""Bad REFI-QDA input: a clear message, nothing half-imported, nothing outside the target."""

from __future__ import annotations

import zipfile

import pytest

from db.errors import ImportFileError
from db.exchange.refi_import import import_qdc, import_qdpx
from tests.db.coding_support import dump
from tests.db.exchange.support import build_study, change_count
from tests.db.exchange.test_refi_other_tools import C1, S1, qde, qdpx, selection


@pytest.fixture
def study(proj):
    build_study(proj)
    return proj


def refused(proj, path, *words: str, qdc: bool = False) -> str:
    """Import ``path``: it must fail with ``words`` in the message and change nothing."""
    before, logged = dump(proj), change_count(proj)
    with pytest.raises(ImportFileError) as info, proj.session() as s:
        (import_qdc if qdc else import_qdpx)(s, path=path)
    message = str(info.value)
    for word in words:
        assert word in message
    assert dump(proj) == before and change_count(proj) == logged
    return message


def good_body(extra: str = "") -> str:
    return (f'<Sources><TextSource guid="{S1}"><PlainTextContent>Fear of the dark'
            f'</PlainTextContent>{selection(0, 4)}{extra}</TextSource></Sources>')


def test_a_file_that_is_not_a_zip(study, tmp_path):
    path = tmp_path / "fake.qdpx"
    path.write_text("<Project/>")
    refused(study, path, "not a zip archive")


def test_paths_outside_the_archive_are_refused_and_nothing_is_written(study, tmp_path):
    outside = tmp_path.parent / "evil.txt"
    for name in ("../evil.txt", "/tmp/evil.txt", "Sources/../../evil.txt", "C:/evil.txt"):
        target = tmp_path / "box"
        target.mkdir(exist_ok=True)
        path = qdpx(target, {"project.qde": qde(good_body()), name: b"gotcha"})
        refused(study, path, "outside its folder")
        assert sorted(p.name for p in target.iterdir()) == ["other.qdpx"]
    assert not outside.exists()


def test_an_internal_path_never_reaches_outside(study, tmp_path):
    body = (f'<Sources><TextSource guid="{S1}" plainTextPath="internal://../../etc/passwd"/>'
            '</Sources>')
    with study.session() as s:
        report = import_qdpx(s, path=qdpx(tmp_path, {"project.qde": qde(body)})).value
    assert "not inside the project file" in report.unmapped[0]


def test_external_entities_are_refused(study, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>').encode()
    refused(study, qdpx(tmp_path, {"project.qde": xxe}), "unsafe XML")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE P [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>')
    refused(study, qdpx(tmp_path, {"project.qde": bomb}, "bomb.qdpx"), "unsafe XML")


def test_xml_that_does_not_follow_the_schema(study, tmp_path):
    bad = qde(good_body()).replace(b' isCodable="true"', b"", 1)
    message = refused(study, qdpx(tmp_path, {"project.qde": bad}), "REFI-QDA 1.0 schema")
    assert "isCodable" in message and "line" in message
    wrong = (b'<Project xmlns="urn:QDA-XML:project:2.0" name="x"/>')
    refused(study, qdpx(tmp_path, {"project.qde": wrong}, "v2.qdpx"), "not a REFI-QDA 1.0",
            "urn:QDA-XML:project:2.0")
    refused(study, qdpx(tmp_path, {"notes.txt": b"hi"}, "empty.qdpx"), "no project (.qde)")


def test_a_coding_of_a_missing_code(study, tmp_path):
    body = good_body(selection(5, 7, code="6d1c2a3b-0000-4000-8000-0000000bad00"))
    refused(study, qdpx(tmp_path, {"project.qde": qde(body)}), "not in the file's codebook",
            "nothing was imported")


def test_positions_outside_the_text(study, tmp_path):
    body = good_body(selection(10, 99))
    refused(study, qdpx(tmp_path, {"project.qde": qde(body)}), "[10, 99)",
            "outside its text of 16 characters")
    body = good_body(selection(6, 3))
    refused(study, qdpx(tmp_path, {"project.qde": qde(body)}, "b.qdpx"), "[6, 3)")


def test_a_damaged_zip_member_and_a_broken_codebook(study, tmp_path):
    path = tmp_path / "broken.qdc"
    path.write_bytes(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x"/>')
    refused(study, path, "bad XML", qdc=True)
    # An empty <Codes/> is harmless (Taguette writes it); a code without a GUID is not.
    path.write_bytes(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x" '
                     b'isCodable="true"/></Codes><Sets/></CodeBook>')
    refused(study, path, "schema", "guid", qdc=True)
    path.write_bytes(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{C1}" '
                     f'name="a" isCodable="true"/><Code guid="{C1}" name="b" isCodable="true"/>'
                     '</Codes></CodeBook>'.encode())
    refused(study, path, "share the GUID", qdc=True)
    with zipfile.ZipFile(tmp_path / "z.qdpx", "w") as zf:
        zf.writestr("project.qde", qde(good_body()))
    data = bytearray((tmp_path / "z.qdpx").read_bytes())
    data[40:60] = b"\x00" * 20
    (tmp_path / "z.qdpx").write_bytes(bytes(data))
    refused(study, tmp_path / "z.qdpx", "damaged")
