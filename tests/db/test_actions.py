"""The window's composite actions are core operations: one step each, undone exactly."""

from sqlalchemy import select

from db.errors import CodingError
from db.models import Code, Reference, Source
from db.ops import bind
from db.ops.actions import (
    code_in_vivo,
    code_spans_with_new_code,
    delete_memos,
    link_sources,
    save_source_reference,
)
from db.ops.codes import create_code
from db.ops.memos import create_memo
from db.ops.references import create_reference
from tests.db.coding_support import add_source, run
from tests.db.notes_support import dump, round_trip, unchanged

TEXT = "Families returned to Raqqa. There is no water and no electricity."


def source(proj) -> int:
    with proj.session() as s:
        return add_source(s, TEXT)


def test_in_vivo_makes_a_code_and_codes_the_words(proj):
    sid = source(proj)
    a = TEXT.index("no water")
    done, _ = round_trip(proj, bind(code_in_vivo, name="no water", source_id=sid, start=a,
                                    end=a + 8, coder_id=None))
    assert done.label == "New code 'no water' from selection"
    assert set(done.changes.ids) == {"codes", "excerpts", "codings"}


def test_a_taken_name_in_vivo_changes_nothing(proj):
    sid = source(proj)
    run(proj, bind(create_code, name="Water"))
    message = unchanged(proj, bind(code_in_vivo, name="Water", source_id=sid, start=0, end=8,
                                   coder_id=None), CodingError)
    assert "Water" in message


def test_a_new_code_path_on_many_passages(proj):
    sid = source(proj)
    spans = [(sid, 0, 8), (sid, TEXT.index("There"), len(TEXT))]
    done, _ = round_trip(proj, bind(code_spans_with_new_code, path="Themes/Water",
                                    spans=spans, coder_id=None))
    assert done.label == "New code 'Themes/Water' on 2 passages" and len(done.value) == 2


def test_deleting_several_memos_is_one_step(proj):
    sid = source(proj)
    ids = [run(proj, bind(create_memo, target="source", target_id=sid, body=f"Memo {n}"))
           .value for n in range(3)]
    round_trip(proj, bind(delete_memos, memo_ids=ids[:2], label="Delete 2 memos"))


def test_linking_and_unlinking_sources_of_a_reference(proj):
    first, second = source(proj), source(proj)
    ref = run(proj, bind(create_reference, csl={"type": "article", "title": "Water"})).value
    run(proj, bind(link_sources, reference_id=ref, link=[second]))
    round_trip(proj, bind(link_sources, reference_id=ref, link=[first], unlink=[second]))


def test_a_source_reference_form_saves_data_and_link_together(proj):
    sid = source(proj)
    ref = run(proj, bind(create_reference, csl={"type": "article", "title": "Water"})).value
    done, _ = round_trip(proj, bind(save_source_reference, source_id=sid, relink=True,
                                    reference_id=ref, csl={"type": "webpage", "title": "T"}))
    assert done.value == sid
    nothing = run(proj, bind(save_source_reference, source_id=sid))
    assert not nothing.changes and nothing.value == sid
    with proj.sessions() as s:
        assert s.scalar(select(Source.reference_id).where(Source.id == sid)) is None
        assert s.scalar(select(Reference.id)) == ref and s.scalar(select(Code.id)) is None
    before = dump(proj)
    run(proj, bind(save_source_reference, source_id=sid, relink=True, reference_id=None))
    assert dump(proj) == before  # unlinking a source that is not linked changes nothing
