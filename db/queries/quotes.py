"""The quoted passages of posts (forum quotes), and the quoted posts they link to.

Importers keep a post's quotes in ``Source.extra["quotes"]``: ``start``/``end``
(code points into the text, half-open), ``author`` (whom it quotes) and ``post`` (the
quoted post's ``post_id`` on the same platform, when the page linked it). The link is
resolved when asked, so a quoted post imported later is found too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Source


def recorded(extra: dict[str, Any] | None, length: int) -> list[dict[str, Any]]:
    """The well-formed quotes recorded in ``extra`` for a text of ``length``, in order."""
    out = []
    for q in (extra or {}).get("quotes") or []:
        start, end = (q.get("start"), q.get("end")) if isinstance(q, dict) else (None, None)
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length:
            out.append(q)
    return sorted(out, key=lambda q: (q["start"], -q["end"]))


def spans(extra: dict[str, Any] | None, length: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` of each quote recorded in ``extra``, in text order."""
    return [(q["start"], q["end"]) for q in recorded(extra, length)]


def quoted_passages(session: Session, source: Source) -> list[dict[str, Any]]:
    """Each quote of ``source``: its span, whom it quotes, and ``source_id``, the quoted
    post's id in the project (None when that post is not in it)."""
    quotes = recorded(source.extra, source.length)
    keys = {q["post"] for q in quotes if q.get("post")}
    rows = session.execute(select(Source.post_id, Source.id).where(
        Source.platform == source.platform, Source.post_id.in_(keys))).all() if keys else []
    found = {post_id: sid for post_id, sid in rows}
    return [{"start": q["start"], "end": q["end"], "author": q.get("author", ""),
             "post": q.get("post", ""), "source_id": found.get(q.get("post"))}
            for q in quotes]
