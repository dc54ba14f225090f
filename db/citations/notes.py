"""A document's notes as one ordered sequence, each citation in its style's position.

An export prints its notes in an order (numbered through the document). A style says how
a work cited again is cited: Chicago gives the full note the first time and a shortened
note ("Mead, “Dystopia,” 47.") after it (the 18th edition's style never uses "Ibid.", as
the Manual advises; a style that does gets it where the CSL says); APA and MLA cite in
their author-date and author-page forms every time. :class:`NoteSequence` keeps the
sequence: which works were cited, in which note, with which locator, so that each
citation is rendered in its CSL position (first, subsequent, ibid, ibid-with-locator,
near-note), and the works an export cites, for its bibliography.

An article's own footnote is printed as the article wrote it. When it names a work Quire
knows (a reference or a source, found by :mod:`db.citations.works`), that work counts as
cited there; printed again, the note becomes that work's shortened citation, or, when it
names no known work, a cross-reference to the note where it was first printed.
"""

from __future__ import annotations

from typing import Any

from db.citations.engine import FIRST
from db.citations.format import DEFAULT_STYLE, format_citation, get_style

NEAR_NOTE = 5  # CSL's default near-note-distance


def identity(item: dict[str, Any]) -> str:
    """What makes two CSL items the same work (everything but their ``id``)."""
    return repr(sorted((k, repr(v)) for k, v in item.items() if k != "id"))


def author_key(item: dict[str, Any]) -> str:
    """The first author's family (or literal) name, folded: two works sharing it are
    told apart by their titles in MLA."""
    names = item.get("author") or []
    first = names[0] if names and isinstance(names[0], dict) else {}
    return str(first.get("family") or first.get("literal") or "").casefold()


class NoteSequence:
    """The notes of one document, in the order they are printed."""

    def __init__(self, style: str = DEFAULT_STYLE, *, html_output: bool = False,
                 known: list[dict[str, Any]] | None = None):
        self.style, self.html = get_style(style).name, html_output
        self.number = 0
        self.works: dict[str, dict[str, Any]] = {}  # identity -> item, first cited first
        self._last: dict[str, int] = {}  # identity -> number of the last note citing it
        self._previous: tuple[str, str] | None = None  # (work, locator) of the last note
        self._footnotes: dict[Any, int] = {}  # an article footnote -> note first printed
        self._authors: dict[str, set[str]] = {}  # author key -> works, known or cited
        for item in known or []:
            self._note_author(item)

    # --- the three kinds of note ----------------------------------------------------------

    def cite(self, item: dict[str, Any], locator: str = "", label: str = "") -> str:
        """The next note: a citation of ``item`` in its position."""
        self.number += 1
        return self._cite(item, locator, label)

    def footnote(self, key: Any, text: str, works: list[dict[str, Any]] | None = None) -> str:
        """The next note: an article's own footnote (``key`` tells it from others) with
        its ``text``, and the known ``works`` it names."""
        self.number += 1
        works = works or []
        first = self._footnotes.setdefault(key, self.number)
        if first == self.number:
            for work in works:
                self._cited(work, "")
            self._previous = (identity(works[0]), "") if len(works) == 1 else None
            return text
        if works:
            return "; ".join(self._cite(w, "", "") for w in works)
        self._previous = None
        return f"See note {first}."

    def text(self, text: str) -> str:
        """The next note: words that cite no work."""
        self.number += 1
        self._previous = None
        return text

    # --- positions ---------------------------------------------------------------------------

    def _cite(self, item: dict[str, Any], locator: str, label: str) -> str:
        key = identity(item)
        position = self.position(key, f"{label}:{locator}" if locator else "")
        self._cited(item, f"{label}:{locator}" if locator else "")
        return format_citation(item, style=self.style, locator=locator,
                               locator_label=label or ("page" if locator else ""),
                               html_output=self.html, position=position,
                               ambiguous=self._ambiguous(item))

    def position(self, key: str, locator: str) -> frozenset[str]:
        """The CSL positions that hold for a citation of work ``key`` at ``locator`` now."""
        last = self._last.get(key)
        if last is None:
            return FIRST
        out = {"subsequent"}
        if self._previous is not None and self._previous[0] == key:
            before = self._previous[1]
            if locator and locator != before:
                out |= {"ibid", "ibid-with-locator"}
            elif not before or locator:
                out.add("ibid")
        if self.number - last <= NEAR_NOTE:
            out.add("near-note")
        return frozenset(out)

    def _cited(self, item: dict[str, Any], locator: str) -> None:
        key = identity(item)
        if key not in self.works:
            self.works[key] = item
            self._note_author(item)
        self._last[key] = self.number
        self._previous = (key, locator)

    def _note_author(self, item: dict[str, Any]) -> None:
        name = author_key(item)
        if name:
            self._authors.setdefault(name, set()).add(identity(item))

    def _ambiguous(self, item: dict[str, Any]) -> bool:
        return len(self._authors.get(author_key(item), ())) > 1

    def cited(self) -> list[dict[str, Any]]:
        """The works cited so far, each once, in the order first cited."""
        return list(self.works.values())
