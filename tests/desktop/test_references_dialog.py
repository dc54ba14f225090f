"""The reference library and the Source reference dialog: import with its report, the
CSL form, linking to sources, deleting a cited reference, all undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from db.ops import bind
from db.ops.citations import cite
from db.ops.references import create_reference
from db.queries.citations import reference_list, source_csl
from desktop.dialogs import references as references_module
from desktop.dialogs.reference_form import (
    CslForm,
    ReferenceEditor,
    SourceReferenceDialog,
    name_line,
    parse_name,
)
from desktop.dialogs.references import LinkSourcesDialog, ReferenceLibrary, report_lines
from desktop.models.references import AUTHORS, KEY, TITLE, TYPE, YEAR
from tests.desktop.codebook_support import ARTIFACTS
from tests.desktop.notes_support import (
    BIBTEX,
    ENGLISH,
    add_sources,
    excerpt,
    open_session,
)
from tests.desktop.session_support import write


@pytest.fixture
def session(proj, qtbot):
    yield from open_session(proj)

@pytest.fixture
def sources(proj):
    return add_sources(proj)


@pytest.fixture
def library(session, sources, qtbot):
    dialog = ReferenceLibrary(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def bib_file(tmp_path):
    path = tmp_path / "zotero.bib"
    path.write_text(BIBTEX, encoding="utf-8")
    return path


@pytest.fixture
def reports(monkeypatch):
    shown = []
    monkeypatch.setattr(references_module.ImportReport, "exec",
                        lambda self: shown.append(self) or 1)
    return shown


def references(session):
    with session.read() as s:
        return {r["key"]: r for r in reference_list(s)}


def cells(library, row, columns=(KEY, AUTHORS, TITLE, YEAR, TYPE)):
    return [library.proxy.index(row, c).data() for c in columns]


def test_import_shows_the_report_with_line_numbers_and_is_undoable(
        library, session, sources, bib_file, reports, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bib_file), ""))
    library.buttons["import"].click()
    (report,) = reports
    assert report.summary.text() == ("zotero.bib: 2 references imported, 1 could not be "
                                     "read, 1 linked to sources.")
    lines = [report.list.item(i).text() for i in range(report.list.count())]
    assert lines[0].startswith("Line 10: not imported:")
    assert report.list.item(0).foreground().color().name() == "#b71c1c"
    assert "Line 1: imported hoffman2017: The Rise and Fall of the Islamic State in Raqqa" \
        in lines
    assert f"Linked unhabitat2018 to source {sources['english']} (same url)" in lines
    assert library.proxy.rowCount() == 2
    assert cells(library, 0) == ["hoffman2017", "Adam Hoffman", "The Rise and Fall of the "
                                 "Islamic State in Raqqa", "2017", "article-journal"]
    assert library.status_label.text() == "2 references"
    session.history.undo()
    assert library.proxy.rowCount() == 0
    with session.read() as s:
        assert source_csl(s, sources["english"])["reference_id"] is None
    session.history.redo()
    assert library.proxy.rowCount() == 2


def test_an_import_that_adds_nothing_leaves_no_undo_step(library, session, tmp_path, reports):
    path = tmp_path / "broken.ris"
    path.write_text("TY  - JOUR\nTI  - Never ended\n", encoding="utf-8")
    report = library.import_file(path)
    assert report is not None and not report.added and report.problems
    assert session.history.count() == 0
    assert report_lines(report)[0][1] is True


def test_an_unreadable_file_is_refused_with_a_message(library, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    assert library.import_file(tmp_path / "missing.bib") is None
    assert "no such file" in warnings[0]


def test_the_form_edits_fields_and_keeps_unknown_ones(library, session, qtbot):
    csl = {"type": "article-journal", "title": "Old title", "author": [
        {"family": "Hoffman", "given": "Adam"}], "issued": {"date-parts": [[2017, 10]]},
        "x-archive-box": "B-12", "note": "from Zotero"}
    rid = write(session, bind(create_reference, csl=csl, key="hoffman2017")).value
    library.refresh()
    library.select(rid)
    editor = ReferenceEditor(session, library.current(), library)
    qtbot.addWidget(editor)
    form = editor.form
    assert form.text_of("author") == "Hoffman, Adam"
    assert form.text_of("issued") == "2017-10"
    assert "x-archive-box" in form.others_label.text()
    form.set_field("title", "The Rise and Fall of the Islamic State")
    form.set_field("author", "Hoffman, Adam\n{Foreign Affairs Staff}\nسارة علي")
    form.set_field("URL", "https://example.org/rise")
    assert "Adam Hoffman" in editor.preview_label.text()
    assert editor.save()
    saved = references(session)["hoffman2017"]["csl"]
    assert saved["title"] == "The Rise and Fall of the Islamic State"
    assert saved["author"] == [{"family": "Hoffman", "given": "Adam"},
                               {"literal": "Foreign Affairs Staff"}, {"literal": "سارة علي"}]
    assert saved["x-archive-box"] == "B-12" and saved["note"] == "from Zotero"
    assert saved["issued"] == {"date-parts": [[2017, 10]]}
    assert library.proxy.index(0, TITLE).data() == "The Rise and Fall of the Islamic State"
    session.history.undo()
    assert references(session)["hoffman2017"]["csl"]["title"] == "Old title"


def test_an_untouched_form_gives_back_what_it_was_given(qapp):
    csl = {"type": "post", "author": [{"literal": "@mosuleye"}, {"literal": "Mosul Eye"}],
           "issued": {"date-parts": [[2019, 1, 5]]}, "weird": [1, 2]}
    form = CslForm(csl)
    assert not form.changed()
    assert form.csl() == csl
    assert form.text_of("author") == "@mosuleye\n{Mosul Eye}"
    assert parse_name("{Mosul Eye}") == {"literal": "Mosul Eye"}
    assert name_line({"family": "Gogh", "non-dropping-particle": "van",
                      "given": "Vincent"}) == "van Gogh, Vincent"
    form.set_field("issued", "")
    assert "issued" not in form.csl()


def book_in_editor(library, session, qtbot):
    """A reference "abook" made (set-up) and open in its form: its id and the form."""
    rid = write(session, bind(create_reference, csl={"type": "book", "title": "A book"},
                               key="abook")).value
    library.refresh()
    library.select(rid)
    editor = ReferenceEditor(session, library.current(), library)
    qtbot.addWidget(editor)
    return rid, editor


def test_saving_an_untouched_reference_leaves_no_undo_step(library, session, qtbot):
    _, editor = book_in_editor(library, session, qtbot)
    assert editor.save()
    assert session.history.count() == 0


def test_link_to_sources_suggests_matches_and_links_by_hand(library, session, sources, qtbot):
    csl = {"type": "article-newspaper", "title": "Return to Raqqa",
           "URL": "http://www.example.org/return-to-raqqa/?utm_source=x"}
    rid = write(session, bind(create_reference, csl=csl, key="return")).value
    library.refresh()
    library.select(rid)
    dialog = LinkSourcesDialog(session, library.current(), library)
    qtbot.addWidget(dialog)
    assert dialog.suggested() == {sources["english"]: "url"}
    first = dialog.list.item(0)
    assert first.data(Qt.ItemDataRole.UserRole) == sources["english"]
    assert "suggested: same url" in first.text()
    first.setCheckState(Qt.CheckState.Checked)
    dialog.filter_edit.setText("Mosul")
    post = next(dialog.list.item(i) for i in range(dialog.list.count())
                if dialog.list.item(i).data(Qt.ItemDataRole.UserRole) == sources["post"])
    post.setCheckState(Qt.CheckState.Checked)
    assert dialog.save()
    assert references(session)["return"]["sources"] == sorted([sources["english"],
                                                               sources["post"]])
    assert library.proxy.index(0, 6).data() == "2"
    session.history.undo()
    assert references(session)["return"]["sources"] == []


def test_deleting_a_cited_reference_asks_first_and_is_undoable(
        library, session, sources, monkeypatch):
    rid = write(session, bind(create_reference, csl={"type": "report", "title": "Profile"},
                               key="profile")).value
    eid = excerpt(session, sources["english"], ENGLISH, "There is no water")
    write(session, bind(cite, excerpt_id=eid, reference_id=rid, locator="14"))
    library.refresh()
    library.select(rid)
    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    library.buttons["delete"].click()
    assert "cited 1 time" in asked[0] and "Undo" in asked[0]
    assert "profile" in references(session)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a: QMessageBox.StandardButton.Yes)
    library.buttons["delete"].click()
    assert references(session) == {}
    assert library.proxy.rowCount() == 0
    session.history.undo()
    assert references(session)["profile"]["citations"] == 1


def test_deleting_an_uncited_reference_does_not_ask(library, session, monkeypatch):
    rid = write(session, bind(create_reference, csl={"type": "book", "title": "B"},
                               key="b")).value
    library.refresh()
    library.select(rid)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    library.delete_current()
    assert references(session) == {}
    assert session.history.count() == 1


def test_source_reference_dialog_edits_own_data_and_link_in_one_step(
        session, sources, qtbot):
    rid = write(session, bind(create_reference, csl={"type": "book", "title": "Atlas"},
                               key="atlas")).value
    dialog = SourceReferenceDialog(session, sources["arabic"])
    qtbot.addWidget(dialog)
    assert dialog.form.text_of("title") == "العودة إلى الرقة"
    assert dialog.form.text_of("author") == "سارة علي"
    assert dialog.form.text_of("container-title") == "الجزيرة نت"
    assert dialog.form.text_of("issued") == "2018-05-02"
    assert "الجزيرة نت" in dialog.preview_label.text()
    dialog.form.set_field("page", "3")
    dialog.form.set_field("accessed", "2024-02-01")
    assert dialog.save()
    with session.read() as s:
        data = source_csl(s, sources["arabic"])
    assert data["stored"] and data["csl"]["page"] == "3"
    assert data["csl"]["accessed"] == {"date-parts": [[2024, 2, 1]]}
    assert data["csl"]["language"] == "ar"  # not in the form: kept
    dialog = SourceReferenceDialog(session, sources["arabic"])
    qtbot.addWidget(dialog)
    dialog.cite_by.setCurrentIndex(dialog.cite_by.findData(rid))
    assert not dialog.form.isEnabled()
    assert dialog.save()
    with session.read() as s:
        assert source_csl(s, sources["arabic"])["reference"] == "atlas"
    session.history.undo()
    session.history.undo()
    with session.read() as s:
        data = source_csl(s, sources["arabic"])
    assert (data["stored"], data["reference_id"]) == (False, None)


def test_screenshot(library, session, sources, bib_file, reports):
    library.resize(1000, 520)
    write(session, bind(create_reference, key="alsayed2019", csl={
        "type": "article-newspaper", "title": "الموصل بعد عامين من التحرير",
        "author": [{"literal": "محمد السيد"}], "container-title": "الجزيرة نت",
        "issued": {"date-parts": [[2019, 7, 10]]}, "URL": "https://example.net/ar/mosul"}))
    library.import_file(bib_file)
    library.select(references(session)["hoffman2017"]["id"])
    ARTIFACTS.mkdir(exist_ok=True)
    assert library.grab().save(str(ARTIFACTS / "references_dialog.png"))


def test_a_reference_written_by_hand(library, session, monkeypatch):
    def fill(editor):
        editor.form.set_field("type", "report")
        editor.form.set_field("title", "Raqqa Rapid Urban Profile")
        editor.form.set_field("author", "{UN-Habitat}")
        editor.form.set_field("issued", "2018")
        return editor.save() and 1

    monkeypatch.setattr(ReferenceEditor, "exec", fill)
    library.buttons["new"].click()
    made = references(session)
    (key,) = made
    assert key.startswith("unhabitat2018")
    assert made[key]["csl"]["author"] == [{"literal": "UN-Habitat"}]
    assert library.current()["key"] == key
    session.history.undo()
    assert references(session) == {}


def test_an_edit_over_someone_elses_is_refused_and_theirs_kept(library, session, qtbot,
                                                                monkeypatch):
    from db import project
    from db.ops.references import edit_reference

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    rid, editor = book_in_editor(library, session, qtbot)
    with project.open(session.project.path) as other, other.session() as s:  # elsewhere
        edit_reference(s, reference_id=rid, fields={"title": "Their title"})
        s.commit()
    editor.form.set_field("title", "My title")
    assert not editor.save()
    assert len(warnings) == 1 and "changed" in warnings[0], warnings
    assert references(session)["abook"]["csl"]["title"] == "Their title"
    assert session.history.count() == 0


def test_a_sources_form_saved_over_a_change_made_since_is_refused(session, sources, qtbot,
                                                                   monkeypatch):
    from db import project
    from db.ops.references import edit_source_csl

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    dialog = SourceReferenceDialog(session, sources["arabic"])
    qtbot.addWidget(dialog)
    with project.open(session.project.path) as other, other.session() as s:  # elsewhere
        edit_source_csl(s, source_id=sources["arabic"], fields={"page": "7"})
        s.commit()
    dialog.form.set_field("page", "3")
    assert not dialog.save()
    assert len(warnings) == 1 and "changed" in warnings[0], warnings
    with session.read() as s:
        assert source_csl(s, sources["arabic"])["csl"]["page"] == "7"  # theirs
    assert session.history.count() == 0
