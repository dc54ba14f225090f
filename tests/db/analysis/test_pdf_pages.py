"""Charts and tables in the annotated PDF, before the excerpts: vector, Arabic shaped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.analysis import Spec
from db.export.pdf import PdfOptions, export_pdf
from db.export.selection import Selection
from db.models import Code

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="module")
def arabic(small_project):
    proj, small = small_project
    with proj.session() as s:
        s.get(Code, small.codes["Counter-messaging"]).name = "الرسائل المضادة"
    return proj, small


def test_chosen_charts_and_tables_come_before_the_excerpts(arabic, tmp_path):
    proj, _ = arabic
    out = tmp_path / "with-charts.pdf"
    opts = PdfOptions(title="Despair after Fallujah",
                      analyses=[Spec("cooccurrence", unit="paragraph"),
                                Spec("crosstab", by="platform")])
    with proj.sessions() as s:
        result = export_pdf(s, Selection(), out, opts, project=proj)
    reader = PdfReader(out)
    text = [p.extract_text() for p in reader.pages]
    first_chart = next(i for i, t in enumerate(text) if "Code co-occurrence (same paragraph)"
                       in t)
    first_excerpt = next(i for i, t in enumerate(text) if "Despair spread in the city." in t)
    assert 0 < first_chart < first_excerpt
    assert any("Codes × platform (excerpts)" in t for t in text[:first_excerpt + 1])
    assert any("Row %" in t for t in text[:first_excerpt + 1])  # the table, as text
    page = reader.pages[first_chart]
    assert "/Image" not in str(page.get("/Resources", {}).get("/XObject", {}))  # vector
    assert result.excerpts == 11
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", str(first_chart + 1), "-l",
                        str(first_chart + 2), str(out), str(ARTIFACTS / "analysis_pdf")],
                       check=True)
