"""Help ▸ About: Quire's version and the components' versions, as ``quire --version --verbose``."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox

from db import __version__
from desktop import about
from desktop.main_window import MainWindow, about_html

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def test_about_lists_what_version_verbose_prints(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about",
                        staticmethod(lambda _parent, title, text: shown.append((title, text))))
    win = MainWindow()
    qtbot.addWidget(win)
    win.action_about.trigger()
    [(title, text)] = shown
    assert title == "About Quire" and f"Quire {__version__}" in text
    text = unescape(text)
    for name, version in about.components(qVersion()):
        assert f"<td>{name}</td><td>\xa0\xa0{version}</td>" in text
    assert f"<td>Qt</td><td>\xa0\xa0{qVersion()}</td>" in text


def test_about_names_the_notices_file_of_a_bundle(monkeypatch, tmp_path):
    (tmp_path / about.NOTICES).write_text("notices")
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert str(tmp_path / about.NOTICES) in about_html()


def test_about_box_screenshot(qtbot):
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About Quire", about_html())
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    ARTIFACTS.mkdir(exist_ok=True)
    assert box.grab().save(str(ARTIFACTS / "about_box.png"))
