"""The JSON a saved new-layout Reddit page embeds, and Reddit's rich text (RTJSON).

Reddit's 2018 layout keeps the thread in its page state, ``<script id="data">window.___r
= {…}</script>``: ``posts.models`` and ``comments.models`` by fullname, each comment's
words as an RTJSON document (``media.richtextContent.document``: blocks such as
``par``, ``blockquote``, ``list``, ``code`` holding spans such as ``text``, ``link``,
``u/``). Comments folded away in the browser exist only there. The JSON is read as data
(never run) with :meth:`json.JSONDecoder.raw_decode`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from db.importers.forums.body import PostWriter
from db.importers.forums.model import Quote, QuoteMeta

_STATE_START = "window.___r"
MAX_STATE = 64 * 2**20  # characters


@lru_cache(maxsize=4)
def page_state(root) -> dict:
    """The embedded page state, or {} when the page has none (or it cannot be read)."""
    for script in root.iter("script"):
        text = script.text or ""
        at = text.find(_STATE_START)
        if script.get("id") != "data" or at < 0 or len(text) > MAX_STATE:
            continue
        brace = text.find("{", at)
        try:
            state, _ = json.JSONDecoder().raw_decode(text, brace)
        except (ValueError, RecursionError):
            return {}
        return state if isinstance(state, dict) else {}
    return {}


def models(state: dict, kind: str) -> list[dict]:
    """The ``posts`` or ``comments`` models of the state, in their order."""
    found = (state.get(kind) or {}).get("models") or {}
    return [m for m in found.values() if isinstance(m, dict)] if isinstance(found, dict) else []


def rich_text(model: dict) -> tuple[str, list[Quote]]:
    """A model's words (RTJSON, else its plain ``body``) with its quote spans."""
    media = model.get("media") or {}
    document = ((media.get("richtextContent") or {}).get("document")
                if isinstance(media, dict) else None)
    writer = PostWriter()
    if isinstance(document, list):
        _blocks(document, writer)
    else:
        for para in str(model.get("body") or model.get("bodyText") or "").split("\n\n"):
            writer.text(para)
            writer.end_block()
    return writer.result(), writer.quotes


def _blocks(nodes: list[Any], w: PostWriter) -> None:
    for node in nodes:
        if not isinstance(node, dict):
            continue
        kind, children = node.get("e"), node.get("c") or []
        if kind == "blockquote":
            w.open_quote(QuoteMeta())
            _blocks(children, w)
            w.close_quote()
        elif kind in ("list", "li"):
            _blocks(children, w)
        elif kind == "code":
            w.verbatim("\n".join(str(c.get("t", "")) for c in children if isinstance(c, dict)))
        elif kind == "table":
            for row in [node.get("h") or [], *children]:
                _spans([cell for cell in row if isinstance(cell, dict)], w, " | ")
                w.end_block()
        else:  # par, h and anything unknown: its spans
            _spans(children, w)
            w.end_block()


def _spans(nodes: list[Any], w: PostWriter, between: str = "") -> None:
    for i, node in enumerate(n for n in nodes if isinstance(n, dict)):
        if i and between:
            w.text(between)
        kind = node.get("e")
        if kind == "br":
            w.line_break()
        elif kind in ("u/", "r/"):
            w.text(f"{kind}{node.get('t', '')}")
        elif kind in ("text", "link", "raw"):
            w.text(str(node.get("t") or node.get("u") or ""))
        elif node.get("c"):
            _spans(node["c"], w)
