"""The codebook: creating, editing, moving, merging and deleting codes, and undoing each."""

import itertools
import math
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from db.errors import CodingError, NotFoundError
from db.models import Citation, Code, Coding, Excerpt, Memo, Reference
from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import (
    create_code,
    delete_code,
    ensure_code_path,
    merge_code,
    move_code,
    rename_code,
    update_code,
)
from db.ops.coding import code_span
from db.palette import PALETTE, next_color, normalize_color
from db.queries.codes import code_by_path, code_path, code_tree, impact, resolve_path
from tests.db.coding_support import add_source, round_trip, run, unchanged

TEXT = "They left at dawn. Nobody came back. The town was empty for a year."


@pytest.fixture
def book(proj):
    """A project with a source, a coder and a small codebook:

    Emotions (Despair, Hope), Places.
    """
    with proj.session() as s:
        sid = add_source(s, TEXT, title="Dawn")
        me = ensure_coder(s, name="me").value
        emotions = create_code(s, name="Emotions").value
        despair = create_code(s, name="Despair", parent_id=emotions).value
        hope = create_code(s, name="Hope", parent_id=emotions).value
        places = create_code(s, name="Places").value
    return SimpleNamespace(proj=proj, sid=sid, me=me, emotions=emotions, despair=despair,
                           hope=hope, places=places)


def _code(proj, code_id):
    with proj.sessions() as s:
        return s.get(Code, code_id)


def _span(b, word, code_id, coder=None):
    start = TEXT.index(word)
    return run(b.proj, bind(code_span, source_id=b.sid, start=start, end=start + len(word),
                            code_id=code_id, coder_id=coder or b.me)).value


def _by_path(proj, path):
    with proj.sessions() as s:
        return code_by_path(s, path)


def _tree(proj):
    with proj.sessions() as s:
        return code_tree(s)


# --- creating ---------------------------------------------------------------------------------

def test_create_code_appends_with_the_next_palette_colour_and_undoes(book):
    done, undone = round_trip(book.proj, bind(create_code, name="  Fear \n of  return ",
                                              parent_id=book.emotions, description="d"))
    assert done.label == "New code 'Fear of return'"
    assert done.changes.ids == {"codes": {done.value}}
    assert undone.changes.ids == {"codes": {done.value}}
    done = run(book.proj, bind(create_code, name="Fear of return", parent_id=book.emotions))
    code = _code(book.proj, done.value)
    assert (code.position, code.parent_id, code.color) == (2, book.emotions, PALETTE[4])
    assert [c.color for c in map(lambda i: _code(book.proj, i), (
        book.emotions, book.despair, book.hope, book.places))] == list(PALETTE[:4])


def test_create_code_keeps_a_chosen_colour(book):
    code_id = run(book.proj, bind(create_code, name="Red", color="F00")).value
    assert _code(book.proj, code_id).color == "#ff0000"


@pytest.mark.parametrize("name,parent,message", [
    ("", None, "a code needs a name"),
    (" \n\t ", None, "a code needs a name"),
    ("Emotions", None, "there is already a code named 'Emotions' at the top level"),
    ("emotions", None, "there is already a code named 'Emotions' at the top level"),
    ("HOPE", "emotions", "there is already a code named 'Hope' under 'Emotions'"),
    ("x" * 301, None, "at most 300 characters"),
])
def test_create_code_refuses_bad_names(book, name, parent, message):
    parent_id = getattr(book, parent) if parent else None
    got = unchanged(book.proj, bind(create_code, name=name, parent_id=parent_id), CodingError)
    assert message in got


def test_create_code_refuses_a_bad_colour_and_a_missing_parent(book):
    assert "is not a colour" in unchanged(book.proj, bind(create_code, name="X", color="red"),
                                          CodingError)
    unchanged(book.proj, bind(create_code, name="X", parent_id=999), NotFoundError)


def test_the_same_name_may_be_used_under_another_parent(book):
    code_id = run(book.proj, bind(create_code, name="Hope", parent_id=book.places)).value
    with book.proj.sessions() as s:
        assert code_path(s, code_id) == "Places/Hope"


# --- renaming and editing ------------------------------------------------------------------------

def test_rename_code_and_undo(book):
    done, _ = round_trip(book.proj, bind(rename_code, code_id=book.hope, name="Hopefulness"))
    assert done.label == "Rename code 'Hope' to 'Hopefulness'"
    assert done.changes.ids == {"codes": {book.hope}}


def test_rename_refuses_a_sibling_name_but_allows_a_change_of_case(book):
    msg = unchanged(book.proj, bind(rename_code, code_id=book.hope, name="despair"),
                    CodingError)
    assert msg == "there is already a code named 'Despair' under 'Emotions'"
    unchanged(book.proj, bind(rename_code, code_id=book.hope, name="  "), CodingError)
    run(book.proj, bind(rename_code, code_id=book.hope, name="HOPE"))
    assert _code(book.proj, book.hope).name == "HOPE"


def test_update_code_colour_and_description_and_undo(book):
    done, _ = round_trip(book.proj, bind(update_code, code_id=book.hope, color="#123456",
                                         description="When people expect to return."))
    assert done.label == "Edit code 'Hope'"
    done, _ = round_trip(book.proj, bind(update_code, code_id=book.hope, color="#abcdef"))
    assert done.label == "Change colour of 'Hope'"
    unchanged(book.proj, bind(update_code, code_id=book.hope, color="#12345"), CodingError)
    unchanged(book.proj, bind(update_code, code_id=404, color="#123456"), NotFoundError)


# --- moving -----------------------------------------------------------------------------------

def _order(proj, parent_id):
    with proj.sessions() as s:
        q = select(Code.name, Code.position).where(
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
        ).order_by(Code.position)
        return [tuple(r) for r in s.execute(q)]


def test_move_code_reorders_siblings_and_undoes(book):
    done, _ = round_trip(book.proj, bind(move_code, code_id=book.hope,
                                         parent_id=book.emotions, position=0))
    assert done.label == "Move code 'Hope'"
    run(book.proj, bind(move_code, code_id=book.hope, parent_id=book.emotions, position=0))
    assert _order(book.proj, book.emotions) == [("Hope", 0), ("Despair", 1)]


def test_move_code_to_another_parent_renumbers_both_and_undoes(book):
    run(book.proj, bind(create_code, name="Anger", parent_id=book.emotions))
    round_trip(book.proj, bind(move_code, code_id=book.despair, parent_id=book.places,
                               position=5))
    run(book.proj, bind(move_code, code_id=book.despair, parent_id=book.places, position=5))
    assert _order(book.proj, book.emotions) == [("Hope", 0), ("Anger", 1)]
    assert _order(book.proj, book.places) == [("Despair", 0)]
    run(book.proj, bind(move_code, code_id=book.despair, parent_id=None, position=1))
    assert _order(book.proj, None) == [("Emotions", 0), ("Despair", 1), ("Places", 2)]
    with book.proj.sessions() as s:
        assert [r["path"] for r in code_tree(s)] == [
            "Emotions", "Emotions/Hope", "Emotions/Anger", "Despair", "Places"]


def test_move_code_under_itself_or_its_descendant_is_refused(book):
    sub = run(book.proj, bind(create_code, name="Deep", parent_id=book.despair)).value
    for target in (book.despair, sub):
        msg = unchanged(book.proj, bind(move_code, code_id=book.despair, parent_id=target,
                                        position=0), CodingError)
        assert msg == "'Despair' cannot be moved under itself or one of its own sub-codes"
    msg = unchanged(book.proj, bind(move_code, code_id=book.emotions, parent_id=sub,
                                    position=0), CodingError)
    assert "cannot be moved under itself" in msg


def test_move_code_where_its_name_is_taken_is_refused(book):
    run(book.proj, bind(create_code, name="hope", parent_id=book.places))
    msg = unchanged(book.proj, bind(move_code, code_id=book.hope, parent_id=book.places,
                                    position=0), CodingError)
    assert msg == "there is already a code named 'hope' under 'Places'"


# --- merging ---------------------------------------------------------------------------------

def test_merge_moves_codings_collapses_duplicates_and_undoes(book):
    both = _span(book, "dawn", book.despair)
    run(book.proj, bind(code_span, source_id=book.sid, start=TEXT.index("dawn"),
                        end=TEXT.index("dawn") + 4, code_id=book.hope, coder_id=book.me))
    only = _span(book, "Nobody", book.despair)
    other = run(book.proj, bind(ensure_coder, name="other")).value
    theirs = _span(book, "dawn", book.hope, coder=other)
    done, undone = round_trip(book.proj, bind(merge_code, code_id=book.despair,
                                              into_id=book.hope))
    assert done.label == "Merge code 'Despair' into 'Hope'"
    assert done.changes.touched("codes", "codings") and undone.changes.touched("codings")
    run(book.proj, bind(merge_code, code_id=book.despair, into_id=book.hope))
    with book.proj.sessions() as s:
        rows = sorted(tuple(r) for r in s.execute(
            select(Coding.excerpt_id, Coding.code_id, Coding.coder_id)))
        assert s.get(Code, book.despair) is None
    assert rows == sorted([(both, book.hope, book.me), (only, book.hope, book.me),
                           (theirs, book.hope, other)])


def test_merge_moves_children_and_merges_children_of_the_same_name(book):
    run(book.proj, bind(ensure_code_path, path="Places/Towns/Raqqa"))
    run(book.proj, bind(ensure_code_path, path="Emotions/towns/Mosul"))
    run(book.proj, bind(ensure_code_path, path="Emotions/Villages"))
    raqqa = _span(book, "town", _by_path(book.proj, "Places/Towns/Raqqa"))
    with book.proj.session() as s:
        s.add(Memo(target="code", code_id=code_by_path(s, "Emotions/towns"), body="why"))
    done, _ = round_trip(book.proj, bind(merge_code, code_id=book.emotions,
                                         into_id=book.places))
    run(book.proj, bind(merge_code, code_id=book.emotions, into_id=book.places))
    paths = [r["path"] for r in _tree(book.proj)]
    assert paths == ["Places", "Places/Towns", "Places/Towns/Raqqa", "Places/Towns/Mosul",
                     "Places/Despair", "Places/Hope", "Places/Villages"]
    with book.proj.sessions() as s:
        memo = s.scalars(select(Memo)).one()
        assert memo.code_id == code_by_path(s, "Places/Towns")
        assert s.get(Excerpt, raqqa) is not None


def test_merge_into_a_parent_whose_child_has_the_same_name(book):
    inner = run(book.proj, bind(create_code, name="Despair", parent_id=book.despair)).value
    _span(book, "dawn", inner)
    round_trip(book.proj, bind(merge_code, code_id=book.despair, into_id=book.emotions))
    run(book.proj, bind(merge_code, code_id=book.despair, into_id=book.emotions))
    assert [r["path"] for r in _tree(book.proj)] == [
        "Emotions", "Emotions/Hope", "Emotions/Despair", "Places"]
    assert _code(book.proj, inner).parent_id == book.emotions


def test_merge_into_itself_or_its_own_child_is_refused(book):
    msg = unchanged(book.proj, bind(merge_code, code_id=book.emotions, into_id=book.hope),
                    CodingError)
    assert msg == "'Emotions' cannot be merged into its own sub-code 'Hope'"
    msg = unchanged(book.proj, bind(merge_code, code_id=book.hope, into_id=book.hope),
                    CodingError)
    assert msg == "'Hope' cannot be merged into itself"
    unchanged(book.proj, bind(merge_code, code_id=book.hope, into_id=77), NotFoundError)


# --- deleting ---------------------------------------------------------------------------------

def test_delete_code_removes_its_subtree_and_orphaned_excerpts_and_undoes(book):
    lone = _span(book, "dawn", book.despair)
    shared = _span(book, "Nobody", book.hope)
    run(book.proj, bind(code_span, source_id=book.sid, start=TEXT.index("Nobody"),
                        end=TEXT.index("Nobody") + 6, code_id=book.places,
                        coder_id=book.me))
    marked = _span(book, "town", book.despair)
    start = TEXT.index("town")
    run(book.proj, bind(code_span, source_id=book.sid, start=start, end=start + 4,
                        color="#ff0000", coder_id=book.me))
    with book.proj.session() as s:
        ref = Reference(key="k")
        s.add(ref)
        s.flush()
        s.add_all([Memo(target="code", code_id=book.hope, body="code memo"),
                   Memo(target="excerpt", excerpt_id=lone, body="excerpt memo"),
                   Citation(excerpt_id=lone, reference_id=ref.id, locator="p. 3")])
    with book.proj.sessions() as s:
        assert impact(s, book.emotions) == {"codes": 3, "excerpts": 3, "sources": 1,
                                            "codings": 3, "excerpts_deleted": 1}
    done, undone = round_trip(book.proj, bind(delete_code, code_id=book.emotions))
    assert done.label == "Delete code 'Emotions'"
    assert done.value == {"codes": 3, "codings": 3, "excerpts_deleted": 1}
    assert set(done.changes.ids) == {"codes", "codings", "excerpts", "memos", "citations"}
    assert done.changes.ids["excerpts"] == {lone}
    run(book.proj, bind(delete_code, code_id=book.emotions))
    with book.proj.sessions() as s:
        assert sorted(s.scalars(select(Excerpt.id))) == sorted([shared, marked])
        assert list(s.scalars(select(Code.name))) == ["Places"]
        assert s.scalars(select(Citation)).all() == []
        kept = s.scalars(select(Memo)).all()  # memos are kept, as orphans
        assert sorted(m.detached_from for m in kept) == [
            "code “Emotions/Hope”", f"excerpt {lone} of “Dawn”: “dawn”"]


def test_delete_missing_code(book):
    unchanged(book.proj, bind(delete_code, code_id=12345), NotFoundError)


# --- the tree and paths ---------------------------------------------------------------------

def test_code_tree_is_depth_first_with_paths_and_counts(book):
    _span(book, "dawn", book.hope)
    _span(book, "Nobody", book.hope)
    other = run(book.proj, bind(ensure_coder, name="other")).value
    _span(book, "town", book.hope, coder=other)
    tree = _tree(book.proj)
    assert [(r["path"], r["depth"], r["position"]) for r in tree] == [
        ("Emotions", 0, 0), ("Emotions/Despair", 1, 0), ("Emotions/Hope", 1, 1),
        ("Places", 0, 1)]
    hope = tree[2]
    assert (hope["excerpts"], hope["sources"]) == (3, 1)
    assert set(hope) >= {"id", "uuid", "name", "parent_id", "position", "color",
                         "description", "path", "excerpts", "sources"}
    with book.proj.sessions() as s:
        assert code_tree(s, coder_ids=[other])[2]["excerpts"] == 1


def test_code_by_path_matches_names_with_slashes_and_any_case(book):
    odd = run(book.proj, bind(create_code, name="Fear / anxiety",
                              parent_id=book.emotions)).value
    with book.proj.sessions() as s:
        assert code_by_path(s, "Emotions/Hope") == book.hope
        assert code_by_path(s, "emotions / HOPE") == book.hope
        assert code_by_path(s, "/Emotions/Fear / anxiety/") == odd
        assert code_by_path(s, "Emotions/Nope") is None
        assert code_path(s, odd) == "Emotions/Fear / anxiety"
        assert resolve_path(s, "Emotions/Hope/Very/Much") == (book.hope, ["Very", "Much"])
        with pytest.raises(NotFoundError):
            code_path(s, 999)


def test_ensure_code_path_creates_what_is_missing_as_one_step(book):
    done, _ = round_trip(book.proj, bind(ensure_code_path, path="Emotions/Hope/Return/Soon",
                                         coder_id=book.me))
    assert len(done.changes.ids["codes"]) == 2
    same = run(book.proj, bind(ensure_code_path, path="Emotions/Hope"))
    assert same.value == book.hope and not same.changes
    unchanged(book.proj, bind(ensure_code_path, path=" / "), CodingError)


# --- coders and colours ------------------------------------------------------------------------

def test_ensure_coder_creates_once_and_undoes(book):
    existing = run(book.proj, bind(ensure_coder, name="  me "))
    assert existing.value == book.me and not existing.changes
    assert not run(book.proj, existing.inverse).changes
    done, _ = round_trip(book.proj, bind(ensure_coder, name="Layla"))
    assert done.changes.ids == {"coders": {done.value}}
    unchanged(book.proj, bind(ensure_coder, name=" "), CodingError)


def _luminance(color):
    def lin(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(color[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b, (r, g, b)


def _lab(color):
    _, (r, g, b) = _luminance(color)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_palette_colours_are_distinct_and_readable_under_black_text():
    assert len(PALETTE) == len(set(PALETTE)) == 16
    for color in PALETTE:
        assert normalize_color(color) == color
        assert (_luminance(color)[0] + 0.05) / 0.05 >= 6.9  # against black text
    closest = min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(PALETTE, 2))
    assert closest >= 18


def test_next_color_prefers_unused_then_least_used(proj):
    with proj.session() as s:
        for i in range(len(PALETTE)):
            assert next_color(s) == PALETTE[i]
            create_code(s, name=f"c{i}")
        assert next_color(s) == PALETTE[0]
        s.get(Code, 2).color = PALETTE[5]
        s.flush()
        assert next_color(s) == PALETTE[1]
