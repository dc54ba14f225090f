"""Programs the concurrency tests run as real, separate processes (one per researcher)."""

from __future__ import annotations

import sys
import time


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


def code_until_stopped(url: str, login: str, source_id: int, code_id: int, log: str) -> None:
    """Code one character after another, retrying what the server refused (as a person
    would after a "connection lost" message); append each acknowledged start to ``log``."""
    from db import project
    from db.errors import CodingError
    from db.ops.coders import ensure_coder
    from db.ops.coding import code_span

    with project.open_url(url) as p:
        with p.session() as s:
            me = ensure_coder(s, name=login).value
        i = 0
        with open(log, "a") as out:
            while i < 10_000:
                try:
                    with p.session() as s:
                        code_span(s, source_id=source_id, start=i, end=i + 1,
                                  code_id=code_id, coder_id=me)
                except CodingError:  # committed, but the answer was lost with the link
                    i += 1
                    continue
                except Exception:  # noqa: BLE001 - the link is down: try again
                    time.sleep(0.05)
                    continue
                out.write(f"{i}\n")
                out.flush()
                i += 1


if __name__ == "__main__":  # python -m tests.db.team.clients many|until URL LOGIN SOURCE CODE N|LOG
    what, url, login, sid, code, last = sys.argv[1:]
    if what == "many":
        code_many(url, login, int(sid), int(code), int(last))
    else:
        code_until_stopped(url, login, int(sid), int(code), last)
