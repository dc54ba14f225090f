"""phpBB 3 thread pages (prosilver and subsilver2 descendants).

A post is ``div.post#p123`` holding ``div.postbody`` with ``div.content``; its author is
the ``username`` link (``memberlist.php?mode=viewprofile&u=42``) in ``p.author`` or the
profile column, its time ``<time datetime>`` (3.2+) or the text after the author (3.0,
"Sat Jul 02, 2016 2:51 pm", in the zone of "All times are UTC+01:00"). Quotes are
``<blockquote>`` whose ``<cite>`` names the author and, from 3.2, links the post.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from db.importers.forums.model import EngineBase, QuoteMeta, RawPost, Thread
from db.importers.forums.page import (
    first,
    iso_time,
    meta_content,
    query_value,
    text_of,
    xclass,
)

_POSTS = etree.XPath(f"//div[{xclass('post')}][starts-with(@id, 'p')]"
                     f"[.//div[{xclass('postbody')}]]")


class PhpBB(EngineBase):
    """phpBB 3.0 to 3.3."""

    name, label = "phpbb", "phpBB"
    noise_classes = frozenset(("signature", "notice", "post-buttons", "back2top"))

    def matches(self, root) -> bool:
        """``div.post`` blocks with a post body."""
        return bool(_POSTS(root))

    def thread(self, page) -> Thread:
        """Title (topic heading), section (last forum crumb) and topic id."""
        root = page.root
        heading = first(root, f"//h2[{xclass('topic-title')}]", "//div[@id='page-body']/h2")
        crumbs = root.xpath(f"//*[{xclass('crumb')}][@data-forum-id]//span[@itemprop='name']")
        link = first(heading, ".//a[@href]") if heading is not None else None
        tid = query_value(link.get("href") if link is not None else "", "t")
        return Thread(title=text_of(heading), url=page.url,
                      section=text_of(crumbs[-1]) if crumbs else "",
                      thread_id=f"t{tid}" if tid else "", site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """Every post, in page order."""
        posts = _POSTS(page.root)
        start = _start(page, len(posts))
        for i, div in enumerate(posts):
            yield _post(div, None if start is None else start + i)

    def quote(self, el) -> QuoteMeta | None:
        """A ``<blockquote>``; its ``<cite>`` is the header, not the quote."""
        if el.tag != "blockquote":
            return None
        inner = first(el, "div[cite]", ".")
        cite = first(inner, "cite")
        if cite is None:
            return QuoteMeta("", "", inner)
        name = first(cite, "a[contains(@href, 'memberlist')]")
        jump = first(cite, ".//a[@data-post-id]", ".//a[contains(@href, 'p=')]")
        author = text_of(name) if name is not None else _wrote(text_of(cite))
        ref = jump.get("data-post-id") or query_value(jump.get("href"), "p") \
            if jump is not None else ""
        return QuoteMeta(author, ref, inner, (cite,))


def _post(div, number: int | None) -> RawPost:
    pid = div.get("id", "")[1:]
    author = first(div, f".//p[{xclass('author')}]//a[{xclass('username')}]",
                   f".//p[{xclass('author')}]//a[contains(@href, 'memberlist')]",
                   f".//*[{xclass('postprofile')}]//a[{xclass('username')}]",
                   f".//p[{xclass('author')}]//strong")
    line = first(div, f".//p[{xclass('author')}]")
    time = first(line, ".//time") if line is not None else None
    head = first(div, ".//h3/a[@href]")
    return RawPost(
        pid, first(div, f".//div[{xclass('content')}]"), author=text_of(author),
        member=query_value(author.get("href"), "u") if author is not None else "",
        number=number, permalink=head.get("href", "") if head is not None else f"#p{pid}",
        published=iso_time(time.get("datetime")) if time is not None else None,
        date_text=_date_text(line), subject=text_of(head))


def _date_text(line) -> str:
    """3.0 writes "by Alice » Sat Jul 02, 2016 2:51 pm": the text after the author."""
    if line is None:
        return ""
    text = text_of(line)
    return text.rpartition("»")[2].strip() if "»" in text else text


def _wrote(cite: str) -> str:
    """The name in "Bob wrote:" (3.0, 3.1 cites have no link)."""
    return cite.rsplit(" ", 1)[0] if cite.endswith(":") and " " in cite else cite.rstrip(":")


def _start(page, count: int) -> int | None:
    """The number of the page's first post: phpBB counts by ``start=N`` in the page's
    address, else in the link to the next page; None when neither says."""
    start = query_value(page.url, "start")
    if start.isdigit():
        return int(start) + 1
    active = first(page.root, f"//*[{xclass('pagination')}]//li[{xclass('active')}]")
    if active is None or text_of(active) == "1":
        return 1
    after = query_value(first(page.root, "//a[@rel='next']/@href") or "", "start")
    return int(after) - count + 1 if after.isdigit() else None


ENGINE = PhpBB()
