"""The plain-text notes convention, shared by the text, Markdown and PDF importers.

A body with bracketed markers ("... as reported [1].") and, at the very end, a list of
notes whose lines start with the same labels ("[1] Al-Ahram, 3 May 2021."), possibly
under a heading such as "Notes" or "الهوامش". The list is taken out of the body and each
note becomes a :class:`FootnoteDraft` at its marker. Anything less certain stays text: a
"[1]" without a notes list, or a list whose labels have no markers in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from db.importers.articles import collapse_spaces, marker
from db.importers.base import FootnoteDraft
from db.text import TextBuilder

_NOTE_LINE = re.compile(r"\s*\[(\d{1,4})\][ \t]*(.*)")
_HEADINGS = {
    "notes", "note", "footnotes", "endnotes", "references", "sources", "bibliography",
    "works cited", "الهوامش", "هوامش", "المراجع", "المصادر", "الحواشي", "المصادر والمراجع",
}
_RULE = re.compile(r"\s*([-_*=—–])\1{2,}\s*")


@dataclass
class _Entry:
    label: str
    lines: list[str]


def split_notes(text: str) -> tuple[str, list[FootnoteDraft]]:
    """Split a trailing notes list off canonical ``text``; returns (body, footnotes).

    When the text does not follow the convention it is returned unchanged, with no notes.
    """
    lines = text.rstrip().split("\n")
    start = _notes_start(lines)
    if start is None:
        return text, []
    entries = _parse_entries(lines[start:])
    body_end = _strip_heading(lines, start)
    body = "\n".join(lines[:body_end]).rstrip()
    places = _find_markers(body, entries)
    if places is None:
        return text, []
    return _rebuild(body, entries, places)


def _notes_start(lines: list[str]) -> int | None:
    """Index of the first line of the trailing notes list, or None when there is none.

    Walking up from the end, a note may run over several lines (no blank line inside a
    note); blank lines may separate notes. The first line that fits neither ends the list.
    """
    start, pending = None, False
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if _NOTE_LINE.fullmatch(line):
            start, pending = i, False
        elif not line.strip():
            if pending:
                break
        elif is_notes_heading(line) or _RULE.fullmatch(line):
            break
        else:
            pending = True
    return start


def _parse_entries(lines: list[str]) -> list[_Entry]:
    entries: list[_Entry] = []
    for line in lines:
        m = _NOTE_LINE.fullmatch(line)
        if m:
            entries.append(_Entry(m.group(1), [m.group(2)]))
        elif line.strip():
            entries[-1].lines.append(line.strip())
    return entries


def is_notes_heading(line: str) -> bool:
    """True for a line that only says "Notes", "References", "الهوامش" and the like."""
    words = line.strip().strip("#*_=-:—–. \t").strip().casefold()
    return words in _HEADINGS


def _strip_heading(lines: list[str], start: int) -> int:
    """Where the body ends: before the notes, their heading and a separator rule."""
    end = start
    for _ in range(2):  # at most a heading and a rule, in either order
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        if end > 0 and (is_notes_heading(lines[end - 1]) or _RULE.fullmatch(lines[end - 1])):
            end -= 1
    return end


def _find_markers(body: str, entries: list[_Entry]) -> list[int] | None:
    """The position of each entry's marker in ``body``, in order; None if one is missing.

    A label repeated in the body is taken at its first occurrence after the previous
    note's marker, which matches how notes are numbered in reading order.
    """
    labels = [e.label for e in entries]
    if len(set(labels)) != len(labels):
        return None
    places, after = [], 0
    for label in labels:
        at = body.find(marker(label), after)
        if at < 0:
            at = body.find(marker(label))
        if at < 0:
            return None
        places.append(at)
        after = at + 1
    return places


def _rebuild(body: str, entries: list[_Entry], places: list[int]) -> tuple[str, list]:
    """Write the body again through TextBuilder so the offsets are canonical ones."""
    builder, notes, done = TextBuilder(), [], 0
    for entry, at in sorted(zip(entries, places, strict=True), key=lambda pair: pair[1]):
        builder.append(body[done:at])
        start = builder.mark()
        builder.append(marker(entry.label))
        done = at + len(marker(entry.label))
        note = collapse_spaces(" ".join(entry.lines)).strip()
        notes.append(FootnoteDraft(entry.label, note, start, builder.mark()))
    builder.append(body[done:])
    return builder.text(), notes
