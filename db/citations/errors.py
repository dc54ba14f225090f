"""Typed errors of memos, references and citations (the desktop words them for people)."""

from __future__ import annotations

from db.errors import QuireError


class NotesError(QuireError):
    """A memo, reference or citation action cannot be done as asked (an unknown target,
    an empty key, a footnote of another source...). Nothing has been changed."""


class CitationStyleError(NotesError):
    """A citation style that Quire does not ship was asked for."""


class ReferenceFileError(NotesError):
    """A reference file that cannot be read at all (missing, binary, unknown format)."""
