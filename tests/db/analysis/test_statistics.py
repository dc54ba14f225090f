"""Every statistic against the answers worked out by hand for support.py's project.

The hand working is in the comments: which excerpts (E1-E11) or units each number counts.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from db.analysis import Spec, analyze, behind
from db.analysis.words import keyness_rows, log_likelihood
from db.errors import AnalysisError
from db.export.selection import Selection


@pytest.fixture
def ask(small_project):
    proj, small = small_project

    def run(spec: Spec, sel: Selection | None = None):
        with proj.sessions() as s:
            return analyze(s, sel or Selection(), spec, project=proj)

    return run


@pytest.fixture
def small(small_project):
    return small_project[1]


def _matrix(res, small, layer="count"):
    """The layer as {(row name, column name): value} without the zeros."""
    names = {v: k for k, v in small.codes.items()}
    rows = [names.get(k, k) for k in res.matrix_rows]
    cols = [names.get(k, k) for k in res.matrix_cols]
    return {(r, c): v for r, line in zip(rows, res.layers[layer], strict=True)
            for c, v in zip(cols, line, strict=True) if v}


def test_the_core_never_imports_qt():
    """Checked in a fresh interpreter: other tests in this run may have imported Qt."""
    code = "import db.analysis, db.analysis.charts, sys; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_frequencies_own_codings(ask, small):
    res = ask(Spec("frequencies"))
    got = {row[0]: row[1:] for row in res.rows}
    # excerpts, sources, characters, words
    assert got["Despair"] == [3, 2, 27 + 23 + 18, 5 + 4 + 4]  # E1 E2 E6
    assert got["Defiance"] == [5, 3, 23 + 21 + 22 + 13 + 22, 4 + 4 + 3 + 2 + 5]  # E2 E3 E5 E7 E10
    assert got["Propaganda"] == [2, 2, 22 + 23, 3 + 5]  # E5 E8
    assert got["Propaganda/Video"] == [2, 2, 30 + 15, 5 + 2]  # E4 E9
    assert got["Counter-messaging"] == [2, 1, 22 + 24, 5 + 5]  # E10 E11
    assert res.colors[small.codes["Despair"]] == "#c0392b"


def test_frequencies_rolled_up_count_an_excerpt_once(ask):
    got = {row[0]: row[1:] for row in ask(Spec("frequencies", rollup=True)).rows}
    assert got["Propaganda"] == [4, 2, 22 + 23 + 30 + 15, 3 + 5 + 5 + 2]  # E4 E5 E8 E9
    assert got["Propaganda/Video"] == [2, 2, 45, 7]


def test_frequencies_by_coder_and_collection(ask):
    by_coder = {(r[0], r[1]): r[2] for r in ask(Spec("frequencies", by="coder")).rows}
    assert by_coder[("Despair", "Omar")] == 1 and by_coder[("Despair", "Lina")] == 2
    assert by_coder[("Propaganda", "Omar")] == 1  # E8 (E5 is Lina's)
    by_coll = {(r[0], r[1]): r[2] for r in ask(Spec("frequencies", by="collection")).rows}
    assert by_coll == {("Despair", "Articles"): 2, ("Despair", "Tweets"): 1,
                       ("Defiance", "Articles"): 3, ("Defiance", "Tweets"): 1,
                       ("Defiance", "Channels"): 1, ("Propaganda", "Articles"): 1,
                       ("Propaganda", "Tweets"): 1, ("Propaganda/Video", "Articles"): 1,
                       ("Propaganda/Video", "Tweets"): 1, ("Counter-messaging", "Channels"): 2}


def test_frequencies_by_engagement_reply_and_week(ask):
    eng = {(r[0], r[1]): r[2] for r in ask(Spec("frequencies", by="engagement")).rows}
    assert eng[("Despair", "10–99")] == 1  # S2: 5 + 10 + 0 = 15
    assert eng[("Despair", "unknown")] == 2
    reply = {(r[0], r[1]): r[2] for r in ask(Spec("frequencies", by="reply")).rows}
    assert reply[("Propaganda", "reply")] == 1 and reply[("Propaganda", "not a reply")] == 1
    week = {(r[0], r[1]): r[2] for r in ask(Spec("frequencies", by="week")).rows}
    assert week[("Despair", "2016-05-09")] == 2  # 10 May 2016 was a Tuesday
    assert week[("Despair", "2016-06-20")] == 1


def test_crosstab_counts_and_percentages(ask, small):
    res = ask(Spec("crosstab", by="platform"))
    assert res.col_labels == ["twitter", "telegram", "(none)"]  # missing last
    assert _matrix(res, small) == {
        ("Despair", "twitter"): 1, ("Despair", "(none)"): 2,
        ("Defiance", "twitter"): 1, ("Defiance", "telegram"): 1, ("Defiance", "(none)"): 3,
        ("Propaganda", "twitter"): 1, ("Propaganda", "(none)"): 1,
        ("Propaganda/Video", "twitter"): 1, ("Propaganda/Video", "(none)"): 1,
        ("Counter-messaging", "telegram"): 2}
    row = _matrix(res, small, "row %")
    assert row[("Despair", "(none)")] == 66.7 and row[("Defiance", "twitter")] == 20.0
    col = _matrix(res, small, "column %")  # column totals: twitter 4, telegram 3, (none) 7
    assert col[("Despair", "(none)")] == 28.6 and col[("Defiance", "(none)")] == 42.9
    assert col[("Counter-messaging", "telegram")] == 66.7
    assert res.extra["column_totals"] == [4, 3, 7]


def test_crosstab_counting_sources(ask, small):
    res = ask(Spec("crosstab", by="platform", counted="sources"))
    assert _matrix(res, small)[("Defiance", "(none)")] == 1  # three excerpts, one source


def test_timeline_months_and_undated(ask, small):
    res = ask(Spec("timeline", interval="month"))
    assert res.row_labels == ["2016-05", "2016-06"]
    assert _matrix(res, small) == {
        ("2016-05", "Despair"): 2, ("2016-05", "Defiance"): 3, ("2016-05", "Propaganda"): 1,
        ("2016-05", "Propaganda/Video"): 1, ("2016-06", "Despair"): 1,
        ("2016-06", "Defiance"): 1, ("2016-06", "Propaganda"): 1,
        ("2016-06", "Propaganda/Video"): 1}
    assert any("2 coded excerpt(s) in 1 source(s) without a publication date" in n
               for n in res.notes)  # E10, E11 of S4


def test_timeline_share_of_posts_and_gaps(ask, small):
    res = ask(Spec("timeline", interval="month", counted="sources", share=True))
    # May: S1 of 1 source published; June: S2 (or S3) of S2, S3, S5
    assert _matrix(res, small, "share %")[("2016-05", "Despair")] == 100.0
    assert _matrix(res, small, "share %")[("2016-06", "Despair")] == 33.3
    assert res.extra["sources_per_period"] == [1, 3]
    days = ask(Spec("timeline", interval="day"))
    assert days.row_labels[0] == "2016-05-10" and days.row_labels[-1] == "2016-06-25"
    assert len(days.row_labels) == 47  # every day between, quiet ones as 0


COOCCURRENCE = {
    # unit: (diagonal, {pair: (count, jaccard)})
    "excerpt": ({"Despair": 3, "Defiance": 5, "Propaganda": 2, "Propaganda/Video": 2,
                 "Counter-messaging": 2},
                # D–F: E1 (meets E3), E2 (both codes), E3 (meets E1, E2): 3 of 3 + 5 - 1
                {("Despair", "Defiance"): (3, 0.4286),
                 ("Defiance", "Propaganda"): (1, 0.1667),  # E5 of 5 + 2 - 1
                 ("Defiance", "Counter-messaging"): (1, 0.1667)}),  # E10
    "sentence": ({"Despair": 3, "Defiance": 5, "Propaganda": 2, "Propaganda/Video": 2,
                  "Counter-messaging": 2},
                 # S1's 1st sentence (E1, E3) and 2nd (E2, E3): 2 of 3 + 5 - 2
                 {("Despair", "Defiance"): (2, 0.3333),
                  ("Defiance", "Propaganda"): (1, 0.1667),
                  ("Defiance", "Counter-messaging"): (1, 0.1667)}),
    "paragraph": ({"Despair": 2, "Defiance": 4, "Propaganda": 2, "Propaganda/Video": 2,
                   "Counter-messaging": 1},
                  {("Despair", "Defiance"): (2, 0.5),  # S1 ¶1, S2
                   ("Defiance", "Propaganda"): (1, 0.2),  # S1 ¶2
                   ("Defiance", "Propaganda/Video"): (1, 0.2),
                   ("Defiance", "Counter-messaging"): (1, 0.25),  # S4
                   ("Propaganda", "Propaganda/Video"): (2, 1.0)}),  # S1 ¶2, S3
    "source": ({"Despair": 2, "Defiance": 3, "Propaganda": 2, "Propaganda/Video": 2,
                "Counter-messaging": 1},
               {("Despair", "Defiance"): (2, 0.6667), ("Despair", "Propaganda"): (1, 0.3333),
                ("Despair", "Propaganda/Video"): (1, 0.3333),
                ("Defiance", "Propaganda"): (1, 0.25), ("Defiance", "Propaganda/Video"): (1, 0.25),
                ("Defiance", "Counter-messaging"): (1, 0.3333),
                ("Propaganda", "Propaganda/Video"): (2, 1.0)}),
}


@pytest.mark.parametrize("unit", list(COOCCURRENCE))
def test_cooccurrence_at_each_unit(ask, small, unit):
    diagonal, pairs = COOCCURRENCE[unit]
    res = ask(Spec("cooccurrence", unit=unit))
    counts, jaccard = _matrix(res, small), _matrix(res, small, "jaccard")
    assert {a: counts[a, b] for a, b in counts if a == b} == diagonal
    off = {(a, b): (n, jaccard[a, b]) for (a, b), n in counts.items()
           if a != b and res.row_labels.index(a) < res.row_labels.index(b)}
    assert off == pairs
    assert all(counts[a, b] == counts[b, a] for a, b in counts)


def test_filters_are_the_exports(ask, small):
    only_lina = Selection(coder_ids=[small.coders["Lina"]])
    got = {row[0]: row[1] for row in ask(Spec("frequencies"), only_lina).rows}
    assert got["Despair"] == 2 and got["Propaganda"] == 1  # E1 E6; E5
    june = Selection(date_from="2016-06-01", date_to="2016-06-30")
    assert {r[0]: r[1] for r in ask(Spec("frequencies"), june).rows}["Defiance"] == 1  # E7
    tweets = Selection(collection_ids=[small.collections["Tweets"]])
    assert {r[0]: r[1] for r in ask(Spec("frequencies"), tweets).rows}["Despair"] == 1
    pane = Selection(source_filter={"platform": "telegram"})
    assert {r[0]: r[1] for r in ask(Spec("frequencies"), pane).rows}["Defiance"] == 1  # E10
    codes = Selection(code_ids=[small.codes["Propaganda"]])
    assert [r[0] for r in ask(Spec("frequencies"), codes).rows] == [
        "Propaganda", "Propaganda/Video"]


def test_click_through_gives_exactly_the_excerpts_counted(small_project, small):
    proj, _ = small_project
    d, f = small.codes["Despair"], small.codes["Defiance"]
    with proj.sessions() as s:
        sel = Selection()
        assert behind(s, sel, Spec("frequencies"), d) == small.ids("E1", "E2", "E6")
        assert behind(s, sel, Spec("frequencies", by="platform"), (f, "(none)")) == \
            small.ids("E2", "E3", "E5")
        assert behind(s, sel, Spec("crosstab", by="platform"), f, "telegram") == \
            small.ids("E10")
        assert behind(s, sel, Spec("timeline"), "2016-06", d) == small.ids("E6")
        assert behind(s, sel, Spec("cooccurrence"), d, f) == small.ids("E1", "E2", "E3")
        assert behind(s, sel, Spec("cooccurrence", unit="sentence"), d, f) == \
            small.ids("E1", "E2", "E3")
        assert behind(s, sel, Spec("cooccurrence", unit="paragraph"), d, f) == \
            small.ids("E1", "E2", "E3", "E6", "E7")
        assert behind(s, sel, Spec("cooccurrence", unit="source"), d, d) == \
            small.ids("E1", "E2", "E6")
        assert behind(s, sel, Spec("words"), "despair") == small.ids("E1", "E11")
        lina = Selection(coder_ids=[small.coders["Lina"]])
        assert behind(s, lina, Spec("frequencies"), d) == small.ids("E1", "E6")


def test_words_fold_arabic_as_search_does(ask, small):
    sel = Selection(code_ids=[small.codes["Despair"]])
    res = ask(Spec("words", stopwords=False, top=100), sel)
    got = {r[0]: r[1] for r in res.rows}
    # E1 E2 E6: harakat gone from اليأسُ, hamza-on-alef folded to alef
    assert got == {w: 1 for w in ("despair", "spread", "in", "the", "city", "fighters", "fled",
                                  "at", "night", "الياس", "في", "كل", "مكان")}
    assert res.extra["total_words"] == 13


def test_words_leave_stopwords_out_and_count_phrases(ask, small):
    sel = Selection(code_ids=[small.codes["Despair"]])
    words = {r[0] for r in ask(Spec("words"), sel).rows}
    assert {"the", "in", "at", "في", "كل"}.isdisjoint(words) and "despair" in words
    phrases = {r[0]: r[1] for r in ask(Spec("words", ngram=2, stopwords=False), sel).rows}
    assert phrases["despair spread"] == 1 and phrases["fled at"] == 1
    assert "city fighters" not in phrases  # E1 and E2 are separate passages
    with_stops = {r[0] for r in ask(Spec("words", ngram=2), sel).rows}
    assert "fled at" not in with_stops and "despair spread" in with_stops


def _hand_ll(a: int, b: int, c: int, d: int) -> float:
    """G² over the two observed cells, written out independently of the module."""
    total = a + b
    observed_expected = [(a, total * c / (c + d)), (b, total * d / (c + d))]
    return 2 * sum(o * math.log(o / e) for o, e in observed_expected if o > 0)


def test_keyness_against_the_rest_of_the_corpus(ask, small):
    sel = Selection(code_ids=[small.codes["Despair"]])
    res = ask(Spec("words", keyness=True, stopwords=False, top=100), sel)
    row = next(r for r in res.rows if r[0] == "despair")
    # target: E1 E2 E6, 13 words, "despair" once (E1); corpus S1-S5: 17 + 6 + 7 + 10 + 4
    # = 44 words, "despair" twice (S1, S4): the rest has it once in 31 words
    assert res.extra == {"total_words": 13, "reference_words": 31}
    assert row[1:4] == [1, round(10000 / 13, 2), 1]
    assert row[5] == pytest.approx(_hand_ll(1, 1, 13, 31), abs=1e-3)
    the = next(r for r in res.rows if r[0] == "the")  # E1; the rest: S1 once more, S4
    assert the[1:4] == [1, round(10000 / 13, 2), 2]
    assert the[5] == pytest.approx(_hand_ll(1, 2, 13, 31), abs=1e-3)


def test_keyness_against_another_code(ask, small):
    sel = Selection(code_ids=[small.codes["Defiance"]])
    res = ask(Spec("words", reference=[small.codes["Counter-messaging"]], stopwords=False,
                   top=100), sel)
    rows = {r[0]: r for r in res.rows}
    # Defiance: E2 E3 E5 E7 E10 merged -> "in the city. Fighters fled at night." (7)
    # + "They promised victory." (3) + "لكننا صامدون." (2) + E10 (5) = 17 words;
    # Counter-messaging: E10 E11 = 10 words
    assert res.extra == {"total_words": 17, "reference_words": 10}
    assert rows["fighters"][5] == pytest.approx(_hand_ll(1, 0, 17, 10), abs=1e-3)
    assert "never" not in rows  # 1/17 < 1/10


def test_log_likelihood_worked_example():
    # Rayson's example figures: a word 52 times in 50,000 words vs 28 in 60,000
    a, b, c, d = 52, 28, 50000, 60000
    e1, e2 = c * 80 / 110000, d * 80 / 110000
    assert log_likelihood(a, b, c, d) == pytest.approx(
        2 * (a * math.log(a / e1) + b * math.log(b / e2)))
    assert log_likelihood(a, b, c, d) == pytest.approx(_hand_ll(a, b, c, d))
    assert keyness_rows({"w": 52}, c, {"w": 28}, d)[0][5] == round(_hand_ll(a, b, c, d), 3)


def test_bad_specs_are_refused(ask):
    for spec in (Spec("nonsense"), Spec("cooccurrence", unit="page"),
                 Spec("crosstab"), Spec("frequencies", by="shoe size"),
                 Spec("timeline", interval="fortnight"), Spec("words", ngram=4)):
        with pytest.raises(AnalysisError):
            ask(spec)
