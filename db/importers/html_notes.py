"""Footnotes in saved web pages: find them, take them out, leave a findable marker.

Pages mark notes with a link to an element further down: ``<sup><a href="#fn1">1</a>
</sup>`` pointing at ``<li id="fn1">`` (Pandoc, WordPress plugins, news sites),
Wikipedia's ``cite_note`` references, ``<a class="footnote-ref">``. Main-text extraction
drops or mangles such links, so before it runs each reference is replaced by a plain-text
sentinel (which survives extraction unchanged) and the notes section is removed; the
sentinels are turned into visible ``[n]`` markers when the text is written.
"""

from __future__ import annotations

import re
import secrets
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import unquote

from db.importers.footnotes import is_notes_heading

_REF_HINT = re.compile(r"footnote|endnote|noteref|fn-?ref|cite[-_]?(note|ref)|"
                       r"(^|[-_ #])(fn|ftn|edn|note|ref)($|[-_ \d])", re.I)
_MAX_LABEL = 10  # a reference shows "1", "[12]", "*" or "iv", never a phrase
_SECTION_HINT = re.compile(r"foot|endnote|reflist|references|(^|[-_ ])notes?($|[-_ ])|"
                           r"fn-?group|doc-endnotes", re.I)
_BACKLINK_HINT = re.compile(r"back|doc-backlink", re.I)
_BACK_ARROWS = {"↩", "↩︎", "^", "↑", "⬆"}
_BOUNDARIES = {"body", "html", "article", "main"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class HtmlNote:
    """A note found in a page; ``label`` is what the page shows at the reference."""

    label: str
    text: str


class PageNotes:
    """The notes of one page and the sentinel format that marks their references."""

    def __init__(self) -> None:
        self.notes: list[HtmlNote] = []
        self._nonce = secrets.token_hex(4).upper()  # no page can contain it by chance
        self.pattern = re.compile(rf"QFN{self._nonce}N(\d+)Q")

    def sentinel(self, index: int) -> str:
        """The text that stands in for a reference to note ``index`` during extraction."""
        return f"QFN{self._nonce}N{index}Q"


def take_notes(root) -> PageNotes:
    """Replace note references in ``root`` by sentinels and remove the notes sections."""
    found = PageNotes()
    ids = _ids(root)
    by_target: dict = {}  # note element -> its index in found.notes
    # Listed first: the loop edits the tree, which must not change under an iterator.
    for anchor, target in list(_references(root, ids)):
        if target not in by_target:
            by_target[target] = len(found.notes)
            label = _label(anchor, len(found.notes) + 1)
            found.notes.append(HtmlNote(label, _note_text(target, label)))
        _replace_with_text(_ref_element(anchor), found.sentinel(by_target[target]))
    for element in by_target:
        _remove_section(element, found.pattern)
    return found


def _ids(root) -> dict[str, object]:
    ids = {}
    for el in root.iter():
        for key in ("id", "name"):
            value = el.get(key) if isinstance(el.tag, str) else None
            if value and value not in ids:
                ids[value] = el
    return ids


def _references(root, ids: dict[str, object]):
    """Yield (anchor, note element) for every link that looks like a note reference."""
    order = {el: i for i, el in enumerate(root.iter())}
    for anchor in root.iter("a"):
        href = anchor.get("href", "")
        target = ids.get(unquote(href[1:])) if href.startswith("#") else None
        if target is None or target is anchor or not _looks_like_ref(anchor, href):
            continue
        note = _note_element(target)
        if note is None or order.get(note, -1) <= order[anchor] or _inside(anchor, note):
            continue
        yield anchor, note


def _looks_like_ref(anchor, href: str) -> bool:
    if len(anchor.text_content().strip()) > _MAX_LABEL:
        return False
    in_sup = any(el.tag == "sup" for el in anchor.iterancestors()) or anchor.find(".//sup") \
        is not None
    hints = " ".join([href, anchor.get("class", ""), anchor.get("role", ""),
                      anchor.get("epub:type", ""), anchor.get("rel", "")])
    return in_sup or bool(_REF_HINT.search(hints))


def _note_element(target):
    """The element holding a note's text: an anchor point stands for its enclosing block."""
    if target.tag == "a" or (target.tag == "span" and not target.text_content().strip()):
        target = target.getparent()
    if target is None or target.tag in _HEADING_TAGS or target.tag in ("body", "html"):
        return None
    return target


def _inside(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _ref_element(anchor):
    """The anchor, or the ``<sup>`` around it when the sup holds nothing else."""
    parent = anchor.getparent()
    if parent is not None and parent.tag == "sup" and \
            parent.text_content().strip() == anchor.text_content().strip():
        return parent
    return anchor


def _label(anchor, number: int) -> str:
    label = anchor.text_content().strip().strip("[]()").strip()
    return label if 0 < len(label) <= _MAX_LABEL else str(number)


def _note_text(note, label: str) -> str:
    """The note's text without its back-links and without a repeated leading label."""
    copy = deepcopy(note)
    copy.tail = None
    body = copy.find_class("reference-text")
    if body:
        copy = body[0]
    for link in list(copy.iter("a")):
        if _is_backlink(link):
            link.drop_tree()
    for span in copy.find_class("mw-cite-backlink"):
        span.drop_tree()
    text = re.sub(r"\s+", " ", copy.text_content()).strip()
    return re.sub(rf"^\[?{re.escape(label)}\]?[.):]?\s+", "", text)


def _is_backlink(link) -> bool:
    hints = " ".join([link.get("class", ""), link.get("role", ""), link.get("rev", "")])
    text = link.text_content().strip()
    href = link.get("href", "")
    return bool(_BACKLINK_HINT.search(hints)) or text in _BACK_ARROWS or (
        href.startswith("#") and bool(re.search(r"ref", href, re.I)))


def _replace_with_text(el, text: str) -> None:
    """Put ``text`` where ``el`` was, keeping the text that followed it."""
    parent, prev = el.getparent(), el.getprevious()
    text += el.tail or ""
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(el)


def _remove_section(note, sentinels: re.Pattern) -> None:
    """Remove the notes section holding ``note`` (or just the note) and its heading."""
    section = _section(note, sentinels)
    if section.getparent() is None:  # already gone with an earlier note's section
        return
    heading = section.getprevious()
    section.drop_tree()
    if heading is not None and is_notes_heading(heading.text_content()):
        heading.drop_tree()


def _section(note, sentinels: re.Pattern):
    """The nearest enclosing notes container, or the list of notes, or the note itself."""
    for level, el in enumerate(note.iterancestors()):
        if level > 4 or el.tag in _BOUNDARIES:
            break
        hints = " ".join([el.get("class", ""), el.get("id", ""), el.get("role", "")])
        if _SECTION_HINT.search(hints) and not _holds_refs(el, sentinels):
            return _widest(el)
    parent = note.getparent()
    if note.tag == "li" and parent is not None and not _holds_refs(parent, sentinels):
        return _widest(parent)
    return note


def _widest(el):
    """Climb through wrappers that hold nothing but ``el``, so its heading is a sibling."""
    parent = el.getparent()
    while parent is not None and parent.tag not in _BOUNDARIES and len(parent) == 1 \
            and not (parent.text or "").strip():
        el, parent = parent, parent.getparent()
    return el


def _holds_refs(el, sentinels: re.Pattern) -> bool:
    """True when ``el`` contains a reference: it is body text, not a notes section."""
    return bool(sentinels.search(el.text_content()))
