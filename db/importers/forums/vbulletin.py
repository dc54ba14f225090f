"""vBulletin 3, 4 and 5 thread pages (and the many Arabic boards built on them).

vBulletin 3 and 4 both put a post's words in ``div#post_message_123``; the post around
it is ``table#post123`` (3) or ``li#post_123`` (4). Dates are text in the board's own
format and language ("07-02-2016, 02:51 PM", "اليوم 02:51 م", "12 رمضان 1437"), read
in the zone the footer states ("All times are GMT +3"). vBulletin 5 posts are
``li.b-post[data-node-id]`` with a ``<time datetime>``. Quotes are ``div.bbcode_quote``
(4, 5) or 3's table under a "Quote:" caption, "Originally Posted by" naming the author
and linking the quoted post (``showthread.php?p=120#post120``).
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
    xclass,
)

_MESSAGES = etree.XPath("//div[starts-with(@id, 'post_message_')]")
_POSTS_5 = etree.XPath(f"//li[{xclass('b-post')}][@data-node-id]")
_USER = (f".//a[{xclass('username')}] | .//a[{xclass('bigusername')}]"
         f" | .//*[{xclass('username')}]")
_MEMBER_5 = re.compile(r"/member/(\d+)")


class VBulletin(EngineBase):
    """vBulletin 3, 4 and 5."""

    name, label = "vbulletin", "vBulletin"
    noise_classes = frozenset(("signature", "signaturecontainer", "after_content",
                               "bbcode_description", "bbcode_quote_container", "postfoot",
                               "b-post__signature", "likes_postbit", "vbseo_like_postbit"))

    def matches(self, root) -> bool:
        """Post messages of 3 or 4, or 5's post items."""
        return bool(_MESSAGES(root) or _POSTS_5(root))

    def thread(self, page) -> Thread:
        """Title, section (last breadcrumb link) and thread id."""
        root = page.root
        title = text_of(first(root, f"//span[{xclass('threadtitle')}]", "//div[@id='pagetitle']"
                              "//h1", f"//h1[{xclass('main-title')}]", "//td[@class='navbar']"
                              "/strong"))
        crumbs = root.xpath(f"//*[@id='breadcrumb']//li[{xclass('navbit')}]/a"
                            " | //span[@class='navbar']/a"
                            f" | //*[@id='breadcrumbs']//a[{xclass('crumb-link')}]")
        tid = first(root, "//input[@name='t' or @name='threadid']/@value") or ""
        return Thread(title=title, url=page.url, section=text_of(crumbs[-1]) if crumbs else "",
                      thread_id=f"t{tid}" if tid else "", site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """Version 5's posts, else 3's and 4's messages in page order."""
        found = _POSTS_5(page.root)
        if found:
            yield from map(_post5, found)
            return
        for body in _MESSAGES(page.root):
            post = _post34(body)
            if post is not None:
                yield post

    def quote(self, el) -> QuoteMeta | None:
        """4 and 5's ``bbcode_quote``, or 3's captioned table."""
        if has_class(el, "bbcode_container"):
            return _quote45(el)
        if el.tag == "div" and el.find("table") is not None and \
                el.find("div[@class='smallfont']") is not None:
            return _quote3(el)
        return None


def _post34(body) -> RawPost | None:
    pid = body.get("id", "").removeprefix("post_message_")
    box = first(body, f"ancestor::li[@id='post_{pid}']", f"ancestor::table[@id='post{pid}']")
    if box is None:
        return None
    user = first(box, _USER)
    counter = first(box, f".//a[{xclass('postcounter')}]", ".//a[starts-with(@id, 'postcount')]")
    date = first(box, f".//span[{xclass('date')}]", f".//td[{xclass('thead')}][1]")
    subject = first(box, f".//h2[{xclass('title')}]", f".//td[@id='td_post_{pid}']"
                    "/div[@class='smallfont']/strong")
    return RawPost(pid, body, author=text_of(user),
                   member=query_value(user.get("href"), "u") if user is not None else "",
                   number=number_in(text_of(counter)),
                   permalink=counter.get("href", "") if counter is not None else "",
                   date_text=text_of(date), subject=text_of(subject))


def _post5(li) -> RawPost:
    user = first(li, f".//*[{xclass('author')}]//a", ".//*[@itemprop='author']//a")
    counter = first(li, f".//a[{xclass('b-post__count')}]")
    time = first(li, ".//time", f".//*[{xclass('b-post__timestamp')}]")
    m = _MEMBER_5.search(user.get("href", "")) if user is not None else None
    return RawPost(
        li.get("data-node-id", ""), first(li, f".//*[{xclass('js-post__content-text')}]"),
        author=text_of(user), member=m.group(1) if m else "",
        number=number_in(text_of(counter)),
        permalink=counter.get("href", "") if counter is not None else "",
        published=iso_time(time.get("datetime")) if time is not None else None,
        date_text=text_of(time))


def _quote45(el) -> QuoteMeta | None:
    box = first(el, f".//div[{xclass('bbcode_quote')}]")
    if box is None:
        return None
    by = first(box, f".//div[{xclass('bbcode_postedby')}]")
    link = first(by, ".//a[@href]") if by is not None else None
    content = first(box, f".//div[{xclass('message')}]", f".//div[{xclass('quote_container')}]")
    return QuoteMeta(text_of(first(by, "strong")) if by is not None else "",
                     _post_ref(link), content)


def _quote3(el) -> QuoteMeta:
    cell = first(el, f".//td[{xclass('alt2')}]", ".//td")
    by = first(cell, "div[strong][following-sibling::div]")
    if by is None:
        return QuoteMeta("", "", cell)
    return QuoteMeta(text_of(first(by, "strong")), _post_ref(first(by, "a[@href]")),
                     first(by, "following-sibling::div"))


def _post_ref(link) -> str:
    """The quoted post's id from "showthread.php?p=120#post120" (or "…#post120")."""
    if link is None:
        return ""
    href = link.get("href", "")
    return query_value(href, "p") or href.partition("#post")[2]


ENGINE = VBulletin()
