"""The REFI-QDA menu actions that need no dialog of their own: export a project or the
codebook, import a codebook. Each asks for a file name, then runs the core: the exports
on the worker, followed in a small progress window with Cancel (nothing is written
when cancelled); importing a codebook through the session's runner, as one undoable
step. (Importing a project is the Merge dialog with ``import_qdpx=True``.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from db.exchange.refi_export import export_qdc, export_qdpx
from db.exchange.refi_import import import_qdc
from db.ops import bind
from desktop.session import ProjectSession, Step
from desktop.tasks import Task
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


def export_codebook(session: ProjectSession, parent: QWidget | None,
                    path: str | Path | None = None) -> Task | None:
    """Ask where to save (unless ``path``) and export the codebook as .qdc on the worker."""
    path = path or _save_name(parent, "Export Codebook", session, ".qdc",
                              "REFI-QDA codebooks (*.qdc)")
    if not path:
        return None
    return _export(session, parent, "Export Codebook", path, export_qdc)


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
    """Ask for a .qdc (unless ``path``) and add its codes as one undoable step (none when
    nothing is new); the step's value is the MergeReport. None when no file was chosen."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import Codebook", "",
                                              "REFI-QDA codebooks (*.qdc);;All files (*)")
    if not path:
        return None
    return session.run(bind(import_qdc, path=path), initiator=parent,
                       refused=warn(parent, "Could not import the codebook"))


def _save_name(parent: QWidget | None, title: str, session: ProjectSession, suffix: str,
               filters: str) -> str:
    start = Path(session.project.path or "project").with_suffix(suffix)
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    return path
