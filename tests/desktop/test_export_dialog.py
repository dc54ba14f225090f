"""The Export dialog: presets, filters, export on the worker with progress, Cancel."""

from __future__ import annotations

import csv

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.dialogs.export import ExportDialog, open_export
from desktop.session import ProjectSession
from tests.db.export.support import ARABIC, ARTIFACTS, build


@pytest.fixture
def session(proj, qtbot):
    ps = ProjectSession(proj)
    ps.set_coder("Lina")
    yield ps
    ps.close()  # drains the worker, stops the watch


@pytest.fixture
def made(proj):
    return build(proj)


def _open(session, qtbot, preset) -> ExportDialog:
    dialog = open_export(session, None, preset)
    qtbot.addWidget(dialog)
    return dialog


def _finish(dialog, qtbot) -> None:
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30000)


def test_a_preset_from_the_coded_excerpts_view_exports_a_pdf(session, made, qtbot, tmp_path):
    out = tmp_path / "fear.pdf"
    dialog = _open(session, qtbot, {"code_ids": [made.codes["Fear"]], "title": "Fear",
                                    "path": str(out)})
    assert "1 excerpt(s)" in dialog.count_label.text()
    assert dialog.selection().code_ids == [made.codes["Fear"]]
    seen = []
    dialog.start_export()
    dialog.task.progressed.connect(lambda d, t, m: seen.append((d, t)))
    assert not dialog.findChildren(type(dialog.code_tree.parent()))[0].isEnabled()
    _finish(dialog, qtbot)
    assert "Saved fear.pdf: 1 excerpt(s)" in dialog.message_label.text()
    assert PdfReader(str(out)).metadata.title == "Fear"
    assert dialog.export_button.isEnabled()
    dialog.grab().save(str(ARTIFACTS / "export_dialog.png"))


def test_ticking_filters_updates_the_count(session, made, qtbot):
    dialog = _open(session, qtbot, {})
    total = len(made.excerpts)
    assert f"{total} excerpt(s)" in dialog.count_label.text()
    item = next(i for i in dialog.code_tree.findItems("Displacement", Qt.MatchFlag.MatchStartsWith)
                if i.data(0, Qt.ItemDataRole.UserRole) == made.codes["Displacement"])
    item.setCheckState(0, Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: "3 excerpt(s)" in dialog.count_label.text())
    dialog.subcodes_box.setChecked(False)
    qtbot.waitUntil(lambda: "2 excerpt(s)" in dialog.count_label.text())
    dialog.date_from.setText("2030-01-01")
    qtbot.waitUntil(lambda: "No excerpt" in dialog.count_label.text())
    assert not dialog.export_button.isEnabled()


def test_a_quote_table_from_hand_picked_excerpts(session, made, qtbot, tmp_path):
    out = tmp_path / "picked.csv"
    picked = [made.excerpts["water"], made.excerpts["undp"]]
    dialog = _open(session, qtbot, {"excerpt_ids": picked, "format": "csv", "path": str(out)})
    assert "2 chosen excerpt(s)" in dialog.preset_label.text()
    assert not dialog.labels_box.isEnabled()  # PDF-only choices are off for a table
    dialog.start_export()
    _finish(dialog, qtbot)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(int(r["excerpt id"]) for r in rows) == sorted(picked)


def test_a_whole_source(session, made, qtbot, tmp_path):
    out = tmp_path / "source.pdf"
    dialog = _open(session, qtbot, {"source_id": made.sources[ARABIC], "whole": True,
                                    "path": str(out)})
    assert dialog.whole_source() and "whole source" in dialog.count_label.text()
    dialog.start_export()
    _finish(dialog, qtbot)
    assert out.exists() and "3 footnote(s)" in dialog.message_label.text()


def test_cancel_writes_nothing_and_says_so(session, made, qtbot, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "cancelled.pdf"
    dialog = _open(session, qtbot, {"path": str(out)})
    job = dialog._job(out)
    dialog._job = lambda path: (lambda s, progress, cancelled: job(s, progress, lambda: True))
    dialog.start_export()
    assert dialog.progress.isVisible() and not dialog.close_button.isEnabled()
    dialog.progress.cancel_button.click()  # asks the task to stop; the dialog stays open
    assert dialog.isVisible() and "Stopping" in dialog.progress.message.text()
    _finish(dialog, qtbot)
    assert "cancelled" in dialog.message_label.text() and not out.exists()
    assert list((tmp_path / "out").iterdir()) == []
    assert dialog.progress.isHidden() and dialog.close_button.isEnabled()


def test_errors_are_shown_in_the_dialog(session, made, qtbot, tmp_path):
    dialog = _open(session, qtbot, {"path": str(tmp_path / "missing" / "x.pdf")})
    dialog.start_export()
    _finish(dialog, qtbot)
    assert "no such folder" in dialog.message_label.text()
    dialog.path_edit.setText("")
    dialog.start_export()
    assert "Choose a file" in dialog.message_label.text() and dialog.task is None


def test_incomplete_references_are_named_with_a_link_to_complete_them(
        session, made, qtbot, monkeypatch, proj):
    from db.ops import bind
    from db.ops.references import edit_source_csl
    from db.queries.citations import source_csl
    from desktop.dialogs.reference_form import SourceReferenceDialog
    from tests.db.coding_support import run
    from tests.db.export.support import ENGLISH

    english = made.sources[ENGLISH]
    with proj.sessions() as s:
        csl = source_csl(s, english)["csl"]
    assert csl["author"] and csl["issued"]  # read from the byline at import
    run(proj, bind(edit_source_csl, source_id=english,
                   csl={k: v for k, v in csl.items() if k != "author"}))
    dialog = _open(session, qtbot, {})
    assert dialog.incomplete_label.isVisibleTo(dialog)
    text = dialog.incomplete_label.text()
    assert f'href="{english}"' in text and "Raqqa After the Battle" in text
    assert "(no author)" in text
    dialog.grab().save(str(ARTIFACTS / "export_dialog_incomplete.png"))
    opened = []

    def complete(form):
        opened.append(form.source_id)
        run(proj, bind(edit_source_csl, source_id=english, csl=csl))
        return 1

    monkeypatch.setattr(SourceReferenceDialog, "exec", complete)
    dialog.incomplete_label.linkActivated.emit(str(english))
    assert opened == [english]
    assert f'href="{english}"' not in dialog.incomplete_label.text()


def test_guesses_are_marked_in_the_reference_form_and_gaps_flagged_in_the_citation_editor(
        session, made, qtbot, monkeypatch, proj):
    from db.ops import bind
    from db.ops.references import edit_source_csl
    from db.queries.citations import source_csl
    from desktop.dialogs.citation_editor import CitationDialog
    from desktop.dialogs.reference_form import SourceReferenceDialog
    from tests.db.coding_support import run
    from tests.db.export.support import ENGLISH

    english = made.sources[ENGLISH]
    form = SourceReferenceDialog(session, english)
    qtbot.addWidget(form)
    assert form.form.guessed == ["author", "container-title", "issued"]
    label = form.form.form.labelForField(form.form.edits["author"])
    assert label.text() == "Authors (guessed)"
    assert "By Miriam Halloran, Euphrates Review" in label.toolTip()
    form.grab().save(str(ARTIFACTS / "source_reference_guessed.png"))
    with proj.sessions() as s:
        csl = source_csl(s, english)["csl"]
    run(proj, bind(edit_source_csl, source_id=english,
                   csl={k: v for k, v in csl.items() if k != "issued"}))
    editor = CitationDialog(session, made.excerpts["water"])
    qtbot.addWidget(editor)
    assert editor.incomplete_label.isVisibleTo(editor)
    assert "no date" in editor.incomplete_label.text()
    monkeypatch.setattr(SourceReferenceDialog, "exec", lambda self: run(
        proj, bind(edit_source_csl, source_id=english, csl=csl)) and 1)
    editor.incomplete_label.linkActivated.emit("complete")
    assert not editor.incomplete_label.isVisibleTo(editor)
    assert "2017" in editor.preview_label.text()


def test_ticked_statistics_open_the_pdf_with_their_charts(session, made, qtbot, tmp_path):
    out = tmp_path / "stats.pdf"
    dialog = _open(session, qtbot, {"path": str(out)})
    assert [s.kind for s in dialog.analyses()] == []  # none unless asked
    dialog.stats_boxes["frequencies"].setChecked(True)
    dialog.stats_boxes["timeline"].setChecked(True)
    assert [(s.kind, s.interval) for s in dialog.analyses()][1] == ("timeline", "month")
    dialog.start_export()
    _finish(dialog, qtbot)
    assert "Saved stats.pdf" in dialog.message_label.text(), dialog.message_label.text()
    pages = [page.extract_text() for page in PdfReader(str(out)).pages]
    assert "Code frequencies" in pages[1] and "Coded excerpts per month" in pages[2]
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    assert not dialog.stats_boxes["frequencies"].isEnabled()  # a quote table has no charts
    dialog.grab().save(str(ARTIFACTS / "export_dialog_statistics.png"))
