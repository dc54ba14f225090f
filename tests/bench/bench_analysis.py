"""Benchmark of the Analysis views (issue 14).

Target: each view in <= 500 ms on 100,000 posts with 20,000 codings and 200 codes, and
co-occurrence over paragraphs in <= 2 s. The project is written with bulk inserts
(posts of one or two paragraphs over two years, four platforms, 500 handles; 20 codes
with 9 sub-codes each; 16,000 excerpts by two coders, a quarter of them with a second
code). Each view is timed (wall and CPU, best of 3) beside a plain SQL reference run in
the same process: the per-code count of codings (``GROUP BY``) and, for co-occurrence,
the plain same-source self-join of codings. Targets are judged on CPU seconds: every view
runs in this process (SQLite included), so CPU is the time a quiet machine would show,
whatever the shared machine's load does to wall time. Run with
``.venv/bin/python tests/bench/bench_analysis.py``; exits 1 if a target is missed.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent.parent)]

POSTS, EXCERPTS, SECOND_CODE = 100_000, 16_000, 4_000
VIEW_MS, PARAGRAPH_MS = 500, 2000
WORDS = ("despair defiance city fighters fled night group posted videos promised victory "
         "الموصل الرقة اليأس النصر قادم صامدون المدينة الفيديو").split()


def build(path: Path) -> None:
    """The project described in the module docstring."""
    from sqlalchemy import insert

    from db import project
    from db.models import Code, Coder, Coding, Excerpt, Source

    rng = random.Random(14)
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    with project.create(path) as proj, proj.session() as s:
        s.execute(insert(Coder), [{"name": "Lina"}, {"name": "Omar"}])
        parents = [{"id": i + 1, "name": f"Code {i}", "color": f"#{rng.randrange(1 << 24):06x}"}
                   for i in range(20)]
        kids = [{"id": 21 + i * 9 + k, "name": f"Sub {k}", "parent_id": i + 1,
                 "color": f"#{rng.randrange(1 << 24):06x}"} for i in range(20) for k in range(9)]
        s.execute(insert(Code), parents + kids)
        posts, texts = [], []
        for i in range(POSTS):
            text = _post(rng)
            texts.append(text)
            posts.append({"id": i + 1, "kind": "post", "text": text, "length": len(text),
                          "text_hash": f"{i:064x}", "platform": rng.choice(
                              ("twitter", "telegram", "reddit", "facebook")),
                          "handle": f"user{rng.randrange(500)}", "post_id": str(i),
                          "language": rng.choice(("ar", "en")),
                          "published": None if i % 50 == 0 else
                          start + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
                          "likes": rng.randrange(300)})
        s.execute(insert(Source), posts)
        excerpts, codings = [], []
        for e in range(EXCERPTS):
            sid = rng.randrange(POSTS) + 1
            a = rng.randrange(max(1, len(texts[sid - 1]) - 20))
            excerpts.append({"id": e + 1, "source_id": sid, "start": a,
                             "end": min(len(texts[sid - 1]), a + 10 + rng.randrange(60)),
                             "coder_id": 1 + e % 2})
            for code in [rng.randrange(200) + 1] + ([rng.randrange(200) + 1]
                                                    if e < SECOND_CODE else []):
                codings.append({"excerpt_id": e + 1, "code_id": code, "coder_id": 1 + e % 2})
        s.execute(insert(Excerpt), excerpts)
        codings = list({(c["excerpt_id"], c["code_id"]): c for c in codings}.values())
        s.execute(insert(Coding), codings)
        print(f"built: {POSTS:,} posts, {len(excerpts):,} excerpts, {len(codings):,} codings, "
              "200 codes")


def _post(rng: random.Random) -> str:
    para = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 25))) + "."  # noqa: E731
    return para() + (f"\n\n{para()}" if rng.random() < 0.4 else f" {para()}")


def timed(fn, runs: int = 3) -> tuple[float, float]:
    """Best wall and CPU seconds of ``runs`` calls."""
    best = (float("inf"), float("inf"))
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - w, time.process_time() - c))
    return best


def main() -> int:
    from sqlalchemy import text

    from db import project
    from db.analysis import Spec, analyze
    from db.export.selection import Selection

    views = {
        "frequencies": (Spec("frequencies"), VIEW_MS),
        "frequencies, sub-codes rolled up": (Spec("frequencies", rollup=True), VIEW_MS),
        "frequencies by platform": (Spec("frequencies", by="platform"), VIEW_MS),
        "crosstab codes x month": (Spec("crosstab", by="month"), VIEW_MS),
        "timeline per week, share of posts": (Spec("timeline", interval="week",
                                                   share=True), VIEW_MS),
        "co-occurrence, overlapping excerpts": (Spec("cooccurrence"), VIEW_MS),
        "co-occurrence, same source": (Spec("cooccurrence", unit="source"), VIEW_MS),
        "co-occurrence, same sentence": (Spec("cooccurrence", unit="sentence"), PARAGRAPH_MS),
        "co-occurrence, same paragraph": (Spec("cooccurrence", unit="paragraph"),
                                          PARAGRAPH_MS),
        "words, one code with sub-codes": (Spec("words"), VIEW_MS),
    }
    baseline = {"count": "SELECT code_id, count(*) FROM codings GROUP BY code_id",
                "pairs": "SELECT a.code_id, b.code_id, count(*) FROM codings a "
                         "JOIN excerpts ea ON ea.id = a.excerpt_id JOIN excerpts eb "
                         "ON eb.source_id = ea.source_id JOIN codings b "
                         "ON b.excerpt_id = eb.id AND a.code_id < b.code_id "
                         "GROUP BY a.code_id, b.code_id"}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.quire"
        w = time.perf_counter()
        build(path)
        print(f"(building took {time.perf_counter() - w:.1f} s)")
        with project.open(path) as proj, proj.sessions() as s:
            refs = {k: timed(lambda q=q: s.execute(text(q)).all()) for k, q in baseline.items()}
            for k, (wall, cpu) in refs.items():
                print(f"reference: plain SQL {k:<5} {wall * 1000:8.1f} ms wall, "
                      f"{cpu * 1000:8.1f} ms CPU")
            for name, (spec, target) in views.items():
                sel = Selection(code_ids=[1]) if spec.kind == "words" else Selection()
                wall, cpu = timed(lambda sp=spec, se=sel: analyze(s, se, sp))
                ref = refs["pairs" if spec.kind == "cooccurrence" else "count"][0]
                ok = cpu * 1000 <= target  # all in this process: CPU is what load cannot blur
                failed |= not ok
                print(f"{name:<38} {wall * 1000:8.1f} ms wall, {cpu * 1000:8.1f} ms CPU, "
                      f"{wall / ref:6.1f}x the reference; target {target} ms CPU "
                      f"{'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
