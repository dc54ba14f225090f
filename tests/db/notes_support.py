"""Helpers for the memo, reference and citation tests: sample sources, exact undo checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.importing import import_paths
from db.models import Citation, Code, Coding, Collection, Excerpt, Footnote, Memo, Reference, Source
from db.ops import OpResult
from db.ops.coders import ensure_coder
from db.ops.coding import code_span
from tests.db import coding_support
from tests.db.coding_support import run

TABLES = (Source, Collection, Footnote, Code, Excerpt, Coding, Reference, Citation, Memo)

ARTICLE_MD = """---
title: The Prophet of Dystopia
author: Rebecca Mead
date: 2017-04-17
---

They left at dawn.[^1] Nobody came back to the town that spring.[^2]

The fields stayed empty.

[^1]: A witness told the reporter so.
[^2]: The town council confirmed it in May.
"""
ARABIC_MD = """---
title: عاد السكان إلى المدينة
author: محمد الشريف
date: 2018-01-02
---

لم يعد أحد[^1] إلى المدينة.

[^1]: قال شاهد ذلك.
"""
TWEETS = [{"id_str": "919", "full_text": "ISIS has lost nearly 6000 terrorists in Raqqa",
           "created_at": "Sun Oct 15 15:00:00 +0000 2017", "lang": "en",
           "user": {"id_str": "1", "screen_name": "brett_mcgurk", "name": "Brett McGurk"}}]


def dump(proj) -> dict[str, list[tuple]]:
    """Every row of every table memos, references and citations touch."""
    return coding_support.dump(proj, TABLES)


def round_trip(proj, op: Callable[[Session], OpResult]) -> tuple[OpResult, OpResult]:
    """Do, undo, redo, undo: each step restores exactly (same ids, UUIDs, dates)."""
    return coding_support.round_trip(proj, op, TABLES)


def unchanged(proj, op: Callable[[Session], OpResult], error: type[Exception]) -> str:
    """Run ``op`` expecting ``error``; nothing may change; the error's message."""
    return coding_support.unchanged(proj, op, error, TABLES)


def import_samples(proj, folder: Path) -> dict[str, int]:
    """Import an article with two footnotes, an Arabic article and a tweet, through the
    real importer; their source ids by name ("article", "arabic", "tweet")."""
    (folder / "prophet.md").write_text(ARTICLE_MD, encoding="utf-8")
    (folder / "arabic.md").write_text(ARABIC_MD, encoding="utf-8")
    (folder / "tweets.json").write_text(json.dumps(TWEETS), encoding="utf-8")
    with proj.sessions() as s:
        report, _ = import_paths(s, [folder / "prophet.md", folder / "arabic.md",
                                     folder / "tweets.json"], collection="Study")
        assert not report.failed
    with proj.sessions() as s:
        ids = {name: s.scalar(select(Source.id).where(Source.file_name == file))
               for name, file in (("article", "prophet.md"), ("arabic", "arabic.md"),
                                  ("tweet", "tweets.json"))}
    return ids


def coder(proj, name: str = "Lina") -> int:
    """The id of a coder (made when missing)."""
    return run(proj, lambda s: ensure_coder(s, name=name)).value


def excerpt(proj, source_id: int, words: str, who: int | None = None) -> int:
    """Highlight the first occurrence of ``words`` in a source; the excerpt id."""
    with proj.sessions() as s:
        text = s.get(Source, source_id).text
    start = text.index(words)
    return run(proj, lambda s: code_span(s, source_id=source_id, start=start,
                                         end=start + len(words), color="#ffd54f",
                                         coder_id=who)).value
