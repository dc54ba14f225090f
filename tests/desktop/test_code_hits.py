"""Code all hits: choose a code and a unit, tick hits, preview, code in one undo step."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from db.queries import excerpts as excerpt_queries
from desktop.dialogs import code_hits as dialog_module
from desktop.dialogs.code_hits import CodeHitsDialog, code_hits, hits_from_kwic
from tests.desktop.codebook_support import (
    ARABIC,
    ARTIFACTS,
    ENGLISH,
    POST,
    add_sources,
    make_codebook,
    span_of,
)


@pytest.fixture
def sources(proj):
    return add_sources(proj)


@pytest.fixture
def codes(session):
    return make_codebook(session)


def hit(source_id: int, text: str, word: str, nth: int = 0):
    """A search hit on the ``nth`` occurrence of ``word``, with its KWIC contexts."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    end = start + len(word)
    return (source_id, start, end, text[max(0, start - 40):start], word, text[end:end + 40])


@pytest.fixture
def hits(sources):
    return [hit(sources["english"], ENGLISH, "water"),
            hit(sources["english"], ENGLISH, "electricity"),
            hit(sources["english"], ENGLISH, "hope", 1),
            hit(sources["arabic"], ARABIC, "ماء"),
            hit(sources["post"], POST, "river")]


@pytest.fixture
def dialog(session, hits, codes, qtbot):
    d = CodeHitsDialog(session, hits)
    qtbot.addWidget(d)
    return d


def code(dialog, qtbot) -> None:
    """Press OK and wait for the worker to finish coding (or to refuse)."""
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.progress.is_running(), timeout=10_000)


def coded(session, code_id):
    with session.read() as s:
        return [r["text"] for r in excerpt_queries.retrieve(s, code_ids=[code_id])]


def test_every_hit_is_ticked_and_listed_with_its_source(dialog, hits):
    assert dialog.ticked() == [0, 1, 2, 3, 4]
    item = dialog.hit_list.topLevelItem(0)
    assert item.text(0) == "Return to Raqqa" and item.text(2) == "water"
    assert item.text(1).endswith("There is no ")
    arabic = dialog.hit_list.topLevelItem(3)
    assert arabic.text(2) == "ماء" and arabic.text(3).endswith("الغارات. لا ")  # before: right
    assert dialog.hit_list.topLevelItem(4).text(0) == "Mosul Eye: post"


def test_the_preview_shows_exactly_the_passages_to_code(dialog, sources):
    dialog.set_unit("hit")
    assert [p[1:] for p in dialog.spans()] == [span_of(ENGLISH, "water"),
                                               span_of(ENGLISH, "electricity"),
                                               (ENGLISH.index("hope to"),
                                                ENGLISH.index("hope to") + 4),
                                               span_of(ARABIC, "ماء"), span_of(POST, "river")]
    dialog.set_unit("sentence")
    texts = [ENGLISH[a:b] if s == sources["english"] else ARABIC[a:b] if s == sources["arabic"]
             else POST[a:b] for s, a, b in dialog.spans()]
    assert texts == ["There is no water and no electricity.",
                     "Many feel hopeless; some still hope to rebuild their homes before winter.",
                     "لا ماء ولا كهرباء في المدينة.",
                     "💔 Mosul: the old bridge is gone and the river is the only way across."]
    preview = dialog.preview.toPlainText()
    assert "There is no water and no electricity." in preview
    assert preview.count("There is no water") == 1  # two hits, one passage
    assert "4 passages" in dialog.summary.text() and "1 hit share" in dialog.summary.text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Code 4 Passages" and ok.isEnabled()


def test_paragraph_and_whole_source_units(dialog, sources):
    dialog.set_unit("paragraph")
    assert [(s, a, b) for s, a, b in dialog.spans()][0] == (
        sources["english"], 0, ENGLISH.index("\n\n"))
    dialog.set_unit("source")
    assert dialog.spans() == [(sources["english"], 0, len(ENGLISH)),
                              (sources["arabic"], 0, len(ARABIC)),
                              (sources["post"], 0, len(POST))]


def test_unticking_hits_changes_the_preview(dialog, qtbot):
    dialog.tick_all(False)
    assert dialog.spans() == [] and "Tick the hits" in dialog.summary.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    item = dialog.hit_list.topLevelItem(3)
    item.setCheckState(0, Qt.CheckState.Checked)
    assert dialog.ticked() == [3]
    assert dialog.preview.toPlainText().count("\n") == 1  # one header, one passage
    assert "ماء" in dialog.preview.toPlainText()


def test_coding_is_one_undo_step(dialog, session, codes, qtbot):
    dialog.choose_code(codes["Water"])
    dialog.set_unit("sentence")
    dialog.tick([0, 1, 3])
    dialog.accept()
    assert dialog.progress.is_running() and "Coding 2 passages" in dialog.progress.message.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert coded(session, codes["Water"]) == ["There is no water and no electricity.",
                                              "لا ماء ولا كهرباء في المدينة."]
    assert session.history.count() == 1
    assert session.history.undo_text() == "Apply code 'Water' to 2 passage(s)"
    session.history.undo()
    assert coded(session, codes["Water"]) == []
    session.history.redo()
    assert len(coded(session, codes["Water"])) == 2


def test_a_new_code_and_its_coding_are_one_undo_step(dialog, session, codes, qtbot):
    dialog.choose_code(None, "Themes/Rivers")
    dialog.tick([4])
    assert "“Themes/Rivers”" in dialog.summary.text()
    code(dialog, qtbot)
    with session.read() as s:
        from db.queries.codes import code_by_path

        rivers = code_by_path(s, "Themes/Rivers")
    assert rivers is not None and coded(session, rivers) == ["river"]
    assert session.history.count() == 1
    session.history.undo()
    with session.read() as s:
        assert code_by_path(s, "Themes/Rivers") is None
    session.history.redo()
    assert coded(session, rivers) == ["river"]


def test_a_new_code_needs_a_name(dialog):
    dialog.choose_code(None, "  ")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_a_refusal_shows_the_message_and_keeps_the_dialog(dialog, session, codes, monkeypatch,
                                                           qtbot):
    dialog.choose_code(codes["Water"])
    dialog.tick([0])
    code(dialog, qtbot)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(text))
    again = CodeHitsDialog(session, dialog.hits)
    qtbot.addWidget(again)
    again.choose_code(codes["Water"])
    again.tick([0])
    code(again, qtbot)
    assert shown == ["Every one of these passages already has code 'Water'."]
    assert again.result() != QDialog.DialogCode.Accepted and session.history.count() == 1
    assert again.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_cancel_while_coding_codes_nothing(dialog, session, codes, qtbot, monkeypatch):
    gate = threading.Event()
    real = dialog_module.code_spans

    def slow(*args, **kwargs):  # holds the worker until Cancel has been pressed
        gate.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(dialog_module, "code_spans", slow)
    dialog.choose_code(codes["Water"])
    dialog.tick([0, 1])
    dialog.accept()
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(ARTIFACTS / "code_hits_coding.png"))
    dialog.reject()  # Escape while coding is Cancel, and the dialog stays open
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.progress.is_cancelling()
    assert "nothing will be coded" in dialog.progress.message.text()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.progress.is_running(), timeout=10_000)
    assert dialog.summary.text() == "Cancelled: nothing was changed."
    assert coded(session, codes["Water"]) == [] and session.history.count() == 0


def test_code_hits_function(session, hits, codes, monkeypatch, qtbot):
    def run(dialog):
        dialog.choose_code(codes["Hope"])
        dialog.tick([2])
        code(dialog, qtbot)
        return dialog.result()

    monkeypatch.setattr(dialog_module.CodeHitsDialog, "exec", run)
    assert code_hits(session, hits) is True
    assert coded(session, codes["Hope"]) == ["hope"]
    assert code_hits(session, []) is False


def test_kwic_rows_become_hits_without_titles_or_footnotes():
    row = SimpleNamespace(hit=SimpleNamespace(source_id=3, start=5, end=9, where="text"),
                          left="a ", match="word", right=" b")
    title = SimpleNamespace(hit=SimpleNamespace(source_id=3, start=0, end=4, where="title"),
                            left="", match="Word", right="")
    assert hits_from_kwic([row, title]) == [(3, 5, 9, "a ", "word", " b")]


def test_long_passages_are_previewed_by_their_ends(session, proj, codes, qtbot):
    from tests.desktop.codebook_support import add_source

    text = "Start of a long report. " + "x" * 3000 + " the end word here."
    sid = add_source(proj, text, title="Long report")
    d = CodeHitsDialog(session, [hit(sid, text, "word")])
    qtbot.addWidget(d)
    d.set_unit("source")
    preview = d.preview.toPlainText()
    assert preview.startswith("Long report") and "more characters] …" in preview
    assert preview.rstrip().endswith("the end word here.")


def test_screenshot_of_the_preview(dialog, codes, qtbot):
    dialog.choose_code(codes["Water"])
    dialog.set_unit("sentence")
    dialog.show()
    qtbot.waitExposed(dialog)
    ARTIFACTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / "code_hits_preview.png"))
