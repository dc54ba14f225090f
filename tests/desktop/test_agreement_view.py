"""The coder comparison view: figures on the worker, stripes side by side, CSV, staleness."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span
from desktop.models.agreement import ALPHA, CODE, CODERS, FAIR, GOOD, KAPPA, POOR
from desktop.session import ProjectSession
from desktop.views.agreement import AgreementView
from tests.db.exchange.support import add_source

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ENGLISH = ("Families returned to Raqqa after the strikes ended. There is no water and no "
           "electricity. Aid agencies say the camps are full.\n\nMany feel hopeless; some "
           "still hope to rebuild their homes before winter. Rumours say the bridge will "
           "reopen, but nobody has seen the engineers.")
ARABIC = ("عادت العائلات إلى الرقة بعد توقف الغارات. لا ماء ولا كهرباء في المدينة.\n\n"
          "يخشى المدنيون من عودة القتال، لكن الأمل باقٍ. 🕊")
WORK = {
    "Amira": [("en", "There is no water and no electricity", "Water"),
              ("en", "some still hope to rebuild their homes", "Hope"),
              ("en", "Rumours say the bridge will reopen", "Rumour"),
              ("ar", "لا ماء ولا كهرباء", "Water"), ("ar", "الأمل باقٍ", "Hope")],
    "Omar": [("en", "no water and no electricity", "Water"),
             ("en", "Many feel hopeless", "Hope"),
             ("ar", "لا ماء", "Water"), ("ar", "لكن الأمل باقٍ", "Hope")],
    "Layla": [("en", "There is no water", "Water"),
              ("en", "still hope to rebuild their homes before winter", "Hope"),
              ("en", "the bridge will reopen, but nobody has seen the engineers", "Rumour"),
              ("ar", "لا ماء ولا كهرباء في المدينة", "Water")],
}


@pytest.fixture
def session(proj, qtbot):
    with proj.session() as s:
        src = {"en": add_source(s, ENGLISH, title="Return to Raqqa"),
               "ar": add_source(s, ARABIC, title="العودة إلى الرقة")}
        codes = {n: create_code(s, name=n, color=c).value for n, c in
                 (("Water", "#80b1d3"), ("Hope", "#b3de69"), ("Rumour", "#fdb462"))}
        for coder, rows in WORK.items():
            who = ensure_coder(s, name=coder).value
            for key, words, code in rows:
                text = ENGLISH if key == "en" else ARABIC
                a = text.index(words)
                code_span(s, source_id=src[key], start=a, end=a + len(words),
                          code_id=codes[code], coder_id=who)
    ps = ProjectSession(proj)
    yield ps
    ps.close()  # drains the worker, stops the watch


@pytest.fixture
def view(session, qtbot):
    widget = AgreementView()
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.set_session(session)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def computed(view, qtbot):
    with qtbot.waitSignal(view.computed, timeout=20_000):
        assert view.compute() is not None
    return view.report


def test_every_coder_is_offered_and_the_figures_fill_the_table(view, qtbot):
    assert [box.text() for _, box in view._coder_boxes] == ["Amira", "Layla", "Omar"]
    report = computed(view, qtbot)
    assert report.coders == ["Amira", "Layla", "Omar"]
    m = view.model
    rows = [m.index(r, CODE).data() for r in range(m.rowCount())]
    assert rows[0] == "Hope" and rows[-4] == "All codes" and rows.count("Water") == 4
    assert m.index(0, CODERS).data() == "all 3" and m.index(1, CODERS).data() == \
        "Amira / Layla"
    assert m.index(0, ALPHA).data() == f"{report.codes[0].alpha:.3f}"
    assert view.sources.count() == 2 and "units: characters" in view.status.text()


def test_the_selected_source_shows_stripes_per_coder_and_disagreements(view, qtbot):
    computed(view, qtbot)
    panel = view.compare
    assert panel.edit.toPlainText() == ENGLISH
    assert panel.stripes.names == ["Amira", "Layla", "Omar"]
    assert [len(b) for b in panel.stripes.bars] == [3, 3, 2]
    assert panel.stripes.diffs and len(panel.edit.extraSelections()) == len(
        panel.stripes.diffs)
    ARTIFACTS.mkdir(exist_ok=True)
    qtbot.wait(50)
    view.grab().save(str(ARTIFACTS / "agreement_view.png"))
    view.sources.setCurrentRow(1)
    assert panel.edit.toPlainText() == ARABIC
    assert panel.grid.itemAtPosition(2, 1).widget() is panel.stripes  # beside an RTL text
    qtbot.wait(50)
    panel.grab().save(str(ARTIFACTS / "agreement_view_arabic.png"))


def test_two_coders_one_code_segments_and_uncoded_text_left_out(view, qtbot):
    for _cid, box in view._coder_boxes:
        box.setChecked(box.text() != "Layla")
    view.unit_combo.setCurrentIndex(1)
    view.code_combo.setCurrentIndex(view.code_combo.findText("Water"))
    view.uncoded_box.setChecked(False)
    report = computed(view, qtbot)
    assert report.coders == ["Amira", "Omar"] and report.unit == "segment"
    assert report.ignore_uncoded and [c.path for c in report.codes] == ["Water"]
    m, fig = view.model, report.codes[0]
    # Both coded Water in exactly the same sentences, and uncoded ones are left out:
    # every unit is "coded" by both, so chance agreement is total and kappa undefined.
    assert fig.pairs[0].percent == 100.0 and fig.pairs[0].kappa is None
    assert m.rowCount() == 2 and m.index(0, KAPPA).data() == "–"
    assert "Undefined" in m.index(0, KAPPA).data(Qt.ItemDataRole.ToolTipRole)
    assert m.index(0, ALPHA).data(Qt.ItemDataRole.BackgroundRole) is None


def test_reliability_is_tinted(view, qtbot):
    report = computed(view, qtbot)
    m = view.model
    for r in range(m.rowCount()):
        value = report.rows()[r]["alpha"]
        if value is not None:
            tint = m.index(r, ALPHA).data(Qt.ItemDataRole.BackgroundRole).color()
            assert tint == (GOOD if value >= 0.8 else FAIR if value >= 0.667 else POOR)


def test_csv_and_staleness(view, qtbot, session, tmp_path):
    computed(view, qtbot)
    view.save_csv(tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        assert next(csv.DictReader(fh))["code"] == "Hope"
    session.run(bind(create_code, name="Fear"))
    assert "changed since" in view.status.text()
    assert view.code_combo.findText("Fear") >= 0


def test_fewer_than_two_coders_ticked(view):
    for _, box in view._coder_boxes[1:]:
        box.setChecked(False)
    assert view.compute() is None and "at least two" in view.status.text()
