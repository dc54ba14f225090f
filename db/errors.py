"""Typed exceptions raised by the core; the desktop and CLI turn them into messages."""

from __future__ import annotations

from pathlib import Path


class QuireError(Exception):
    """Base class of every error the core raises on purpose."""

    def add_sentence(self, sentence: str) -> QuireError:
        """Append ``sentence`` to the message (what was kept, what stopped); returns self."""
        self.args = (f"{self.args[0]}. {sentence}" if self.args else sentence, *self.args[1:])
        return self


class ProjectError(QuireError):
    """A project file cannot be created, opened or used."""


class NewerProjectError(ProjectError):
    """The project file was written by a newer Quire whose schema this one does not know."""


class NotAProjectError(ProjectError):
    """The file is not a Quire project (not SQLite, or SQLite without Quire's tables)."""


class ProjectFileMovedError(ProjectError):
    """The path no longer names the file the project was opened from (moved, renamed,
    deleted or replaced while open); nothing more is written until it is saved elsewhere.

    ``now_at`` is where the open file is now, when the system can tell (else None)."""

    def __init__(self, message: str, now_at: str | None = None):
        super().__init__(message)
        self.now_at = now_at


class DamagedProjectError(ProjectError):
    """The project file is truncated or corrupt (or a leftover journal beside it does
    not belong to it); Quire has not written to it."""


class ReadOnlyProjectError(ProjectError):
    """The project file (or its folder) cannot be written: it is open for reading only."""


class DiskFullError(ProjectError):
    """The disk holding the project (or an export) is full; the write was undone."""


class ImportFileError(QuireError):
    """One file could not be imported; ``reason`` says why in words a researcher understands."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class UnknownFormatError(ImportFileError):
    """No importer recognises the file."""


class ImportCancelled(QuireError):
    """The user cancelled a running import; what finished before stays in the project."""


class NotFoundError(QuireError):
    """An entity named by id, uuid or name does not exist in the project."""


class UnknownFormatNameError(QuireError):
    """A format was asked for by a name no importer has."""


class SearchError(QuireError):
    """Searching failed; the message says why in words a researcher understands."""


class QuerySyntaxError(SearchError):
    """A search query that cannot be read; ``position`` is the code-point index of the problem."""

    def __init__(self, message: str, position: int, query: str = ""):
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position
        self.query = query

    def pointer(self) -> str:
        """The query with a caret line under the problem, for a terminal."""
        return f"{self.query}\n{' ' * self.position}^"


class SearchIndexError(SearchError):
    """The search index cannot be used now (damaged, missing or being rebuilt)."""


class IndexBusyError(SearchIndexError):
    """Another writer (another Quire window or command) is updating the search index."""


class IndexCancelled(SearchError):
    """The user cancelled building the search index; the old index (if any) is kept."""


class SavedSearchNameError(QuireError):
    """A saved search needs a name that no other saved search has."""


class CodingError(QuireError):
    """A coding action cannot be done as asked (empty or duplicate code name, a span that
    is empty, blank or outside the text, a move or merge into the code's own subtree...).

    Nothing has been changed when it is raised; the message says why.
    """


class ExportError(QuireError):
    """An export cannot be written as asked (an unwritable path, a bad option...).

    Nothing is left behind when it is raised: no partial file is written.
    """


class EmptyExportError(ExportError):
    """The selection to export holds no excerpt, so no file is written."""


class ExportCancelled(QuireError):
    """The user cancelled an export; no file was written."""


class AnalysisError(QuireError):
    """A statistic was asked for in a way that cannot be answered (an unknown unit...)."""


class AnalysisCancelled(QuireError):
    """A long statistic was cancelled; nothing is shown."""


class ConflictError(QuireError):
    """An undo, redo or edit would overwrite what someone else did since (another window,
    a ``quire`` command, a teammate): it is refused and nothing has been changed.

    ``problems`` lists what changed, one phrase each ("excerpt 12 was changed since").
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class NotAllowedError(QuireError):
    """The signed-in member's role on a team project does not allow this change (the
    server refused it: a reader, another coder's row, a codebook the owner keeps closed);
    nothing was changed."""


class HistoryError(QuireError):
    """The history cannot do what was asked (a step still running, nothing to undo...)."""
