"""Agreement between coders, checked against textbook values and the krippendorff package."""

from __future__ import annotations

import csv
import math
from itertools import combinations

import krippendorff
import numpy as np
import pytest

from db.agreement import (
    AgreementError,
    Tally,
    cohen_kappa,
    compare_source,
    compute_agreement,
    segments,
)
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span
from tests.db.exchange.support import add_source

TEXT = ("The river is the only way across. Families wait at the bank for boats.\n\n"
        "عادت العائلات إلى المدينة. لا ماء ولا كهرباء.")
OTHER = "Rumours spread fast: the bridge will reopen soon."


# --- textbook values -------------------------------------------------------------------------

def test_cohen_kappa_textbook_example():
    # 50 proposals, two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> kappa 0.4
    assert cohen_kappa(20, 5, 10, 15) == pytest.approx(0.4)
    assert cohen_kappa(10, 0, 0, 0) is None  # everyone said yes: chance cannot be told


def test_krippendorff_binary_textbook_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", binary data of
    # two observers on ten units: alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    t = Tally(2)
    for x, y in zip(a, b, strict=True):
        t.add([bool(x), bool(y)])
    assert t.alpha() == pytest.approx(0.095, abs=5e-4)
    assert t.alpha() == pytest.approx(
        krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))


# --- a project coded by three coders ---------------------------------------------------------

CODINGS = {  # coder -> [(source, words, code)]
    "Amira": [(0, "The river is the only way across", "Water"),
              (0, "Families wait at the bank", "Displacement"),
              (0, "لا ماء ولا كهرباء", "Water"), (1, "the bridge will reopen", "Rumour")],
    "Omar": [(0, "river is the only way", "Water"), (0, "Families wait", "Displacement"),
             (0, "عادت العائلات إلى المدينة", "Displacement"),
             (1, "Rumours spread fast", "Rumour")],
    "Layla": [(0, "The river is the only way across. Families", "Water"),
              (0, "لا ماء", "Water"), (1, "the bridge will reopen soon", "Rumour")],
}


@pytest.fixture
def coded(proj):
    ids: dict = {}
    with proj.session() as s:
        ids["sources"] = [add_source(s, TEXT, title="River"), add_source(s, OTHER, kind="post")]
        ids["codes"] = {n: create_code(s, name=n).value
                        for n in ("Water", "Displacement", "Rumour")}
        ids["coders"] = {n: ensure_coder(s, name=n).value for n in CODINGS}
        for coder, rows in CODINGS.items():
            for src, words, code in rows:
                text = (TEXT, OTHER)[src]
                a = text.index(words)
                code_span(s, source_id=ids["sources"][src], start=a, end=a + len(words),
                          code_id=ids["codes"][code], coder_id=ids["coders"][coder])
    return ids


def char_matrix(coders: list[str], code: str, ignore_uncoded: bool) -> np.ndarray:
    """Independently: a coders x characters 0/1 matrix, one character at a time."""
    columns = []
    for src, text in enumerate((TEXT, OTHER)):
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            row = [any(s == src and c == code and _inside(text, w, i) for s, w, c in
                       CODINGS[who]) for who in coders]
            anyone = any(s == src and _inside(text, w, i) for who in coders
                         for s, w, _ in CODINGS[who])
            if ignore_uncoded and not anyone:
                continue
            columns.append(row)
    return np.array(columns, dtype=float).T


def _inside(text: str, words: str, i: int) -> bool:
    a = text.index(words)
    return a <= i < a + len(words)


def naive_kappa(x: np.ndarray, y: np.ndarray) -> float:
    po = float(np.mean(x == y))
    pe = x.mean() * y.mean() + (1 - x.mean()) * (1 - y.mean())
    return (po - pe) / (1 - pe)


@pytest.mark.parametrize("ignore", [False, True])
def test_character_figures_match_the_krippendorff_package(proj, coded, ignore):
    names = ["Amira", "Omar", "Layla"]
    with proj.sessions() as s:
        report = compute_agreement(s, coder_ids=[coded["coders"][n] for n in names],
                                   ignore_uncoded=ignore)
    assert report.coders == names
    pooled = []
    for fig in report.codes:
        m = char_matrix(names, fig.path, ignore)
        pooled.append(m)
        assert fig.units == m.shape[1]
        assert fig.alpha == pytest.approx(krippendorff.alpha(
            reliability_data=m, level_of_measurement="nominal"))
        assert fig.percent == pytest.approx(100 * np.mean(np.all(m == m[0], axis=0)))
        for pair, (i, j) in zip(fig.pairs, combinations(range(3), 2), strict=True):
            assert (pair.coder_a, pair.coder_b) == (names[i], names[j])
            assert pair.kappa == pytest.approx(naive_kappa(m[i], m[j]))
            assert pair.percent == pytest.approx(100 * np.mean(m[i] == m[j]))
    everything = np.concatenate(pooled, axis=1)
    assert report.overall.alpha == pytest.approx(krippendorff.alpha(
        reliability_data=everything, level_of_measurement="nominal"))


def test_segments_count_a_sentence_as_coded_when_an_excerpt_touches_it(proj, coded):
    amira, omar = coded["coders"]["Amira"], coded["coders"]["Omar"]
    with proj.sessions() as s:
        report = compute_agreement(s, coder_ids=[amira, omar], unit="segment",
                                   code_ids=[coded["codes"]["Water"]],
                                   source_ids=coded["sources"])
    # sentences: 2 English, 2 Arabic, 1 in the post; Water: Amira 1st and 4th, Omar 1st
    m = np.array([[1, 0, 0, 1, 0], [1, 0, 0, 0, 0]], dtype=float)
    fig = report.codes[0]
    assert (fig.path, fig.units) == ("Water", 5)
    assert fig.pairs[0].percent == pytest.approx(80.0)
    assert fig.alpha == pytest.approx(krippendorff.alpha(reliability_data=m,
                                                         level_of_measurement="nominal"))
    assert len(segments(TEXT, "sentence")) == 4 and len(segments(TEXT, "paragraph")) == 2


def test_white_space_at_the_edges_of_a_selection_does_not_count(proj):
    with proj.session() as s:
        sid = add_source(s, "alpha beta gamma")
        code = create_code(s, name="Greek").value
        a, b = ensure_coder(s, name="A").value, ensure_coder(s, name="B").value
        code_span(s, source_id=sid, start=0, end=10, code_id=code, coder_id=a)  # "alpha beta"
        code_span(s, source_id=sid, start=0, end=11, code_id=code, coder_id=b)  # + space
    with proj.sessions() as s:
        report = compute_agreement(s)
    assert report.overall.percent == 100.0 and report.overall.pairs[0].kappa == 1.0


def test_two_coders_give_one_row_per_code_and_a_csv(proj, coded, tmp_path):
    with proj.sessions() as s:
        report = compute_agreement(s, coder_ids=[coded["coders"]["Amira"],
                                                 coded["coders"]["Omar"]])
    rows = report.rows()
    assert [r["code"] for r in rows] == ["Displacement", "Rumour", "Water", "All codes"]
    assert all(r["coders"] == "Amira / Omar" for r in rows)
    report.write_csv(tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert table[-1]["code"] == "All codes" and math.isclose(
        float(table[-1]["alpha"]), report.overall.alpha, abs_tol=1e-4)
    assert "units: characters" in report.lines()[0]


def test_fewer_than_two_coders_is_refused(proj, coded):
    with proj.sessions() as s, pytest.raises(AgreementError, match="at least two coders"):
        compute_agreement(s, coder_ids=[coded["coders"]["Amira"]])
    with proj.sessions() as s, pytest.raises(AgreementError, match="unknown unit"):
        compute_agreement(s, unit="word")


def test_compare_source_marks_where_coders_differ(proj, coded):
    amira, omar = coded["coders"]["Amira"], coded["coders"]["Omar"]
    with proj.sessions() as s:
        cmp = compare_source(s, coded["sources"][1], [amira, omar])
    assert [OTHER[a:b] for a, b, _ in cmp.spans[amira]] == ["the bridge will reopen"]
    assert [OTHER[a:b] for a, b in cmp.disagreements] == ["Rumours spread fast",
                                                           "the bridge will reopen"]
