"""Benchmarks of the coding core (issue 4).

Targets: the Reader's query of a 50,000-word article with 2,000 coded excerpts
(``for_source``) <= 20 ms; applying a code to a span (``code_span``, committed) <= 10 ms;
the code tree with 1,000 codes (``code_tree``) <= 50 ms. Also printed, without targets:
coding 2,000 search hits as one step, and deleting a code with its excerpts and undoing it.
Each figure is the median of several runs in fresh sessions, as the desktop runs them.
Run with ``.venv/bin/python tests/bench/bench_coding.py``; exits 1 if a target is missed.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent.parent)]

from db import project  # noqa: E402
from db.models import Source  # noqa: E402
from db.ops.coders import ensure_coder  # noqa: E402
from db.ops.codes import create_code, delete_code  # noqa: E402
from db.ops.coding import code_span, code_spans  # noqa: E402
from db.queries.codes import code_tree  # noqa: E402
from db.queries.excerpts import for_source  # noqa: E402
from db.text import text_hash  # noqa: E402

WORDS = 50_000
EXCERPTS = 2_000
CODES = 1_000
TARGETS_MS = {"for_source": 20, "code_span": 10, "code_tree": 50}


def _article(rng: random.Random) -> str:
    vocab = ["people", "left", "dawn", "town", "return", "عاد", "السكان", "المدينة", "spring",
             "nobody", "came", "back", "empty", "year", "fear", "hope", "😀"]
    sentences = []
    for _ in range(WORDS // 10):
        words = [rng.choice(vocab) for _ in range(10)]
        sentences.append(" ".join(words).capitalize() + ".")
    paragraphs = [" ".join(sentences[i:i + 8]) for i in range(0, len(sentences), 8)]
    return "\n\n".join(paragraphs)


def _setup(proj, rng: random.Random) -> tuple[int, int, list[int]]:
    """An article with 2,000 excerpts coded from a codebook of 1,000 codes."""
    with proj.session() as s:
        text = _article(rng)
        src = Source(kind="article", title="Long", text=text, length=len(text),
                     text_hash=text_hash(text))
        s.add(src)
        s.flush()
        coder = ensure_coder(s, name="bench").value
        codes: list[int] = []
        for i in range(CODES):
            parent = codes[rng.randrange(len(codes))] if codes and i % 3 else None
            codes.append(create_code(s, name=f"code {i}", parent_id=parent).value)
        spans = []
        for _ in range(EXCERPTS):
            start = rng.randrange(len(text) - 400)
            spans.append((src.id, start, start + rng.randrange(20, 400)))
        for code_id in rng.sample(codes, 40):
            part = rng.sample(spans, EXCERPTS * 3 // 4 // 40)
            code_spans(s, spans=part, code_id=code_id, coder_id=coder)
        code_spans(s, spans=spans, code_id=codes[0], coder_id=coder)
    return src.id, coder, codes


def _median_ms(fn, runs: int) -> float:
    fn()  # warm up caches and statement compilation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    """Print the figures; 1 if a target is missed."""
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp, project.create(Path(tmp) / "b.quire") as proj:
        sid, coder, codes = _setup(proj, rng)
        with proj.sessions() as s:
            n = len(for_source(s, sid))
        figures = {
            "for_source": _median_ms(lambda: _read(proj, for_source, sid), 20),
            "code_span": _median_ms(lambda: _code_one(proj, rng, sid, coder, codes), 50),
            "code_tree": _median_ms(lambda: _read(proj, code_tree), 20),
        }
        extra = _extras(proj, rng, sid, coder, codes)
    print(f"for_source: {figures['for_source']:.1f} ms for an article of {WORDS} words with "
          f"{n} excerpts (target <= {TARGETS_MS['for_source']} ms)")
    print(f"code_span: {figures['code_span']:.1f} ms per span, committed "
          f"(target <= {TARGETS_MS['code_span']} ms)")
    print(f"code_tree: {figures['code_tree']:.1f} ms for {CODES} codes "
          f"(target <= {TARGETS_MS['code_tree']} ms)")
    for what, ms in extra.items():
        print(f"{what}: {ms:.0f} ms")
    missed = [k for k, v in figures.items() if v > TARGETS_MS[k]]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


def _read(proj, query, *args):
    with proj.sessions() as s:
        return query(s, *args)


def _code_one(proj, rng: random.Random, sid: int, coder: int, codes: list[int]) -> None:
    start = rng.randrange(WORDS * 5)
    with proj.session() as s:
        code_span(s, source_id=sid, start=start, end=start + 60, code_id=rng.choice(codes),
                  coder_id=coder)


def _extras(proj, rng: random.Random, sid: int, coder: int, codes: list[int]) -> dict:
    hits = []
    for _ in range(2000):
        start = rng.randrange(WORDS * 5)
        hits.append((sid, start, start + 30))
    out = {}
    start = time.perf_counter()
    with proj.session() as s:
        code_spans(s, spans=hits, code_id=codes[1], coder_id=coder)
    out["code_spans, 2,000 hits as one step"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    with proj.session() as s:
        result = delete_code(s, code_id=codes[0])
    out[f"delete_code with {EXCERPTS}+ codings"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    with proj.session() as s:
        result.inverse(s)
    out["undo of that delete_code"] = (time.perf_counter() - start) * 1000
    return out


if __name__ == "__main__":
    sys.exit(main())
