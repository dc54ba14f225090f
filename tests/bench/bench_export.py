"""Benchmark of the PDF export (issue 6).

Target: 1,000 coded excerpts, each with a footnote citation and a memo (and many with the
article's own footnotes inside them), from 100 English and Arabic articles and posts,
exported as an annotated PDF (title page, headings, highlights, margin labels, memo
boxes, real footnotes, bibliography, codebook) in <= 10 s with peak memory <= 500 MB.
The project is built first; the export runs in a child process of its own, so that its
peak resident memory (ru_maxrss, imports included) is its own. The quote table (XLSX)
of the same selection is timed too, without a target, and so is formatting the notes
alone (citeproc-py, in ``db.queries.citations``), which both exports spend most of
their time on.
Run with ``.venv/bin/python tests/bench/bench_export.py``; exits 1 if a target is missed.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent.parent)]

SOURCES, PER_SOURCE = 100, 10
TARGET_SECONDS, TARGET_MB = 10.0, 500
EN = ("People left the town at dawn and nobody came back that spring. The fields stayed "
      "empty while the council counted the damaged houses street by street.")
AR = ("لم يعد أحد إلى المدينة في ذلك الربيع، وقال برنامج الأمم المتحدة الإنمائي (UNDP) "
      "إن إعادة الإعمار ستستغرق سنوات.")


def _article(rng: random.Random, arabic: bool) -> tuple[str, list[tuple[int, int]]]:
    """About 4,000 characters in paragraphs, with a footnote marker every 600 or so."""
    parts, markers, length, n = [], [], 0, 0
    while length < 4000:
        sentence = AR if arabic else EN
        if rng.random() < 0.3:
            sentence += " " + (EN if arabic else AR)
        if length // 600 > n:
            n += 1
            marker = f"[{n}]"
            sentence = sentence[:-1] + marker + sentence[-1]
            start = length + len(sentence) - 1 - len(marker)
            markers.append((start, start + len(marker)))
        parts.append(sentence + ("\n\n" if rng.random() < 0.2 else " "))
        length += len(parts[-1])
    return "".join(parts), markers


def build(path: Path) -> None:
    """The project: 100 sources, 20 codes, 1,000 excerpts with a citation and a memo."""
    from db import project
    from db.models import Footnote, Source
    from db.ops.citations import cite
    from db.ops.coders import ensure_coder
    from db.ops.codes import create_code
    from db.ops.coding import code_span
    from db.ops.memos import create_memo
    from db.text import text_hash

    rng = random.Random(6)
    with project.create(path, name="bench") as proj, proj.session() as s:
        coder = ensure_coder(s, name="bench").value
        palette = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#000075"]
        codes: list[int] = []
        for i in range(20):
            parent = codes[i // 4] if i >= 4 else None
            codes.append(create_code(s, name=f"Theme {i}", parent_id=parent,
                                     color=palette[i % len(palette)]).value)
        for k in range(SOURCES):
            text, markers = _article(rng, arabic=k % 4 == 1)
            src = Source(kind="article" if k % 5 else "post", title=f"Report {k}",
                         author=f"Author {k}", handle=f"author_{k}", platform="web",
                         text=text, length=len(text), text_hash=text_hash(text))
            s.add(src)
            s.flush()
            for n, (a, b) in enumerate(markers, start=1):
                s.add(Footnote(source_id=src.id, label=str(n), offset=a, end=b,
                               text=f"Footnote {n} of report {k}: a source of the claim, "
                                    "with its page and a comment on what it shows."))
            s.flush()
            start = end = 0
            for j in range(PER_SOURCE):  # every third excerpt overlaps the one before
                if j % 3 == 1:
                    start, end = start + 40, end - 40
                else:
                    start = rng.randrange(0, len(text) - 700)
                    end = start + rng.randrange(200, 650)
                eid = code_span(s, source_id=src.id, start=start, end=end,
                                code_id=rng.choice(codes), coder_id=coder).value
                cite(s, excerpt_id=eid, locator_label="page", locator=str(j + 1),
                     coder_id=coder)
                create_memo(s, target="excerpt", target_id=eid, title=f"Memo {k}.{j}",
                            body="Why this matters: " + EN, coder_id=coder)


def measure(path: Path, out: Path, kind: str) -> dict:
    """Child process: export every excerpt; seconds and peak memory."""
    from db import project
    from db.export.pdf import PdfOptions, export_pdf
    from db.export.selection import Selection
    from db.export.tables import export_table

    with project.open(path) as proj, proj.sessions() as s:
        start, cpu = time.perf_counter(), time.process_time()
        if kind == "citations":  # the share of citeproc, which formats every citation
            from sqlalchemy import select

            from db.models import Excerpt
            from db.queries.citations import citations_for_excerpts

            notes = citations_for_excerpts(s, list(s.scalars(select(Excerpt.id))))
            what = f"formatting the {sum(map(len, notes.values()))} notes (citeproc)"
            out.write_text("")
        elif kind == "pdf":
            result = export_pdf(s, Selection(), out, PdfOptions(title="Bench"))
            what = (f"PDF of {result.excerpts} excerpts, {result.notes} footnotes, "
                    f"{result.pages} pages")
        else:
            result = export_table(s, Selection(), out)
            what = f"XLSX of {result.rows} excerpts"
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"what": what, "seconds": round(seconds, 2), "cpu": round(cpu, 2),
            "peak_mb": round(peak),
            "file_mb": round(out.stat().st_size / 2**20, 1)}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Build the project, run both exports in child processes, compare with the target."""
    with tempfile.TemporaryDirectory(prefix="quire-bench-") as tmp:
        path = Path(tmp) / "bench.quire"
        started = time.perf_counter()
        build(path)
        print(f"built {SOURCES * PER_SOURCE} excerpts in {time.perf_counter() - started:.1f} s")
        pdf = _child("measure", str(path), str(Path(tmp) / "bench.pdf"), "pdf")
        table = _child("measure", str(path), str(Path(tmp) / "bench.xlsx"), "xlsx")
        notes = _child("measure", str(path), str(Path(tmp) / "notes.txt"), "citations")
    for r in (pdf, table, notes):
        print(f"{r['what']}: {r['seconds']} s ({r['cpu']} s of CPU), peak {r['peak_mb']} MB, "
              f"file {r['file_mb']} MB")
    ok = pdf["seconds"] <= TARGET_SECONDS and pdf["peak_mb"] <= TARGET_MB
    print(f"target: <= {TARGET_SECONDS:g} s and <= {TARGET_MB} MB: "
          + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        print(json.dumps(measure(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])))
        sys.exit(0)
    sys.exit(main())
