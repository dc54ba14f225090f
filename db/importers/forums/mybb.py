"""MyBB 1.6 and 1.8 thread pages.

A post is ``div.post#post_123`` with its words in ``div.post_body#pid_123``; the author
links to ``member.php?action=profile&uid=42``; the date is text in ``span.post_date``
("07-02-2016, 02:51 PM", or "Yesterday, 02:51 PM" with the absolute date in a
``title``). Quotes are ``blockquote.mycode_quote`` whose ``<cite>`` names the author and
links the quoted post (``showthread.php?pid=120#pid120``).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from db.importers.forums.model import EngineBase, QuoteMeta, RawPost, Thread
from db.importers.forums.page import (
    first,
    meta_content,
    number_in,
    query_value,
    text_of,
    xclass,
)

_POSTS = etree.XPath(f"//div[{xclass('post')}][starts-with(@id, 'post_')]"
                     f"[.//div[{xclass('post_body')}]]")


class MyBB(EngineBase):
    """MyBB."""

    name, label = "mybb", "MyBB"
    noise_classes = frozenset(("signature", "post_meta", "post_controls", "post_edit",
                               "quick_jump"))

    def matches(self, root) -> bool:
        """``div.post`` blocks with a ``post_body``."""
        return bool(_POSTS(root))

    def thread(self, page) -> Thread:
        """Title (the active crumb), section (the crumb before it) and thread id."""
        root = page.root
        nav = first(root, f"//div[{xclass('navigation')}]")
        crumbs = nav.xpath("a") if nav is not None else []
        title = text_of(first(nav, f"span[{xclass('active')}]")) if nav is not None else ""
        tid = first(root, "//input[@name='tid']/@value") or ""
        return Thread(title=title, url=page.url, section=text_of(crumbs[-1]) if crumbs else "",
                      thread_id=f"t{tid}" if tid else "", site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """Every post, in page order."""
        yield from map(_post, _POSTS(page.root))

    def quote(self, el) -> QuoteMeta | None:
        """``blockquote.mycode_quote`` (1.8) or ``blockquote`` with a cite (1.6)."""
        if el.tag != "blockquote":
            return None
        cite = first(el, "cite")
        if cite is None:
            return QuoteMeta("", "", el)
        jump = first(cite, ".//a[@href]")
        name = "".join(t for t in cite.xpath("text()")).strip()
        author = name.removesuffix("Wrote:").removesuffix("wrote:").removesuffix("كتب:").strip()
        return QuoteMeta(author, query_value(jump.get("href") if jump is not None else "",
                                             "pid"), el, (cite,))


def _post(div) -> RawPost:
    pid = div.get("id", "").removeprefix("post_")
    user = first(div, f".//*[{xclass('author_information')}]//a[contains(@href, 'uid=')]",
                 ".//a[contains(@href, 'action=profile')]")
    date = first(div, f".//span[{xclass('post_date')}]")
    counter = first(div, f".//*[{xclass('post_head')}]//a[starts-with(normalize-space(.), '#')]")
    return RawPost(pid, first(div, f".//div[{xclass('post_body')}]"), author=text_of(user),
                   member=query_value(user.get("href"), "uid") if user is not None else "",
                   number=number_in(text_of(counter)),
                   permalink=counter.get("href", "") if counter is not None else f"#pid{pid}",
                   date_text=_date_text(date))


def _date_text(span) -> str:
    """The date shown, with a relative day ("Yesterday") replaced by its ``title``."""
    if span is None:
        return ""
    relative = first(span, "span[@title]")
    shown = "".join(span.xpath("text()")).strip(" ,")
    if relative is not None:
        return f"{relative.get('title')} {shown}".strip()
    return shown or text_of(span)


ENGINE = MyBB()
