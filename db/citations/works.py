"""Which known works an article's own footnote names.

An article's footnotes are its author's words ("See Adam Hoffman, “The Crumbling
Caliphate,” Moshe Dayan Center, 2016."), not data. A footnote names a work Quire knows --
a reference of the library or a source of the project -- when it holds that work's DOI
or URL, or its whole title (of three words or more, compared without case, accents,
Arabic vowel marks or punctuation). Such works count as cited by the note: they go in
the export's bibliography, and the note printed again becomes their shortened citation
(:class:`db.citations.notes.NoteSequence`).
"""

from __future__ import annotations

import re
from typing import Any

from db.citations.csl import normalize_doi, normalize_title, normalize_url

MIN_TITLE_WORDS = 3
_KEY_WORDS = 3  # titles are found by their first words, then compared whole
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]+", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/[^\s<>\"“”]+", re.IGNORECASE)


class WorkIndex:
    """Known works by DOI, URL and title; each work is any value the caller chooses (a
    key to resolve later), stored with the identifiers it is found by."""

    def __init__(self) -> None:
        self.by_doi: dict[str, list[Any]] = {}
        self.by_url: dict[str, list[Any]] = {}
        self.by_title: dict[str, list[tuple[str, Any]]] = {}

    def add(self, work: Any, *, doi: str = "", url: str = "", title: str = "") -> None:
        """Index ``work`` by whichever identifiers it has."""
        if normalize_doi(doi):
            self.by_doi.setdefault(normalize_doi(doi), []).append(work)
        if normalize_url(url):
            self.by_url.setdefault(normalize_url(url), []).append(work)
        words = normalize_title(title).split()
        if len(words) >= MIN_TITLE_WORDS:
            key = " ".join(words[:_KEY_WORDS])
            self.by_title.setdefault(key, []).append((" ".join(words), work))

    def find(self, text: str) -> list[Any]:
        """The works ``text`` names, each once, in the order found."""
        found: list[Any] = []
        for doi in _DOI.findall(text or ""):
            found += self.by_doi.get(normalize_doi(doi.rstrip(".,;)")), [])
        for url in _URL.findall(text or ""):
            found += self.by_url.get(normalize_url(url.rstrip(".,;)")), [])
        found += self._titles(text)
        return list(dict.fromkeys(found))

    def _titles(self, text: str) -> list[Any]:
        if not self.by_title:
            return []
        words = normalize_title(text).split()
        padded, out = f" {' '.join(words)} ", []
        for i in range(len(words) - _KEY_WORDS + 1):
            for title, work in self.by_title.get(" ".join(words[i:i + _KEY_WORDS]), ()):
                if f" {title} " in padded:
                    out.append(work)
        return out


def urls_in(text: str) -> list[str]:
    """The web addresses written in ``text``."""
    return [u.rstrip(".,;)") for u in _URL.findall(text or "")]
