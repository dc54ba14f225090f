"""The exchange menu actions that need no dialog of their own: export a project or the
codebook (.qdc, or CSV), import a codebook (.qdc, .csv, .xlsx), make a Quire project of
a Taguette project. Each asks for a file name, then runs the core: the exports on the
worker, followed in a small progress window with Cancel (nothing is written when
cancelled); importing a codebook through the session's runner, as one undoable step;
the Taguette import on a worker of its own (no project is open for it), the new project
opened when it is done. (Importing a REFI-QDA project is the Merge dialog with
``import_qdpx=True``.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from db.errors import QuireError
from db.exchange.codebook_csv import export_codebook_csv
from db.exchange.codebook_csv import import_codebook as import_book
from db.exchange.refi_export import export_qdc, export_qdpx
from db.exchange.taguette import import_taguette, taguette_projects
from db.ops import bind
from desktop.session import ProjectSession, Step
from desktop.tasks import Task, TaskRunner
from desktop.widgets.feedback import run_in_dialog, warn

POSITIONS = "Positions are Unicode code points."


def export_project(session: ProjectSession, parent: QWidget | None,
                   path: str | Path | None = None) -> Task | None:
    """Ask where to save (unless ``path``) and export the project as .qdpx on the worker."""
    path = path or _save_name(parent, "Export REFI-QDA Project", session, ".qdpx",
                              "REFI-QDA projects (*.qdpx)")
    if not path:
        return None
    return _export(session, parent, "Export REFI-QDA Project", path, export_qdpx)


_BOOKS = {".qdc": ("Export Codebook", "REFI-QDA codebooks (*.qdc)", export_qdc),
          ".csv": ("Export Codebook as CSV", "CSV tables (*.csv)", export_codebook_csv)}


def export_codebook(session: ProjectSession, parent: QWidget | None,
                    path: str | Path | None = None, suffix: str = ".qdc") -> Task | None:
    """Ask where to save (unless ``path``) and export the codebook on the worker, as .qdc
    or, with ``suffix`` ".csv", as CSV."""
    title, filters, write = _BOOKS[suffix]
    path = path or _save_name(parent, title, session, suffix, filters)
    if not path:
        return None
    return _export(session, parent, title, path, write)


def _export(session: ProjectSession, parent: QWidget | None, title: str, path: str | Path,
            export) -> Task:
    """Run one of the exports on the worker, followed in a progress window."""
    task = session.start_task(title, lambda s, progress, cancelled: export(
        s, path, progress=progress, cancelled=cancelled))
    run_in_dialog(title, task, parent, failed=f"Could not {title[0].lower()}{title[1:]}",
                  finished=lambda out: f"Saved {Path(out).name}. {POSITIONS}",
                  cancelling="Cancelling… (nothing is written)")
    return task


def import_codebook(session: ProjectSession, parent: QWidget | None,
                    path: str | Path | None = None) -> Step | None:
    """Ask for a codebook, .qdc, .csv or .xlsx (unless ``path``), and add its codes as one
    undoable step (none when nothing is new); the step's value is the MergeReport. None
    when no file was chosen."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Import Codebook", "", "Codebooks (*.qdc *.csv *.xlsx);;REFI-QDA "
            "codebooks (*.qdc);;Tables (*.csv *.xlsx);;All files (*)")
    if not path:
        return None
    return session.run(bind(import_book, path=path), initiator=parent,
                       refused=warn(parent, "Could not import the codebook"))


def import_taguette_project(window, path: str | Path | None = None,
                            out: str | Path | None = None) -> Task | None:
    """Make a Quire project of a Taguette project on a worker, then open it in
    ``window``: ask for the Taguette file (unless ``path``), which of its projects, and
    where to save (unless ``out``). The Taguette file is only read."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            window, "Import Taguette Project", "",
            "Taguette projects (*.sqlite3 *.sqlite *.db);;All files (*)")
    if not path:
        return None
    try:
        project = _taguette_project(window, taguette_projects(path))
    except QuireError as exc:
        warn(window, "Could not import the Taguette project")(str(exc))
        return None
    out = out or (project and QFileDialog.getSaveFileName(
        window, "Save the New Quire Project", str(Path(path).with_name(f"{project[1]}.quire")),
        "Quire projects (*.quire)")[0])
    if not project or not out:
        return None
    runner = window.findChild(TaskRunner, "taguette_runner") or TaskRunner(window)
    runner.setObjectName("taguette_runner")
    task = runner.start("Import Taguette Project", lambda progress, cancelled: import_taguette(
        path, out, project=str(project[0]), progress=progress, cancelled=cancelled)[0])
    run_in_dialog("Import Taguette Project", task, window,
                  failed="Could not import the Taguette project")
    task.finished.connect(window.open_project)
    return task


def _taguette_project(parent: QWidget, projects: list[tuple[int, str]]):
    """The project to import: the only one, or the one the user picks (None: cancelled)."""
    if len(projects) <= 1:
        return projects[0] if projects else (0, "")
    names = [f"{pid}: {name}" for pid, name in projects]
    chosen, ok = QInputDialog.getItem(parent, "Import Taguette Project",
                                      "This Taguette file holds several projects. Import:",
                                      names, 0, False)
    return projects[names.index(chosen)] if ok else None


def _save_name(parent: QWidget | None, title: str, session: ProjectSession, suffix: str,
               filters: str) -> str:
    start = Path(session.project.path or "project").with_suffix(suffix)
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    return path
