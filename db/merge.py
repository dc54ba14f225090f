"""Merging another Quire project, or a REFI-QDA project, into the open project.

The classroom's last step: each student codes a copy of the same project under their
own name and hands it back; the instructor merges the copies. :func:`preview_merge`
says what will be added and what is already there, before anything changes;
:func:`merge` does it as one undoable operation whose inverse removes exactly what it
added. The matching rules are in :mod:`db.exchange.merge_plan`: sources by UUID or
identical text, codes by UUID or path, and every coder's excerpts stay that coder's.

The other project file is never changed: it is copied to a temporary folder (with
SQLite's backup, consistent even while it is open elsewhere) and read from the copy,
so an older file is migrated only there.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from db import project
from db.errors import ImportFileError, QuireError
from db.exchange.bundle import Bundle, read_project
from db.exchange.merge_plan import KINDS, Plan, plan_merge
from db.exchange.merge_write import Writer
from db.foreign import is_sqlite, is_taguette
from db.ops import OpResult
from db.restore import no_op, undoable

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
QDPX_SUFFIXES = (".qdpx",)


class MergeError(QuireError):
    """The other file cannot be merged (it is missing, or it is not a project)."""


@dataclass
class MergeReport:
    """What a merge adds and finds already there, and what it cannot take."""

    source: str = ""
    added: dict[str, int] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)
    matched_by: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # decisions worth knowing
    unmapped: list[str] = field(default_factory=list)  # what could not be taken

    @property
    def changes_anything(self) -> bool:
        """Whether merging adds anything at all."""
        return any(self.added.values())

    def lines(self) -> list[str]:
        """The report as lines of text (the CLI prints them, the dialog shows them)."""
        out = [f"{kind:<12} {self.added.get(kind, 0):>6} to add  "
               f"{self.matched.get(kind, 0):>6} already there{_how(self.matched_by, kind)}"
               for kind in KINDS]
        out += [f"note: {n}" for n in self.notes[:50]]
        out += [f"not mapped: {u}" for u in self.unmapped[:50]]
        more = len(self.notes) + len(self.unmapped) - 100
        if more > 0:
            out.append(f"... and {more} more")
        return out

    def to_dict(self) -> dict:
        """The report as plain JSON-ready values."""
        return asdict(self)


def _how(matched_by: dict[str, dict[str, int]], kind: str) -> str:
    ways = matched_by.get(kind) or {}
    return f" (by {', '.join(f'{w} {n}' for w, n in ways.items())})" if ways else ""


def _report(plan: Plan, source: str) -> MergeReport:
    return MergeReport(
        source=source,
        added={k: len(plan.added[k]) for k in KINDS},
        matched={k: len(plan.matched[k]) for k in KINDS},
        matched_by={k: dict(plan.how[k]) for k in KINDS if plan.how[k]},
        notes=[*plan.bundle.notes, *plan.notes], unmapped=list(plan.bundle.unmapped))


# --- reading the other file -----------------------------------------------------------------

def load_other(path: str | Path, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> Bundle:
    """The other project (a ``.quire`` file, a ``.qdpx`` or a Taguette project) as a
    bundle."""
    path = Path(path)
    if not path.is_file():
        raise MergeError(f"{path}: no such file")
    if path.suffix.lower() in QDPX_SUFFIXES:
        from db.exchange.refi_import import read_qdpx

        return read_qdpx(path, progress=progress, cancelled=cancelled)
    if is_sqlite(path) and is_taguette(path):
        from db.exchange.taguette import read_taguette

        return read_taguette(path)
    return _read_quire(path, progress, cancelled)



def _read_quire(path: Path, progress: Progress | None, cancelled: Cancelled | None) -> Bundle:
    folder = Path(tempfile.mkdtemp(prefix="quire-merge-"))
    try:
        copy = folder / "other.quire"
        _copy_database(path, copy)
        with project.open(copy) as other, other.sessions() as s:
            bundle = read_project(s, progress=progress, cancelled=cancelled)
        bundle.origin = f"Quire project {path.name}"
        return bundle
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_database(path: Path, copy: Path) -> None:
    """A consistent copy of a SQLite file (its WAL included); refuse anything else."""
    if not is_sqlite(path):
        raise ImportFileError(path, "this is neither a Quire project (.quire), a REFI-QDA "
                                    "project (.qdpx) nor a Taguette project (.sqlite3)")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise ImportFileError(path, f"the project file cannot be read ({exc})") from exc
    finally:
        src.close()
        dst.close()


# --- preview and merge ----------------------------------------------------------------------

def preview_merge(session: Session, *, bundle: Bundle, source: str = "") -> MergeReport:
    """What merging ``bundle`` would add and match; nothing is changed."""
    return _report(plan_merge(session, bundle), source or bundle.name)


def merge_bundle(session: Session, *, bundle: Bundle, label: str = "",
                 progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> OpResult:
    """Merge ``bundle`` into the project as one operation (value: a MergeReport).

    Never commits; when it raises, the caller rolls back and nothing has changed.
    """
    label = label or f"Merge {bundle.name or 'project'}"
    plan = plan_merge(session, bundle)
    report = _report(plan, bundle.name)
    if not report.changes_anything:
        return no_op(session, label=label, value=report)
    writer = Writer(session, plan, cancelled or (lambda: False))
    done = writer.run(progress or (lambda *a: None))
    session.expire_all()
    return undoable(done, writer.before(), label, report)


def merge(session: Session, *, path: str | Path, progress: Progress | None = None,
          cancelled: Cancelled | None = None) -> OpResult:
    """Merge the project file at ``path`` (``.quire`` or ``.qdpx``): one undoable step."""
    bundle = load_other(path, progress=progress, cancelled=cancelled)
    return merge_bundle(session, bundle=bundle, label=f"Merge {Path(path).name}",
                        progress=progress, cancelled=cancelled)
