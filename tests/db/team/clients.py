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


def rename_at_once(url: str, login: str, code_id: int, name: str, go: str) -> None:
    """Read the code's version, wait until the file ``go`` exists, then rename the code at
    the version read, as one step of ``login``; print "won" or "refused: <message>"."""
    from pathlib import Path

    from sqlalchemy import select

    from db import history, project
    from db.errors import ConflictError
    from db.models import Code
    from db.ops import bind
    from db.ops.coders import ensure_coder
    from db.ops.codes import rename_code

    with project.open_url(url) as p:
        with p.session() as s:
            me = ensure_coder(s, name=login).value
        with p.sessions() as s:
            seen = s.scalar(select(Code.version).where(Code.id == code_id))
        print("ready", flush=True)
        while not Path(go).exists():
            time.sleep(0.005)
        try:
            with p.session() as s:
                history.run(s, bind(rename_code, code_id=code_id, name=name,
                                    expected_version=seen), coder_id=me)
            print("won", flush=True)
        except ConflictError as exc:
            print(f"refused: {exc}", flush=True)


if __name__ == "__main__":  # python -m tests.db.team.clients many|until URL LOGIN SOURCE CODE N|LOG
    what, url, login, sid, code, last = sys.argv[1:]
    if what == "rename":  # rename URL LOGIN CODE NAME GO-FILE
        rename_at_once(url, login, int(sid), code, last)
    elif what == "many":
        code_many(url, login, int(sid), int(code), int(last))
    else:
        code_until_stopped(url, login, int(sid), int(code), last)
