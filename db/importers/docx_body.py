"""The text of a Word document body (word/document.xml): paragraphs, lists, tables, notes.

Footnote and endnote references are written as visible ``[n]`` markers, numbered the way
Word shows them (in order of reference, footnotes 1, 2, 3 and endnotes i, ii, iii unless
the document chose other formats).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from db.importers.articles import ArticleWriter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Containers whose runs are part of the text; deletions (w:del, w:moveFrom) are not.
_TRANSPARENT = {W + t for t in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml",
                                "moveTo", "bdo", "dir")}


@dataclass
class DocxParts:
    """What the body needs from the other parts of the package."""

    footnotes: dict[str, str] = field(default_factory=dict)  # w:id -> note text
    endnotes: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)  # "footnote" -> "decimal"
    headings: set[str] = field(default_factory=set)  # paragraph style ids
    lists: set[str] = field(default_factory=set)  # style ids that are numbered


class DocxBody:
    """Write the body's blocks into an ArticleWriter, keeping the first heading's text."""

    def __init__(self, parts: DocxParts) -> None:
        self.writer = ArticleWriter()
        self.first_heading = ""
        self._parts = parts
        self._counts = {"footnote": 0, "endnote": 0}
        self._custom: tuple[str, str] | None = None  # a note whose mark is the next text
        self._was_list = False

    def blocks(self, parent) -> None:
        """Write paragraphs and tables in document order."""
        for el in parent:
            if el.tag == W + "p":
                self._paragraph(el)
            elif el.tag == W + "tbl":
                self._table(el)
            elif el.tag == W + "sdt":
                self.blocks(_content(el))
            elif el.tag == W + "customXml":
                self.blocks(el)

    def _paragraph(self, p) -> None:
        style, numbered = _paragraph_style(p)
        is_list = numbered or style in self._parts.lists
        self.inline(p)
        self.writer.end_block("\n" if is_list and self._was_list else "\n\n")
        self._was_list = is_list
        if not self.first_heading and (style in self._parts.headings or _outline(p)):
            self.first_heading = plain_text(p)

    def _table(self, tbl) -> None:
        first = True
        for row in tbl.iter(W + "tr"):
            for i, cell in enumerate(row.iterfind(W + "tc")):
                if i:
                    self.writer.text(" | ")
                for n, p in enumerate(cell.iter(W + "p")):
                    self.writer.text(" " if n else "")
                    self.inline(p)
            self.writer.end_block("\n\n" if first else "\n")
            first = False
        self._was_list = False

    def inline(self, el) -> None:
        """Write the runs of a paragraph (or of a container inside one)."""
        for child in el:
            if child.tag == W + "r":
                self._run(child)
            elif child.tag in _TRANSPARENT:
                self.inline(child)
            elif child.tag == W + "sdt":
                self.inline(_content(child))

    def _run(self, r) -> None:
        for c in r:
            tag = c.tag[len(W):] if c.tag.startswith(W) else ""
            if tag == "t":
                self._text(c.text or "")
            elif tag == "tab":
                self.writer.text("\t")
            elif tag in ("br", "cr"):
                self.writer.text("\n")
            elif tag == "noBreakHyphen":
                self.writer.text("-")
            elif tag in ("footnoteReference", "endnoteReference"):
                self._reference(c, tag[:-len("Reference")])

    def _reference(self, ref, kind: str) -> None:
        note_id = ref.get(W + "id", "")
        if ref.get(W + "customMarkFollows") in ("1", "true", "on"):
            self._custom = (kind, note_id)  # the mark is the text of the next run
            return
        self._counts[kind] += 1
        label = number_label(self._counts[kind], self._parts.formats.get(kind, ""), kind)
        self.writer.note(label, self._note_text(kind, note_id), kind)

    def _text(self, text: str) -> None:
        if self._custom and text.strip():
            kind, note_id = self._custom
            self._custom = None
            self.writer.note(text.strip(), self._note_text(kind, note_id), kind)
            return
        self.writer.text(text)

    def _note_text(self, kind: str, note_id: str) -> str:
        notes = self._parts.footnotes if kind == "footnote" else self._parts.endnotes
        return notes.get(note_id, "")


def _content(sdt):
    content = sdt.find(W + "sdtContent")
    return content if content is not None else []


def _paragraph_style(p) -> tuple[str, bool]:
    """The paragraph's style id and whether it carries its own numbering."""
    ppr = p.find(W + "pPr")
    if ppr is None:
        return "", False
    style = ppr.find(W + "pStyle")
    return (style.get(W + "val", "") if style is not None else ""), \
        ppr.find(W + "numPr") is not None


def _outline(p) -> bool:
    level = p.find(f"{W}pPr/{W}outlineLvl")
    value = level.get(W + "val", "") if level is not None else ""
    return value.isdigit() and int(value) < 9  # level 9 means body text


def plain_text(el) -> str:
    """The visible text of paragraphs inside ``el``, one line per paragraph."""
    lines = []
    for p in el.iter(W + "p"):
        parts = []
        for c in p.iter():
            if c.tag == W + "t":
                parts.append(c.text or "")
            elif c.tag == W + "tab":
                parts.append("\t")
            elif c.tag in (W + "br", W + "cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip()).strip()


def number_label(n: int, fmt: str, kind: str) -> str:
    """How Word shows note number ``n`` in format ``fmt`` (Word's defaults when empty)."""
    fmt = fmt or ("lowerRoman" if kind == "endnote" else "decimal")
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "chicago":
        return "*†‡§"[(n - 1) % 4] * ((n - 1) // 4 + 1)
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                          (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += digits * count
    return out
