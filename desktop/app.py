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
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from db.resources import resource
from desktop import file_open, settings
from desktop.dialogs.coder import ensure_coder_name
from desktop.file_guard import install_message_hook
from desktop.fonts import load_bundled_fonts
from desktop.main_window import MainWindow

ICON_NAMES = ("quire.svg", "quire.png", "quire.ico")


def run(argv: Sequence[str]) -> int:
    """Show the window and run until it closes; returns the exit code.

    The window is shown first; the first-run question, the project and everything the
    first frame does not need come once that frame is painted (:func:`after_first_frame`),
    so the question is asked over a fully drawn window and nothing delays the frame.
    """
    app, args = application(argv)
    timing = bool(os.environ.get("QUIRE_EXIT_AFTER_SHOWN"))  # timing the start-up
    window = launch(app, parse(args), timing=timing)
    install_message_hook(window)  # a failure no view caught is a message, not a traceback
    _tell_site_defaults_problem(window)
    file_open.install(app, window)  # macOS: a .quire double-clicked in Finder opens here
    code = app.exec()
    del window
    return code


def _tell_site_defaults_problem(window: MainWindow) -> None:
    """A bad machine defaults file is ignored, and said so (stderr and the status bar)."""
    problem = settings.site().problem
    if problem:
        print(f"quire: {problem}", file=sys.stderr)
        window.statusBar().showMessage(problem)


def launch(app: QApplication, options: argparse.Namespace, *, timing: bool = False
           ) -> MainWindow:
    """Show the window; once its first frame is painted, ask the coder's name (first
    run) and open what ``options`` ask for."""
    window = MainWindow()
    window.show()
    after_first_frame(window, lambda: _after_first_frame(app, window, options, timing))
    return window


def _after_first_frame(app: QApplication, window: MainWindow, options: argparse.Namespace,
                       timing: bool) -> None:
    """The window is on screen: ask the coder's name (first run), then open the project."""
    if timing:
        _report("window shown")
    ensure_coder_name(window)  # asked once, at first run; everything coded records it
    open_requested(window, options)
    if window.session is not None:
        window.session.set_coder(settings.coder_name())
    # Everything made at start-up lives as long as the window: keeping it out of the
    # collector's way saves a ~60 ms pause that would otherwise land on a coding action.
    gc.freeze()
    if timing:
        if window.session is None and options.sample:
            window.project_opened.connect(lambda _s: after_first_frame(window, app.quit))
            return
        after_first_frame(window, lambda: (_report("project shown"), app.quit()))


class _FirstFrame(QObject):
    """Calls back once, after the widget's first paint has been done (and flushed)."""

    def __init__(self, widget: QWidget, callback: Callable[[], object]):
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)
        widget.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """On the first paint: call back when the event loop is next free."""
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        self.deleteLater()
        if callback is not None:
            callback()


def after_first_frame(widget: QWidget, callback: Callable[[], object]) -> None:
    """Run ``callback`` once ``widget`` has next been painted (the frame is on screen)."""
    _FirstFrame(widget, callback)


def _report(what: str) -> None:
    """Print the seconds from process start to now, and the CPU seconds spent."""
    print(f"{what} {_since_start()} ({time.process_time():.2f} s of CPU)", flush=True)


def _since_start() -> str:
    try:  # Linux: the process's start time, in clock ticks since boot
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")
        elapsed = time.clock_gettime(time.CLOCK_BOOTTIME) - started
        return f"{elapsed:.2f} s after the process started"
    except (OSError, ValueError, AttributeError):
        return "(the start time is not known on this system)"


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
    """Show a main window with the project the arguments ask for (opened at once)."""
    options = parse(args)
    window = MainWindow()
    window.show()
    open_requested(window, options)
    return window


def open_requested(window: MainWindow, options: argparse.Namespace) -> None:
    """Open what the command line asks for: the sample, a file, or the last project."""
    if options.sample:
        window.open_sample()
    elif options.project:
        window.open_project(options.project)
    else:
        recent = settings.recent_projects()
        if recent:
            window.open_project(recent[0])
