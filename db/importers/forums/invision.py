"""Invision Community (IP.Board 4) topic pages.

A post is ``article#elComment_123``: the author pane (``aside.ipsComment_author``)
links the profile (``/profile/42-alice/``), the post's words are in
``div[data-role=commentContent]``, its time is ``<time datetime>``. Quotes are
``blockquote.ipsQuote`` carrying the quoted member and post in ``data-ipsquote-*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from db.importers.forums.model import EngineBase, QuoteMeta, RawPost, Thread
from db.importers.forums.page import first, has_class, iso_time, meta_content, text_of, xclass

_POSTS = etree.XPath("//article[starts-with(@id, 'elComment_')]")
_PROFILE = re.compile(r"/profile/(\d+)")
_TOPIC = re.compile(r"/topic/(\d+)")


class Invision(EngineBase):
    """Invision Community 4."""

    name, label = "invision", "Invision Community"
    noise_classes = frozenset(("ipsQuote_citation", "ipsItemControls", "ipsReact",
                               "ipsComment_controls", "ipsEmbedded_loading"))

    def matches(self, root) -> bool:
        """``article#elComment_…`` posts."""
        return bool(_POSTS(root))

    def thread(self, page) -> Thread:
        """Title, section (last breadcrumb link) and topic id (from the address)."""
        root = page.root
        crumbs = root.xpath(f"//nav[{xclass('ipsBreadcrumb')}]//li//a//span | "
                            f"//nav[{xclass('ipsBreadcrumb')}]//li//a[not(span)]")
        url = page.url or meta_content(root, "og:url")
        m = _TOPIC.search(url)
        return Thread(title=text_of(first(root, f"//h1[{xclass('ipsType_pageTitle')}]")),
                      url=url, section=text_of(crumbs[-1]) if crumbs else "",
                      thread_id=f"t{m.group(1)}" if m else "",
                      site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """Every post, in page order."""
        yield from map(_post, _POSTS(page.root))

    def quote(self, el) -> QuoteMeta | None:
        """``blockquote.ipsQuote``."""
        if el.tag != "blockquote" or not has_class(el, "ipsQuote"):
            return None
        return QuoteMeta(el.get("data-ipsquote-username") or "",
                         el.get("data-ipsquote-contentcommentid") or "",
                         first(el, f"div[{xclass('ipsQuote_contents')}]", "."))


def _post(art) -> RawPost:
    user = first(art, f".//aside[{xclass('ipsComment_author')}]//h3//a",
                 f".//*[{xclass('cAuthorPane_author')}]//a")
    m = _PROFILE.search(user.get("href", "")) if user is not None else None
    time = first(art, ".//time[@datetime]")
    link = first(art, ".//a[contains(@href, 'do=findComment')][.//time]",
                 ".//a[contains(@href, 'do=findComment')]")
    return RawPost((art.get("id") or "").removeprefix("elComment_"),
                   first(art, ".//div[@data-role='commentContent']"), author=text_of(user),
                   member=m.group(1) if m else "",
                   permalink=link.get("href", "") if link is not None else "",
                   published=iso_time(time.get("datetime")) if time is not None else None,
                   date_text=(time.get("title") or text_of(time)) if time is not None else "")


ENGINE = Invision()
