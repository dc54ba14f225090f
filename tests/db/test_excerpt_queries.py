"""What the Reader paints (for_source) and the Coded excerpts view retrieves (retrieve)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from db.errors import CodingError
from db.models import Collection, Source
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.queries.excerpts import coders, for_source, retrieve
from tests.db.coding_support import add_source

ARTICLE = "They left at dawn. Nobody came back. The town was empty for a year."
POST = "عاد السكان 😀 إلى المدينة"


def _at(text, word):
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def q(proj):
    """Two sources in two collections (one nested), two coders, three codes, excerpts."""
    with proj.session() as s:
        top = Collection(name="Field")
        s.add(top)
        s.flush()
        sub = Collection(name="Raqqa", parent_id=top.id)
        s.add(sub)
        art = add_source(s, ARTICLE, title="Dawn", author="Ana",
                         published=dt.datetime(2017, 10, 12, 8, tzinfo=dt.UTC))
        post = add_source(s, POST, kind="post", handle="rq", platform="telegram",
                          post_id="9", published=dt.datetime(2018, 1, 1, tzinfo=dt.UTC))
        sub.sources.append(s.get(Source, post))
        me, you = ensure_coder(s, name="me").value, ensure_coder(s, name="you").value
        fear, hope, place = (create_code(s, name=n).value for n in ("Fear", "Hope", "Place"))
        ex = SimpleNamespace()

        def code(src, text, word, code_id=None, coder=me, color=""):
            start, end = _at(text, word)
            return code_span(s, source_id=src, start=start, end=end, code_id=code_id,
                             coder_id=coder, color=color).value

        ex.left = code(art, ARTICLE, "left at dawn", fear)
        code(art, ARTICLE, "left at dawn", hope)
        ex.dawn = code(art, ARTICLE, "dawn. Nobody", place)
        ex.town = code(art, ARTICLE, "town", fear, coder=you)
        ex.marker = code(art, ARTICLE, "year", color="#ff0000")
        ex.city = code(post, POST, "المدينة", hope, coder=you)
    return SimpleNamespace(proj=proj, art=art, post=post, me=me, you=you, fear=fear,
                           hope=hope, place=place, ex=ex, top=top.id, sub=sub.id)


def test_for_source_in_reading_order_with_codes_and_coders(q):
    with q.proj.sessions() as s:
        rows = for_source(s, q.art)
        mine = for_source(s, q.art, coder_ids=[q.me])
    assert [r["id"] for r in rows] == [q.ex.left, q.ex.dawn, q.ex.town, q.ex.marker]
    left = rows[0]
    assert (left["start"], left["end"]) == _at(ARTICLE, "left at dawn")
    assert [c["name"] for c in left["codes"]] == ["Fear", "Hope"]
    assert set(left["codes"][0]) == {"id", "name", "color"}
    assert (left["coder_id"], left["coder"], left["color"]) == (q.me, "me", "")
    assert rows[3]["codes"] == [] and rows[3]["color"] == "#ff0000"
    assert [r["id"] for r in mine] == [q.ex.left, q.ex.dawn, q.ex.marker]


def _ids(rows):
    return [r["id"] for r in rows]


def test_retrieve_any_all_and_every_excerpt(q):
    with q.proj.sessions() as s:
        assert _ids(retrieve(s, code_ids=[q.fear])) == [q.ex.left, q.ex.town]
        assert _ids(retrieve(s, code_ids=[q.fear, q.place])) == [q.ex.left, q.ex.dawn,
                                                                 q.ex.town]
        # all: the same text carries every code, on one excerpt or overlapping ones
        assert _ids(retrieve(s, code_ids=[q.fear, q.hope], mode="all")) == [q.ex.left]
        assert _ids(retrieve(s, code_ids=[q.fear, q.place], mode="all")) == [q.ex.left,
                                                                             q.ex.dawn]
        assert _ids(retrieve(s, code_ids=[q.hope, q.place], mode="all",
                             coder_ids=[q.you])) == []
        assert _ids(retrieve(s, code_ids=None)) == [q.ex.left, q.ex.dawn, q.ex.town,
                                                    q.ex.marker, q.ex.city]
        assert retrieve(s, code_ids=[]) == []
        with pytest.raises(CodingError, match="unknown mode 'some'"):
            retrieve(s, code_ids=[q.fear], mode="some")


def test_retrieve_filters_by_coder_collection_and_date(q):
    with q.proj.sessions() as s:
        assert _ids(retrieve(s, code_ids=None, coder_ids=[q.you])) == [q.ex.town, q.ex.city]
        assert _ids(retrieve(s, code_ids=None, collection_id=q.top)) == [q.ex.city]
        assert _ids(retrieve(s, code_ids=None, collection_id=q.sub)) == [q.ex.city]
        assert _ids(retrieve(s, code_ids=[q.hope], date_from="2018-01-01")) == [q.ex.city]
        assert _ids(retrieve(s, code_ids=[q.hope], date_to=dt.date(2017, 10, 12))) == [
            q.ex.left]
        assert _ids(retrieve(s, code_ids=[q.hope], date_to="2017-10-12T07:00:00+00:00")) == []
        assert _ids(retrieve(s, code_ids=[q.hope], date_from=dt.datetime(2017, 10, 12, 8),
                             date_to=dt.date(2017, 12, 31))) == [q.ex.left]
        with pytest.raises(CodingError, match="is not a date"):
            retrieve(s, code_ids=None, date_from="yesterday")


def test_retrieve_rows_carry_the_exact_text_source_and_context(q):
    with q.proj.sessions() as s:
        rows = {r["id"]: r for r in retrieve(s, code_ids=None, context=6)}
        bare = retrieve(s, code_ids=[q.fear])[0]
    left, city = rows[q.ex.left], rows[q.ex.city]
    assert left["text"] == "left at dawn" and left["before"] == "They " \
        and left["after"] == ". Nobo"
    assert (left["title"], left["author"], left["published"]) == (
        "Dawn", "Ana", "2017-10-12T08:00:00+00:00")
    assert [c["path"] for c in left["codes"]] == ["Fear", "Hope"]
    assert city["text"] == "المدينة" and city["before"] == "😀 إلى " and city["after"] == ""
    assert (city["handle"], city["platform"], city["kind"], city["coder"]) == (
        "rq", "telegram", "post", "you")
    assert bare["before"] == "" and bare["after"] == ""
    assert set(bare) >= {"id", "uuid", "source_id", "title", "author", "handle", "platform",
                         "published", "start", "end", "text", "codes", "coder", "before",
                         "after"}


def test_coders_with_their_counts(q):
    with q.proj.sessions() as s:
        assert [(c["name"], c["excerpts"], c["codings"]) for c in coders(s)] == [
            ("me", 3, 3), ("you", 2, 2)]
