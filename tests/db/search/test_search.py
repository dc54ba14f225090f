"""Every kind of query against a small mixed Arabic/English project, with exact spans."""

import pytest
from sqlalchemy import text

from db.errors import QuerySyntaxError
from db.models import Code, Coding, Collection, Excerpt, Footnote, Memo
from db.search import SearchIndex, search

from .conftest import make_source, when

EN = "🕊️ Families returned to #SDFfreedRaqqa today after the airstrikes ended."
AR = "💔 عادت العائلات إلى الرَّقَّة بعد الغارات"
ARTICLE = ("The aid convoy reached the camps. Water ran short in Fallujah after heavy "
           "airstrikes [1]. Fallujah residents said the convoy was late.")
MIXED = "Aid for Mosul families @Raqqa_SL — المياه للنازحين in the camp"


@pytest.fixture
def ids(proj):
    with proj.session() as s:
        en = make_source(s, EN, author="Amal Hassan", handle="raqqa_sl", platform="twitter",
                         language="en", published=when(1))
        ar = make_source(s, AR, author="أمل", handle="amal", platform="twitter",
                         language="ar", published=when(15))
        art = make_source(s, ARTICLE, kind="article", title="Convoy report",
                          author="John Smith", language="en-GB", published=when(1, 5, 2016))
        mixed = make_source(s, MIXED, platform="telegram", language="en",
                            published=when(2, 11))
        marker = ARTICLE.index("[1]")
        s.add(Footnote(source_id=art.id, label="1", text="Interview with a convoy driver.",
                       offset=marker, end=marker + 3))
        coll = Collection(name="Raqqa 2017")
        coll.sources = [en, ar]
        s.add(coll)
        s.add(Memo(target="source", source_id=mixed.id, body="Check the camp numbers"))
        code = Code(name="Displacement")
        s.add(code)
        s.flush()
        start = ARTICLE.index("Fallujah residents")
        ex = Excerpt(source_id=art.id, start=start, end=len(ARTICLE))
        s.add(ex)
        s.flush()
        s.add(Coding(excerpt_id=ex.id, code_id=code.id))
        return {"en": en.id, "ar": ar.id, "art": art.id, "mixed": mixed.id}


def spans(found):
    return [(sid, text) for sid, _s, _e, text, _w in found]


def test_word_hits_are_exact_code_point_spans(ids, find):
    hits = find("families")
    assert spans(hits) == [(ids["art"], x) for x in ()] + [
        (ids["en"], "Families"), (ids["mixed"], "families")]
    sid, start, end, _, _ = hits[0]
    assert EN[start:end] == "Families" and start == 3  # the dove is two code points


def test_arabic_with_harakat_found_by_bare_word(ids, find):
    [(sid, start, end, text, _)] = find("الرقة")
    assert sid == ids["ar"] and AR[start:end] == "الرَّقَّة" and text == "الرَّقَّة"
    assert find("العائلات")[0][3] == "العائلات"
    assert find("الي")[0][3] == "إلى"  # alef and alef maqsura folded


def test_hashtag_whole_and_by_part(ids, find):
    assert spans(find("#SDFfreedRaqqa")) == [(ids["en"], "#SDFfreedRaqqa")]
    assert spans(find("sdf")) == [(ids["en"], "SDF")]
    assert spans(find("freed")) == [(ids["en"], "freed")]
    assert spans(find("raqqa")) == [(ids["en"], "Raqqa"), (ids["mixed"], "Raqqa")]
    assert spans(find("@raqqa_sl")) == [(ids["mixed"], "@Raqqa_SL")]


def test_phrase_and_proximity(ids, find):
    assert spans(find('"aid convoy"')) == [(ids["art"], "aid convoy")]
    assert find('"convoy aid"') == []
    assert spans(find('"the aid"')) == [(ids["art"], "The aid")]  # a word there 3 times
    assert spans(find('"the convoy"')) == [(ids["art"], "the convoy")]  # both many times
    assert spans(find('"fallujah airstrikes"~3')) == [  # in any order
        (ids["art"], "Fallujah after heavy airstrikes"), (ids["art"], "airstrikes [1]. Fallujah")]
    assert find('"families camps"~1') == []


def test_boolean(ids, find):
    assert {h[0] for h in find("airstrikes OR الغارات")} == {ids["en"], ids["art"], ids["ar"]}
    assert {h[0] for h in find("airstrikes AND NOT fallujah")} == {ids["en"]}
    assert {h[0] for h in find("(aid OR water) -convoy")} == {ids["mixed"]}
    assert {h[0] for h in find("NOT aid")} == {ids["en"], ids["ar"]}


def test_wildcards_and_fuzzy(ids, find):
    assert {t for _, _, _, t, _ in find("airstr*")} == {"airstrikes"}
    assert {t for _, _, _, t, _ in find("fam?lies")} == {"Families", "families"}
    assert {t for _, _, _, t, _ in find("famlies~")} == {"Families", "families"}
    assert {t for _, _, _, t, _ in find("#sdf*")} == {"#SDFfreedRaqqa"}


def test_wildcard_expanding_too_far_is_an_error(ids, find, monkeypatch):
    from db.search import evaluate

    monkeypatch.setattr(evaluate, "MAX_EXPANSION", 0)
    with pytest.raises(QuerySyntaxError, match="more than 0 different words") as err:
        find("aid OR fam*")
    assert err.value.position == 7


def test_metadata_fields(ids, find):
    assert {h[0] for h in find("author:smith")} == {ids["art"]}
    assert {h[0] for h in find('author:"amal hassan"')} == {ids["en"]}
    assert {h[0] for h in find("handle:@RAQQA_SL")} == {ids["en"]}
    assert {h[0] for h in find("platform:telegram")} == {ids["mixed"]}
    assert {h[0] for h in find("lang:ar")} == {ids["ar"]}
    assert {h[0] for h in find("lang:en")} == {ids["en"], ids["art"], ids["mixed"]}
    assert {h[0] for h in find("kind:article")} == {ids["art"]}
    assert find("platform:telegram") == [(ids["mixed"], 0, 0, "", "source")]


def test_collection_field_and_scope(ids, find, proj):
    assert {h[0] for h in find('collection:"raqqa 2017"')} == {ids["en"], ids["ar"]}
    assert {h[0] for h in find("raqqa collection:\"Raqqa 2017\"")} == {ids["en"]}
    with pytest.raises(QuerySyntaxError, match="no collection called 'Nope'"):
        find("collection:Nope")
    with proj.sessions() as s:
        coll = s.query(Collection).one().id
    assert {h[0] for h in find("raqqa", collection=coll)} == {ids["en"]}
    assert {h[0] for h in find("raqqa", within=[ids["mixed"]])} == {ids["mixed"]}


def test_dates(ids, find):
    assert {h[0] for h in find("date:2017-10-01..2017-10-31")} == {ids["en"], ids["ar"]}
    assert {h[0] for h in find("date:2017-10-02..")} == {ids["ar"], ids["mixed"]}
    assert {h[0] for h in find("date:2016")} == {ids["art"]}
    assert {h[0] for h in find("airstrikes date:2017")} == {ids["en"]}


def test_footnotes_memos_and_has(ids, find):
    [(sid, start, end, text, where)] = find("driver")
    assert (sid, where, ARTICLE[start:end]) == (ids["art"], "footnote", "[1]")
    assert text == "driver"
    assert {h[0] for h in find("has:footnote")} == {ids["art"]}
    assert [h[4] for h in find("memo:numbers")] == ["memo"]
    assert find("numbers") == []  # memos are searched only when asked for


def test_code_limits_hits_to_coded_text(ids, find):
    hits = find("fallujah code:displacement")
    assert [(h[0], h[3]) for h in hits] == [(ids["art"], "Fallujah")]
    assert ARTICLE[hits[0][1]:].startswith("Fallujah residents")
    assert find("water code:displacement") == []  # in the source, not in the passage
    [(sid, start, end, _, where)] = find("code:Displacement")
    assert where == "coded" and ARTICLE[start:end].startswith("Fallujah residents")
    assert {h[0] for h in find("has:code")} == {ids["art"]}


def test_stemmed_search(ids, find):
    assert find("airstrike") == []
    assert {t for _, _, _, t, _ in find("airstrike", stemmed=True)} == {"airstrikes"}
    assert {t for _, _, _, t, _ in find("family", stemmed=True)} == {"Families", "families"}
    assert spans(find('"aid convoys"', stemmed=True)) == [(ids["art"], "aid convoy")]


def test_mixed_language_query(ids, find):
    assert {h[0] for h in find("families المياه")} == {ids["mixed"]}


def test_results_come_in_batches_in_date_order(ids, proj, index):
    with proj.sessions() as s:
        index.ensure(s)
        run = search(index, s, "airstrikes OR families OR aid")
        batches = list(run.batches(first=1, size=1))
    order = [sh.source_id for b in batches for sh in b]
    assert order == [ids["art"], ids["en"], ids["mixed"]]
    assert run.total_sources == 3 and run.total_hits == sum(
        len(sh.rows) for b in batches for sh in b)


def test_kwic_rows(ids, proj, index):
    with proj.sessions() as s:
        index.ensure(s)
        [sh] = search(index, s, "الغارات").all()
    row = sh.rows[0]
    assert row.match == "الغارات" and row.left.endswith("بعد ") and row.right == ""
    assert row.author == "أمل" and row.published.year == 2017
    assert sh.spans == [(ids["ar"], AR.index("الغارات"), len(AR))]


def test_cancelled_search_stops(ids, proj, index):
    with proj.sessions() as s:
        index.ensure(s)
        stop = []
        run = search(index, s, "airstrikes OR aid", cancelled=lambda: bool(stop))
        stop.append(True)
        with pytest.raises(Exception, match="cancelled"):
            list(run.batches())


def test_a_damaged_index_is_rebuilt_not_a_crash(ids, proj, find):
    assert find("aid")
    idx = SearchIndex(proj)
    for f in idx.path.glob("*.seg") or []:
        f.write_bytes(b"garbage")
    for f in idx.path.iterdir():
        if f.suffix in (".pst", ".trm", ".seg"):
            f.write_bytes(b"garbage")
    assert {h[0] for h in find("aid")} == {ids["art"], ids["mixed"]}


def test_text_changed_behind_the_index_never_gives_a_wrong_span(ids, proj, index):
    """A word the postings place where the text no longer has it is located again."""
    with proj.sessions() as s:
        index.ensure(s)
        same_length = EN.replace("Families", "Visitors")  # the index's span now wrong
        longer = "Later: " + MIXED
        s.execute(text("UPDATE sources SET text = :t, length = :n WHERE id = :i"),
                  [{"t": same_length, "n": len(same_length), "i": ids["en"]},
                   {"t": longer, "n": len(longer), "i": ids["mixed"]}])
        rows = [r for sh in search(index, s, "families").all() for r in sh.rows]
        dates = [r.hit.where for sh in search(index, s, "date:2017").all() for r in sh.rows]
    assert [(r.hit.source_id, r.match) for r in rows] == [(ids["mixed"], "families")]
    assert longer[rows[0].hit.start:rows[0].hit.end] == "families"
    assert rows[0].left == "Later: Aid for Mosul " and dates and set(dates) == {"source"}
