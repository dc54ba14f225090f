"""The Import dialog, driven as a researcher would: add files, check formats and mappings,
import on the worker, read the report, undo, cancel."""

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import func, select

from db.models import Collection, Footnote, Source
from db.ops import imports as imports_op
from desktop.dialogs import import_dialog
from desktop.dialogs.import_dialog import ImportDialog
from desktop.dialogs.import_preview import PreviewPane
from desktop.dialogs.import_run import RED
from desktop.session import ProjectSession

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT = 30_000

ARTICLE = """---
title: Water after the battle
author: Lina Haddad
date: 2018-03-02
---
# Water after the battle

Families returning to Raqqa found the al-Rashid pumping station damaged.[^1]
Repairs began in February.

[^1]: UN-Habitat, *Raqqa Rapid Urban Assessment*, 2018, p. 12.
"""

USERS = [{"id": "1", "username": "noor_furat", "name": "نور الفرات"},
         {"id": "2", "username": "raqqa_news", "name": "Raqqa News"}]
TWEETS = [
    {"id": "101", "text": "سنعمّرها من جديد، لكن ليس وحدنا. #الرقة", "author_id": "1",
     "created_at": "2017-10-25T20:14:19.000Z", "conversation_id": "101", "lang": "ar",
     "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 4,
                        "quote_count": 0}},
    {"id": "102", "text": "Mine risk education starts in Ain Issa today.", "author_id": "2",
     "created_at": "2017-10-25T09:02:40.000Z", "conversation_id": "102", "lang": "en",
     "public_metrics": {"retweet_count": 20, "reply_count": 10, "like_count": 82,
                        "quote_count": 3}},
    {"id": "103", "text": "@noor_furat Water trucks reached the old city.", "author_id": "2",
     "created_at": "2017-10-26T07:00:00.000Z", "conversation_id": "101", "lang": "en",
     "in_reply_to_user_id": "1",
     "referenced_tweets": [{"type": "replied_to", "id": "101"}],
     "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 2,
                        "quote_count": 0}},
]

CSV_COLUMNS = ["words", "who", "when", "where_from"]
CSV_ROWS = [
    ["الماء عاد إلى حي الرميلة بعد ثلاثة أسابيع من الانقطاع", "أم خالد", "2018-03-01",
     "https://example.org/1"],
    ["Schools in the old city reopen on Sunday, teachers say", "Ahmad S.", "2018-03-02",
     "https://example.org/2"],
    ["نحتاج إلى الكهرباء قبل الخطابات", "نور", "2018-03-03", "https://example.org/3"],
    ["Bread prices fell after the bakery on 23 Street reopened", "M. Hussein", "2018-03-04",
     "https://example.org/4"],
]


# ---- fixtures and helpers ---------------------------------------------------------
@pytest.fixture
def session(proj):
    """The open project as the window sees it; its worker is drained at teardown."""
    s = ProjectSession(proj)
    yield s
    s.tasks.cancel_all()
    s.tasks.wait()
    s.close()


@pytest.fixture
def make_dialog(session, qtbot):
    """Open Import dialogs on the session, shown at a readable size."""
    made = []

    def make() -> ImportDialog:
        dialog = ImportDialog(session)
        qtbot.addWidget(dialog)
        dialog.resize(1000, 720)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    session.tasks.cancel_all()
    session.tasks.wait()


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch):
    """A message box would block the test: fail loudly instead."""
    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, _no_box)


def _no_box(*args, **kwargs):
    raise AssertionError(f"unexpected message box: {args[1:3]}")


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _twarc(folder: Path, name: str = "tweets.jsonl") -> Path:
    page = {"data": TWEETS, "includes": {"users": USERS}}
    return _write(folder, name, json.dumps(page, ensure_ascii=False) + "\n")


def _csv(folder: Path, name: str, columns=CSV_COLUMNS, rows=CSV_ROWS) -> Path:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[CSV_COLUMNS.index(c)] for c in columns])
    return _write(folder, name, out.getvalue())


def _add_files(dialog, qtbot, monkeypatch, paths) -> None:
    """Press "Add files…" with the file dialog answering ``paths``."""
    answer = ([str(p) for p in paths], "")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: answer)
    qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)


def _formats(dialog) -> dict[str, str]:
    """What the Format column of the file list shows, by file."""
    items = [dialog.file_list.topLevelItem(i) for i in range(dialog.file_list.topLevelItemCount())]
    return {item.text(0): item.text(1) for item in items}


def _select(dialog, name: str) -> None:
    for i, entry in enumerate(dialog.entries()):
        if entry.shown == name:
            dialog.file_list.clearSelection()
            dialog.file_list.topLevelItem(i).setSelected(True)
            return
    raise AssertionError(name)


def _finish(dialog, qtbot) -> None:
    qtbot.waitUntil(lambda: dialog.state == import_dialog.DONE, timeout=TIMEOUT)


def _count(session, model=Source) -> int:
    with session.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _screenshot(dialog, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # let pending layout requests settle, as on screen
    assert dialog.grab().save(str(ARTIFACTS / name))


# ---- tests --------------------------------------------------------------------------
def test_articles_and_posts_are_imported_as_one_undoable_step(make_dialog, session, qtbot,
                                                               monkeypatch, tmp_path):
    md, tw = _write(tmp_path, "water.md", ARTICLE), _twarc(tmp_path)
    dialog = make_dialog()
    assert not dialog.import_button.isEnabled()
    _add_files(dialog, qtbot, monkeypatch, [md, tw])
    assert _formats(dialog) == {"water.md": "Markdown article", "tweets.jsonl": "Twitter/X posts"}
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()

    _select(dialog, "water.md")
    shown = dialog.preview.text_view.toPlainText()
    assert dialog.preview.current_page() == PreviewPane.TEXT
    assert "Title: Water after the battle" in shown and "Author: Lina Haddad" in shown
    assert "pumping station damaged.[1]" in shown
    _select(dialog, "tweets.jsonl")
    assert "سنعمّرها من جديد" in dialog.preview.text_view.toPlainText()

    with qtbot.waitSignal(session.project_changed, timeout=TIMEOUT):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter starts the import
        _finish(dialog, qtbot)
    lines = dialog.report_text().splitlines()
    assert "imported water.md (Markdown article): 1 source(s)" in lines
    assert "imported tweets.jsonl (Twitter/X posts): 3 source(s)" in lines
    assert lines[-1].startswith("4 source(s) added from 2 file(s), 0 failed")
    assert "Imported 4 source(s)" in dialog.run_panel.message_label.text()
    assert _count(session) == 4 and _count(session, Footnote) == 1
    with session.read() as s:
        assert s.scalar(select(Collection.name)) == "tweets"  # named after the file

    assert session.history.undo_text() == "Import 2 files"
    session.history.undo()
    assert _count(session) == 0 and _count(session, Footnote) == 0
    session.history.redo()
    assert _count(session) == 4 and _count(session, Footnote) == 1
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter now closes
    assert not dialog.isVisible()


def test_broken_files_are_reported_and_the_rest_imported(make_dialog, session, qtbot,
                                                          monkeypatch, tmp_path):
    folder = tmp_path / "collected"
    folder.mkdir()
    _write(folder, "water.md", ARTICLE)
    _twarc(folder)
    _write(folder, "empty.txt", b"")
    _write(folder, "interview.docx", os.urandom(4096))
    dialog = make_dialog()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    qtbot.mouseClick(dialog.add_folder_button, Qt.MouseButton.LeftButton)
    formats = _formats(dialog)
    assert formats["empty.txt"] == "will be skipped: the file is empty"
    assert formats["interview.docx"] == "Word document (.docx) article"  # by its name
    assert formats["water.md"] == "Markdown article"
    row = list(formats).index("empty.txt")
    assert dialog.file_list.topLevelItem(row).foreground(1).color() == RED

    dialog.start_import()
    _finish(dialog, qtbot)
    text = dialog.report_text()
    assert "FAILED   empty.txt: the file is empty" in text
    assert "FAILED   interview.docx: " in text
    assert "imported water.md (Markdown article): 1 source(s)" in text
    assert "imported tweets.jsonl (Twitter/X posts): 3 source(s)" in text
    assert "2 file(s) could not be imported" in dialog.run_panel.message_label.text()
    assert _count(session) == 4
    assert dialog.copy_button.isVisible()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == text
    _screenshot(dialog, "import_dialog_report.png")


def test_a_table_with_unusual_columns_asks_for_a_mapping_that_is_remembered(
        make_dialog, session, qtbot, monkeypatch, tmp_path):
    first = _csv(tmp_path, "residents.csv")
    dialog = make_dialog()
    _drop(dialog, [first])
    entry = dialog.entries()[0]
    assert entry.detected == "tabular"
    assert _formats(dialog)["residents.csv"].endswith("choose the Text column")
    assert not dialog.import_button.isEnabled()
    assert "Choose the column that holds the text" in dialog.hint_label.text()
    assert dialog.preview.current_page() == PreviewPane.TABLE
    table = dialog.preview.table
    assert table.rowCount() == 4 and table.columnCount() == 4
    assert table.item(0, 0).text().startswith("الماء عاد")

    form = dialog.preview.mapping_form
    form.choose("text", "words")
    form.choose("author", "who")
    form.choose("date", "when")
    form.choose("url", "where_from")
    form.platform_edit.setText("facebook")
    form.platform_edit.textEdited.emit("facebook")
    assert dialog.import_button.isEnabled()
    assert table.horizontalHeaderItem(0).text() == "words\n→ Text"
    _screenshot(dialog, "import_dialog_preview.png")

    dialog.start_import()
    _finish(dialog, qtbot)
    assert "imported residents.csv" in dialog.report_text()
    with session.read() as s:
        authors = set(s.scalars(select(Source.author)))
        platforms = set(s.scalars(select(Source.platform)))
    assert authors == {"أم خالد", "Ahmad S.", "نور", "M. Hussein"}
    assert platforms == {"facebook"}

    # A second file with the same columns (in another order) gets the same mapping.
    rows = [[r[0] + " (again)", *r[1:]] for r in CSV_ROWS]
    second = _csv(tmp_path, "residents-march.csv", columns=CSV_COLUMNS[::-1], rows=rows)
    again = make_dialog()
    _add_files(again, qtbot, monkeypatch, [second])
    assert again.preview.mapping_form.mapping()["text"] == "words"
    assert again.preview.mapping_form.mapping()["author"] == "who"
    assert again.import_button.isEnabled()
    again.start_import()
    _finish(again, qtbot)
    assert "imported residents-march.csv" in again.report_text()
    assert _count(session) == 8


def test_cancel_keeps_the_sources_finished_so_far(make_dialog, session, qtbot, monkeypatch,
                                                  tmp_path):
    total = 30_000
    lines = (json.dumps({"n": i, "content": f"Generated post number {i}", "writer": "bot"})
             for i in range(total))
    big = _write(tmp_path, "generated.jsonl", "\n".join(lines) + "\n")
    dialog = make_dialog()
    _add_files(dialog, qtbot, monkeypatch, [big, _write(tmp_path, "water.md", ARTICLE)])
    assert _formats(dialog)["generated.jsonl"] == "Table of posts (CSV, XLSX, JSON Lines)"

    task = dialog.start_import()
    assert task is not None and not dialog.close()  # the window's X waits for Cancel
    assert dialog.isVisible() and "press Cancel" in dialog.hint_label.text()

    cancel = dialog.run_panel.progress.cancel_button
    assert cancel.isVisible() and dialog.cancel_button.isHidden()  # one Cancel: the progress's

    def cancel_after_first_chunk(done, total_, message):
        if "source(s)" in message and cancel.isEnabled():
            _screenshot(dialog, "import_dialog_running.png")
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
            assert "sources already imported are kept" in dialog.run_panel.progress.message.text()

    task.progressed.connect(cancel_after_first_chunk)
    _finish(dialog, qtbot)
    n = _count(session)
    assert 0 < n < total
    assert dialog.report.cancelled
    assert f"Cancelled: {n} source(s)" in dialog.run_panel.message_label.text()
    report = dialog.report_text()
    assert f"imported generated.jsonl (Table of posts (CSV, XLSX, JSON Lines)): {n} source(s)" \
        in report
    assert "not read water.md: the import was cancelled before it" in report
    assert report.splitlines()[-1].endswith("(cancelled)")
    assert dialog.run_panel.progress.isHidden()
    assert session.history.undo_text() == "Import generated.jsonl"
    session.history.undo()  # a step of thousands of sources is taken back on the worker
    qtbot.waitUntil(lambda: _count(session) == 0, timeout=TIMEOUT)


def test_escape_cancels_a_running_import_then_closes(make_dialog, session, qtbot, monkeypatch,
                                                     tmp_path):
    lines = (json.dumps({"n": i, "content": f"Post {i}"}) for i in range(20_000))
    big = _write(tmp_path, "posts.jsonl", "\n".join(lines) + "\n")
    dialog = make_dialog()
    _add_files(dialog, qtbot, monkeypatch, [big])
    dialog.start_import()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.task.is_cancelled()
    _finish(dialog, qtbot)
    assert dialog.report.cancelled and _count(session) < 20_000
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_failed_import_shows_its_message(make_dialog, session, qtbot, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports_op, "import_paths", broken)
    dialog = make_dialog()
    _add_files(dialog, qtbot, monkeypatch, [_write(tmp_path, "water.md", ARTICLE)])
    dialog.start_import()
    _finish(dialog, qtbot)
    assert "the disk is full" in dialog.run_panel.message_label.text()
    assert dialog.report_text().startswith("The import stopped because of an error: "
                                           "RuntimeError: the disk is full.")
    assert "Technical details" in dialog.report_text()  # an unexpected error: its trace
    assert session.history.count() == 0


def test_a_full_disk_during_an_import_is_one_sentence(make_dialog, session, qtbot,
                                                       monkeypatch, tmp_path):
    from db.errors import DiskFullError

    said = "p.quire: the disk is full. The import stopped there: 6 source(s) were saved"

    def full(*args, **kwargs):
        raise DiskFullError(said)

    monkeypatch.setattr(imports_op, "import_paths", full)
    dialog = make_dialog()
    _add_files(dialog, qtbot, monkeypatch, [_write(tmp_path, "water.md", ARTICLE)])
    dialog.start_import()
    _finish(dialog, qtbot)
    assert dialog.run_panel.message_label.text() == said + "."  # the file name as it is
    assert dialog.report_text().strip() == said + "."  # no traceback under it


def test_forcing_a_format_and_removing_files(make_dialog, qtbot, monkeypatch, tmp_path):
    md = _write(tmp_path, "notes.md", "Just a few words.")
    tw = _twarc(tmp_path)
    dialog = make_dialog()
    _add_files(dialog, qtbot, monkeypatch, [md, tw, md])  # the same file once
    assert len(dialog.entries()) == 2
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("text"))
    assert _formats(dialog)["notes.md"] == "Plain text article (chosen)"
    _select(dialog, "tweets.jsonl")
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert [e.shown for e in dialog.entries()] == ["notes.md"]


def _drop(dialog, paths) -> None:
    """Drop files on the dialog as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    dialog.dropEvent(event)



def test_taguettes_highlight_table_is_mapped_with_its_tag_column_as_the_code(
        make_dialog, session, qtbot):
    from pathlib import Path

    from db.models import Coding

    table = Path(__file__).resolve().parents[1] / "db" / "exchange" / "taguette_files" / \
        "highlights.csv"
    dialog = make_dialog()
    _drop(dialog, [table])
    form = dialog.preview.mapping_form
    assert {k: form.mapping()[k] for k in ("text", "id", "code")} == {
        "text": "content", "id": "id", "code": "tag"}
    assert dialog.preview.table.horizontalHeaderItem(2).text() == "tag\n→ Code"
    _screenshot(dialog, "import_dialog_taguette_table.png")
    dialog.start_import()
    _finish(dialog, qtbot)
    assert "2 repeated row(s) added codes to their post" in dialog.report_text()
    assert _count(session) == 8 and _count(session, Coding) == 10
