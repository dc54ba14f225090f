"""The teaching set bundled with the sample: a valid starter codebook and the exercise."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.exchange.refi_export import export_qdc
from db.exchange.teaching import add_teaching_set, codebook_path, exercise_memo
from db.models import Code, Memo
from db.queries.codes import code_tree
from tests.db.coding_support import dump
from tests.db.exchange.support import assert_valid

ARABIC = re.compile("[\u0600-\u06ff]")


def test_the_starter_codebook_is_valid_and_small(tmp_path):
    assert_valid(codebook_path().read_bytes(), "Codebook.xsd")


def test_adding_the_teaching_set_is_one_undoable_step(proj, tmp_path):
    before = dump(proj)
    with proj.session() as s:
        done = add_teaching_set(s)
    with proj.sessions() as s:
        tree = code_tree(s)
        memo = s.scalars(select(Memo)).one()
        export_qdc(s, tmp_path / "again.qdc")
    tops = [r for r in tree if r["depth"] == 0]
    leaves = [r for r in tree if r["depth"] == 1]
    assert len(tops) == 3 and len(leaves) == 9 and max(r["depth"] for r in tree) == 1
    assert all(r["description"] and ARABIC.search(r["description"]) for r in tree)
    assert memo.target == "project" and memo.title.startswith("Exercise")
    assert "Preferences" in memo.body and "export-qdpx" in memo.body
    with proj.session() as s:
        done.inverse(s)
    assert dump(proj) == before


def test_every_copy_gets_the_same_code_uuids(proj):
    with proj.session() as s:
        add_teaching_set(s)
    with proj.sessions() as s:
        uuids = set(s.scalars(select(Code.uuid)))
    text = codebook_path().read_text(encoding="utf-8")
    assert uuids == set(re.findall(r'guid="([0-9a-f-]{36})"', text))
    assert exercise_memo()[0] == "Exercise: coding the battle for Raqqa and Mosul"
