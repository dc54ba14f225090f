"""Several researchers at once on one team project: real processes, a real server."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from db import project
from db.models import Change, Coding, Excerpt
from db.ops.codes import create_code
from db.team.live import ChangeListener
from tests.db.coding_support import add_source

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 8
EACH = int(os.environ.get("QUIRE_TEAM_CODINGS", "100"))  # the benchmark runs 500


def _client(url, login, sid, code, count):
    return subprocess.Popen([sys.executable, "-m", "tests.db.team.clients", url, login,
                             str(sid), str(code), str(count)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_eight_coders_at_once_lose_nothing(pg_project_url):
    text = "x" * (EACH + 1)
    with project.open_url(pg_project_url) as p:
        with p.session() as s:
            sid = add_source(s, text, kind="post", platform="telegram", post_id="1")
            code = create_code(s, name="Mark").value
        first = _last_seq(p)
        clients = [_client(pg_project_url, f"coder{i}", sid, code, EACH)
                   for i in range(CLIENTS)]
        for c in clients:
            _, err = c.communicate(timeout=600)
            assert c.returncode == 0, err
        with p.sessions() as s:
            assert s.scalar(select(func.count(Coding.id))) == CLIENTS * EACH
            spans = s.execute(select(Excerpt.coder_id, Excerpt.start)).all()
            assert len(set(spans)) == len(spans) == CLIENTS * EACH
            logged = s.execute(select(Change.seq, Change.entity, Change.entity_id)
                               .where(Change.seq > first).order_by(Change.seq)).all()
            coding_ids = set(s.scalars(select(Coding.id)))
    seqs = [r.seq for r in logged]
    assert seqs == list(range(first + 1, first + 1 + len(seqs)))  # complete, in order
    assert {r.entity_id for r in logged if r.entity == "codings"} == coding_ids


def _last_seq(p):
    with p.sessions() as s:
        return s.scalar(select(func.coalesce(func.max(Change.seq), 0)))


def test_a_listener_hears_a_commit_within_a_second(pg_project_url):
    heard = threading.Event()
    listener = ChangeListener(pg_project_url, None, heard.set).start()
    try:
        time.sleep(0.3)  # listening
        with project.open_url(pg_project_url) as p, p.session() as s:
            start = time.monotonic()
            create_code(s, name="Heard")
        assert heard.wait(1.0), "no notification within a second"
        assert time.monotonic() - start < 1.0
    finally:
        listener.stop()
