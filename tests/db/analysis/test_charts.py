"""Each chart saved as PNG, SVG and PDF, with Arabic code and collection names; the PNGs
are kept in tests/artifacts to be looked at."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from db.analysis import Spec, analyze
from db.analysis.charts import draw, save
from db.errors import AnalysisError
from db.export.selection import Selection
from db.models import Code, Collection

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SPECS = {
    "frequencies": Spec("frequencies", rollup=True),
    "frequencies_by_platform": Spec("frequencies", by="platform"),
    "crosstab_collection": Spec("crosstab", by="collection"),
    "cooccurrence_paragraph": Spec("cooccurrence", unit="paragraph"),
    "timeline_month": Spec("timeline", interval="week"),
    "timeline_stacked_share": Spec("timeline", interval="month", counted="sources",
                                   share=True, stacked=True),
    "words": Spec("words"),
    "keyness": Spec("words", keyness=True, stopwords=False),
}


@pytest.fixture(scope="module")
def arabic(small_project):
    """The project with an Arabic code and an Arabic collection name."""
    proj, small = small_project
    with proj.session() as s:
        s.get(Code, small.codes["Counter-messaging"]).name = "الرسائل المضادة"
        s.get(Collection, small.collections["Tweets"]).name = "تغريدات الرقة"
    return proj, small


@pytest.mark.parametrize("name", list(SPECS))
def test_each_chart_is_saved_in_three_formats(arabic, tmp_path, name):
    proj, _ = arabic
    with proj.sessions() as s:
        result = analyze(s, Selection(), SPECS[name])
    ARTIFACTS.mkdir(exist_ok=True)
    png = save(result, ARTIFACTS / f"analysis_{name}.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save(result, tmp_path / "c.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    pdf = PdfReader(save(result, tmp_path / "c.pdf"))
    assert len(pdf.pages) == 1 and pdf.metadata.title == result.title


def test_every_bar_and_cell_can_be_clicked(arabic):
    proj, small = arabic
    with proj.sessions() as s:
        bars = draw(analyze(s, Selection(), Spec("frequencies")))
        heat = draw(analyze(s, Selection(), Spec("cooccurrence")))
    assert sorted(k[0] for k in bars.targets.values()) == sorted(small.codes.values())
    assert len(heat.targets) == 1  # the image; a click's position gives the cell


def test_a_chart_needs_a_known_format(arabic, tmp_path):
    proj, _ = arabic
    with proj.sessions() as s:
        result = analyze(s, Selection(), Spec("frequencies"))
    with pytest.raises(AnalysisError):
        save(result, tmp_path / "c.jpg")
    assert not (tmp_path / "c.jpg").exists()
