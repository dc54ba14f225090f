"""Starting the window: ``quire``, ``quire PROJECT.quire``, ``quire --sample``.

With no argument the last project opens again, or the welcome page shows. A project
that cannot be opened is reported in a message box, never with a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from db.resources import resource
from desktop import file_open, settings
from desktop.dialogs.coder import ensure_coder_name
from desktop.file_guard import install_message_hook
from desktop.fonts import load_bundled_fonts
from desktop.main_window import MainWindow

ICON_NAMES = ("quire.svg", "quire.png", "quire.ico")


def run(argv: Sequence[str]) -> int:
    """Show the window and run until it closes; returns the exit code."""
    app, args = application(argv)
    window = start(args)
    install_message_hook(window)  # a failure no view caught is a message, not a traceback
    _tell_site_defaults_problem(window)
    file_open.install(app, window)  # macOS: a .quire double-clicked in Finder opens here
    ensure_coder_name(window)  # asked once, at first run; everything coded records it
    if window.session is not None:
        window.session.set_coder(settings.coder_name())
    # Everything made at start-up lives as long as the window: keeping it out of the
    # collector's way saves a ~60 ms pause that would otherwise land on a coding action.
    gc.freeze()
    if os.environ.get("QUIRE_EXIT_AFTER_SHOWN"):  # timing the start-up (packaging/build.sh)
        QTimer.singleShot(0, lambda: _report_shown(app))
    code = app.exec()
    del window
    return code


def _tell_site_defaults_problem(window: MainWindow) -> None:
    """A bad machine defaults file is ignored, and said so (stderr and the status bar)."""
    problem = settings.site().problem
    if problem:
        print(f"quire: {problem}", file=sys.stderr)
        window.statusBar().showMessage(problem)


def _report_shown(app: QApplication) -> None:
    """Print the seconds from process start to the window on screen, then quit."""
    try:  # Linux: the process's start time, in clock ticks since boot
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")
        elapsed = time.clock_gettime(time.CLOCK_BOOTTIME) - started
        when = f"{elapsed:.2f} s after the process started"
    except (OSError, ValueError, AttributeError):
        when = "(the start time is not known on this system)"
    print(f"window shown {when} ({time.process_time():.2f} s of CPU)", flush=True)
    app.quit()


def application(argv: Sequence[str]) -> tuple[QApplication, list[str]]:
    """The QApplication, named and with its icon, and the arguments Qt left for Quire."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(["quire", *argv])
        argv = app.arguments()[1:]  # without Qt's own options (-style, -platform...)
    app.setApplicationName("Quire")
    app.setOrganizationName("Quire")
    load_bundled_fonts()  # Arabic looks the same whatever fonts the machine has
    icon = app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    return app, list(argv)


def app_icon() -> QIcon | None:
    """Quire's icon from the bundled resources, if it is there."""
    for name in ICON_NAMES:
        path = resource("icons", name)
        if path.exists():
            return QIcon(str(path))
    return None


def parse(args: Sequence[str]) -> argparse.Namespace:
    """The window's own command line (see :mod:`desktop.cli` for the headless one)."""
    p = argparse.ArgumentParser(prog="quire", description="Open the Quire window.")
    p.add_argument("project", nargs="?", help="a project file (.quire) to open")
    p.add_argument("--sample", action="store_true", help="open the bundled sample project")
    return p.parse_args(list(args))


def start(args: Sequence[str]) -> MainWindow:
    """Show a main window with the project the arguments ask for."""
    options = parse(args)
    window = MainWindow()
    window.show()
    if options.sample:
        window.open_sample()
    elif options.project:
        window.open_project(options.project)
    else:
        recent = settings.recent_projects()
        if recent:
            window.open_project(recent[0])
    return window
