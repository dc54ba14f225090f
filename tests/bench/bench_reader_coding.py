"""Benchmark of coding in the Reader: a 50,000-word article with 2,000 coded excerpts.

Targets (issue 4): the article with its excerpts paints in <= 200 ms; applying a code
(database write and repaint) takes <= 50 ms; scrolling stays smooth (each scroll step,
text and margin repainted, well under a 16 ms frame). Prints one line per figure and
exits 1 if a target is missed. Run: ``.venv/bin/python tests/bench/bench_reader_coding.py``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent)]

WORDS = 50_000
EXCERPTS = 2_000
CODES = 40
SENTENCE = ("Residents of the old city described the battle and its aftermath in posts "
            "that reached more readers than any statement, قالَ مسؤولٌ إنَّ إعادةَ البناءِ "
            "ستستغرقُ سنوات 🕊️ and many felt abandoned.")


def article() -> str:
    """About 50,000 words in paragraphs of a few sentences, Arabic and emoji included."""
    words_per = len(SENTENCE.split())
    sentences = [SENTENCE] * (WORDS // words_per + 1)
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def build(path: Path) -> tuple[object, int, list[int]]:
    """A project with the article, the codebook and 2,000 excerpts (many overlapping)."""
    from db import project
    from db.models import Code, Coder, Coding, Excerpt, Source

    text = article()
    rng = random.Random(4)
    proj = project.create(path)
    with proj.session() as s:
        src = Source(kind="article", title="Long article", text=text, length=len(text),
                     text_hash="bench")
        coder = Coder(name="Lina")
        codes = [Code(name=f"Code {i}", position=i,
                      color=f"#{rng.randrange(0x808080, 0xffffff):06x}") for i in range(CODES)]
        s.add_all([src, coder, *codes])
        s.flush()
        step = len(text) // EXCERPTS
        for i in range(EXCERPTS):
            start = i * step + rng.randrange(0, step // 2)
            end = min(start + rng.randrange(20, step * 2), len(text))  # half overlap the next
            ex = Excerpt(source_id=src.id, start=start, end=end, coder_id=coder.id)
            s.add(ex)
            s.flush()
            for code in rng.sample(codes, rng.choice((1, 1, 1, 2))):
                s.add(Coding(excerpt_id=ex.id, code_id=code.id, coder_id=coder.id))
        return proj, src.id, [c.id for c in codes]


def measure() -> list[tuple[str, float, float]]:
    """(what, milliseconds, target) for each figure."""
    from PySide6.QtWidgets import QApplication

    from db.queries import sources as source_queries
    from desktop.fonts import load_bundled_fonts
    from desktop.session import ProjectSession
    from desktop.views.reader import Reader

    app = QApplication.instance() or QApplication([])
    load_bundled_fonts()
    with tempfile.TemporaryDirectory() as tmp:
        proj, source_id, code_ids = build(Path(tmp) / "bench.quire")
        session = ProjectSession(proj)
        session.set_coder("Lina")
        reader = Reader()
        reader.resize(1000, 800)
        reader.show()
        reader.set_session(session)
        app.processEvents()
        with session.read() as s:
            detail = source_queries.detail(s, source_id)
        figures = [_open(app, reader, detail), _paint_only(app, reader)]
        figures += [_apply(app, reader, session, code_ids), _scroll(app, reader)]
        session.close()
        return figures


def _open(app, reader, detail) -> tuple[str, float, float]:
    started = time.perf_counter()
    reader.show_source(detail)
    reader.view.viewport().repaint()
    reader.view.margin.repaint()
    app.processEvents()
    ms = (time.perf_counter() - started) * 1000
    painted = len(reader.excerpts())
    assert painted == EXCERPTS, painted
    return (f"open the article ({len(detail['text'].split()):,} words) with {painted:,} "
            "excerpts, painted", ms, 200)


def _paint_only(app, reader) -> tuple[str, float, float]:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        reader.coding.refresh()
        reader.view.viewport().repaint()
        reader.view.margin.repaint()
        times.append((time.perf_counter() - started) * 1000)
    return ("repaint its excerpts (query, highlights, margin), median", statistics.median(times),
            200)


def _apply(app, reader, session, code_ids) -> tuple[str, float, float]:
    text = reader.source()["text"]
    times = []
    for i in range(10):
        start = text.index("felt abandoned", (i + 1) * len(text) // 12)
        reader.select_span(start, start + 14)
        app.processEvents()
        started = time.perf_counter()
        assert reader.coding.apply_code(code_ids[i])
        reader.view.viewport().repaint()
        reader.view.margin.repaint()
        times.append((time.perf_counter() - started) * 1000)
    return (f"apply a code (write, undo step, repaint), median of 10 (slowest {max(times):.1f} "
            "ms)", statistics.median(times), 50)


def _scroll(app, reader) -> tuple[str, float, float]:
    bar = reader.view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    times = []
    while bar.value() < bar.maximum() and len(times) < 200:
        started = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep() // 3)
        reader.view.viewport().repaint()
        reader.view.margin.repaint()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return (f"scroll a third of a screen (text and margin repainted), 95th percentile of "
            f"{len(times)} steps (slowest {times[-1]:.1f} ms)", times[int(len(times) * 0.95)], 16)


def main() -> int:
    missed = 0
    for what, ms, target in measure():
        ok = ms <= target
        missed += not ok
        print(f"{what}: {ms:.1f} ms (target <= {target} ms) {'ok' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
