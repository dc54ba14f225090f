"""HTML as the text a reader sees, with a map from the HTML's own text positions.

Taguette stores each document as clean HTML and counts a highlight's offsets in UTF-8
bytes over the document's text nodes (every string of the HTML5 tree, in order, white
space included, tags not counted). :func:`render` walks the HTML once with the standard
library's tokenizer and writes the text as a browser shows it: paragraphs, headings,
list items and table rows on lines of their own (a blank line between paragraphs),
``<br>`` as a line break, runs of white space as one space except in ``<pre>``. It
records where every character of the text nodes landed, so :meth:`Rendered.span`
turns a Taguette highlight into a passage of the canonical text (:mod:`db.text`).

The tokenizer sees the text nodes an HTML5 parser builds from such HTML, given the two
rules the parser adds (line ends become LF; a newline right after ``<pre>`` is dropped);
Taguette's HTML, written by an HTML5 serializer after sanitizing, needs no more.

With ``highlights=True`` it also reads Taguette's "highlighted document" export, where
each highlight is a ``<span class="highlight">`` followed by ``<span class="taglist">
[tag1, tag2]</span>``: the tag lists are left out of the text and each becomes a
:class:`Passage` over the highlighted run before it.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from html.parser import HTMLParser

from db.exchange.positions import PositionMap

_PARAGRAPHS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre table ul ol dl figure hr "
                        "address section article header footer aside main nav".split())
_LINES = frozenset("li tr dt dd div caption figcaption thead tbody tfoot body".split())
_HIDDEN = frozenset("head script style title template noscript".split())
_CELLS = ("td", "th")
_SPACE = " \t\n\r\f"


@dataclass
class Passage:
    """A highlighted run of the text ``[start, end)`` and the tags listed after it."""

    start: int
    end: int
    tags: list[str] = field(default_factory=list)


@dataclass
class Rendered:
    """The canonical text of an HTML document and where its text nodes landed in it."""

    text: str
    raw: str  # the text nodes, concatenated (what Taguette counts offsets in)
    passages: list[Passage]
    _bytes: list[int]  # UTF-8 byte offset of each raw character, and the total
    _lo: array
    _hi: array
    _canonical: PositionMap

    @property
    def raw_bytes(self) -> int:
        """The length of the text nodes in UTF-8 bytes."""
        return self._bytes[-1]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The passage of the text that UTF-8 byte offsets ``[start, end)`` of the text
        nodes cover, white space at its edges left out; None when nothing visible is in
        it. A byte offset inside a character counts from the character's end, as
        Taguette's own extraction does."""
        a = bisect.bisect_left(self._bytes, start)
        b = bisect.bisect_left(self._bytes, end)
        first = self._canonical.start(self._lo[a])
        last = self._canonical.end(self._hi[b])
        return (first, last) if first < last else None


def render(html: str, *, highlights: bool = False) -> Rendered:
    """The text of ``html`` as a reader sees it (see the module's docstring)."""
    walker = _Walker(highlights)
    walker.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
    walker.close()
    return walker.result()


class _Walker(HTMLParser):
    """One pass over the HTML: the shown text, and raw -> shown position maps."""

    def __init__(self, highlights: bool):
        super().__init__(convert_charrefs=True)
        self.highlights = highlights
        self.out: list[str] = []
        self.raw: list[str] = []
        self.lo: list[int | None] = []  # where raw character i lands as a start
        self.hi = array("q")  # where a passage ending before raw character i ends
        self._waiting: list[int] = []  # raw characters whose start lands on what comes next
        self._end = 0  # the shown length after the last character written
        self._break = 0  # line breaks owed before the next character (1 or 2)
        self._space = False
        self._pre = self._hidden = 0
        self._drop_newline = False
        self._cell = 0
        self._spans: list[str] = []  # the class of each open <span>
        self._taglist: list[str] | None = None
        self._run: int | None = None  # where the current highlighted run started
        self.passages: list[Passage] = []

    # -- tags ------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs) -> None:
        self._drop_newline = tag in ("pre", "listing", "textarea")
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._write("\n", hard=True)
        elif tag == "tr":
            self._cell = 0
        elif tag in _CELLS:
            self._cell += 1
            if self._cell > 1:
                self._write(" | ", hard=True)
        elif tag == "span":
            self._open_span(dict(attrs).get("class") or "")
        self._block(tag)
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        self._drop_newline = False
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "span" and self._spans:
            self._close_span(self._spans.pop())
        self._block(tag)

    def _block(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self._break = 2
        elif tag in _LINES:
            self._break = max(self._break, 1)

    def _open_span(self, css: str) -> None:
        kind = next((k for k in ("highlight", "taglist") if k in css.split()), "")
        self._spans.append(kind if self.highlights else "")
        if kind == "taglist" and self.highlights:
            self._taglist = []

    def _close_span(self, kind: str) -> None:
        if kind != "taglist" or self._taglist is None:
            return
        listed = "".join(self._taglist).strip()
        self._taglist = None
        if listed.startswith("[") and listed.endswith("]") and self._run is not None:
            tags = [t.strip() for t in listed[1:-1].split(", ") if t.strip()]
            self.passages.append(Passage(self._run, self._end, tags))
        self._run = None

    # -- text --------------------------------------------------------------------------------

    def handle_comment(self, data: str) -> None:
        self._count(data)  # an HTML5 tree keeps comments as strings: they are counted

    def handle_data(self, data: str) -> None:
        if self._drop_newline and data.startswith("\n"):
            data = data[1:]
        self._drop_newline = False
        if self._taglist is not None:
            self._taglist.append(data)
            return  # a tag list is not part of the document's text
        if self._hidden:
            self._count(data)
            return
        for ch in data:
            self._char(ch)

    def _count(self, data: str) -> None:
        for ch in data:
            self._note_raw(ch)
            self._waiting.append(len(self.raw) - 1)

    def _note_raw(self, ch: str) -> None:
        self.raw.append(ch)
        self.lo.append(None)
        self.hi.append(self._end)

    def _char(self, ch: str) -> None:
        self._note_raw(ch)
        self._waiting.append(len(self.raw) - 1)
        if not self._pre and ch in _SPACE:
            self._space = True
            return
        self._write(ch)

    def _write(self, piece: str, hard: bool = False) -> None:
        """Write ``piece`` after the breaks and the space owed; ``hard`` pieces (a line
        break, a cell separator) are layout, not text a passage starts or ends on."""
        self.out.extend(self._owed(hard))
        self._break, self._space = 0, False
        here = len(self.out)
        self.out.extend(piece)
        if hard:
            return
        for i in self._waiting:
            self.lo[i] = here
        self._waiting.clear()
        self._end = len(self.out)
        in_highlight = "highlight" in self._spans
        if in_highlight and self._run is None:
            self._run = here
        elif not in_highlight:
            self._run = None

    def _owed(self, hard: bool) -> str:
        if not self.out:
            return ""
        if self._break:
            trailing = 0
            while trailing < min(2, len(self.out)) and self.out[-1 - trailing] == "\n":
                trailing += 1
            return "\n" * max(0, self._break - trailing)
        return " " if self._space and not hard and self.out[-1] != "\n" else ""

    def result(self) -> Rendered:
        shown = "".join(self.out)
        for i in self._waiting:
            self.lo[i] = self._end
        self.hi.append(self._end)
        lo = array("q", (self._end if v is None else v for v in self.lo))
        lo.append(self._end)
        pmap = PositionMap(shown)
        passages = [Passage(pmap.start(p.start), pmap.end(p.end), p.tags)
                    for p in self.passages if p.start < p.end]
        return Rendered(pmap.text, "".join(self.raw), passages, _byte_offsets(self.raw),
                        lo, self.hi, pmap)


def _byte_offsets(chars: list[str]) -> list[int]:
    """The UTF-8 byte offset at which each character starts, then the total."""
    out, total = [0], 0
    for ch in chars:
        total += len(ch.encode("utf-8"))
        out.append(total)
    return out
