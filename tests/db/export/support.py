"""A project to export: the bundled sample, coded with the core operations.

Codes (one of them black, to test readable highlights) on an English article with its
own footnotes, a multi-line Arabic excerpt, overlapping codes, tweets with emoji, memos
(one that looks like markup, one in Arabic) and citations (one with a note long enough
to continue onto the next page). Also helpers to read a PDF back and to render pages.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from db.importing import import_paths
from db.models import Source
from db.ops.citations import cite
from db.ops.coders import ensure_coder
from db.ops.codes import ensure_code_path, update_code
from db.ops.coding import code_span
from db.ops.memos import create_memo
from db.resources import resource
from tests.db.coding_support import run
from tests.project_support import new_project

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CODES = {"Displacement": "#1f4e9e", "Displacement/Return": "#2e9e44", "Fear": "#000000",
         "Hope": "#ffd54f", "Propaganda": "#c0392b"}
ENGLISH = "raqqa-after-the-battle.md"
ARABIC = "الموصل-اعادة-الاعمار.txt"
MARKUP_MEMO = "Compare with <b>UN-Habitat</b> &amp; <para> figures"
LONG_NOTE = " ".join(f"Interview {i} in Ain Issa camp confirmed the account of the "
                     "survey teams and described the state of the water pumps." for i in range(70))


@dataclass
class Sample:
    """Ids of what was made."""

    coder: int
    codes: dict[str, int]
    sources: dict[str, int]
    texts: dict[int, str]
    excerpts: dict[str, int] = field(default_factory=dict)


def build(proj) -> Sample:
    """Import the sample and code it (see the module docstring)."""
    with proj.sessions() as s:
        report, _ = import_paths(s, [resource("sample")], collection="Sample")
        assert not report.failed
    with proj.sessions() as s:
        rows = list(s.scalars(select(Source)))
    sample = Sample(run(proj, lambda s: ensure_coder(s, name="Lina")).value, {},
                    {r.file_name or str(r.id): r.id for r in rows if r.kind == "article"},
                    {r.id: r.text for r in rows})
    sample.sources["posts"] = [r.id for r in rows if r.kind == "post"]  # type: ignore[assignment]
    for path, color in CODES.items():
        cid = run(proj, lambda s, p=path: ensure_code_path(s, path=p, coder_id=sample.coder)).value
        run(proj, lambda s, c=cid, col=color, p=path: update_code(
            s, code_id=c, color=col, description=f"Passages about {p.lower()}."))
        sample.codes[path] = cid
    _code_all(proj, sample)
    return sample


def code(proj, sample: Sample, file: str, first: str, code_path: str, last: str = "") -> int:
    """Code from the first occurrence of ``first`` to the end of ``last`` (or of ``first``)."""
    sid = sample.sources[file]
    text = sample.texts[sid]
    a = text.index(first)
    b = text.index(last, a) + len(last) if last else a + len(first)
    return run(proj, lambda s: code_span(s, source_id=sid, start=a, end=b,
                                         code_id=sample.codes[code_path],
                                         coder_id=sample.coder)).value


def _code_all(proj, sample: Sample) -> None:
    ex = sample.excerpts
    ex["surveys"] = code(proj, sample, ENGLISH, "Their early surveys", "Displacement",
                         "fields.[1]")
    ex["water"] = code(proj, sample, ENGLISH, "water and electricity networks", "Fear")
    ex["camps"] = code(proj, sample, ENGLISH, "For the tens of thousands",
                       "Displacement/Return", 'go back."')
    ex["relief"] = code(proj, sample, ENGLISH, "produced relief", "Hope", "anxiety.")
    ex["mosul"] = code(proj, sample, ARABIC, "أعلنت الحكومة", "Displacement", "كاملة [1].")
    ex["undp"] = code(proj, sample, ARABIC, "برنامج الأمم المتحدة الإنمائي (UNDP)",
                      "Propaganda")
    ex["fear_hope"] = code(proj, sample, ARABIC, "تُظهر شهادات", "Hope", "مستقرة.")
    for sid in sample.sources["posts"]:  # type: ignore[union-attr]
        text = sample.texts[sid]
        if any(ord(c) > 0x1F000 for c in text):
            ex[f"post{sid}"] = run(proj, lambda s, i=sid, t=text: code_span(
                s, source_id=i, start=0, end=len(t), code_id=sample.codes["Hope"],
                coder_id=sample.coder)).value
    who = sample.coder
    run(proj, lambda s: create_memo(s, target="excerpt", target_id=ex["surveys"],
                                    title="Mass damage", body=MARKUP_MEMO, coder_id=who))
    run(proj, lambda s: create_memo(s, target="excerpt", target_id=ex["mosul"], title="مذكرة",
                                    body="قارن مع تقرير البرنامج لعام 2018.", coder_id=who))
    for name in ("surveys", "camps", "mosul", "fear_hope"):
        run(proj, lambda s, n=name: cite(s, excerpt_id=ex[n], locator_label="page",
                                         locator="3", coder_id=who))
    run(proj, lambda s: cite(s, excerpt_id=ex["relief"], note=LONG_NOTE, coder_id=who))


# --- reading a PDF back ------------------------------------------------------------------------

def page_texts(path: Path) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    """Text with every run of white space (and left-to-right marks) made one space."""
    return " ".join(text.replace("\u200e", "").split())


def render(pdf: Path, page: int, name: str, dpi: int = 110) -> Path:
    """Render one page (1-based) to ``tests/artifacts/<name>.png`` with pdftoppm."""
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed"
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(target)], check=True)
    out = target.with_suffix(".png")
    assert out.stat().st_size > 5000
    return out


def make_project(folder: Path):
    """A new project file in ``folder`` holding the coded sample; (project, Sample)."""
    proj = new_project(folder / "export.quire", name="Raqqa study")
    return proj, build(proj)
