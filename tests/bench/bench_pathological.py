"""Benchmark: pathological input costs bounded time and memory (issue 12).

Each case runs one ``quire`` command in a child process of its own on a hostile input
and, as its reference in the same run, the same command on a normal input of the same
kind (or plain SQL for the huge document); it reports wall seconds, CPU seconds (user +
system) and peak resident memory of each, and the ratios. Every case must finish in
<= 120 s and <= 2 GB, and end as it should (a message, never a traceback).

Cases: a PDF export citing a reference whose title is 1 MB with no space (before the
fix: past 300 s and 10 GB); JSON nested 100,000 deep; a REFI codebook nested 1,500
deep; a BibTeX title in 5,000 nested braces; a post with a 20 MB text and a 1 MB author
name; one 100 MB article. Run with ``.venv/bin/python tests/bench/bench_pathological.py``;
exits 1 if a bound is missed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
MAX_SECONDS, MAX_MB = 120.0, 2048
QUIRE = [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())"]
GUID = "{:08d}-0000-4000-8000-000000000000"


@dataclass
class Run:
    """One child process: its wall and CPU seconds, peak memory, exit code, last line."""

    wall: float
    cpu: float
    mb: float
    code: int
    said: str


def child(args: list[str]) -> Run:
    """Run ``args`` in a child process and measure it: ``os.wait4`` gives that child's
    own CPU time and peak resident memory."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        said = out.read().strip()[-300:]
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc.returncode, said)


def quire(*args) -> list[str]:
    """The command line running ``quire ARGS``."""
    return [*QUIRE, *map(str, args)]


# -- inputs ---------------------------------------------------------------------------

def project_with_reference(folder: Path, title: str) -> Path:
    """A project with one coded excerpt citing a reference titled ``title``."""
    path = folder / f"p{len(title)}.quire"
    article = folder / f"a{len(title)}.txt"
    article.write_text("Families returned to the old city after the battle.", "utf-8")
    bib = folder / f"r{len(title)}.bib"
    bib.write_text("@article{ref, author={Haddad, Lina}, year={2019}, journal={J}, "
                   f"title={{{title}}}}}\n", "utf-8")
    for args in (("new", path), ("import", path, article), ("references", "import", path, bib),
                 ("code", path, "--code", "Return", "--source", 1, "--start", 0, "--end", 20),
                 ("cite", path, "--excerpt", 1, "--reference", "ref")):
        done = subprocess.run(quire(*args), cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"set-up failed: quire {args[0]}: {done.stderr}")
    return path


def nested_json(folder: Path, depth: int) -> Path:
    path = folder / f"nested{depth}.json"
    path.write_text("[" * depth + "]" * depth)
    return path


def codebook(folder: Path, depth: int, nested: bool) -> Path:
    path = folder / f"codes{depth}{'n' if nested else 'f'}.qdc"
    codes = [f'<Code guid="{GUID.format(i)}" name="c{i}" isCodable="true">' for i in range(depth)]
    body = "".join(codes) + "</Code>" * depth if nested else "</Code>".join(codes) + "</Code>"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns='
                    f'"urn:QDA-XML:codebook:1.0" origin="bench"><Codes>{body}</Codes>'
                    "</CodeBook>", "utf-8")
    return path


def bibtex(folder: Path, braces: int) -> Path:
    path = folder / f"braces{braces}.bib"
    path.write_text("@article{k1, author={A}, year={2020}, title={" + "{" * braces + "x"
                    + "}" * braces + "}}\n", "utf-8")
    return path


def posts(folder: Path, text_chars: int, name_chars: int) -> Path:
    path = folder / f"posts{text_chars}.jsonl"
    tweet = {"id": "1", "text": "aid " * (text_chars // 4), "author_id": "9",
             "conversation_id": "1", "created_at": "2020-01-01T00:00:00.000Z",
             "author": {"id": "9", "username": "u", "name": "N" * name_chars}}
    path.write_text(json.dumps(tweet) + "\n", "utf-8")
    return path


def article(folder: Path, mb: int) -> Path:
    path = folder / f"article{mb}.txt"
    line = "Families returned to the old city; عادت العائلات إلى المدينة القديمة. "
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(mb * 2**20 // len(line.encode())):
            fh.write(line + ("\n\n" if i % 30 == 0 else ""))
    return path


def sql_insert(path: Path) -> list[str]:
    """Plain SQL reference: the same text inserted into a bare SQLite table."""
    code = ("import sqlite3, sys; t = open(sys.argv[1], encoding='utf-8').read(); "
            "c = sqlite3.connect(sys.argv[2]); c.execute('create table t (x)'); "
            "c.execute('insert into t values (?)', (t,)); c.commit()")
    return [sys.executable, "-c", code, str(path), str(path.with_suffix(".sqlite"))]


# -- the cases ------------------------------------------------------------------------

def cases(tmp: Path) -> list[tuple[str, list[str], list[str], str]]:
    """(name, hostile command, reference command, what the hostile one must say)."""
    big, small = project_with_reference(tmp, "x" * 2**20), project_with_reference(tmp, "x" * 100)
    empty = tmp / "empty.quire"
    subprocess.run(quire("new", empty), cwd=ROOT, check=True, capture_output=True)
    huge = article(tmp, 100)
    return [
        ("export-pdf, a reference title of 1 MB without a space",
         quire("export-pdf", big, tmp / "big.pdf"), quire("export-pdf", small, tmp / "s.pdf"),
         "excerpt"),
        ("import JSON nested 100,000 deep", quire("import", empty, nested_json(tmp, 100_000)),
         quire("import", empty, nested_json(tmp, 10)), "nested too deeply"),
        ("import-qdc nested 1,500 deep", quire("import-qdc", empty, codebook(tmp, 1500, True)),
         quire("import-qdc", empty, codebook(tmp, 1500, False)), "nested more than 100"),
        ("references import, 5,000 nested braces",
         quire("references", "import", empty, bibtex(tmp, 5000)),
         quire("references", "import", empty, bibtex(tmp, 1)), "nested too deeply"),
        ("import a post of 20 MB with a 1 MB author name",
         quire("import", empty, posts(tmp, 20 * 2**20, 2**20)),
         quire("import", empty, posts(tmp, 200, 10)), "imported"),
        ("import one 100 MB article (reference: plain SQL insert)",
         quire("import", empty, huge), sql_insert(huge), "imported"),
    ]


def main() -> int:
    """Run every case and its reference; print the figures; 1 if a bound was missed."""
    sys.path[:0] = [str(ROOT)]
    missed = 0
    with tempfile.TemporaryDirectory(prefix="quire-bench-") as folder:
        for name, hostile, reference, expect in cases(Path(folder)):
            ref = child(reference)
            got = child(hostile)
            ok = (got.wall <= MAX_SECONDS and got.mb <= MAX_MB and "Traceback" not in got.said
                  and expect in got.said)
            missed += not ok
            print(f"{name}\n  {got.wall:7.2f} s wall {got.cpu:7.2f} s CPU {got.mb:7.0f} MB peak"
                  f"  (reference {ref.wall:.2f} s, {ref.cpu:.2f} s CPU, {ref.mb:.0f} MB; "
                  f"CPU x{got.cpu / max(ref.cpu, 0.01):.1f})  {'ok' if ok else 'MISSED'}\n"
                  f"  says: {got.said.splitlines()[-1][:160] if got.said else ''}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    os.environ.setdefault("QUIRE_CODER", "bench")
    sys.exit(main())
