"""What an engine extractor finds on a thread page, before it becomes drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class QuoteMeta:
    """A quote block met in a post body: whom it quotes, and what to read inside it.

    ``content`` is the element holding the quoted words; ``skip`` are elements inside it
    that are the quote's own header ("Bob said:", "Originally Posted by Bob").
    """

    author: str = ""
    ref: str = ""  # the quoted post's id on its forum ("120"), when the page gives it
    content: object = None
    skip: tuple = ()


@dataclass
class Quote:
    """A quoted passage of a post's text: ``[start, end)`` in code points."""

    start: int
    end: int
    author: str = ""
    post: str = ""  # the quoted post's ``post_id`` in the project (see drafts.post_key)

    def as_dict(self) -> dict:
        """The JSON form kept in ``Source.extra["quotes"]``."""
        return {k: v for k, v in vars(self).items() if v != ""}


@dataclass
class RawPost:
    """One post as an engine found it."""

    post_id: str  # the engine's id of the post ("123"), "" when the page has none
    body: object  # the element holding the post's words (or None with ``text`` given)
    author: str = ""
    member: str = ""  # member id or handle, as the forum shows it
    number: int | None = None  # "#5": its position in the thread
    permalink: str = ""
    published: dt.datetime | None = None  # a machine-readable time the page gives
    date_text: str = ""  # the date as shown, when there is no machine-readable one
    subject: str = ""
    reply_to: str = ""  # the engine's id of the post it answers (Reddit)
    likes: int | None = None
    text: str = ""  # already plain text (Reddit's JSON), instead of ``body``
    quotes: list[Quote] = field(default_factory=list)  # with ``text``: its quotes


@dataclass
class Thread:
    """The thread a page belongs to."""

    title: str = ""
    url: str = ""
    section: str = ""  # the forum section (sub-forum, subreddit, category)
    thread_id: str = ""
    site: str = ""  # the board's name, when the page states one


class Engine(Protocol):
    """One forum engine: how to recognise its thread pages and read their posts."""

    name: str  # "xenforo"
    label: str  # "XenForo"
    platform: str  # "forum", or "reddit" whose ids are global

    def matches(self, root) -> bool:
        """True when ``root`` is a thread page of this engine (by its structure)."""

    def thread(self, page) -> Thread:
        """The thread's title, address and section."""

    def posts(self, page) -> Iterator[RawPost]:
        """The posts of the page, in page order."""

    def quote(self, el) -> QuoteMeta | None:
        """Whether ``el`` (inside a post body) is a quote block, and of whom."""

    def noise(self, el) -> bool:
        """True for elements inside a post body that are not the post's words."""


class EngineBase:
    """Defaults for engines: no quotes, and noise recognised by class names."""

    platform = "forum"
    noise_classes: frozenset[str] = frozenset()

    def quote(self, el) -> QuoteMeta | None:
        """No quote blocks (engines override)."""
        return None

    def noise(self, el) -> bool:
        """True for an element carrying one of the engine's noise classes."""
        names = el.get("class")
        return bool(names) and not self.noise_classes.isdisjoint(names.split())
