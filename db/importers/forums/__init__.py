"""Saved forum thread pages: one source per post, in a collection named after the thread.

Each engine (XenForo, vBulletin 3-5, phpBB, Discourse, MyBB, Invision, Simple Machines,
Reddit's old and new layouts) has a small extractor over lxml in its own module; a
page is recognised by its structure (the engine's post containers), never by its file
name, and a page no engine recognises is left to the web-page article importer. The
shared parts: :mod:`.page` (the parsed page, where and when it was saved, the time zone
it states), :mod:`.body` (a post's words and quote spans), :mod:`.dates` (forum dates,
relative and Hijri ones included) and :mod:`.drafts` (identity, metadata, drafts).

A post's quotes are kept in ``Source.extra["quotes"]`` as code-point spans into its
text with whom they quote and the quoted post's ``post_id`` when the page links it.
"""

from __future__ import annotations

from pathlib import Path

from db.errors import ImportFileError
from db.importers.base import POST, FileRead, ReadOptions
from db.importers.forums import (
    discourse,
    invision,
    mybb,
    phpbb,
    reddit_page,
    smf,
    vbulletin,
    xenforo,
)
from db.importers.forums.drafts import read_thread
from db.importers.forums.model import Engine
from db.importers.forums.page import load
from db.importers.html import IMPORTER as HTML

ENGINES: tuple[Engine, ...] = (xenforo.ENGINE, vbulletin.ENGINE, phpbb.ENGINE,
                               discourse.ENGINE, mybb.ENGINE, invision.ENGINE, smf.ENGINE,
                               reddit_page.ENGINE)


def engine_of(root) -> Engine | None:
    """The engine whose thread-page structure ``root`` has, or None."""
    return next((e for e in ENGINES if e.matches(root)), None)


class ForumImporter:
    """One post per message of a saved forum or Reddit thread page."""

    name = "forum"
    label = "Forum thread (saved page)"
    kind = POST

    def sniff(self, path: Path, head: bytes) -> float:
        """Surer than the article importer for a web page that has a thread's structure."""
        if HTML.sniff(path, head) <= 0:
            return 0.0
        try:
            page = load(path)
        except (ImportFileError, OSError):
            return 0.0  # the article importer will say what is wrong with it
        return 0.95 if engine_of(page.root) is not None else 0.0

    def read(self, path: Path, options: ReadOptions) -> FileRead:
        """Read every post of the page (the page is parsed whole at once)."""
        page = load(path)
        engine = engine_of(page.root)
        if engine is None:
            raise ImportFileError(path, "no forum thread was recognised in this page "
                                        "(import it as a web page article instead)")
        found = read_thread(page, engine)
        if not found.drafts:
            raise ImportFileError(path, f"this {engine.label} thread page holds no posts")
        return FileRead(iter(found.drafts), found.thread.title, found.warnings)


IMPORTER = ForumImporter()
