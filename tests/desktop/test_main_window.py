"""The main window: welcome state, projects, recent list, delete and undo, the CLI."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from db import project
from db.models import Collection, Source
from db.ops import bind
from db.ops.codes import create_code
from desktop import app as desktop_app
from desktop import cli, settings
from desktop.main_window import MainWindow
from tests.project_support import new_project

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
UTC = dt.UTC

POSTS = [
    ("Raqqa News", "raqqanews", "twitter", "Shelling reported near the old bridge this "
     "morning; residents are leaving the eastern districts."),
    ("شبكة الرقة", "raqqa24", "twitter", "عاجل: انقطاع الكهرباء في أحياء الرقة الشرقية منذ "
     "الصباح #الرقة"),
    ("نور الفرات", "Noor_Furat", "twitter", "انتهت المعركة... 🕊️ لكن متى نعود؟ لا أحد يملك "
     "جوابًا. #الرقة"),
    ("Mosul Eye", "mosul_eye", "twitter", "Reconstruction of the Nuri mosque begins: "
     "the minaret will be rebuilt with original bricks."),
    ("قناة الموصل", "mosulchannel", "telegram", "صور جديدة من المدينة القديمة في الموصل بعد "
     "عام على انتهاء المعارك"),
    ("Aid Watch", "aidwatch", "telegram", "💧 Convoy of 40 trucks reached the city today "
     "(source: local council)."),
    ("Layla H.", "laylah", "twitter", "@raqqanews any news about the water station? "
     "Our street has had no water for three days."),
]


def add_sources(path: Path, articles: int = 2) -> list[int]:
    """Posts (English and Arabic) and a few articles in two collections; their ids."""
    with project.open(path) as proj, proj.session() as s:
        base = dt.datetime(2023, 10, 3, 8, 15, tzinfo=UTC)
        posts = [Source(kind="post", author=a, handle=h, platform=p, text=t, length=len(t),
                        text_hash=str(i), post_id=str(1000 + i),
                        published=base + dt.timedelta(hours=5 * i))
                 for i, (a, h, p, t) in enumerate(POSTS)]
        docs = [Source(kind="article", title=title, author="Hana Salim", text=body,
                       length=len(body), text_hash=f"a{i}",
                       published=base - dt.timedelta(days=30 * (i + 1)))
                for i, (title, body) in enumerate([
                    ("Raqqa after the battle", "A long article about the city."),
                    ("إعادة إعمار الموصل", "مقال طويل عن إعادة الإعمار.")][:articles])]
        s.add_all([Collection(name="Posts", sources=posts),
                   Collection(name="Articles", sources=docs)])
        s.flush()
        return [o.id for o in posts + docs]


@pytest.fixture
def window(shown_window):
    return shown_window


@pytest.fixture
def project_file(tmp_path) -> Path:
    path = tmp_path / "Fieldwork.quire"
    new_project(path).close()
    return path


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str]]:
    """Every warning box shown, as (title, text), instead of blocking the test."""
    shown: list[tuple[str, str]] = []

    def warning(_parent, title, text, *args, **kwargs):
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    return shown


def patch_dialog(monkeypatch, name: str, path: Path | str) -> None:
    monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: (str(path), "")))


def save_screenshot(window: MainWindow, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()  # let pending layout requests settle, as on screen
    assert window.grab().save(str(ARTIFACTS / name))


def test_welcome_state_without_a_project(qtbot, project_file):
    settings.add_recent(project_file)
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    assert window.session is None
    assert window.windowTitle() == "Quire"
    assert window.pages.currentWidget() is window.welcome
    assert window.sources_dock.isHidden()
    assert not window.action_import.isEnabled() and not window.action_undo.isEnabled()
    assert window.welcome.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(project_file)
    save_screenshot(window, "main_window_welcome.png")
    with qtbot.waitSignal(window.project_opened):
        window.welcome.recent.itemActivated.emit(window.welcome.recent.item(0))
    assert window.windowTitle() == "Quire — Fieldwork"


def test_new_project_through_the_file_dialog(window, monkeypatch, tmp_path):
    patch_dialog(monkeypatch, "getSaveFileName", tmp_path / "Thesis")
    window.action_new.trigger()
    assert window.session is not None
    assert window.windowTitle() == "Quire — Thesis"
    assert (tmp_path / "Thesis.quire").exists()
    assert settings.recent_projects() == [tmp_path / "Thesis.quire"]
    assert window.pages.currentWidget() is window.reader
    assert window.sources_dock.isVisible()
    assert window.counts_label.text() == "0 sources"


def test_open_project_adds_it_to_recent_and_closes_the_previous(window, monkeypatch,
                                                                  project_file, tmp_path):
    add_sources(project_file)
    other = tmp_path / "Other.quire"
    new_project(other).close()
    patch_dialog(monkeypatch, "getOpenFileName", other)
    window.action_open.trigger()
    first = window.session
    patch_dialog(monkeypatch, "getOpenFileName", project_file)
    window.action_open.trigger()
    assert window.session is not first and window.undo.history is window.session.history
    assert window.windowTitle() == "Quire — Fieldwork"
    assert window.counts_label.text() == "9 sources"
    window.recent_menu.aboutToShow.emit()
    assert [a.data() for a in window.recent_menu.actions()] == [str(project_file), str(other)]
    window.recent_menu.actions()[1].trigger()
    assert window.windowTitle() == "Quire — Other"


def test_close_project_returns_to_the_welcome_page(window, project_file):
    assert window.open_project(project_file)
    window.action_close.trigger()
    assert window.session is None and window.windowTitle() == "Quire"
    assert window.pages.currentWidget() is window.welcome
    assert window.welcome.recent.count() == 1


def test_a_file_that_is_not_a_project_gives_a_clear_message(window, messages, tmp_path):
    bogus = tmp_path / "notes.quire"
    bogus.write_text("just some notes")
    assert not window.open_project(bogus)
    assert window.session is None
    assert messages == [("Could not open notes.quire",
                         f"{bogus}: this file is not a Quire project")]


def test_selecting_a_source_shows_it_in_the_reader(window, project_file, monkeypatch):
    ids = add_sources(project_file)
    shown = []
    monkeypatch.setattr(window.reader, "show_source", shown.append)
    window.open_project(project_file)
    window.sources.select_row(3)
    assert shown[-1]["id"] == ids[3] and shown[-1]["text"].startswith("Reconstruction")


def test_delete_asks_first_and_undo_redo_restore(window, project_file, monkeypatch):
    ids = add_sources(project_file)
    window.open_project(project_file)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: answers.pop(0)))
    window.sources.select_row(0)
    assert window.action_delete.isEnabled()
    window.action_delete.trigger()  # cancelled
    assert window.sources.model.rowCount() == 9
    window.action_delete.trigger()
    assert window.sources.model.rowCount() == 8
    assert window.counts_label.text() == "8 sources"
    assert window.action_undo.text() == "Undo Delete source"
    window.action_undo.trigger()
    assert window.sources.model.rowCount() == 9
    assert window.sources.model.source_id(0) == ids[0]
    assert window.action_redo.text() == "Redo Delete source"
    window.action_redo.trigger()
    assert window.sources.model.rowCount() == 8
    assert window.history.model().rowCount() == 2  # "<project opened>" and the delete


def test_deleting_many_sources_runs_on_the_worker_with_progress(window, project_file,
                                                                monkeypatch, qtbot):
    with project.open(project_file) as proj, proj.session() as s:
        s.add_all([Source(kind="post", text=f"Post {i}", length=6 + len(str(i)),
                          text_hash=f"h{i}") for i in range(260)])
    window.open_project(project_file)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    window.sources.table.selectAll()
    window.action_delete.trigger()
    assert window.session.tasks.writing() and not window.action_undo.isEnabled()
    qtbot.waitUntil(lambda: window.counts_label.text() == "0 sources", timeout=20_000)
    assert window.action_undo.text() == "Undo Delete 260 sources"
    assert window.action_undo.isEnabled()


def test_the_undo_history_names_every_step_and_walks_to_one(window, project_file, qtbot):
    add_sources(project_file)
    window.open_project(project_file)
    session = window.session
    for name in ("Water", "Electricity", "الكهرباء"):
        session.run(bind(create_code, name=name))
    session.history.undo()
    window.history_dock.show()
    rows = [window.history.item(i).text() for i in range(window.history.count())]
    assert rows == ["<project opened>", "New code 'Water'", "New code 'Electricity'",
                    "New code 'الكهرباء'"]
    assert window.history.currentRow() == 2
    assert window.action_undo.text() == "Undo New code 'Electricity'"
    assert window.action_redo.text() == "Redo New code 'الكهرباء'"
    save_screenshot(window, "undo_history.png")
    window.history.itemClicked.emit(window.history.item(0))  # back to the project as opened
    assert session.history.index() == 0 and not window.action_undo.isEnabled()
    assert window.panes.codes.model.rows() == []


def test_the_delete_key_in_the_sources_pane_asks_to_delete(window, project_file, monkeypatch,
                                                           qtbot):
    add_sources(project_file)
    window.open_project(project_file)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel))
    window.activateWindow()
    window.sources.table.setFocus()
    window.sources.select_row(0)
    qtbot.keyClick(window.sources.table, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "this source" in asked[0]
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Delete)
    assert len(asked) == 1  # Delete elsewhere never removes sources


def test_import_opens_one_import_dialog_that_goes_with_the_project(window, project_file,
                                                                    monkeypatch):
    made = []

    class FakeDialog(QDialog):
        def __init__(self, session, parent):
            super().__init__(parent)
            self.session, self.cancelled = session, False
            made.append(self)

        def cancel_import(self):
            self.cancelled = True

    import desktop.main_window

    monkeypatch.setattr(desktop.main_window, "ImportDialog", FakeDialog)
    window.open_project(project_file)
    window.action_import.trigger()
    window.action_import.trigger()  # brings the open one forward
    assert len(made) == 1 and made[0].session is window.session
    assert made[0].isVisible() and made[0].parent() is window
    window.close_project()
    assert made[0].cancelled and not made[0].isVisible()


def test_the_real_import_dialog_opens(window, project_file):
    pytest.importorskip("desktop.dialogs.import_dialog")
    window.open_project(project_file)
    window.action_import.trigger()
    dialog = window._import_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    assert window._import_dialog is None


def test_layout_is_remembered(qtbot, project_file):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.open_project(project_file)
    first.resize(700, 500)
    first.history_dock.show()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (700, 500)
    second.open_project(project_file)
    assert not second.history_dock.isHidden()


def test_app_start_opens_the_project_named(qtbot, project_file, messages):
    window = desktop_app.start([str(project_file)])
    qtbot.addWidget(window)
    assert window.windowTitle() == "Quire — Fieldwork"
    again = desktop_app.start([])  # no argument: the last project
    qtbot.addWidget(again)
    assert again.windowTitle() == "Quire — Fieldwork"
    missing = desktop_app.start(["/nowhere/gone.quire"])
    qtbot.addWidget(missing)
    assert missing.session is None
    assert messages == [("Could not open gone.quire", "/nowhere/gone.quire: no such file")]


def test_app_start_with_sample_opens_the_sample(qtbot, project_file, monkeypatch):
    import db.sample

    monkeypatch.setattr(db.sample, "ensure_sample_project", lambda: project_file)
    window = desktop_app.start(["--sample"])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.project_opened, timeout=5000):
        pass
    assert window.session.project.path == project_file


def test_the_posts_list_screenshot(window, project_file):
    add_sources(project_file)
    window.open_project(project_file)
    window.sources.platform_combo.setCurrentIndex(window.sources.platform_combo.findText("Posts"))
    window.sources.select_row(1)
    assert window.sources.model.rowCount() == 7
    assert window.counts_label.text() == "7 of 9 sources shown"
    save_screenshot(window, "main_window_posts.png")


def test_quire_without_a_display_names_the_headless_commands(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "no display" in err
    for command in ("quire new", "quire import", "quire sources", "quire show"):
        assert command in err


def test_the_application_is_named_and_keeps_the_arguments(qapp):
    app, args = desktop_app.application(["--sample"])
    assert app is qapp and args == ["--sample"]
    assert app.applicationName() == "Quire" and app.organizationName() == "Quire"
    assert desktop_app.parse(["x.quire"]).project == "x.quire"
