"""Export then import: the same sources, codes, excerpts, coders, memos and GUIDs; undo."""

from __future__ import annotations

import pytest

from db.exchange.refi_export import export_qdc, export_qdpx
from db.exchange.refi_import import import_qdc, import_qdpx
from db.models import Code
from tests.db.coding_support import dump
from tests.db.exchange.support import build_study, change_count, entities
from tests.project_support import new_project


@pytest.fixture
def exported(proj, tmp_path):
    build_study(proj)
    out = tmp_path / "study.qdpx"
    with proj.sessions() as s:
        export_qdpx(s, out)
    return out


@pytest.fixture
def fresh(tmp_path):
    p = new_project(tmp_path / "fresh.quire")
    yield p
    p.close()


def test_import_into_a_new_project_gives_the_same_project(proj, exported, fresh):
    with fresh.session() as s:
        report = import_qdpx(s, path=exported).value
    assert report.added["sources"] == 3 and report.added["memos"] == 6
    assert report.unmapped == []
    assert entities(fresh) == entities(proj)


def test_import_is_one_undoable_step_that_removes_exactly_what_it_added(exported, fresh):
    before, logged = dump(fresh), change_count(fresh)
    with fresh.session() as s:
        done = import_qdpx(s, path=exported)
    after = entities(fresh)
    with fresh.session() as s:
        undone = done.inverse(s)
    assert dump(fresh) == before
    assert change_count(fresh) > logged
    with fresh.session() as s:
        undone.inverse(s)  # redo
    assert entities(fresh) == after


def test_importing_the_same_file_again_adds_nothing(proj, exported):
    before = dump(proj)
    with proj.session() as s:
        report = import_qdpx(s, path=exported).value
    assert not report.changes_anything
    assert report.matched["sources"] == 3 and report.matched["codings"] == 6
    assert dump(proj) == before


def test_a_codebook_round_trip_keeps_codes_and_guids(proj, fresh, tmp_path):
    build_study(proj)
    with proj.sessions() as s:
        export_qdc(s, tmp_path / "book.qdc")
        want = {(c.uuid, c.name, c.color, c.description) for c in s.query(Code)}
    with fresh.session() as s:
        done = import_qdc(s, path=tmp_path / "book.qdc")
    with fresh.sessions() as s:
        assert {(c.uuid, c.name, c.color, c.description) for c in s.query(Code)} == want
    with fresh.session() as s:
        done.inverse(s)
    with fresh.sessions() as s:
        assert s.query(Code).count() == 0
