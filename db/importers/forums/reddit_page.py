"""Saved Reddit thread pages: the old layout, the current one, and the 2018 layout's
embedded JSON.

* old.reddit.com: every submission and comment is a ``div.thing`` with
  ``data-fullname``, ``data-author`` and ``data-permalink``; replies nest in the
  parent's ``div.child``; the words are ``div.md``.
* The current layout: ``<shreddit-post>`` and ``<shreddit-comment>`` elements carrying
  the same facts as attributes, the words in their ``text-body`` / ``comment`` slots.
* The 2018 layout: comments also (or only) in ``window.___r`` (see :mod:`.reddit_json`).

Ids are Reddit fullnames (``t3_…``, ``t1_…``) as in the JSON importer, so a comment
read from a page and from a dump is recognised as the same post.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from db.importers.forums.body import post_text
from db.importers.forums.model import EngineBase, Quote, QuoteMeta, RawPost, Thread
from db.importers.forums.page import first, iso_time, text_of, unix_time, xclass
from db.importers.forums.reddit_json import models, page_state, rich_text
from db.text import canonical

SITE = "https://www.reddit.com"
_THINGS = etree.XPath(f"//div[{xclass('thing')}][@data-fullname][@data-type='link' or "
                      "@data-type='comment']")
_SHREDDIT = etree.XPath("//shreddit-post | //shreddit-comment")


class RedditPage(EngineBase):
    """Reddit's old and new layouts."""

    name, label, platform = "reddit", "Reddit", "reddit"

    def matches(self, root) -> bool:
        """Things of the old layout, shreddit elements, or the embedded page state."""
        return bool(_THINGS(root) or _SHREDDIT(root) or models(page_state(root), "comments"))

    def thread(self, page) -> Thread:
        """The submission's title, subreddit, fullname and permalink."""
        root, state = page.root, page_state(page.root)
        link = first(root, f"//div[{xclass('thing')}][@data-type='link']", "//shreddit-post")
        if link is not None:
            title = text_of(first(link, f".//a[{xclass('title')}]")) or link.get("post-title", "")
            return Thread(title=title, url=SITE + (link.get("data-permalink") or link.get(
                "permalink") or ""), section=link.get("data-subreddit-prefixed") or link.get(
                "subreddit-prefixed-name") or "", thread_id=link.get("data-fullname") or
                link.get("id") or "", site="Reddit")
        post = next(iter(models(state, "posts")), {})
        sub = post.get("subreddit")
        return Thread(title=str(post.get("title") or ""), url=_absolute(post.get("permalink")),
                      section=f"r/{sub['name']}" if isinstance(sub, dict) and sub.get("name")
                      else "", thread_id=str(post.get("id") or ""), site="Reddit")

    def posts(self, page) -> Iterator[RawPost]:
        """The page's posts, then comments found only in the embedded JSON."""
        seen: set[str] = set()
        thread = self.thread(page)
        for el in _THINGS(page.root) or _SHREDDIT(page.root):
            post = _old(el, thread, self) if el.tag == "div" else _new(el, thread, self)
            seen.add(post.post_id)
            yield post
        state = page_state(page.root)
        for model in models(state, "posts") + models(state, "comments"):
            if str(model.get("id")) not in seen:
                yield _from_json(model, thread)

    def quote(self, el) -> QuoteMeta | None:
        """Markdown's ``>`` quotes: a blockquote, with no author."""
        return QuoteMeta("", "", el) if el.tag == "blockquote" else None


def _old(el, thread: Thread, engine) -> RawPost:
    entry = first(el, f"div[{xclass('entry')}]")
    body = first(entry, f".//div[{xclass('md')}]") if entry is not None else None
    time = first(entry, ".//time[@datetime]") if entry is not None else None
    parent = first(el, f"ancestor::div[{xclass('thing')}][@data-fullname][1]")
    post = RawPost(el.get("data-fullname", ""), None, author=el.get("data-author", ""),
                   member=el.get("data-author", ""), permalink=_absolute(el.get("data-permalink")),
                   published=(iso_time(time.get("datetime")) if time is not None else None)
                   or unix_time(el.get("data-timestamp")),
                   reply_to=parent.get("data-fullname") if parent is not None else
                   ("" if el.get("data-type") == "link" else thread.thread_id))
    return _with_words(post, body, engine, thread if el.get("data-type") == "link" else None)


def _new(el, thread: Thread, engine) -> RawPost:
    is_post = el.tag == "shreddit-post"
    body = first(el, "./*[@slot='text-body']" if is_post else "./*[@slot='comment']")
    time = first(el, "./faceplate-timeago[@ts] | ./*[@slot='commentMeta']//*[@ts]")
    post = RawPost(el.get("id" if is_post else "thingid", ""), None, author=el.get("author", ""),
                   member=el.get("author", ""), permalink=_absolute(el.get("permalink")),
                   published=iso_time(el.get("created-timestamp") or (
                       time.get("ts") if time is not None else "")),
                   reply_to="" if is_post else el.get("parentid") or thread.thread_id)
    return _with_words(post, body, engine, thread if is_post else None)


def _with_words(post: RawPost, body, engine, submission: Thread | None) -> RawPost:
    text, quotes = post_text(body, engine) if body is not None else ("", [])
    post.text, post.quotes = _headed(submission.title if submission else "", text, quotes)
    return post


def _from_json(model: dict, thread: Thread) -> RawPost:
    text, quotes = rich_text(model)
    is_post = str(model.get("id", "")).startswith("t3_")
    text, quotes = _headed(str(model.get("title") or "") if is_post else "", text, quotes)
    return RawPost(str(model.get("id", "")), None, author=str(model.get("author") or ""),
                   member=str(model.get("author") or ""),
                   permalink=_absolute(model.get("permalink")),
                   published=unix_time(str(model.get("created") or "")),
                   reply_to="" if is_post else str(model.get("parentId") or thread.thread_id),
                   text=text, quotes=quotes)


def _headed(title: str, text: str, quotes: list[Quote]) -> tuple[str, list[Quote]]:
    """A submission's text is its title, a blank line and its words (as the JSON importer
    writes it); the quote spans move with the words."""
    if not title:
        return text, quotes
    title = canonical(title)
    shift = len(title) + 2 if text else 0
    moved = [Quote(q.start + shift, q.end + shift, q.author, q.post) for q in quotes]
    return (f"{title}\n\n{text}" if text else title), moved


def _absolute(link) -> str:
    link = str(link or "")
    return SITE + link if link.startswith("/") else link


ENGINE = RedditPage()
