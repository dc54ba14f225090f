"""Tables and pages that carry codes: Taguette's highlight table and its highlighted
document (files a real Taguette wrote, tests/db/exchange/taguette_files)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from db.importers.base import ColumnMapping, ReadOptions
from db.importing import import_paths
from db.models import Code, Coding, Excerpt, Source
from db.ops.sources import remove_import
from tests.db.coding_support import dump

FILES = Path(__file__).parents[1] / "exchange" / "taguette_files"
TABLES = (Source, Code, Excerpt, Coding)


def coded(proj) -> dict[str, list[str]]:
    """Each excerpt's text and its codes' paths."""
    with proj.sessions() as s:
        out = {}
        for e in s.scalars(select(Excerpt).order_by(Excerpt.id)):
            text = s.get(Source, e.source_id).text[e.start:e.end]
            out[text] = sorted(s.scalars(select(Code.name).join(Coding).where(
                Coding.excerpt_id == e.id)))
        return out


def run_import(proj, path: Path, **kw):
    with proj.sessions() as s:
        return import_paths(s, [path], coder="Lina", **kw)


def test_a_highlight_table_gives_one_post_per_highlight_with_all_its_codes(proj):
    report, _ = run_import(proj, FILES / "highlights.csv")
    line = report.files[0]
    assert (line.added, line.duplicates, line.coded) == (8, 0, 2)
    assert "already in the project" not in line.line()
    got = coded(proj)
    assert got["no water 💧 and no\nelectricity"] == ["infrastructure", "water"]
    assert got["« C'est notre ville »"] == ["politique/locale"]  # a tag: the name whole
    with proj.sessions() as s:
        assert s.scalar(select(Code.parent_id).where(Code.name == "politique/locale")) is None
    again, _ = run_import(proj, FILES / "highlights.csv")
    assert again.files[0].duplicates == 10 and again.added == 0


def test_rows_repeating_an_earlier_post_add_codes_and_undo_takes_all_away(proj, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("id,content,code\n1,Fear of the dark,Emotions/Fear\n", encoding="utf-8")
    run_import(proj, first)
    before = dump(proj, TABLES)
    later = tmp_path / "later.csv"
    later.write_text("id,content,code\n1,Fear of the dark,Emotions/Dread\n"
                     "1,Fear of the dark,Emotions/Fear\n", encoding="utf-8")
    report, done = run_import(proj, later)
    line = report.files[0]
    assert (line.added, line.coded, line.duplicates) == (0, 1, 1)
    assert line.status == "imported"
    assert coded(proj) == {"Fear of the dark": ["Dread", "Fear"]}  # codes are paths here
    with proj.session() as s:
        remove_import(s, import_id=report.batch_id)
    assert dump(proj, TABLES) == before  # the new code and its coding are gone


def test_the_code_column_can_be_chosen_and_the_undo_is_exact(proj, tmp_path):
    table = tmp_path / "posts.csv"
    table.write_text("key,body,label\na,One post,Theme\na,One post,Other\nb,Two,\n",
                     encoding="utf-8")
    before = dump(proj, TABLES)
    mapping = ColumnMapping(text="body", id="key", code="label", platform="forum")
    report, done = run_import(proj, table, options=ReadOptions(format="tabular",
                                                               mapping=mapping))
    assert report.added == 2 and report.files[0].coded == 1
    assert coded(proj) == {"One post": ["Other", "Theme"]}
    after = dump(proj, TABLES)
    with proj.session() as s:
        undone = done.inverse(s)
    assert dump(proj, TABLES) == before
    with proj.session() as s:
        undone.inverse(s)
    assert dump(proj, TABLES) == after


def test_taguettes_highlighted_document_keeps_highlights_not_tag_lists(proj):
    report, _ = run_import(proj, FILES / "document.html")
    assert report.files[0].format == "Taguette highlighted document (HTML)"
    with proj.sessions() as s:
        source = s.scalars(select(Source)).one()
        marker = s.scalar(select(Excerpt.color).where(
            ~Excerpt.id.in_(select(Coding.excerpt_id))))
    assert source.title == "Return to Raqqa"
    assert "[" not in source.text and "taglist" not in source.text
    assert source.text.count("Return to Raqqa") == 1  # the page's own heading left out
    got = coded(proj)
    assert got["hopeless"] == ["émotion"]
    assert got["« C'est notre ville »"] == ["politique/locale"]
    assert got["The old bridge is gone"] == [] and marker == "#ffd54f"
