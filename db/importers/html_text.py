"""HTML as the text a reader sees, with a map from the HTML's own text positions.

Taguette stores each document as clean HTML and counts a highlight's offsets in UTF-8
bytes over the document's text nodes (every string of the HTML5 tree, in order, white
space included, tags not counted). :func:`render` walks the HTML once with the standard
library's tokenizer and writes the text as a browser shows it: paragraphs, headings,
list items and table rows on lines of their own (a blank line between paragraphs),
``<br>`` as a line break, runs of white space as one space except in ``<pre>``. It
records where every character of the text nodes landed, so :meth:`Rendered.spans`
turns Taguette's highlights into passages of the canonical text (:mod:`db.text`).

The tokenizer sees the text nodes an HTML5 parser builds from such HTML, given the two
rules the parser adds (line ends become LF; a newline right after ``<pre>`` is dropped);
Taguette's HTML, written by an HTML5 serializer after sanitizing, needs no more.

With ``highlights=True`` it also reads Taguette's "highlighted document" export, where
each highlight is a ``<span class="highlight">`` followed by ``<span class="taglist">
[tag1, tag2]</span>``: the tag lists are left out of the text and each becomes a
:class:`Passage` over the highlighted run before it.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

from db.exchange.positions import PositionMap

_PARAGRAPHS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre table ul ol dl figure hr "
                        "address section article header footer aside main nav".split())
_LINES = frozenset("li tr dt dd div caption figcaption thead tbody tfoot body".split())
_HIDDEN = frozenset("head script style title template noscript".split())
_CELLS = ("td", "th")
_SPACE = " \t\n\r\f"
# Words joined by single spaces are written as they are; other white space collapses.
_RUNS = re.compile(r"[^ \t\n\r\f]+(?: [^ \t\n\r\f]+)*|[ \t\n\r\f]+")


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
    _lo: array
    _hi: array
    _canonical: PositionMap

    @property
    def raw_bytes(self) -> int:
        """The length of the text nodes in UTF-8 bytes."""
        return len(self._utf8)

    @cached_property
    def _utf8(self) -> bytes:
        return self.raw.encode("utf-8")

    def spans(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
        """The passage of the text that each pair of UTF-8 byte offsets ``[start, end)``
        of the text nodes covers, white space at its edges left out; None when nothing
        visible is in it. A byte offset inside a character counts from the character's
        end, as Taguette's own extraction does."""
        chars = self._characters({b for pair in pairs for b in pair})
        out = []
        for start, end in pairs:
            first = self._canonical.start(self._lo[chars[start]])
            last = self._canonical.end(self._hi[chars[end]])
            while first < last and self.text[first].isspace():
                first += 1
            while first < last and self.text[last - 1].isspace():
                last -= 1
            out.append((first, last) if first < last else None)
        return out

    def _characters(self, offsets: set[int]) -> dict[int, int]:
        """Byte offsets (within the text) as character indices, in one pass."""
        data, found, done, chars = self._utf8, {}, 0, 0
        for offset in sorted(offsets):
            cut = offset
            while cut < len(data) and 0x80 <= data[cut] <= 0xBF:
                cut += 1  # inside a character: to its end
            chars += len(data[done:cut].decode("utf-8")) if cut > done else 0
            done = max(done, cut)
            found[offset] = chars
        return found


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
        self.raw: list[str] = []  # the text nodes' pieces
        self._length = 0  # raw characters so far
        self.lo = array("q")  # where raw character i lands as a start (filled lazily)
        self.hi = array("q")  # where a passage ending before raw character i ends
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
        if not data:
            return
        if self._taglist is not None:
            self._taglist.append(data)
            return  # a tag list is not part of the document's text
        if self._hidden:
            self._count(data)
        elif self._pre:
            self._word(data)
        else:
            for run in _RUNS.findall(data):
                if run[0] in _SPACE:
                    self._count(run)
                    self._space = True
                else:
                    self._word(run)

    def _count(self, data: str) -> None:
        """Raw characters that write nothing (white space, hidden text)."""
        self.raw.append(data)
        self._length += len(data)
        self.hi.extend([self._end] * len(data))

    def _word(self, run: str) -> None:
        """Raw characters written as they are."""
        before = self._end
        here = self._write(run)
        self.raw.append(run)
        self.lo.extend([here] * (self._length - len(self.lo)))  # what waited lands here
        self.lo.extend(range(here, here + len(run)))
        self.hi.append(before)
        self.hi.extend(range(here + 1, here + len(run)))
        self._length += len(run)

    def _write(self, piece: str, hard: bool = False) -> int:
        """Write ``piece`` after the breaks and the space owed; where it starts.
        ``hard`` pieces (a line break, a cell separator) are layout, not text."""
        self.out.extend(self._owed(hard))
        self._break, self._space = 0, False
        here = len(self.out)
        self.out.extend(piece)
        if hard:
            return here
        self._end = len(self.out)
        in_highlight = "highlight" in self._spans
        if in_highlight and self._run is None:
            self._run = here
        elif not in_highlight:
            self._run = None
        return here

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
        self.lo.extend([self._end] * (self._length + 1 - len(self.lo)))
        self.hi.append(self._end)
        pmap = PositionMap(shown)
        passages = [Passage(pmap.start(p.start), pmap.end(p.end), p.tags)
                    for p in self.passages if p.start < p.end]
        return Rendered(pmap.text, "".join(self.raw), passages, self.lo, self.hi, pmap)
