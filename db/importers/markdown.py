"""Markdown articles (.md): the readable text without markup, and ``[^n]`` footnotes.

Parsed with markdown-it-py (CommonMark) and its footnote and front-matter plugins, so
emphasis, links, code and HTML are handled as a Markdown reader would, not by regexes.
A reference ``[^n]`` stays visible in the text as ``[n]``; the definitions leave the body.
Documents without Markdown footnotes may still use the plain-text notes convention.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from db.importers.articles import (
    ArticleWriter,
    by_extension,
    language_tag,
    marker,
    parse_date,
    read_text,
    single_article,
)
from db.importers.base import ARTICLE, FileRead, ReadOptions
from db.importers.byline import guessed_fields
from db.importers.footnotes import split_notes

_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
# Raw HTML in Markdown: scripts and styles are code, not text; other tags just go.
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").use(footnote_plugin).use(front_matter_plugin)
    return md.enable(["table", "strikethrough"])


class _Renderer:
    """Walk markdown-it's token stream and write plain text into an ArticleWriter."""

    def __init__(self, notes: dict[int, str]) -> None:
        self.writer = ArticleWriter()
        self._notes = notes
        self._lists: list[str] = []  # the marker style of each open list
        self._group = ""  # names the list or table being written: its lines are not spaced
        self._prev_group = ""
        self._cells = 0
        self._count = 0

    def render(self, tokens: list[Token]) -> str:
        """Render body tokens; stops at the footnote block, which is not body text."""
        for tok in tokens:
            if tok.type == "footnote_block_open":
                break
            handler = getattr(self, f"_on_{tok.type}", None)
            if handler:
                handler(tok)
        return self.writer.result()

    def _end(self) -> None:
        sep = "\n" if self._group and self._group == self._prev_group else "\n\n"
        self.writer.end_block(sep)
        self._prev_group = self._group

    def _on_inline(self, tok: Token) -> None:
        render_inline(tok, self.writer, self._notes)

    def _on_paragraph_close(self, tok: Token) -> None:
        self._end()

    _on_heading_close = _on_paragraph_close
    _on_hr = _on_paragraph_close

    def _open_group(self, name: str) -> None:
        # Lines of one list or table follow each other; separate lists are spaced.
        if not self._lists:
            self._count += 1
            self._group = f"{name}{self._count}"

    def _on_bullet_list_open(self, tok: Token) -> None:
        self._open_group("list")
        self._lists.append("- ")

    def _on_ordered_list_open(self, tok: Token) -> None:
        self._open_group("list")
        self._lists.append("")  # each item carries its own number

    def _on_bullet_list_close(self, tok: Token) -> None:
        self._lists.pop()
        if not self._lists:
            self._group = ""

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, tok: Token) -> None:
        bullet = self._lists[-1] or f"{tok.info}{tok.markup} "
        self.writer.prefix("  " * (len(self._lists) - 1) + bullet)

    def _on_fence(self, tok: Token) -> None:
        self.writer.text(tok.content)
        self._end()

    _on_code_block = _on_fence

    def _on_html_block(self, tok: Token) -> None:
        self.writer.text(_TAG.sub("", tok.content))
        self._end()

    def _on_table_open(self, tok: Token) -> None:
        self._open_group("table")

    def _on_table_close(self, tok: Token) -> None:
        if not self._lists:
            self._group = ""

    def _on_tr_open(self, tok: Token) -> None:
        self._cells = 0

    def _on_th_open(self, tok: Token) -> None:
        if self._cells:
            self.writer.text(" | ")
        self._cells += 1

    _on_td_open = _on_th_open
    _on_tr_close = _on_paragraph_close


def render_inline(tok: Token, writer: ArticleWriter, notes: dict[int, str]) -> None:
    """Write the readable text of an inline token: text, code, breaks and note markers."""
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            writer.text(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            writer.text("\n")
        elif child.type == "footnote_ref":
            label = _label(child.meta)
            if child.meta.get("subId", 0) == 0:
                writer.note(label, notes.get(child.meta["id"], ""))
            else:  # a second reference to the same note: visible, but one note only
                writer.text(marker(label))


def _label(meta: dict) -> str:
    # Inline notes (^[...]) have no label; Markdown renderers number them by id.
    return meta.get("label") or str(meta["id"] + 1)


def collect_notes(tokens: list[Token]) -> dict[int, str]:
    """The text of each footnote definition, by footnote id, from the footnote block."""
    notes: dict[int, str] = {}
    current, parts = None, []
    for tok in tokens:
        if tok.type == "footnote_open":
            current, parts = tok.meta["id"], []
        elif tok.type == "footnote_close" and current is not None:
            notes[current] = "\n".join(p for p in parts if p.strip())
            current = None
        elif tok.type == "inline" and current is not None:
            w = ArticleWriter()
            render_inline(tok, w, {})
            parts.append(w.result())
    return notes


def front_matter(tokens: list[Token]) -> dict[str, str]:
    """Simple ``key: value`` pairs of a YAML front matter block (no nesting needed here)."""
    meta: dict[str, str] = {}
    for tok in tokens:
        if tok.type == "front_matter":
            for line in tok.content.split("\n"):
                key, sep, value = line.partition(":")
                if sep and key.strip() and not key.startswith((" ", "\t", "-")):
                    meta[key.strip().lower()] = value.strip().strip("'\"")
    return meta


def first_heading(tokens: list[Token]) -> str:
    """The text of the first level-1 heading, or ""."""
    for i, tok in enumerate(tokens[:-1]):
        if tok.type == "heading_open" and tok.tag == "h1":
            w = ArticleWriter()
            render_inline(tokens[i + 1], w, {})
            return w.result()
    return ""


class MarkdownImporter:
    """One article per Markdown file."""

    name = "markdown"
    label = "Markdown article"
    kind = ARTICLE

    def sniff(self, path: Path, head: bytes) -> float:
        """Markdown has no signature; the extension decides."""
        return by_extension(path, _EXTENSIONS, 0.85)

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read the file as one article."""
        tokens = _parser().parse(read_text(path))
        renderer = _Renderer(collect_notes(tokens))
        text = renderer.render(tokens)
        footnotes = renderer.writer.footnotes
        if not footnotes:
            text, footnotes = split_notes(text)
        meta = front_matter(tokens)
        stated = {"title": meta.get("title") or first_heading(tokens),
                  "author": meta.get("author") or meta.get("authors", ""),
                  "published": parse_date(meta.get("date") or meta.get("published")),
                  "language": language_tag(meta.get("lang") or meta.get("language"))}
        stated.update(guessed_fields(text, stated["title"], known=stated))
        return single_article(path, text, footnotes, **stated)


IMPORTER = MarkdownImporter()
