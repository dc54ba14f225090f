"""Simple Machines Forum (SMF 2.0 and 2.1) topic pages.

A post's words are ``div.inner#msg_123`` inside ``div.post_wrapper``; the poster's
``<h4>`` links the profile (``action=profile;u=42``); the date is text ("« Reply #3 on:
July 02, 2016, 02:51:00 PM »", "Today at 02:51:00 PM"). Quotes are
``blockquote.bbc_standard_quote`` (or ``bbc_alternate_quote`` when nested), headed by
"Quote from: Bob on …" linking ``topic=7.msg120#msg120``: in 2.0 the header is the
``div.quoteheader`` before the blockquote, in 2.1 a ``<cite>`` inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from db.importers.forums.model import EngineBase, QuoteMeta, RawPost, Thread
from db.importers.forums.page import (
    first,
    has_class,
    meta_content,
    number_in,
    query_value,
    text_of,
    xclass,
)

_MESSAGES = etree.XPath(f"//div[{xclass('inner')}][starts-with(@id, 'msg_')]")
_QUOTES = ("bbc_standard_quote", "bbc_alternate_quote")
_BY = (" on ", " في ", " am ", " le ")


class SimpleMachines(EngineBase):
    """Simple Machines Forum."""

    name, label = "smf", "Simple Machines Forum"
    noise_classes = frozenset(("quoteheader", "quotefooter", "signature", "moderatorbar",
                               "codeheader", "quickbuttons"))

    def matches(self, root) -> bool:
        """``div.inner#msg_…`` post texts."""
        return bool(_MESSAGES(root))

    def thread(self, page) -> Thread:
        """Title and section from the link tree, topic id from the topic's link."""
        root = page.root
        crumbs = root.xpath(f"//div[{xclass('navigate_section')}]//li/a")
        last = crumbs[-1] if crumbs else None
        title = text_of(first(root, "//*[@id='top_subject']")) or text_of(last)
        tid = query_value(last.get("href") if last is not None else "", "topic")
        return Thread(title=title.removeprefix("Topic:").strip(), url=page.url,
                      section=text_of(crumbs[-2]) if len(crumbs) > 1 else "",
                      thread_id=f"t{tid.split('.')[0]}" if tid else "",
                      site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """Every post, in page order."""
        for inner in _MESSAGES(page.root):
            box = first(inner, f"ancestor::div[{xclass('post_wrapper')}]")
            if box is not None:
                yield _post(inner, box)

    def quote(self, el) -> QuoteMeta | None:
        """A quote blockquote; its header is the ``quoteheader`` before it or its cite."""
        if el.tag != "blockquote" or not any(has_class(el, c) for c in _QUOTES):
            return None
        cite = first(el, "cite")
        header = first(el, f"preceding-sibling::*[1][{xclass('quoteheader')}]") \
            if cite is None else cite
        link = first(header, ".//a[@href]") if header is not None else None
        author = _quoted_author(text_of(header))
        ref = (link.get("href", "") if link is not None else "").partition("#msg")[2]
        return QuoteMeta(author, ref, el, (cite,) if cite is not None else ())


def _post(inner, box) -> RawPost:
    pid = inner.get("id", "").removeprefix("msg_")
    user = first(box, f".//div[{xclass('poster')}]//h4//a[contains(@href, 'action=profile')]")
    name = user if user is not None else first(box, f".//div[{xclass('poster')}]//h4")
    info = first(box, f".//div[{xclass('keyinfo')}]/div[{xclass('smalltext')}]",
                 f".//div[{xclass('postinfo')}]//a[{xclass('smalltext')}]")
    subject = first(box, f".//h5[@id='subject_{pid}']//a", f".//div[{xclass('postinfo')}]//a")
    shown = text_of(info).strip("«» ")
    return RawPost(pid, inner, author=text_of(name),
                   member=query_value(user.get("href"), "u") if user is not None else "",
                   number=_number(box, shown),
                   permalink=subject.get("href", "") if subject is not None else f"#msg{pid}",
                   date_text=shown.partition(":")[2] if " on:" in shown else shown,
                   subject=text_of(subject) if subject is not None and
                   subject.getparent().tag == "h5" else "")


def _number(box, shown: str) -> int | None:
    """2.1 shows the position ("#3"); 2.0 shows "Reply #2" on all but the first post."""
    position = first(box, f".//span[{xclass('page_number')}]")
    if position is not None:
        return number_in(text_of(position))
    if "#" in shown:
        replies = number_in(shown)
        return None if replies is None else replies + 1
    return 1 if shown else None


def _quoted_author(header: str) -> str:
    """"Bob" from "Quote from: Bob on July 02, 2016" (or just "Quote")."""
    _, colon, rest = header.partition(":")
    if not colon:
        return ""
    for by in _BY:
        if by in rest:
            return rest.partition(by)[0].strip()
    return rest.strip()


ENGINE = SimpleMachines()
