"""Help ▸ Quire Guide and Keyboard Shortcuts (issue 17), the audit that no key is bound
twice, and the empty states that say what to do next."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from db import project
from desktop import shortcuts
from desktop.main_window import MainWindow
from desktop.views.guide import SHORTCUTS_TOPIC, shortcuts_html

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TOPICS = ["Getting started", "The window and its panes", "The query language", "Coding",
          "Memos and citations", "Export", "Exchange and merging", "Coder agreement",
          "Analysis", "Keyboard shortcuts"]


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    path = tmp_path / "Empty.quire"
    project.create(path).close()
    assert win.open_project(path)
    yield win
    win.close_project()


def _help_menu(win):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == "&Help")


def test_help_menu_has_the_guide_and_the_shortcuts(window):
    texts = [a.text() for a in _help_menu(window).actions() if a.text()]
    assert texts == ["Quire &Guide", "&Keyboard Shortcuts", "&About Quire"]


def test_the_guide_covers_every_topic_and_searches(window, qtbot):
    window.action_guide.trigger()
    guide = window._guide_dialog
    qtbot.waitExposed(guide)
    assert guide.shown_titles() == TOPICS
    guide.search_edit.setText("kappa")
    assert guide.shown_titles() == ["Coder agreement"]
    guide.search_edit.setText("date:2017")  # the query language is the Search panel's own
    assert guide.shown_titles() == ["The query language"]
    guide.search_edit.setText("RAQQA الرَّقَّة")  # folded as search folds: case, harakat
    assert guide.shown_titles() == ["The query language"]
    guide.search_edit.setText("zzqx nothing")
    assert guide.shown_titles() == [] and guide.none_label.isVisible()
    guide.search_edit.clear()
    ARTIFACTS.mkdir(exist_ok=True)
    guide.show_topic("Getting started")
    QApplication.processEvents()
    assert guide.grab().save(str(ARTIFACTS / "help_guide.png"))


def test_keyboard_shortcuts_come_from_the_actions(window, qtbot):
    window.action_shortcuts.trigger()
    guide = window._guide_dialog
    assert guide.topic_list.currentItem().text() == SHORTCUTS_TOPIC
    page = guide.page.toPlainText()
    for action in (window.action_new, window.panes.action_search,
                   window.reader.coding.actions["quick_code"]):
        assert action.text().replace("&", "") in page
    # an action added later is listed too: the page is generated, not written
    window.make_action("Zebra Check", lambda: None, "Ctrl+Alt+Z")
    assert "Zebra Check" in shortcuts_html(window)
    QApplication.processEvents()
    assert guide.grab().save(str(ARTIFACTS / "help_shortcuts.png"))


def test_no_key_is_bound_twice_in_the_window_and_its_panes(window):
    found = shortcuts.bindings(window)
    assert len(found) > 30
    keys = {b.key for b in found}
    assert {"Ctrl+N", "Ins", "Ctrl+K", "Ctrl+Shift+F", "F1"} <= keys
    assert shortcuts.clashes(found) == []
    new = [b for b in found if b.key == "Ctrl+N"]
    assert [b.text for b in new] == ["New Project…"]


def test_the_audit_sees_a_clash(window):
    window.make_action("Another Search", lambda: None, "Ctrl+Shift+F")
    clashes = shortcuts.clashes(shortcuts.bindings(window))
    assert [{a.text, b.text} for a, b in clashes] == [{"Search All Sources…",
                                                       "Another Search"}]


def test_an_empty_project_offers_import_and_an_empty_codebook_new_code(window, qtbot):
    reader = window.reader
    qtbot.waitUntil(reader.import_button.isVisible, timeout=5000)
    assert "no sources yet" in reader.empty_label.text()
    codes = window.panes.codes
    qtbot.waitUntil(codes.empty_hint.isVisible, timeout=5000)
    assert codes.empty_new_button.isVisible() and codes.empty_import_button.isEnabled()
    ARTIFACTS.mkdir(exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "empty_project.png"))
    codes.empty_new_button.click()
    qtbot.waitUntil(lambda: codes.model.pending_index().isValid(), timeout=5000)
