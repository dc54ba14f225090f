"""XenForo 2 (``article.message--post``) and XenForo 1 (``li.message`` in
``ol#messageList``) thread pages.

XenForo gives every post a machine-readable time (``<time datetime>`` in 2, ``data-time``
in 1), an id (``data-content="post-123"``, ``id="post-123"``) and its counter ("#5");
quotes are ``blockquote.bbCodeBlock--quote`` (2) or ``div.bbCodeQuote`` (1) naming the
quoted member and post (``data-quote``, ``data-source="post: 120"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from db.importers.forums.model import EngineBase, QuoteMeta, RawPost, Thread
from db.importers.forums.page import (
    first,
    has_class,
    iso_time,
    meta_content,
    number_in,
    query_value,
    text_of,
    unix_time,
    xclass,
)

_POSTS_2 = etree.XPath(f"//article[{xclass('message--post')}]")
_POSTS_1 = etree.XPath(f"//ol[@id='messageList']/li[{xclass('message')}]")
_THREAD_ID = re.compile(r"\.(\d+)(?:/|$)")


class XenForo(EngineBase):
    """XenForo 1 and 2."""

    name, label = "xenforo", "XenForo"
    noise_classes = frozenset(("bbCodeBlock-expandLink", "bbCodeBlock-title", "quoteExpand",
                               "js-extraInfo", "message-signature", "messageTextEndMarker"))

    def matches(self, root) -> bool:
        """Posts in XenForo 2's or 1's containers."""
        return bool(_POSTS_2(root) or _POSTS_1(root))

    def thread(self, page) -> Thread:
        """Title (page heading), section (last breadcrumb) and thread id (from the URL)."""
        root = page.root
        title = text_of(first(root, f"//h1[{xclass('p-title-value')}]",
                              f"//div[{xclass('titleBar')}]/h1"))
        crumbs = root.xpath(f"//ul[{xclass('p-breadcrumbs')}]//span[@itemprop='name']"
                            f" | //*[{xclass('breadcrumb')}]//span[@itemprop='title']")
        url = page.url or meta_content(root, "og:url")
        m = _THREAD_ID.search(url.split("?")[0])
        return Thread(title=title, url=url, section=text_of(crumbs[-1]) if crumbs else "",
                      thread_id=f"t{m.group(1)}" if m else "",
                      site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """Version 2's posts, else version 1's."""
        root = page.root
        found = _POSTS_2(root)
        yield from (map(_post2, found) if found else map(_post1, _POSTS_1(root)))

    def quote(self, el) -> QuoteMeta | None:
        """``blockquote.bbCodeBlock--quote`` (2) or ``div.bbCodeQuote`` (1)."""
        if has_class(el, "bbCodeBlock--quote"):
            content = first(el, f".//*[{xclass('bbCodeBlock-expandContent')}]",
                            f".//*[{xclass('bbCodeBlock-content')}]", ".")
            source = (el.get("data-source") or "").partition(":")[2].strip()
            return QuoteMeta(el.get("data-quote") or "", source, content)
        if has_class(el, "bbCodeQuote"):
            link = first(el, f".//a[{xclass('AttributionLink')}]")
            content = first(el, f".//*[{xclass('quote')}]", ".")
            return QuoteMeta(el.get("data-author") or "", query_value(
                link.get("href") if link is not None else "", "id"), content)
        return None


def _post2(art) -> RawPost:
    user = first(art, f".//*[{xclass('message-name')}]//*[@data-user-id]")
    time = first(art, f".//*[{xclass('message-attribution-main')}]//time", ".//time")
    counter = first(art, f".//*[{xclass('message-attribution-opposite')}]"
                         "//a[starts-with(normalize-space(.), '#')]")
    link = time.getparent() if time is not None and time.getparent().tag == "a" else counter
    return RawPost(
        (art.get("data-content") or "").removeprefix("post-"),
        first(art, f".//*[{xclass('message-body')}]//*[{xclass('bbWrapper')}]"),
        author=art.get("data-author") or text_of(user),
        member=user.get("data-user-id", "") if user is not None else "",
        number=number_in(text_of(counter)), permalink=link.get("href", "") if link is not None
        else "", published=_time(time), date_text=text_of(time))


def _post1(li) -> RawPost:
    user = first(li, f".//*[{xclass('messageUserInfo')}]//a[{xclass('username')}]")
    time = first(li, f".//*[{xclass('DateTime')}]")
    counter = first(li, f".//a[{xclass('postNumber')}]")
    return RawPost(
        (li.get("id") or "").removeprefix("post-"),
        first(li, f".//blockquote[{xclass('messageText')}]"),
        author=li.get("data-author") or text_of(user),
        member=(user.get("href", "").rstrip("/").rpartition(".")[2]) if user is not None
        else "", number=number_in(text_of(counter)),
        permalink=counter.get("href", "") if counter is not None else "",
        published=unix_time(time.get("data-time")) if time is not None else None,
        date_text=(time.get("title") or text_of(time)) if time is not None else "")


def _time(time):
    if time is None:
        return None
    return iso_time(time.get("datetime")) or unix_time(time.get("data-time"))


ENGINE = XenForo()
