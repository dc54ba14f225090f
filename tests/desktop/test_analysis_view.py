"""The Analysis menu and dock in the real window: each statistic computed on the worker,
its chart and table shown, a click opening exactly the excerpts behind it in the Coded
excerpts view, the Sources pane's filter honoured; screenshots in tests/artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent
from PySide6.QtWidgets import QApplication

from db import project
from desktop.main_window import MainWindow
from tests.db.analysis.support import build

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def opened(qtbot, tmp_path):
    path = tmp_path / "small.quire"
    proj = project.create(path)
    small = build(proj)
    proj.close()
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(path)
    yield win, small
    win.close_project()


def _compute(qtbot, win, kind: str):
    view = win.analysis.view
    with qtbot.waitSignal(view.computed, timeout=10000):
        win.analysis.actions[kind].trigger()
    return view


def _screenshot(win, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    assert win.grab().save(str(ARTIFACTS / name))


def test_the_menu_opens_each_statistic(opened, qtbot):
    win, small = opened
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Analysis")
    assert [a.text() for a in menu.actions()] == [
        "Code frequencies…", "Co-occurrence…", "Crosstab…", "Timeline…", "Words…"]
    view = _compute(qtbot, win, "frequencies")
    assert win.analysis.dock.isVisible()
    assert view.model.rowCount() == 5 and view.model.index(0, 1).data() == "3"
    assert "How often" not in view.help.text() and "Code frequencies." in view.help.text()
    _screenshot(win, "analysis_frequencies_window.png")


def test_a_click_opens_exactly_the_excerpts_behind_it(opened, qtbot):
    win, small = opened
    view = _compute(qtbot, win, "cooccurrence")
    d, f = small.codes["Despair"], small.codes["Defiance"]
    assert view.open_keys(d, f) == small.ids("E1", "E2", "E3")
    excerpts = win.panes.excerpts
    assert sorted(excerpts.model.row_data(i)["id"] for i in range(excerpts.model.rowCount())) \
        == small.ids("E1", "E2", "E3")
    assert "Despair × Defiance" in excerpts.count_label.text()
    assert win.panes.excerpts_dock.isVisible()
    _screenshot(win, "analysis_cooccurrence_click.png")


def test_a_bar_pick_on_the_canvas(opened, qtbot):
    win, small = opened
    view = _compute(qtbot, win, "frequencies")
    bar = next(a for a, keys in view.chart.targets.items()
               if keys[0] == small.codes["Counter-messaging"])
    canvas = view.canvas
    canvas.draw()
    x, y = bar.get_center()
    px, py = bar.axes.transData.transform((x, y))
    with qtbot.waitSignal(view.excerpts_requested) as got:
        MouseEvent("button_press_event", canvas, px, py, MouseButton.LEFT)._process()
    assert got.args[0] == small.ids("E10", "E11")


def test_the_sources_pane_filter_and_crosstab(opened, qtbot):
    win, small = opened
    view = win.analysis.view
    view.set_source_filter({"platform": "telegram"})
    view.by.setCurrentIndex(view.by.findData("collection"))
    view = _compute(qtbot, win, "crosstab")
    assert view.result.col_labels == ["Channels"]
    assert view.result.layers["count"][1] == [1]  # Defiance: E10
    view.set_source_filter(None)
    with qtbot.waitSignal(view.computed, timeout=10000):
        view.refresh()
    assert view.result.col_labels == ["Articles", "Tweets", "Channels"]
    view.layer.setCurrentIndex(view.layer.findData("row %"))
    assert view.model.index(0, 1).data() == "66.7"
    _screenshot(win, "analysis_crosstab_window.png")


def test_timeline_and_words_views(opened, qtbot, tmp_path):
    win, _ = opened
    view = _compute(qtbot, win, "timeline")
    assert view.result.row_labels == ["2016-05", "2016-06"]
    assert "Undated: 2 coded excerpt(s)" in view.help.text()
    _screenshot(win, "analysis_timeline_window.png")
    view = _compute(qtbot, win, "words")
    assert view.result.rows[0][0] == "despair"
    view.save_chart(str(tmp_path / "w.svg"))
    view.save_table(str(tmp_path / "w.csv"))
    assert (tmp_path / "w.svg").exists() and (tmp_path / "w.csv").exists()
    _screenshot(win, "analysis_words_window.png")
