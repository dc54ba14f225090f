"""A class coding one source at once: the scenario the live test asserts on and the
benchmark times (tests/bench/bench_team.py), written once.

Each coder is a process of its own (:func:`tests.db.team.clients.code_many`) with a code
of its own and a local search index in a cache folder of its own (a machine of its own),
caught up from the change log while the others write and once more when all are done.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from db import project
from db.models import Change, Coding, Excerpt
from db.ops.codes import create_code
from db.search import SearchIndex
from tests.db.coding_support import add_source
from tests.db.team.clients import answers

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Crowd:
    """What came of it: the server's rows, the change log, and what each index answers."""

    clients: int
    each: int
    seconds: float = 0.0  # from the first process started to the last one's codings
    errors: list[str] = field(default_factory=list)
    codings: int = 0
    distinct_spans: int = 0
    log_gapless: bool = False
    log_has_every_coding: bool = False
    truth: dict = field(default_factory=dict)  # an index built afresh from the server
    answers: list[dict] = field(default_factory=list)  # each client's caught-up index


def _client(url: str, login: str, sid: int, code: int, each: int, go: Path, cache: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIRE_CACHE_DIR": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "tests.db.team.clients", "many", url, login,
                             str(sid), str(code), str(each), str(go)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def code_at_once(url: str, folder: Path, clients: int = 8, each: int = 500) -> Crowd:
    """Run ``clients`` coders applying ``each`` codings each on one new source of the
    team project at ``url``; what came of it."""
    out = Crowd(clients, each)
    folder.mkdir(parents=True, exist_ok=True)
    with project.open_url(url) as p:
        with p.session() as s:
            sid = add_source(s, "x" * (each + 1), kind="post", platform="telegram",
                             post_id=f"crowd-{time.time_ns()}")
            codes = [create_code(s, name=f"Mark {i}").value for i in range(clients)]
        with p.sessions() as s:
            first = s.scalar(select(func.coalesce(func.max(Change.seq), 0)))
        go = folder / "go"
        start = time.perf_counter()
        procs = [_client(url, f"coder{i}", sid, codes[i], each, go, folder / f"machine{i}")
                 for i in range(clients)]
        for proc in procs:  # "coded": its whole share is committed
            if proc.stdout.readline().strip() != "coded":
                out.errors.append(proc.communicate()[1][-2000:])
        out.seconds = time.perf_counter() - start
        go.touch()
        for proc in procs:
            said, err = proc.communicate(timeout=900)
            if proc.returncode:
                out.errors.append(err[-2000:])
            elif said.strip():
                out.answers.append(json.loads(said.strip().splitlines()[-1]))
        _check_server(p, out, sid, first, folder)
    return out


def _check_server(p, out: Crowd, sid: int, first: int, folder: Path) -> None:
    with p.sessions() as s:
        coded = select(Excerpt.coder_id, Excerpt.start).where(Excerpt.source_id == sid)
        spans = s.execute(coded).all()
        out.distinct_spans = len(set(spans))
        ids = set(s.scalars(select(Coding.id).join(Excerpt, Excerpt.id == Coding.excerpt_id)
                            .where(Excerpt.source_id == sid)))
        out.codings = len(ids)
        logged = s.execute(select(Change.seq, Change.entity, Change.entity_id)
                           .where(Change.seq > first).order_by(Change.seq)).all()
        seqs = [r.seq for r in logged]
        out.log_gapless = seqs == list(range(first + 1, first + 1 + len(seqs)))
        out.log_has_every_coding = {r.entity_id for r in logged
                                    if r.entity == "codings"} >= ids
        fresh = SearchIndex(p, root=folder / "fresh")
        fresh.rebuild(s)
        out.truth = answers(fresh, s)
