"""Coders: the first-run name prompt, Preferences, and the coder filter widget."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from db.ops import bind
from db.ops.coders import ensure_coder
from desktop import settings
from desktop.dialogs import coder as coder_module
from desktop.dialogs.coder import (
    CoderNameDialog,
    PreferencesDialog,
    ask_coder_name,
    edit_preferences,
    ensure_coder_name,
)
from desktop.session import ProjectSession
from desktop.widgets.coder_filter import CoderFilter
from tests.desktop.session_support import write


@pytest.fixture
def session(proj, qtbot):
    ps = ProjectSession(proj)
    yield ps
    ps.close()  # drains the worker, stops the watch


def answer(monkeypatch, cls, text: str | None):
    """Make ``cls.exec`` type ``text`` and press OK (None: Cancel)."""
    shown = []

    def fake_exec(dialog):
        shown.append(dialog)
        if text is None:
            return QDialog.DialogCode.Rejected
        dialog.name_edit.setText(text)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(cls, "exec", fake_exec)
    return shown


def test_first_run_asks_once_and_remembers(monkeypatch, qtbot):
    shown = answer(monkeypatch, CoderNameDialog, "  Hana   Salim ")
    assert settings.coder_name() == ""
    assert ensure_coder_name() == "Hana Salim"
    assert settings.coder_name() == "Hana Salim"
    assert ensure_coder_name() == "Hana Salim"
    assert len(shown) == 1, "the name is asked at first run only"
    assert shown[0].windowTitle() == "Welcome to Quire"


def test_declining_stores_nothing(monkeypatch):
    answer(monkeypatch, CoderNameDialog, None)
    assert ask_coder_name() == ""
    assert settings.coder_name() == ""


def test_the_prompt_suggests_the_login_name_and_needs_a_name(monkeypatch, qtbot):
    monkeypatch.setattr(coder_module, "_guess_name", lambda: "hsalim")
    dialog = CoderNameDialog(coder_module._guess_name())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.name_edit.text() == "hsalim" and ok.isEnabled()
    dialog.name_edit.setText("   ")
    assert not ok.isEnabled()


def test_preferences_change_the_name_for_the_open_project(session, monkeypatch):
    settings.set_coder_name("Hana")
    session.set_coder("Hana")
    first = session.coder_id()
    answer(monkeypatch, PreferencesDialog, "Omar")
    assert edit_preferences(session) is True
    assert settings.coder_name() == "Omar"
    assert session.coder_name == "Omar" and session.coder_id() != first


def test_preferences_cancelled_change_nothing(session, monkeypatch, qtbot):
    settings.set_coder_name("Hana")
    answer(monkeypatch, PreferencesDialog, None)
    assert edit_preferences(session) is False and settings.coder_name() == "Hana"
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "Hana"


def test_coder_filter_drives_the_session_and_follows_it(session, qtbot):
    hana = write(session, bind(ensure_coder, name="Hana")).value
    omar = write(session, bind(ensure_coder, name="Omar")).value
    first, second = CoderFilter(), CoderFilter()
    for widget in (first, second):
        qtbot.addWidget(widget)
        widget.set_session(session)
    assert [first.combo.itemText(i) for i in range(first.combo.count())] == \
        ["Everyone", "Hana", "Omar"]
    with qtbot.waitSignal(session.coder_filter_changed) as got:
        first.choose(omar)
    assert got.args == [{omar}] and session.visible_coders == {omar}
    assert second.coder_id() == omar, "every filter on screen shows the same choice"
    session.show_coders({hana})
    assert first.coder_id() == hana
    first.choose(None)
    assert session.visible_coders is None and second.combo.currentText() == "Everyone"


def test_coder_filter_lists_a_coder_made_on_first_coding(session, qtbot):
    widget = CoderFilter()
    qtbot.addWidget(widget)
    widget.set_session(session)
    assert widget.combo.count() == 1
    session.set_coder("Lina")
    session.coder_id()  # made quietly; the next coding announces excerpts
    from db.changes import Changes

    session.announce(Changes().add("excerpts", [1]))
    assert widget.combo.itemText(1) == "Lina"
    widget.set_session(None)
    assert widget.combo.count() == 1
