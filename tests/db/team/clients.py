"""Programs the concurrency tests run as real, separate processes (one per researcher)."""

from __future__ import annotations

import sys


def code_many(url: str, login: str, source_id: int, code_id: int, count: int) -> None:
    """Apply ``count`` codings, one transaction each, as coder ``login``."""
    from db import project
    from db.ops.coders import ensure_coder
    from db.ops.coding import code_span

    with project.open_url(url) as p:
        with p.session() as s:
            me = ensure_coder(s, name=login).value
        for i in range(count):
            with p.session() as s:
                code_span(s, source_id=source_id, start=i, end=i + 1, code_id=code_id,
                          coder_id=me)


if __name__ == "__main__":  # python -m tests.db.team.clients URL LOGIN SOURCE CODE COUNT
    url, login, *numbers = sys.argv[1:]
    code_many(url, login, *(int(n) for n in numbers))
