"""The machine's defaults file (/etc/quire/defaults.toml): read before the user's settings,
which win unless the file locks a value; a bad file is ignored whole, and said so."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import pytest

from desktop import selftest, settings, site_defaults
from desktop.dialogs.coder import PreferencesDialog, ensure_coder_name


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Write the machine's defaults file; returns the writer."""
    path = tmp_path / "etc" / "defaults.toml"
    path.parent.mkdir()
    monkeypatch.setenv(site_defaults.ENV, str(path))

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every first-run question, answered with the name suggested."""
    calls: list[str] = []

    def ask(parent=None):
        calls.append(settings.coder_name())
        settings.set_coder_name("Typed Name")
        return "Typed Name"

    monkeypatch.setattr("desktop.dialogs.coder.ask_coder_name", ask)
    return calls


def test_where_the_file_is_on_each_system(monkeypatch):
    monkeypatch.delenv(site_defaults.ENV)
    assert site_defaults.site_file() == Path("/etc/quire/defaults.toml")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert site_defaults.site_file() == Path("/Library/Application Support/Quire/defaults.toml")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", "D:\\PD")
    assert site_defaults.site_file() == Path("D:\\PD") / "Quire" / "defaults.toml"


def test_without_a_file_nothing_changes(asked):
    assert settings.site().path is None and not settings.site().problem
    assert settings.coder_name() == "" and settings.ask_coder_name()
    assert settings.citation_style() == "chicago"
    assert settings.start_folder() == Path.home()
    assert ensure_coder_name() == "Typed Name" and asked == [""]


def test_coder_from_the_login_name_without_the_question(site, asked):
    site('coder_name = "{login} (lab 3)"\nask_coder_name = false\n')
    assert not settings.ask_coder_name()
    assert ensure_coder_name() == f"{getpass.getuser()} (lab 3)"
    assert asked == []  # no first-run question


def test_the_question_suggests_the_machines_name(site, asked):
    site('coder_name = "{login}"\n')
    assert ensure_coder_name() == "Typed Name"
    assert asked == [getpass.getuser()]  # the dialog opened on the login name
    assert settings.coder_name() == "Typed Name"  # the user's own wins from now on


def test_no_question_and_no_name_records_the_login_name(site, asked):
    site("ask_coder_name = false\n")
    assert ensure_coder_name() == getpass.getuser() and asked == []


def test_the_users_settings_win_over_the_defaults(site, tmp_path):
    folder = tmp_path / "projects"
    site(f'citation_style = "apa"\nproject_folder = "{folder}"\ncoder_name = "Lab"\n')
    assert settings.citation_style() == "apa"
    assert settings.start_folder() == folder and folder.is_dir()  # made for New/Open
    assert settings.coder_name() == "Lab"
    settings.set_citation_style("mla")
    settings.set_coder_name("Mine")
    assert settings.citation_style() == "mla" and settings.coder_name() == "Mine"
    project = tmp_path / "elsewhere" / "a.quire"
    project.parent.mkdir()
    project.touch()
    settings.add_recent(project)
    assert settings.start_folder() == project.parent


def test_a_locked_value_wins_over_the_users(site, tmp_path, qtbot):
    folder = tmp_path / "shared"
    site(f'citation_style = "mla"\n[locked]\ncitation_style = "APA"\n'
         f'project_folder = "{folder}"\ncoder_name = "{{login}}"\n')
    settings.set_citation_style("mla")
    settings.set_coder_name("Someone Else")
    project = tmp_path / "a.quire"
    project.touch()
    settings.add_recent(project)
    assert settings.citation_style() == "apa"
    assert settings.start_folder() == folder
    assert settings.coder_name() == getpass.getuser()
    assert not settings.ask_coder_name()
    prefs = PreferencesDialog()
    qtbot.addWidget(prefs)
    assert prefs.name_edit.isReadOnly() and prefs.name_edit.text() == getpass.getuser()


def test_folders_expand_home_and_variables(site, monkeypatch, tmp_path):
    monkeypatch.setenv("LAB_SHARE", str(tmp_path / "share"))
    site('project_folder = "$LAB_SHARE/quire"\n')
    assert settings.start_folder() == tmp_path / "share" / "quire"


@pytest.mark.parametrize(("text", "problem"), [
    ("coder_name = \n", "is not valid TOML"),
    ("citation_style = \"harvard\"\n", "'citation_style' is 'harvard'; choose one of"),
    ("ask_coder_name = \"no\"\n", "'ask_coder_name' must be true or false, not 'no'"),
    ("colour = \"red\"\n", "unknown setting 'colour'"),
    ("locked = 3\n", "'locked' must be a table"),
    ("[locked]\nproject_folder = 3\n", "'locked.project_folder' must be a string, not 3"),
    (b"coder_name = \"\xff\"\n", "is not UTF-8 text"),
])
def test_a_bad_file_is_ignored_whole_and_named(site, text, problem):
    path = site("")
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(
        text if isinstance(text, bytes) else 'coder_name = "Lab"\n' + text)
    loaded = settings.site()
    assert loaded.problem.startswith(f"{path}: ")
    assert problem in loaded.problem and "defaults are ignored" in loaded.problem
    assert settings.coder_name() == "" and settings.ask_coder_name()  # nothing half-applied


def test_a_changed_file_is_read_again(site):
    path = site('citation_style = "apa"\n')
    assert settings.citation_style() == "apa"
    path.write_text('citation_style = "mla"\n# longer: the size differs if the time does not\n')
    assert settings.citation_style() == "mla"


def test_the_selftest_reports_the_file(site):
    path = site('coder_name = "x"\n[locked]\ncitation_style = "apa"\n')
    assert selftest._site_defaults(None) == f"{path}: 1 default(s), 1 locked"
    site("nonsense")
    with pytest.raises(AssertionError, match="not valid TOML"):
        selftest._site_defaults(None)


def test_the_window_says_a_bad_file_was_ignored(site, qtbot, capsys, monkeypatch):
    from desktop import app

    path = site("ask_coder_name = 1\n")
    monkeypatch.setattr(app, "ensure_coder_name", lambda parent=None: "x")
    window = app.start([])
    qtbot.addWidget(window)
    app._tell_site_defaults_problem(window)
    assert window.statusBar().currentMessage().startswith(f"{path}: 'ask_coder_name' must be")
    assert f"quire: {path}: " in capsys.readouterr().err
