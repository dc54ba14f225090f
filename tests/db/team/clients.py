"""Programs the concurrency tests run as real, separate processes (one per researcher)."""

from __future__ import annotations

import json
import sys
import time


def code_many(url: str, login: str, source_id: int, code_id: int, count: int,
              go: str = "") -> None:
    """Apply ``count`` codings, one transaction each, as coder ``login``. With ``go`` (a
    file's path), keep a local search index too, as the window does (in this process's
    cache folder, as on a machine of its own): built first, caught up from the change log
    every 50 codings while the others still write, and once more after the file ``go``
    appears (when everyone has finished); then print what it answers (:func:`answers`)."""
    from db import project
    from db.ops.coders import ensure_coder
    from db.ops.coding import code_span
    from db.search import SearchIndex

    with project.open_url(url) as p:
        with p.session() as s:
            me = ensure_coder(s, name=login).value
        index = SearchIndex(p) if go else None
        for i in range(count):
            if index is not None and i % 50 == 0:
                with p.sessions() as s:
                    index.ensure(s)
            with p.session() as s:
                code_span(s, source_id=source_id, start=i, end=i + 1, code_id=code_id,
                          coder_id=me)
        if index is not None:
            print("coded", flush=True)
            _wait_for_file(go)
            with p.sessions() as s:
                index.ensure(s)
                print(json.dumps(answers(index, s)), flush=True)


def answers(index, session) -> dict:
    """What an index answers: the passages ``code:NAME`` finds, for every code, and
    which codings (by id) it holds as part of the source's document."""
    from sqlalchemy import select

    from db.models import Code, Coding
    from db.search import search
    from db.search.commands import limited

    found = {name: len(list(limited(search(index, session, f'code:"{name}"'), None)))
             for name in session.scalars(select(Code.name).order_by(Code.name))}
    view = index.acquire()
    try:
        held = sorted(i for i in session.scalars(select(Coding.id))
                      if any(_owns(leaf, f"codings:{i}") for leaf in view.leaves))
    finally:
        index.release(view)
    return {"code_hits": found, "codings_held": held}


def _owns(leaf, term: str) -> bool:
    p = leaf.postings("owns", term)
    return p is not None and any(d not in leaf.deleted for d in p.all_ids())


def _wait_for_file(path: str, timeout: float = 600) -> None:
    from pathlib import Path

    end = time.monotonic() + timeout
    while not Path(path).exists():
        if time.monotonic() > end:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.05)


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


# python -m tests.db.team.clients many|until URL LOGIN SOURCE CODE N|LOG [GO]
if __name__ == "__main__":
    what, url, login, sid, code, last, *more = sys.argv[1:]
    if what == "rename":  # rename URL LOGIN CODE NAME GO-FILE
        rename_at_once(url, login, int(sid), code, last)
    elif what == "many":
        code_many(url, login, int(sid), int(code), int(last), *more)
    else:
        code_until_stopped(url, login, int(sid), int(code), last)
