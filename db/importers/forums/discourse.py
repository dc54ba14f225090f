"""Discourse topic pages, as the browser shows them (``article[data-post-id]`` inside
``div.topic-post``) or as Discourse serves them without JavaScript (``div.crawler-post``).

Discourse numbers posts within a topic and quotes name the topic and the number
(``aside.quote[data-topic][data-post]``), so a post's id here is ``t<topic>/<number>``
in both views, and a quote links to the quoted post the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

from lxml import etree

from db.importers.forums.model import EngineBase, QuoteMeta, RawPost, Thread
from db.importers.forums.page import (
    first,
    iso_time,
    meta_content,
    number_in,
    text_of,
    unix_time,
    xclass,
)

_POSTS = etree.XPath(f"//div[{xclass('topic-post')}]//article[@data-post-id]")
_CRAWLER = etree.XPath(f"//div[{xclass('crawler-post')}]")


class Discourse(EngineBase):
    """Discourse (the app's view and the crawler view)."""

    name, label = "discourse", "Discourse"
    noise_classes = frozenset(("quote-controls", "post-menu-area", "post-links-container",
                               "cooked-selection-barrier", "lightbox-wrapper-meta",
                               "meta", "expand-quote"))

    def matches(self, root) -> bool:
        """Post articles of the app's view, or crawler posts."""
        return bool(_POSTS(root) or _CRAWLER(root))

    def thread(self, page) -> Thread:
        """Title, category and topic id (from the topic's address)."""
        root = page.root
        title = first(root, "//h1//a[contains(@class, 'fancy-title')]", "//*[@id='topic-title']"
                      "//h1", "//*[@id='main-outlet']//h1", "//h1")
        crumbs = root.xpath(f"//*[{xclass('topic-category')}]//*[{xclass('badge-category__name')}"
                            f" or {xclass('category-name')}] | //*[@id='breadcrumbs']"
                            "//span[@itemprop='name']")
        url = page.url or first(root, "//link[@itemprop='mainEntityOfPage']/@href") or ""
        return Thread(title=text_of(title), url=url, thread_id=_topic(root, url),
                      section=text_of(crumbs[0]) if crumbs else "",
                      site=meta_content(root, "og:site_name"))

    def posts(self, page) -> Iterator[RawPost]:
        """The app's posts, else the crawler's."""
        thread = self.thread(page)
        found = _POSTS(page.root)
        if found:
            yield from (_app_post(a, thread.thread_id) for a in found)
        else:
            yield from (_crawler_post(d, thread) for d in _CRAWLER(page.root))

    def quote(self, el) -> QuoteMeta | None:
        """``aside.quote``: its title is the header, its blockquote the words."""
        if el.tag != "aside" or "quote" not in (el.get("class") or "").split():
            return None
        topic, number = el.get("data-topic"), el.get("data-post")
        title = first(el, f"div[{xclass('title')}]")
        return QuoteMeta(el.get("data-username") or "",
                         f"t{topic}/{number}" if topic and number else "",
                         first(el, "blockquote", "."), (title,) if title is not None else ())


def _topic(root, url: str) -> str:
    """``t7`` from an element's ``data-topic-id`` or from ``/t/slug/7(/n)``."""
    tid = first(root, "//*[@data-topic-id]/@data-topic-id")
    if not tid:
        parts = urlparse(url).path.strip("/").split("/")
        if "t" in parts:
            rest = parts[parts.index("t") + 1:]
            tid = next((p for p in rest if p.isdigit()), "")
    return f"t{tid}" if tid else ""


def _app_post(art, topic: str) -> RawPost:
    number = number_in(art.get("id", ""))
    handle = first(art, f".//*[{xclass('names')}]//*[{xclass('username')}]//a")
    full = first(art, f".//*[{xclass('names')}]//*[{xclass('full-name')}]//a")
    date = first(art, f".//*[{xclass('post-date')}]//*[@data-time]")
    link = first(art, f".//a[{xclass('post-date')}]")
    return RawPost(f"{topic}/{number}" if number else "", first(art, f".//*[{xclass('cooked')}]"),
                   author=text_of(full) or text_of(handle), member=text_of(handle),
                   number=number, permalink=link.get("href", "") if link is not None else "",
                   published=unix_time(date.get("data-time")) if date is not None else None,
                   date_text=date.get("title", "") if date is not None else "")


def _crawler_post(div, thread: Thread) -> RawPost:
    number = number_in(text_of(first(div, ".//*[@itemprop='position']")) or
                       first(div, ".//meta[@itemprop='position']/@content") or div.get("id", ""))
    creator = first(div, ".//*[@itemprop='author']")
    handle = text_of(first(creator, ".//*[@itemprop='name']")) if creator is not None else ""
    shown = text_of(creator).replace(handle, "", 1).strip(" ()") if creator is not None else ""
    time = first(div, ".//time")
    return RawPost(f"{thread.thread_id}/{number}" if number else "",
                   first(div, ".//*[@itemprop='text']"), author=shown or handle, member=handle,
                   number=number, permalink=f"{thread.url.rstrip('/')}/{number}"
                   if thread.url and number else "",
                   published=iso_time(time.get("datetime")) if time is not None else None,
                   date_text=text_of(time))


ENGINE = Discourse()
