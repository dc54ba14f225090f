"""Taguette's "highlighted document" export (.html): the article, its highlights coded.

Taguette writes the document's HTML with each highlight in ``<span class="highlight">``
followed by its tags in ``<span class="taglist"> [tag1, tag2]</span>``, under an
``<h1>`` with the document's name. The tag lists are not the document's words: they
are left out of the text, and each becomes the codes of the highlighted run before it
(a tag name whole, "/" and all). A highlight without tags is a highlight.

Overlapping highlights cannot be told apart in this file (Taguette splits them into
runs and lists tags only where a highlight ends), so a run is coded from where it
starts; Taguette's project file (Import ▸ Taguette Project) has the exact passages.
"""

from __future__ import annotations

import re
from pathlib import Path

from db.importers.articles import by_extension, single_article
from db.importers.base import ARTICLE, FileRead, PassageDraft, ReadOptions
from db.importers.html import decode_page
from db.importers.html_text import render
from db.importers.safety import check_size

_MARK = re.compile(rb"\.taglist\s*\{")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_HEADING = re.compile(r"(<body[^>]*>\s*)<h1>.*?</h1>", re.S | re.I)


class TaguetteHtmlImporter:
    """One article, with its highlights as coded passages."""

    name = "taguette-html"
    label = "Taguette highlighted document (HTML)"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Sure for an HTML file whose style sheet has Taguette's tag-list class."""
        looks = _MARK.search(head[:4096]) and b'class="taglist"' in head
        return by_extension(path, (".html", ".htm"), 0.95) if looks else 0.0

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the document and its highlights."""
        check_size(path)
        page = decode_page(path, path.read_bytes())
        title = _TITLE.search(page)
        shown = render(_HEADING.sub(r"\1", page, count=1), highlights=True)
        read = single_article(path, shown.text, title=" ".join(title.group(1).split())
                              if title else "")
        draft = next(read.drafts)
        draft.passages = [PassageDraft(p.start, p.end, p.tags, whole_names=True)
                          for p in shown.passages]
        draft.extra["format"] = self.name
        read.drafts = iter([draft])
        return read


IMPORTER = TaguetteHtmlImporter()
