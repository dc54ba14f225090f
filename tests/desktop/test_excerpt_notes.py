"""An excerpt's notes: formatted citations with the article's own footnotes, adding,
editing, reordering and removing them, and memos on the excerpt; all undoable."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QWidget

from db.ops import bind
from db.ops.citations import cite
from db.ops.coding import delete_excerpt
from db.ops.references import import_references
from desktop.dialogs.citation_editor import CitationDialog
from desktop.models.citations import ltr_safe
from desktop.views.excerpt_notes import ExcerptNotes
from tests.desktop.codebook_support import ARTIFACTS
from tests.desktop.notes_support import (
    ARABIC,
    BIBTEX,
    ENGLISH,
    add_memo,
    add_sources,
    excerpt,
    open_session,
)
from tests.desktop.session_support import write

EN_PHRASE = "Families returned to Raqqa after the strikes ended.[1] There is no water"
AR_PHRASE = "عادت العائلات إلى الرقة بعد توقف الغارات [1]."


@pytest.fixture
def session(proj, qtbot):
    yield from open_session(proj)


@pytest.fixture
def data(session, proj):
    src = add_sources(proj)
    return {"sources": src, "en": excerpt(session, src["english"], ENGLISH, EN_PHRASE),
            "ar": excerpt(session, src["arabic"], ARABIC, AR_PHRASE),
            "post": excerpt(session, src["post"], "💔 Mosul: the old bridge is gone",
                            "the old bridge is gone")}


@pytest.fixture
def notes(session, data, qtbot):
    widget = ExcerptNotes()
    qtbot.addWidget(widget)
    widget.resize(560, 620)
    widget.set_session(session)
    widget.set_excerpt(data["en"])
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.set_session(None)


def texts(widget) -> list[str]:
    return [r["text"] for r in widget.model.rows()]


def fill_dialog(monkeypatch, **fields):
    """Make the citation dialog, when opened, fill itself in and save."""
    seen = []

    def run(dialog):
        seen.append(dialog)
        if "reference" in fields:
            dialog.choose(fields["reference"])
        if "label" in fields:
            dialog.label_combo.setCurrentText(fields["label"])
        if "locator" in fields:
            dialog.locator_edit.setText(fields["locator"])
        if "note" in fields:
            dialog.note_edit.setPlainText(fields["note"])
        return CitationDialog.DialogCode.Accepted if dialog.save() else 0

    monkeypatch.setattr(CitationDialog, "exec", run)
    return seen


def test_an_excerpt_shows_where_it_is_from_and_the_articles_own_note(notes, data):
    assert notes.stack.currentIndex() == 1
    assert notes.where_label.toolTip() == "Return to Raqqa · Hana Salim · 2018-03-01"
    assert notes.where_label.text().startswith(f"Excerpt {data['en']} · \u200e\u2068Return")
    assert notes.quote_label.text().startswith("“Families returned")
    (row,) = notes.model.rows()
    assert (row["cites"], row["id"], row["label"]) == ("footnote", None, "1")
    assert row["text"] == "Interview with a returning family, Raqqa, March 2018."
    notes.select_note(0)
    assert notes.buttons["edit"].isEnabled() and notes.buttons["up"].isEnabled() is False
    assert not notes.buttons["remove"].isEnabled()
    assert "travels with the excerpt" in notes.buttons["remove"].toolTip()


def test_nothing_chosen_shows_a_hint(session, qtbot):
    widget = ExcerptNotes()
    qtbot.addWidget(widget)
    widget.set_session(session)
    assert widget.stack.currentIndex() == 0
    assert "Click an excerpt" in widget.empty_label.text()


def test_add_a_citation_of_the_source_with_a_locator_then_undo(notes, session, monkeypatch):
    seen = fill_dialog(monkeypatch, label="paragraph", locator="3", note="Quoted twice.")
    notes.buttons["add"].click()
    assert "The excerpt's source (its own data)" in seen[0].list.item(0).text()
    assert "para. 3" in seen[0].preview_label.text()
    first = notes.model.rows()[0]
    assert first["cites"] == "source" and first["number"] == 1
    assert first["text"] == ("Hana Salim, “Return to Raqqa,” <i>The Levant Review</i>, March 1, "
                             "2018, para. 3, https://example.org/return-to-raqqa. Quoted twice.")
    assert notes.model.rows()[1]["cites"] == "footnote"
    assert notes.current_note()["id"] == first["id"]
    session.history.undo()
    assert [r["cites"] for r in notes.model.rows()] == ["footnote"]
    session.history.redo()
    assert len(notes.model.rows()) == 2


def test_the_style_changes_the_formatting(notes, session, data):
    write(session, bind(cite, excerpt_id=data["en"], locator_label="page", locator="4"))
    notes.refresh()
    assert notes.style() == "chicago"
    notes.set_style("apa")
    assert texts(notes)[0] == "(Salim, 2018, p. 4)"
    notes.set_style("mla")
    assert texts(notes)[0] == "(Salim 4)"
    other = ExcerptNotes()  # a new panel starts in the style last chosen
    assert other.style() == "mla"
    other.deleteLater()


def test_cite_a_library_reference_and_edit_it(notes, session, data, monkeypatch):
    imported = write(session, bind(import_references, text=BIBTEX, fmt="bibtex")).value
    hoffman = next(a["id"] for a in imported.added if a["key"] == "hoffman2017")
    fill_dialog(monkeypatch, reference=hoffman, label="page", locator="12")
    notes.add_citation()
    row = notes.current_note()
    assert row["cites"] == "reference" and row["reference_key"] == "hoffman2017"
    assert row["text"].startswith("Adam Hoffman, “The Rise and Fall of the Islamic State in "
                                  "Raqqa,” <i>Foreign Affairs</i>")
    assert "12" in row["text"]
    seen = fill_dialog(monkeypatch, locator="14", note="See also note 3.")
    notes.edit_citation()
    assert seen[0].chosen() == hoffman
    assert notes.current_note()["locator"] == "14"
    assert notes.current_note()["text"].endswith("See also note 3.")
    session.history.undo()
    assert notes.current_note()["locator"] == "12"


def test_an_edit_over_someone_elses_is_refused_and_theirs_shown(notes, session, data,
                                                                 monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from db import project
    from db.ops.citations import edit_citation

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    cid = write(session, bind(cite, excerpt_id=data["en"], locator_label="page",
                              locator="1")).value
    notes.refresh()
    notes.select_note(0)
    with project.open(session.project.path) as other, other.session() as s:  # elsewhere
        edit_citation(s, citation_id=cid, locator="7")
        s.commit()
    fill_dialog(monkeypatch, locator="9")
    notes.edit_citation()
    assert len(warnings) == 1 and "changed" in warnings[0], warnings
    notes.refresh()
    assert notes.model.rows()[0]["locator"] == "7"  # theirs, not overwritten
    assert session.history.count() == 0


def test_reorder_citations_and_place_the_articles_note(notes, session, data):
    for page in ("1", "2"):
        write(session, bind(cite, excerpt_id=data["en"], locator_label="page", locator=page))
    notes.refresh()
    assert [r["locator"] for r in notes.model.rows()] == ["1", "2", ""]
    notes.select_note(1)
    notes.buttons["up"].click()
    assert [r["locator"] for r in notes.model.rows()] == ["2", "1", ""]
    assert notes.notes.currentIndex().row() == 0
    notes.select_note(2)  # the article's own note
    assert not notes.buttons["down"].isEnabled() and not notes.buttons["remove"].isEnabled()
    notes.buttons["up"].click()
    rows = notes.model.rows()
    assert [r["cites"] for r in rows] == ["source", "footnote", "source"]
    assert rows[1]["id"] is not None and rows[1]["kind"] == "citation"
    session.history.undo()
    session.history.undo()
    assert [r["locator"] for r in notes.model.rows()] == ["1", "2", ""]


def test_remove_a_citation_then_undo(notes, session, data):
    write(session, bind(cite, excerpt_id=data["en"], locator="p. 9"))
    notes.refresh()
    notes.select_note(0)
    notes.buttons["remove"].click()
    assert [r["cites"] for r in notes.model.rows()] == ["footnote"]
    session.history.undo()
    assert notes.model.rows()[0]["locator"] == "9"


def test_a_note_of_ones_own_on_the_articles_footnote(notes, session, monkeypatch):
    notes.select_note(0)
    seen = fill_dialog(monkeypatch, note="The interview is not dated.")
    notes.edit_citation()
    assert not seen[0].list.isEnabled()
    (row,) = notes.model.rows()
    assert row["text"].endswith("March 2018. The interview is not dated.")
    assert row["id"] is not None
    session.history.undo()
    assert notes.model.rows()[0]["id"] is None


def test_a_post_is_cited_as_the_style_cites_posts(notes, data, session):
    write(session, bind(cite, excerpt_id=data["post"]))
    notes.set_excerpt(data["post"])
    assert texts(notes)[0].startswith("@mosuleye, ")
    assert "Twitter, January 5, 2019" in texts(notes)[0]


def test_copy_puts_the_numbered_notes_on_the_clipboard(notes, session, data):
    write(session, bind(cite, excerpt_id=data["en"]))
    notes.refresh()
    notes.buttons["copy"].click()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("1. Hana Salim, “Return to Raqqa,” The Levant Review")
    assert lines[1] == "2. Interview with a returning family, Raqqa, March 2018."


def test_memos_on_the_excerpt_are_written_opened_and_deleted(notes, session, data, qtbot):
    editor = notes.new_memo()
    assert editor.target == "excerpt" and editor.target_id == data["en"]
    editor.title_edit.setText("Water first")
    editor.body.setPlainText("They speak of water before homes.")
    assert editor.save()
    assert "Water first  — Hana" in notes.memos.item(0).text()
    notes.memos.setCurrentRow(0)
    opened = notes.open_memo()
    assert opened.title_edit.text() == "Water first"
    opened.discard()
    notes.buttons["delete_memo"].click()
    assert notes.memos.item(0).text() == "No memo on this excerpt yet."
    session.history.undo()
    assert notes.memos.item(0).text().startswith("Water first")


def test_links_in_a_memo_reach_the_window(notes, session, data, qtbot):
    memo = add_memo(session, "excerpt", data["en"], title="See",
                    body=f"[the Arabic one](quire://excerpt/{data['ar']})")
    editor = notes.open_memo(memo)
    with qtbot.waitSignal(notes.target_activated) as got:
        editor.links_label.linkActivated.emit(f"quire://excerpt/{data['ar']}")
    assert got.args == ["excerpt", data["ar"]]
    editor.discard()


def test_the_excerpt_deleted_empties_the_panel(notes, session, data):
    session.run(bind(delete_excerpt, excerpt_id=data["en"]))
    assert notes.stack.currentIndex() == 0
    session.history.undo()
    notes.set_excerpt(data["en"])
    assert notes.stack.currentIndex() == 1


def test_arabic_names_in_an_english_citation_keep_their_places():
    text = "سارة علي, “العودة إلى الرقة,” <i>الجزيرة نت</i>, May 2, 2018."
    safe = ltr_safe(text)
    assert safe.replace("\u200e", "") == text
    assert "علي,\u200e “\u200eالعودة" in safe and "<i>" in safe
    assert ltr_safe("Plain, English.") == "Plain, English."


def test_screenshot(session, data, qtbot):
    imported = write(session, bind(import_references, text=BIBTEX, fmt="bibtex")).value
    hoffman = next(a["id"] for a in imported.added if a["key"] == "hoffman2017")
    write(session, bind(cite, excerpt_id=data["ar"], locator_label="paragraph", locator="2"))
    write(session, bind(cite, excerpt_id=data["en"], reference_id=hoffman,
                         locator_label="page", locator="12", note="On the return."))
    add_memo(session, "excerpt", data["ar"], title="الماء أولاً",
             body="Compare with the English article.")
    add_memo(session, "excerpt", data["en"], title="Water before homes",
             body="Returnees speak of water first.")
    frame = QWidget()
    qtbot.addWidget(frame)
    row = QHBoxLayout(frame)
    for eid in (data["ar"], data["en"]):
        panel = ExcerptNotes(frame)
        panel.set_session(session)
        panel.set_excerpt(eid)
        row.addWidget(panel)
    frame.resize(1100, 560)
    frame.show()
    qtbot.waitExposed(frame)
    ARTIFACTS.mkdir(exist_ok=True)
    assert frame.grab().save(str(ARTIFACTS / "excerpt_notes.png"))
    for panel in frame.findChildren(ExcerptNotes):
        panel.set_session(None)


def test_a_hidden_panel_catches_up_when_shown(notes, session, data):
    notes.hide()
    session.run(bind(cite, excerpt_id=data["en"], locator="p. 5"))
    assert len(notes.model.rows()) == 1
    notes.show()
    assert [r["locator"] for r in notes.model.rows()] == ["5", ""]
