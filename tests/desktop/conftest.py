"""Desktop test set-up: the bundled fonts, as the application loads them, and an open
project session (modules that need another set-up define their own ``session``)."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _bundled_fonts(qapp):
    from desktop.fonts import load_bundled_fonts

    assert "Amiri" in load_bundled_fonts()


@pytest.fixture
def session(proj, qtbot):
    """The test project opened as the window opens it, coding as "Hana" (her coder
    record made, as the window's first action would: every step records who did it)."""
    from desktop.session import ProjectSession

    ps = ProjectSession(proj)
    ps.set_coder("Hana")
    ps.coder_id()
    yield ps
    ps.close()  # drains the worker, stops the watch


@pytest.fixture
def project_file(tmp_path):
    """A project file with one source and the code Water: (path, source id, code id)."""
    from tests.desktop.process_support import make_project_file

    return make_project_file(tmp_path)


@pytest.fixture
def shown_window(qtbot):
    """The main window at its default size, shown, no project open (closed at the end)."""
    from desktop.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_project()
