"""Coding passages: code_span, code_spans, apply/remove, resize, delete, and their undo."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from db.errors import CodingError, NotFoundError
from db.models import Citation, Coding, Excerpt, Footnote, Memo
from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import (
    apply_code,
    code_span,
    code_spans,
    delete_excerpt,
    remove_code,
    resize_excerpt,
)
from db.queries.excerpts import for_source, retrieve
from tests.db.coding_support import add_source, dump, round_trip, run, unchanged

TEXT = "They left at dawn.   Nobody came back.\n\nThe town was empty."
MIXED = "😀 قال: «عاد السكان إلى المدينة» then English 𝒳 here."


@pytest.fixture
def w(proj):
    """A project with two sources, two coders and two codes."""
    with proj.session() as s:
        sid = add_source(s, TEXT, title="Dawn")
        mixed = add_source(s, MIXED, kind="post", platform="telegram", post_id="1")
        me = ensure_coder(s, name="me").value
        you = ensure_coder(s, name="you").value
        despair = create_code(s, name="Despair").value
        hope = create_code(s, name="Hope").value
    return SimpleNamespace(proj=proj, sid=sid, mixed=mixed, me=me, you=you,
                           despair=despair, hope=hope)


def _at(word, text=TEXT):
    start = text.index(word)
    return start, start + len(word)


def _code(w, word, code_id=None, coder=None, color="", sid=None, text=TEXT):
    start, end = _at(word, text)
    return run(w.proj, bind(code_span, source_id=sid or w.sid, start=start, end=end,
                            code_id=code_id, coder_id=coder or w.me, color=color))


def _rows(proj, model):
    with proj.sessions() as s:
        return s.scalars(select(model).order_by(model.id)).all()


# --- one span ---------------------------------------------------------------------------------

def test_code_span_makes_an_excerpt_with_its_coder_and_undoes(w):
    start, end = _at("dawn")
    done, undone = round_trip(w.proj, bind(code_span, source_id=w.sid, start=start, end=end,
                                           code_id=w.despair, coder_id=w.me))
    assert done.label == "Apply code 'Despair'"
    assert set(done.changes.ids) == {"excerpts", "codings"}
    assert undone.changes.ids == done.changes.ids
    eid = _code(w, "dawn", w.despair).value
    excerpt, = _rows(w.proj, Excerpt)
    coding, = _rows(w.proj, Coding)
    assert (excerpt.id, excerpt.start, excerpt.end, excerpt.coder_id) == (eid, start, end, w.me)
    assert (coding.excerpt_id, coding.code_id, coding.coder_id) == (eid, w.despair, w.me)


def test_the_same_span_by_the_same_coder_gets_the_code_added(w):
    first = _code(w, "dawn", w.despair).value
    done, _ = round_trip(w.proj, bind(code_span, source_id=w.sid, start=_at("dawn")[0],
                                      end=_at("dawn")[1], code_id=w.hope, coder_id=w.me))
    assert done.value == first and done.changes.ids == {"codings": {2}}
    assert _code(w, "dawn", w.hope).value == first
    theirs = _code(w, "dawn", w.hope, coder=w.you).value
    assert theirs != first
    with w.proj.sessions() as s:
        rows = for_source(s, w.sid)
    assert [(r["id"], r["coder"], [c["name"] for c in r["codes"]]) for r in rows] == [
        (first, "me", ["Despair", "Hope"]), (theirs, "you", ["Hope"])]


def test_a_highlight_without_a_code_can_be_coded_later(w):
    done, _ = round_trip(w.proj, bind(code_span, source_id=w.sid, start=0, end=4,
                                      coder_id=w.me, color="#FFEE00"))
    assert done.label == "Highlight"
    marker = run(w.proj, bind(code_span, source_id=w.sid, start=0, end=4, coder_id=w.me,
                              color="#ffee00")).value
    round_trip(w.proj, bind(apply_code, excerpt_id=marker, code_id=w.hope, coder_id=w.me))
    done = _code(w, "They", w.despair)
    assert done.value == marker
    excerpt, = _rows(w.proj, Excerpt)
    assert excerpt.color == "#ffee00"
    round_trip(w.proj, bind(code_span, source_id=w.sid, start=0, end=4, coder_id=w.me,
                            color="#00ff00"))


def test_overlapping_excerpts_are_separate(w):
    a = run(w.proj, bind(code_span, source_id=w.sid, start=0, end=9, code_id=w.hope,
                         coder_id=w.me)).value
    b = run(w.proj, bind(code_span, source_id=w.sid, start=5, end=17, code_id=w.hope,
                         coder_id=w.me)).value
    assert a != b and len(_rows(w.proj, Excerpt)) == 2


@pytest.mark.parametrize("start,end,message", [
    (5, 5, "the span [5, 5) is empty; select some text"),
    (9, 4, "the span [9, 4) ends before it starts"),
    (-1, 4, "the span [-1, 4) is outside source"),
    (0, len(TEXT) + 1, f"whose text has {len(TEXT)} characters"),
    (18, 21, "the span [18, 21) is only white space; select some words"),
    (38, 40, "is only white space"),
])
def test_bad_spans_are_refused_and_change_nothing(w, start, end, message):
    got = unchanged(w.proj, bind(code_span, source_id=w.sid, start=start, end=end,
                                 code_id=w.hope, coder_id=w.me), CodingError)
    assert message in got


def test_other_bad_input_is_refused(w):
    start, end = _at("dawn")
    msg = unchanged(w.proj, bind(code_span, source_id=w.sid, start=start, end=end,
                                 coder_id=w.me), CodingError)
    assert msg == "choose a code, or a colour to highlight with"
    unchanged(w.proj, bind(code_span, source_id=99, start=0, end=1, code_id=w.hope,
                           coder_id=w.me), NotFoundError)
    unchanged(w.proj, bind(code_span, source_id=w.sid, start=0, end=1, code_id=99,
                           coder_id=w.me), NotFoundError)
    with w.proj.session() as s:
        marks = add_source(s, "قال \u200f \u200e قال")
    msg = unchanged(w.proj, bind(code_span, source_id=marks, start=3, end=8, code_id=w.hope,
                                 coder_id=w.me), CodingError)
    assert msg == "the span [3, 8) is only white space; select some words"
    _code(w, "dawn", w.hope)
    msg = unchanged(w.proj, bind(code_span, source_id=w.sid, start=start, end=end,
                                 code_id=w.hope, coder_id=w.me), CodingError)
    assert msg == "this passage already has code 'Hope'"


def test_offsets_are_code_points_in_mixed_arabic_english_and_emoji(w):
    eid = _code(w, "عاد السكان", w.hope, sid=w.mixed, text=MIXED).value
    eid2 = _code(w, "here", w.hope, sid=w.mixed, text=MIXED).value
    with w.proj.sessions() as s:
        rows = {r["id"]: r for r in retrieve(s, code_ids=[w.hope], context=3)}
    assert rows[eid]["text"] == "عاد السكان" and rows[eid]["before"] == ": «"
    assert rows[eid2]["text"] == "here" and rows[eid2]["before"] == " 𝒳 "  # 3 code points
    assert rows[eid2]["after"] == "."


# --- many spans -------------------------------------------------------------------------------

def test_code_spans_is_one_step_and_reuses_existing_excerpts(w):
    existing = _code(w, "dawn", w.despair).value
    coded = _code(w, "town", w.hope).value
    spans = [(w.sid, *_at("dawn")), (w.sid, *_at("Nobody")), (w.sid, *_at("Nobody")),
             (w.sid, *_at("town")), (w.mixed, *_at("here", MIXED))]
    done, undone = round_trip(w.proj, bind(code_spans, spans=spans, code_id=w.hope,
                                           coder_id=w.me))
    assert done.label == "Apply code 'Hope' to 3 passage(s)"
    assert len(done.value) == 4 and done.value[0] == existing and done.value[2] == coded
    assert len(done.changes.ids["excerpts"]) == 2 and len(done.changes.ids["codings"]) == 3
    assert undone.changes.ids == done.changes.ids
    msg = unchanged(w.proj, bind(code_spans, spans=[(w.sid, *_at("town"))], code_id=w.hope,
                                 coder_id=w.me), CodingError)
    assert msg == "every one of these passages already has code 'Hope'"


def test_code_spans_with_one_bad_span_changes_nothing(w):
    spans = [(w.sid, *_at("dawn")), (w.sid, 18, 21)]
    assert "only white space" in unchanged(
        w.proj, bind(code_spans, spans=spans, code_id=w.hope, coder_id=w.me), CodingError)
    unchanged(w.proj, bind(code_spans, spans=[(w.sid, 0, 999)], code_id=w.hope,
                           coder_id=w.me), CodingError)
    unchanged(w.proj, bind(code_spans, spans=[(77, 0, 1)], code_id=w.hope, coder_id=w.me),
              NotFoundError)
    unchanged(w.proj, bind(code_spans, spans=[], code_id=w.hope, coder_id=w.me), CodingError)


def test_code_spans_scales_to_many_hits(w):
    text = "word " * 3000
    with w.proj.session() as s:
        sid = add_source(s, text)
    spans = [(sid, i * 5, i * 5 + 4) for i in range(3000)]
    done = run(w.proj, bind(code_spans, spans=spans, code_id=w.hope, coder_id=w.me))
    assert len(done.value) == 3000 and len(set(done.value)) == 3000
    run(w.proj, done.inverse)
    assert _rows(w.proj, Excerpt) == []


# --- codes on excerpts -------------------------------------------------------------------------

def test_apply_and_remove_code_and_undo(w):
    eid = _code(w, "dawn", w.despair).value
    done, _ = round_trip(w.proj, bind(apply_code, excerpt_id=eid, code_id=w.hope,
                                      coder_id=w.you))
    assert done.changes.ids == {"codings": {done.value}}
    hope = run(w.proj, bind(apply_code, excerpt_id=eid, code_id=w.hope, coder_id=w.you)).value
    assert "already has code 'Hope'" in unchanged(
        w.proj, bind(apply_code, excerpt_id=eid, code_id=w.hope, coder_id=w.you), CodingError)
    done, _ = round_trip(w.proj, bind(remove_code, excerpt_id=eid, code_id=w.hope))
    assert done.label == "Remove code 'Hope'" and done.value is False
    assert done.changes.ids == {"codings": {hope}}
    unchanged(w.proj, bind(apply_code, excerpt_id=404, code_id=w.hope, coder_id=w.me),
              NotFoundError)


def _attach_memo_and_citation(proj, eid, sid):
    with proj.session() as s:
        note = Footnote(source_id=sid, label="1", text="A note", offset=0, end=4)
        s.add(note)
        s.flush()
        s.add_all([Memo(target="excerpt", excerpt_id=eid, body="Why this matters"),
                   Citation(excerpt_id=eid, footnote_id=note.id, note="n")])


def test_removing_the_last_code_deletes_the_excerpt_and_undo_restores_all(w):
    eid = _code(w, "dawn", w.despair).value
    _attach_memo_and_citation(w.proj, eid, w.sid)
    done, undone = round_trip(w.proj, bind(remove_code, excerpt_id=eid, code_id=w.despair))
    assert done.value is True
    assert set(done.changes.ids) == {"excerpts", "codings", "memos", "citations"}
    msg = unchanged(w.proj, bind(remove_code, excerpt_id=eid, code_id=w.hope), CodingError)
    assert msg == f"excerpt {eid} does not have code 'Hope'"


def test_removing_the_last_code_of_a_highlight_keeps_it(w):
    eid = _code(w, "dawn", w.despair, color="#ff0000").value
    done = run(w.proj, bind(remove_code, excerpt_id=eid, code_id=w.despair))
    assert done.value is False
    excerpt, = _rows(w.proj, Excerpt)
    assert excerpt.color == "#ff0000"


# --- excerpts ---------------------------------------------------------------------------------

def test_resize_excerpt_and_undo(w):
    eid = _code(w, "dawn", w.despair).value
    start, end = _at("left at dawn")
    done, _ = round_trip(w.proj, bind(resize_excerpt, excerpt_id=eid, start=start, end=end))
    assert done.label == "Resize excerpt" and done.changes.ids == {"excerpts": {eid}}
    for bad in ((3, 3), (0, 999), (18, 21)):
        unchanged(w.proj, bind(resize_excerpt, excerpt_id=eid, start=bad[0], end=bad[1]),
                  CodingError)
    same = run(w.proj, bind(resize_excerpt, excerpt_id=eid, start=_at("dawn")[0],
                            end=_at("dawn")[1]))
    assert not same.changes


def test_delete_excerpt_and_undo(w):
    eid = _code(w, "dawn", w.despair).value
    run(w.proj, bind(apply_code, excerpt_id=eid, code_id=w.hope, coder_id=w.you))
    _attach_memo_and_citation(w.proj, eid, w.sid)
    other = _code(w, "town", w.despair).value
    before = dump(w.proj)
    done, _ = round_trip(w.proj, bind(delete_excerpt, excerpt_id=eid))
    assert done.label == "Delete excerpt"
    assert done.changes.ids == {"excerpts": {eid}, "codings": {1, 2}, "memos": {1},
                                "citations": {1}}
    assert dump(w.proj) == before
    run(w.proj, bind(delete_excerpt, excerpt_id=eid))
    assert [e.id for e in _rows(w.proj, Excerpt)] == [other]
    unchanged(w.proj, bind(delete_excerpt, excerpt_id=eid), NotFoundError)
