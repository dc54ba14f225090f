"""A post body's words as canonical text, with its quoted passages as spans.

The body element is walked once: inline text is gathered into blocks (white space
collapsed as a browser would, ``<br>`` kept as a line break), blocks are separated by a
blank line, ``<pre>`` keeps its spacing, and scripts, images, buttons and whatever the
engine calls noise are left out. A quote block becomes blocks of its own; the positions
where its text starts and ends are taken from :class:`db.text.TextBuilder` as it is
written, so the spans are exact code-point offsets into the stored text (DESIGN.md 6).
"""

from __future__ import annotations

import re

from db.importers.forums.model import Engine, Quote, QuoteMeta
from db.text import TextBuilder

BLOCKS = frozenset((
    "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "h1", "h2", "h3", "h4",
    "h5", "h6", "table", "tr", "section", "article", "aside", "header", "footer", "figure",
    "figcaption", "center", "details", "summary", "hr", "address", "main"))
NOT_TEXT = frozenset((
    "script", "style", "noscript", "template", "img", "button", "form", "input", "select",
    "textarea", "svg", "iframe", "object", "embed", "video", "audio", "canvas", "link",
    "meta", "head", "nav"))
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_EDGES = re.compile(r" *\n *")
_MANY_BREAKS = re.compile(r"\n{3,}")


class PostWriter:
    """Blocks of text on top of a TextBuilder, recording where quotes start and end."""

    def __init__(self) -> None:
        self._builder = TextBuilder()
        self._block: list[str] = []
        self._open: list[list] = []  # [start or None, QuoteMeta] of each open quote
        self.quotes: list[Quote] = []

    def text(self, piece: str | None) -> None:
        """Running text: white space collapses to one space."""
        if piece:
            self._block.append(_SPACES.sub(" ", piece))

    def line_break(self) -> None:
        """A ``<br>``."""
        self._block.append("\n")

    def verbatim(self, piece: str) -> None:
        """Preformatted text, written as its own block with its spacing kept."""
        self.end_block()
        self._write(piece.strip("\n"))

    def end_block(self) -> None:
        """Close the current block (empty blocks leave no trace)."""
        text = _LINE_EDGES.sub("\n", "".join(self._block)).strip(" \n")
        self._block = []
        self._write(_MANY_BREAKS.sub("\n\n", text))

    def _write(self, text: str) -> None:
        if not text.strip():
            return
        if len(self._builder):
            self._builder.append("\n\n")
        for entry in self._open:
            if entry[0] is None:
                entry[0] = self._builder.mark()
        self._builder.append(text)

    def open_quote(self, meta: QuoteMeta) -> None:
        """A quote starts: its text begins with the next block written."""
        self.end_block()
        self._open.append([None, meta])

    def close_quote(self) -> None:
        """The innermost open quote ends here (a quote with no text is forgotten)."""
        self.end_block()
        start, meta = self._open.pop()
        if start is not None:
            self.quotes.append(Quote(start, self._builder.mark(), meta.author, meta.ref))

    def result(self) -> str:
        """The canonical text written."""
        self.end_block()
        return self._builder.text()


def post_text(body, engine: Engine) -> tuple[str, list[Quote]]:
    """The words of ``body`` and the quote spans in them, in reading order."""
    writer = PostWriter()
    _walk(body, writer, engine, ())
    text = writer.result()
    return text, sorted(writer.quotes, key=lambda q: (q.start, -q.end))


def _walk(el, w: PostWriter, engine: Engine, skip: tuple) -> None:
    w.text(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in NOT_TEXT and not any(child is s for s in skip) \
                and not engine.noise(child):
            _child(child, tag, w, engine, skip)
        w.text(child.tail)


def _child(child, tag: str, w: PostWriter, engine: Engine, skip: tuple) -> None:
    if tag == "br":
        w.line_break()
    elif tag == "pre":
        w.verbatim(child.text_content())
    elif (meta := engine.quote(child)) is not None:
        w.open_quote(meta)
        if meta.content is not None:
            _walk(meta.content, w, engine, skip + tuple(meta.skip))
        w.close_quote()
    elif tag in BLOCKS or tag in ("td", "th"):
        w.end_block()
        _walk(child, w, engine, skip)
        w.end_block()
    else:
        _walk(child, w, engine, skip)
