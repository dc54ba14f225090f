"""From what an engine found on a page to one :class:`SourceDraft` per post.

Identity: a forum's post ids are only unique on that forum, so a post's ``post_id`` in
the project is the forum's address (host) and the engine's id, ``"forum.example:123"``,
with platform "forum"; the import pipeline skips a post whose (platform, post_id) is
already in the project, which is what lets a thread saved again later add only its new
posts. Reddit's ids are global (``t1_…``), so Reddit pages keep them as they are, and a
comment imported from a saved page and from a JSON dump is the same post.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlparse

from db.importers.base import SourceDraft
from db.importers.forums.body import post_text
from db.importers.forums.dates import Clock, PostDate, day_first, is_numeric, read_date
from db.importers.forums.model import Engine, Quote, RawPost, Thread
from db.importers.forums.page import Page, stated_zone
from db.importers.postutil import post


@dataclass
class ThreadPage:
    """A page read whole: its thread, its post drafts and the file's warnings."""

    thread: Thread
    drafts: list[SourceDraft]
    warnings: list[str]


def read_thread(page: Page, engine: Engine) -> ThreadPage:
    """Every post of ``page`` as a draft, in page order."""
    thread = engine.thread(page)
    thread.url = page.absolute(thread.url) or page.url
    raws = list(engine.posts(page))
    zone = stated_zone(page.root)
    first, assumed = day_first([r.date_text for r in raws if r.published is None],
                               page.language)
    clock = Clock(zone.tz if zone else None, page.saved, first)
    context = _Context(page, engine, thread, clock, assumed, zone.label if zone else "")
    drafts = [context.draft(raw) for raw in raws]
    return ThreadPage(thread, drafts, context.warnings(len(drafts)))


def site_of(thread: Thread, page: Page) -> str:
    """What identifies the forum: its host, else its name, else the thread's title."""
    host = urlparse(thread.url or page.url).netloc.lower().removeprefix("www.")
    return host or thread.site or thread.title


class _Context:
    """What every post of one page shares."""

    def __init__(self, page: Page, engine: Engine, thread: Thread, clock: Clock,
                 assumed_order: bool, zone_label: str):
        self.page, self.engine, self.thread, self.clock = page, engine, thread, clock
        self.assumed_order, self.zone_label = assumed_order, zone_label
        self.site = site_of(thread, page)
        self.flags: Counter[str] = Counter()

    def key(self, engine_id: str) -> str:
        """The project-wide ``post_id`` of the engine's post ``engine_id``."""
        if not engine_id or self.engine.platform != "forum":
            return engine_id
        return f"{self.site}:{engine_id}"

    def draft(self, raw: RawPost) -> SourceDraft:
        text, quotes = (raw.text, raw.quotes) if raw.body is None else \
            post_text(raw.body, self.engine)
        date = self._machine_time(raw) if raw.published else read_date(raw.date_text, self.clock)
        if self.assumed_order and raw.published is None and is_numeric(raw.date_text):
            date.flags.append("day and month order assumed")
        self.flags.update(date.flags)
        permalink = self.page.absolute(raw.permalink)
        return post(
            text, title=self.thread.title, author=raw.author, handle=raw.member,
            platform=self.engine.platform, site_name=self.thread.site or self.site,
            url=permalink, language=self.page.language, published=date.value,
            post_id=self.key(raw.post_id) or permalink, thread_id=self.key(
                self.thread.thread_id) or self.thread.url, reply_to_id=self.key(raw.reply_to),
            likes=raw.likes, extra=self._extra(raw, date, quotes))

    def _machine_time(self, raw: RawPost) -> PostDate:
        """A time the page gives in a machine-readable form; without an offset, it is in
        the page's stated zone (else UTC, flagged)."""
        date = PostDate(raw.published, raw.date_text)
        if raw.published.tzinfo is None:
            date.value = raw.published.replace(tzinfo=self.clock.tz or dt.UTC)
            if self.clock.tz is None:
                date.flags.append("the page states no time zone: read as UTC")
        return date

    def _extra(self, raw: RawPost, date: PostDate, quotes: list[Quote]) -> dict:
        for q in quotes:
            q.post = self.key(q.post)
        extra = {
            "collection": self.thread.title, "format": f"forum-{self.engine.name}",
            "forum": self.engine.label, "thread_title": self.thread.title,
            "thread_url": self.thread.url, "forum_section": self.thread.section,
            "post_number": raw.number, "post_title": raw.subject if raw.subject !=
            self.thread.title else "", "date_shown": date.shown, "date_hijri": date.hijri,
            "date_flags": date.flags, "time_zone": self.zone_label,
            "page_saved": self.page.saved.isoformat() if self.page.saved else "",
            "quotes": [q.as_dict() for q in quotes]}
        return {k: v for k, v in extra.items() if v not in (None, "", [])}

    def warnings(self, count: int) -> list[str]:
        """One line per kind of date problem, with how many posts it concerns."""
        return [f"{n} of {count} post(s): {flag}" for flag, n in self.flags.items()
                if not flag.startswith(("Hijri", "relative date, resolved"))]
