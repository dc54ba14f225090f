"""Benchmarks of search, import and start-up (issue 15), against SQLite FTS5 in the same run.

For each size (``QUIRE_BENCH_SIZES``, default 100,000 and 300,000 generated posts, see
``corpus.py``) every phase runs in its own process so that its CPU time (children
included) and the peak memory of its process tree are its own:

* the FTS5 reference script loads the same JSONL into SQLite and builds FTS5 over it
  (``fts5_ref.py``); its CPU time is the reference of import (<= 5x) and of index
  build (<= 10x, with the indexing processes together <= 300 MB);
* every query kind, first screen of 50 KWIC rows in date order, median and worst of 5
  (CPU time, see :func:`_pairs`), <= 10x the same query on FTS5 (``ORDER BY rowid
  LIMIT 50`` with ``highlight()``), the two taken in turns in one process;
  fuzzy, which FTS5 lacks, <= 30 ms; the first query of a new process <= 50 ms;
* every hit of a common word with KWIC <= 3x FTS5's ``highlight()`` of the same posts,
  stemmed <= 2x exact; ``quire search --jsonl`` listing every hit of the commonest
  word in about the memory of listing a rare one;
* a headless ``quire`` command starts in <= 0.3 s of CPU;
* at a million posts, import and index together take <= 10 minutes (wall).

Queries whose hits do not grow with the project (a rare word, a phrase of rare words,
no hits) must not get slower from the smaller size to the larger (within 2x, noise).
Prints every figure and every miss; exits 1 at the end if anything missed.
Run with ``make bench`` (or ``make bench-1m`` for a million posts); ``--only import`` stops
each size after the import.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE)]
SIZES = [int(x) for x in os.environ.get("QUIRE_BENCH_SIZES", "100000,300000").split(",")]

# kind: (Quire query, FTS5 MATCH or None for an absolute target)
QUERIES = {
    "term": ("raqqa", "raqqa"),
    "common term": ("the", "the"),
    "rare term": ("zanzibarite", "zanzibarite"),
    "Arabic": ("الرقة", "الرقة"),
    "phrase": ('"the caliphate"', '"the caliphate"'),
    "proximity": ('"raqqa airstrikes"~5', "NEAR(raqqa airstrikes, 5)"),
    "prefix": ("recon*", "recon*"),
    "hashtag": ("#SDFfreedRaqqa", "SDFfreedRaqqa"),
    "author": ('author:"User 42"', 'author: "User 42"'),
    "handle": ("handle:user_42", 'handle: "user 42"'),
    "date range": ("date:2017-10", "date:2017-10-01..2017-11-01"),
    "Boolean": ("water AND (camps OR families) NOT rubble",
                "water AND (camps OR families) NOT rubble"),
    "zero hits": ("xyzzyqq", "xyzzyqq"),
    "fuzzy": ("caliphat~", None),
}
STEADY = ("rare term", "zero hits")  # hits do not grow with the project
ALL_HITS = "raqqa"
FUZZY_MS, FIRST_MS, START_CPU = 30, 50, 0.3
MILLION = 1_000_000  # the size whose import and index must take <= 10 minutes


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


class TreePeak:
    """Samples the resident memory of this process and its children."""

    def __init__(self):
        import psutil

        self.me, self.peak, self.stop = psutil.Process(), 0, threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        import psutil

        while not self.stop.wait(0.05):
            try:
                procs = [self.me, *self.me.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass

    def mb(self) -> int:
        self.stop.set()
        return round(self.peak / 2**20)


def _timed(fn) -> tuple[float, float]:
    c, t = cpu(), time.perf_counter()
    fn()
    return cpu() - c, time.perf_counter() - t


# --- phases (each in its own process) ------------------------------------------------------

def phase_corpus(work: Path, n: int) -> dict:
    import corpus

    corpus.write_jsonl(work / "posts.jsonl", n)
    return {}


def phase_fts5(work: Path, n: int) -> dict:
    import fts5_ref

    peak = TreePeak()
    cpu_s, wall = _timed(lambda: fts5_ref.load(work / "posts.jsonl", work / "fts5.db"))
    return {"load_cpu": cpu_s, "load_wall": wall, "peak_mb": peak.mb()}


def _pairs(ours, theirs, times: int = 5) -> tuple[list[float], list[float]]:
    """CPU times (ms) of ``ours`` and ``theirs`` taken in turns, after one warm-up of each.

    CPU time, not wall time: on a machine shared by several busy processes a 2 ms query is
    often descheduled half-way, a 0.2 ms one rarely, and wall-time ratios would measure
    the scheduler. Taking the two in turns lets both see the same load.
    """
    ours()
    if theirs:
        theirs()
    a, b = [], []
    for _ in range(times):
        for fn, out in ((theirs, b), (ours, a)):
            if fn:
                t = time.process_time()
                fn()
                out.append((time.process_time() - t) * 1000)
    return sorted(a), sorted(b)


def phase_import(work: Path, n: int) -> dict:
    from db import project
    from db.importing import import_paths

    peak = TreePeak()

    def load():
        with project.create(work / "bench.quire") as proj, proj.sessions() as s:
            import_paths(s, [work / "posts.jsonl"])

    cpu_s, wall = _timed(load)
    return {"cpu": cpu_s, "wall": wall, "peak_mb": peak.mb()}


def phase_build(work: Path, n: int) -> dict:
    from db import project
    from db.search import SearchIndex

    with project.open(work / "bench.quire") as proj, proj.sessions() as s:
        peak = TreePeak()
        cpu_s, wall = _timed(lambda: SearchIndex(proj).rebuild(s))
        return {"cpu": cpu_s, "wall": wall, "peak_mb": peak.mb()}


def phase_queries(work: Path, n: int) -> dict:
    import fts5_ref

    from db import project
    from db.search import SearchIndex, search

    out: dict = {"queries": {}, "fts5": {}}
    con = fts5_ref.connect(work / "fts5.db")
    with project.open(work / "bench.quire") as proj, proj.sessions() as s:
        index = SearchIndex(proj)
        index.ensure(s)

        def screen(q: str) -> int:
            with search(index, s, q) as run:
                return sum(len(sh.rows) for sh in next(run.batches(first=50), []))

        for kind, (q, match) in QUERIES.items():
            theirs = (lambda m=match: fts5_ref.first_screen(con, m)) if match else None
            out["queries"][kind], out["fts5"][kind] = _pairs(lambda q=q: screen(q), theirs)
        for stemmed in (False, True):
            rows = lambda st=stemmed: sum(1 for _ in search(index, s, ALL_HITS,  # noqa: E731
                                                           stemmed=st).rows())
            out[f"all_hits_{stemmed}"], out["fts5_all_hits"] = _pairs(
                rows, lambda: fts5_ref.all_hits(con, ALL_HITS), 3)
        out["all_hits_n"] = sum(1 for _ in search(index, s, ALL_HITS).rows())
        out["fts5_all_hits_n"] = fts5_ref.all_hits(con, ALL_HITS)
    return out


def phase_first(work: Path, n: int) -> dict:
    """A new process: open the project and the index, and run one query."""
    from db import project
    from db.search import SearchIndex, search

    with project.open(work / "bench.quire") as proj, proj.sessions() as s:
        index = SearchIndex(proj)
        index.ensure(s)
        t = time.perf_counter()
        with search(index, s, "airstrikes families") as run:
            next(run.batches(first=50), None)
        return {"first_query_ms": (time.perf_counter() - t) * 1000}


def phase_cli(work: Path, n: int) -> dict:
    """Peak memory of ``quire search --jsonl`` listing every hit of a word."""
    out = {}
    for label, q in (("rare", "zanzibarite"), ("common", "the")):
        cmd = [sys.executable, "-c", "from desktop.cli import main; main()", "search",
               str(work / "bench.quire"), q, "--jsonl"]
        with open(os.devnull, "w") as sink:
            proc = subprocess.Popen(cmd, stdout=sink, cwd=ROOT, env=_env(work))
            _, status, usage = os.wait4(proc.pid, 0)
        out[label] = {"peak_mb": round(usage.ru_maxrss / 1024), "ok": status == 0,
                      "cpu": usage.ru_utime + usage.ru_stime}
    floor = subprocess.run([sys.executable, "-c", "import resource, sqlalchemy.orm; "
                            "u = resource.getrusage(resource.RUSAGE_SELF); "
                            "print(u.ru_utime + u.ru_stime)"], capture_output=True, text=True)
    out["sqlalchemy_cpu"] = float(floor.stdout.strip())
    start = subprocess.run([sys.executable, "-c", "import resource, sys; "
                            "from desktop.cli import main; "
                            "sys.argv = ['quire', 'search', '--help']; "
                            "import contextlib, io\n"
                            "with contextlib.redirect_stdout(io.StringIO()):\n"
                            "    try: main(['search', '--help'])\n"
                            "    except SystemExit: pass\n"
                            "u = resource.getrusage(resource.RUSAGE_SELF)\n"
                            "print(u.ru_utime + u.ru_stime)"],
                           capture_output=True, text=True, cwd=ROOT, env=_env(work))
    out["start_cpu"] = float(start.stdout.strip().splitlines()[-1])
    # The whole process of a search with no hits: start-up (SQLAlchemy and the models
    # load here), opening the project and the index, the query.
    cmd = [sys.executable, "-c", "from desktop.cli import main; main()", "search",
           str(work / "bench.quire"), "xyzzyqq"]
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, cwd=ROOT, env=_env(work))
        _, status, usage = os.wait4(proc.pid, 0)
    out["none_cpu"] = usage.ru_utime + usage.ru_stime
    return out


PHASES = {"corpus": phase_corpus, "fts5": phase_fts5, "import": phase_import,
          "build": phase_build, "queries": phase_queries, "first": phase_first,
          "cli": phase_cli}


def _env(work: Path) -> dict:
    return {**os.environ, "QUIRE_CACHE_DIR": str(work / "cache"),
            "PYTHONPATH": str(ROOT)}


def _child(phase: str, work: Path, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, phase, str(work), str(n)],
                         capture_output=True, text=True, env=_env(work))
    if out.returncode:
        raise SystemExit(f"benchmark phase {phase} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the report --------------------------------------------------------------------------

class Report:
    """Figures as they come, misses counted."""

    def __init__(self):
        self.misses: list[str] = []

    def line(self, label: str, figure: str, ok: bool, target: str) -> None:
        mark = "ok  " if ok else "MISS"
        print(f"  {mark} {label:<44} {figure:<46} target {target}", flush=True)
        if not ok:
            self.misses.append(label)


def _load() -> str:
    return "machine load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def run_size(r: Report, n: int, steady: dict, only: str = "") -> None:
    with tempfile.TemporaryDirectory(prefix="quire-search-bench-") as tmp:
        work = Path(tmp)
        _child("corpus", work, n)
        print(f"== {n:,} generated posts ({_load()})", flush=True)
        fts = _child("fts5", work, n)
        ref = fts["load_cpu"]  # taken again after the build; the mean is the reference
        print(f"  FTS5 reference script (parse + insert + FTS5): {ref:.1f} s CPU, "
              f"{fts['peak_mb']} MB", flush=True)
        imp = _child("import", work, n)
        r.line(f"import {n:,} posts (CPU)", f"{imp['cpu']:.1f} s = {imp['cpu'] / ref:.1f}x "
               f"FTS5, {imp['peak_mb']} MB", imp["cpu"] <= 5 * ref, "<= 5x")
        if only == "import":
            return
        b = _child("build", work, n)
        (work / "fts5.db").unlink()
        ref = (ref + _child("fts5", work, n)["load_cpu"]) / 2
        r.line(f"index {n:,} posts (CPU, all processes)", f"{b['cpu']:.1f} s = "
               f"{b['cpu'] / ref:.1f}x FTS5 ({b['wall']:.0f} s wall)", b["cpu"] <= 10 * ref,
               "<= 10x")
        r.line("index build, peak of all processes", f"{b['peak_mb']} MB", b["peak_mb"] <= 300,
               "<= 300 MB")
        if n >= MILLION:  # wall time: what the researcher waits (the load is printed)
            wall = imp["wall"] + b["wall"]
            r.line(f"import + index {n:,} posts (wall)", f"{wall / 60:.1f} min ({_load()}; "
                   f"CPU {(imp['cpu'] + b['cpu']) / 60:.1f} min)", wall <= 600, "<= 10 min")
        _queries(r, n, work, steady)


def _queries(r: Report, n: int, work: Path, steady: dict) -> None:
    q = _child("queries", work, n)
    print(f"  queries, first screen of 50 rows in date order, CPU time, median / worst of 5 "
          f"({_load()})", flush=True)
    for kind, (query, match) in QUERIES.items():
        times = q["queries"][kind]
        med, worst = statistics.median(times), max(times)
        if match is None:
            r.line(f"{kind}: {query}", f"{med:.1f} / {worst:.1f} ms", worst <= FUZZY_MS,
                   f"<= {FUZZY_MS} ms")
            continue
        f = q["fts5"][kind]
        fmed, fworst = statistics.median(f), max(f)
        ok = med <= 10 * max(fmed, 0.05) and worst <= 10 * max(fworst, 0.05)
        r.line(f"{kind}: {query}", f"{med:.2f} / {worst:.2f} ms = {med / fmed:.1f}x / "
               f"{worst / fworst:.1f}x (FTS5 {fmed:.2f} / {fworst:.2f})", ok, "<= 10x")
        if kind in STEADY:
            steady.setdefault(kind, []).append((n, med))
    first = _child("first", work, n)["first_query_ms"]
    r.line("first query of a new process", f"{first:.1f} ms", first <= FIRST_MS,
           f"<= {FIRST_MS} ms")
    exact, stemmed = min(q["all_hits_False"]), min(q["all_hits_True"])
    ref = min(q["fts5_all_hits"])
    r.line(f"all {q['all_hits_n']:,} hits of '{ALL_HITS}' with KWIC",
           f"{exact:.0f} ms = {exact / ref:.1f}x FTS5 ({ref:.0f} ms, "
           f"{q['fts5_all_hits_n']:,} terms)", exact <= 3 * ref, "<= 3x")
    r.line("  the same, stemmed", f"{stemmed:.0f} ms = {stemmed / exact:.1f}x exact",
           stemmed <= 2 * exact, "<= 2x")
    cli = _child("cli", work, n)
    r.line("quire search --jsonl: every hit of 'the'", f"{cli['common']['peak_mb']} MB "
           f"(a rare word: {cli['rare']['peak_mb']} MB)",
           cli["common"]["peak_mb"] <= 1.5 * cli["rare"]["peak_mb"] and cli["common"]["ok"],
           "flat")
    r.line("a headless quire command starts", f"{cli['start_cpu']:.2f} s CPU (importing "
           f"SQLAlchemy alone: {cli['sqlalchemy_cpu']:.2f} s)", cli["start_cpu"] <= START_CPU,
           f"<= {START_CPU} s")
    r.line("quire search --jsonl, every hit of 'the'", f"{cli['common']['cpu']:.1f} s CPU",
           True, "(reported)")
    r.line("quire search of a word with no hits", f"{cli['none_cpu']:.2f} s CPU, the whole "
           "process", True, "(reported)")


def main(only: str = "") -> int:
    """Run every size, print every figure, exit 1 if anything missed; ``only="import"``
    stops each size after the import (``--only import``)."""
    r, steady = Report(), {}
    for n in SIZES:
        run_size(r, n, steady, only)
    for kind, points in steady.items():
        if len(points) > 1:
            (n0, a), (n1, b) = points[0], points[-1]
            r.line(f"{kind} does not slow down as the project grows",
                   f"{a:.2f} ms at {n0:,}, {b:.2f} ms at {n1:,}", b <= 2 * a + 0.5, "flat")
    print(f"{len(r.misses)} miss(es)" + (": " + ", ".join(r.misses) if r.misses else ""))
    return 1 if r.misses else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--only"] and sys.argv[2:] == ["import"]:
        sys.exit(main("import"))
    if len(sys.argv) > 1:
        print(json.dumps(PHASES[sys.argv[1]](Path(sys.argv[2]), int(sys.argv[3]))))
    else:
        sys.exit(main())
