"""The REFI-QDA menu actions that need no dialog of their own: export a project or the
codebook, import a codebook. Each asks for a file name, runs the core, and says what
happened; importing a codebook is one undoable step. (Importing a project is the Merge
dialog with ``import_qdpx=True``.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from db.exchange.refi_export import export_qdc, export_qdpx
from db.exchange.refi_import import import_qdc
from db.ops import bind
from desktop.session import ProjectSession
from desktop.tasks import Task


def export_project(session: ProjectSession, parent: QWidget,
                   path: str | Path | None = None) -> Task | None:
    """Ask where to save (unless ``path``) and export the project as .qdpx on the worker."""
    path = path or _save_name(parent, "Export REFI-QDA Project", session, ".qdpx",
                              "REFI-QDA projects (*.qdpx)")
    if not path:
        return None
    task = session.start_task("Export", lambda s, progress, cancelled:
                              export_qdpx(s, path, progress=progress))
    task.finished.connect(lambda out: _tell(parent, f"Saved {Path(out).name}. Positions "
                                                    "are Unicode code points."))
    task.failed.connect(lambda exc, _t: _warn(parent, "Could not export the project", exc))
    return task


def export_codebook(session: ProjectSession, parent: QWidget,
                    path: str | Path | None = None) -> Path | None:
    """Ask where to save (unless ``path``) and export the codebook as .qdc."""
    path = path or _save_name(parent, "Export Codebook", session, ".qdc",
                              "REFI-QDA codebooks (*.qdc)")
    if not path:
        return None
    with session.read() as s:
        return export_qdc(s, path)


def import_codebook(session: ProjectSession, parent: QWidget,
                    path: str | Path | None = None):
    """Ask for a .qdc (unless ``path``) and add its codes: one undoable step. Returns the
    MergeReport, or None when cancelled or refused (the user is told why)."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import Codebook", "",
                                              "REFI-QDA codebooks (*.qdc);;All files (*)")
    if not path:
        return None
    try:
        done = session.execute(bind(import_qdc, path=path))
    except Exception as exc:  # noqa: BLE001 - every refusal becomes a message
        _warn(parent, "Could not import the codebook", exc)
        return None
    if done.changes:  # a codebook with nothing new leaves no empty step on the stack
        session.adopt(done)
    return done.value


def _save_name(parent: QWidget, title: str, session: ProjectSession, suffix: str,
               filters: str) -> str:
    start = Path(session.project.path or "project").with_suffix(suffix)
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    return path


def _tell(parent: QWidget, text: str) -> None:
    QMessageBox.information(parent, "Quire", text)


def _warn(parent: QWidget, title: str, exc: BaseException) -> None:
    QMessageBox.warning(parent, title, str(exc))
