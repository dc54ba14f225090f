"""``quire --selftest``: check, without a window, that this installation of Quire works.

It runs the core end to end in a temporary folder: makes a project, loads the bundled
sample into another, searches it (English and Arabic), codes a passage, writes a memo
on it, cites the passage's source and formats the note in every bundled citation style,
and exports a PDF that is read back. Each step prints "ok" or "FAILED: reason"; the
exit status is 1 when any step failed. ``make package`` runs it on the built bundle.

It never imports Qt, so it runs on a machine with no display. The search index goes to
the temporary folder, so the user's own cache and settings are never touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from db import __version__, project
from db.resources import resource

SEARCHES = ("Raqqa", "الموصل")  # words of the bundled sample, one English, one Arabic
CODE_PATH = "Selftest/Reconstruction"
MEMO_WORDS = "Checked by"


class Skipped(Exception):
    """A step this build cannot run (not a failure)."""


def run(out=None) -> int:
    """Run every step, printing one line each; 0 when none failed, 1 otherwise."""
    out = out or sys.stdout
    print(f"Quire {__version__} self-test ({_where()})", file=out, flush=True)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="quire-selftest-") as tmp, _cache_in(Path(tmp)):
        state = SimpleNamespace(folder=Path(tmp), project=None)
        try:
            for label, step in STEPS:
                failed += _run_step(label, step, state, out, earlier_failed=failed > 0)
        finally:
            if state.project is not None:
                state.project.close()
    verdict = f"{failed} step(s) FAILED" if failed else "all steps passed"
    print(f"self-test: {verdict}", file=out, flush=True)
    return 1 if failed else 0


def _where() -> str:
    kind = "bundle" if getattr(sys, "frozen", False) else "checkout"
    return f"{kind}, Python {sys.version.split()[0]}, resources in {resource()}"


@contextmanager
def _cache_in(folder: Path) -> Iterator[None]:
    """Keep the search index of the test project in ``folder``, not in the user's cache."""
    before = os.environ.get("QUIRE_CACHE_DIR")
    os.environ["QUIRE_CACHE_DIR"] = str(folder / "cache")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("QUIRE_CACHE_DIR", None)
        else:
            os.environ["QUIRE_CACHE_DIR"] = before


def _run_step(label: str, step: Callable, state: SimpleNamespace, out,
              earlier_failed: bool) -> int:
    """Run one step and print its line; 1 when it failed."""
    if earlier_failed:
        print(f"{label}: FAILED: not run, an earlier step failed", file=out, flush=True)
        return 1
    try:
        detail = step(state)
    except Skipped as exc:
        print(f"{label}: skipped: {exc}", file=out, flush=True)
        return 0
    except Exception as exc:  # noqa: BLE001 (every failure is reported, none stops the rest)
        print(f"{label}: FAILED: {type(exc).__name__}: {exc}", file=out, flush=True)
        return 1
    print(f"{label}: ok" + (f" ({detail})" if detail else ""), file=out, flush=True)
    return 0


# --- the steps --------------------------------------------------------------------------------

def _create(state: SimpleNamespace) -> str:
    """An empty project: the schema comes from the bundled Alembic migrations."""
    with project.create(state.folder / "empty.quire", name="Selftest") as proj:
        revision = project.head_revision()
        if proj.name != "Selftest":
            raise AssertionError(f"the project is called {proj.name!r}")
    return f"schema revision {revision}"


def _load_sample(state: SimpleNamespace) -> str:
    """The bundled sample collection, imported into a new project."""
    from db.queries.sources import listing
    from db.sample import build_sample_project

    path = state.folder / "sample.quire"
    report = build_sample_project(path)
    if report.failed:
        raise AssertionError("; ".join(report.lines()[-3:]))
    state.project = project.open(path)
    with state.project.sessions() as s:
        count = len(listing(s))
    if not count:
        raise AssertionError("the sample project has no sources")
    return f"{count} sources"


def _search(state: SimpleNamespace) -> str:
    """Build the search index and find an English and an Arabic word."""
    from db.search.commands import run_search

    found = []
    with state.project.sessions() as s:
        for word in SEARCHES:
            data, _ = run_search(state.project, s, word)
            if not data["hits"]:
                raise AssertionError(f"no hits for {word!r}")
            found.append(f"{word} {data['total_hits']}")
            if word == SEARCHES[0]:
                state.hit = data["hits"][0]
    return ", ".join(found) + " hit(s)"


def _code(state: SimpleNamespace) -> str:
    """Code the sentence around the first English hit."""
    from db.ops.coders import ensure_coder
    from db.ops.codes import ensure_code_path
    from db.ops.coding import code_span
    from db.queries.sources import text_of
    from db.units import expand

    hit = state.hit
    with state.project.session() as s:
        text = text_of(s, hit["source_id"])
        start, end = expand(text, hit["start"], hit["end"], "sentence")
        state.coder = ensure_coder(s, name="selftest").value
        code_id = ensure_code_path(s, path=CODE_PATH, coder_id=state.coder).value
        state.excerpt = code_span(s, source_id=hit["source_id"], start=start, end=end,
                                  code_id=code_id, coder_id=state.coder).value
    state.passage = text[start:end]
    return f"excerpt {state.excerpt}, {end - start} characters"


def _memo(state: SimpleNamespace) -> str:
    """A memo on the coded excerpt, read back."""
    from db.ops.memos import create_memo
    from db.queries.memos import memo_list

    with state.project.session() as s:
        create_memo(s, target="excerpt", target_id=state.excerpt, title="Selftest memo",
                    body=f"{MEMO_WORDS} **quire --selftest**.", coder_id=state.coder)
    with state.project.sessions() as s:
        rows = memo_list(s, kinds=["excerpt"])
    if not any(r["title"] == "Selftest memo" for r in rows):
        raise AssertionError("the memo was not found again")
    return f"{len(rows)} memo(s) on excerpts"


def _cite(state: SimpleNamespace) -> str:
    """Cite the excerpt's source and format the note in every bundled style."""
    from db.citations.format import STYLES
    from db.ops.citations import cite
    from db.queries.citations import citations_for_excerpt

    with state.project.session() as s:
        cite(s, excerpt_id=state.excerpt, locator="2", coder_id=state.coder)
    with state.project.sessions() as s:
        notes = {name: citations_for_excerpt(s, state.excerpt, name) for name in STYLES}
    for name, rows in notes.items():
        if not rows or not rows[0]["text"].strip():
            raise AssertionError(f"no formatted citation in the {name} style")
    return ", ".join(STYLES)


def _export(state: SimpleNamespace) -> str:
    """Export the coded excerpt with its memo and citation to a PDF, and read it back."""
    try:
        from db.export.pdf import export_pdf
        from db.export.selection import Selection
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("db.export"):  # a build from before the export
            raise Skipped("PDF export not available") from None
        raise  # a library the export needs is missing: that is a failure
    out = state.folder / "selftest.pdf"
    with state.project.sessions() as s:
        export_pdf(s, Selection(excerpt_ids=[state.excerpt]), out, project=state.project)
    return _check_pdf(out, state.passage)


def _check_pdf(path: Path, passage: str) -> str:
    """The PDF opens and holds the coded passage (its first words) and the memo."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for words in (" ".join(passage.split()[:4]), MEMO_WORDS):
        if words not in text:
            raise AssertionError(f"the PDF does not contain {words!r}")
    return f"{len(reader.pages)} page(s), {path.stat().st_size // 1024} KB"


def _chart(state: SimpleNamespace) -> str:
    """A chart of the coded excerpt's codes, written as PNG, SVG and PDF (matplotlib,
    Pillow), and turned into a PDF drawing as the export's analysis pages do (svglib)."""
    from db.analysis import Spec, analyze
    from db.analysis.charts import save
    from db.export.analysis_pages import chart_drawing
    from db.export.selection import Selection

    with state.project.sessions() as s:
        result = analyze(s, Selection(excerpt_ids=[state.excerpt]), Spec(kind="frequencies"),
                         project=state.project)
    sizes = []
    for suffix in (".png", ".svg", ".pdf"):
        path = save(result, state.folder / f"chart{suffix}")
        sizes.append(f"{suffix[1:].upper()} {path.stat().st_size // 1024} KB")
    drawing = chart_drawing(result, 400)
    if not drawing.width:
        raise AssertionError("the chart made an empty drawing")
    return ", ".join(sizes)


def _site_defaults(_state: SimpleNamespace) -> str:
    """The machine's defaults file (desktop.site_defaults): none, or read without fault."""
    from desktop.site_defaults import load, site_file

    site = load()
    if site.problem:
        raise AssertionError(site.problem)
    if site.path is None:
        return f"none at {site_file()}"
    return f"{site.path}: {len(site.values)} default(s), {len(site.locked)} locked"


def _notices(_state: SimpleNamespace) -> str:
    """A bundle carries its third-party licences (packaging/notices.py makes them)."""
    from desktop.about import NOTICES, notices_path

    if not getattr(sys, "frozen", False):
        raise Skipped("a source checkout has no bundled notices")
    path = notices_path()
    if path is None:
        raise AssertionError(f"the bundle has no {NOTICES}")
    text = path.read_text(encoding="utf-8")
    for must in ("PySide6", "GNU LESSER GENERAL PUBLIC LICENSE", "Python Software Foundation"):
        if must not in text:
            raise AssertionError(f"{path.name} does not mention {must!r}")
    return f"{path.stat().st_size // 1024} KB"


STEPS: tuple[tuple[str, Callable[[SimpleNamespace], str]], ...] = (
    ("create a project", _create),
    ("load the bundled sample", _load_sample),
    ("search", _search),
    ("code a passage", _code),
    ("write a memo", _memo),
    ("write a citation", _cite),
    ("export a PDF", _export),
    ("draw a chart", _chart),
    ("read the machine's defaults", _site_defaults),
    ("third-party notices", _notices),
)
