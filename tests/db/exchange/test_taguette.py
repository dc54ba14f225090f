"""Taguette projects (files a real Taguette 1.5.2 wrote, see taguette_files/README.md)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from db import project
from db.errors import ImportFileError, NotAProjectError
from db.exchange.taguette import import_taguette, read_taguette, taguette_projects
from db.foreign import TaguetteFileError
from db.merge import merge
from db.models import Code, Coder, Coding, Collection, Excerpt, Memo, ProjectInfo, Source
from tests.db.coding_support import round_trip

FILES = Path(__file__).parent / "taguette_files"
EXPORT, SERVER = FILES / "project.sqlite3", FILES / "taguette-server.sqlite3"
TAGS = {"interesting": "Further review required", "water": "Access to drinking water",
        "hope": "", "émotion": "Sentiments exprimés", "أمل": "الأمل في المستقبل",
        "politique/locale": "Local politics", "infrastructure": ""}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def taguette_rows(path: Path, sql: str) -> list[tuple]:
    """Rows of Taguette's own file, read as Taguette stored them."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def snippet_letters(html: str) -> str:
    """What Taguette's own snippet of a highlight says, white space left out."""
    from db.importers.html_text import render

    return "".join(render(html).text.split())


def excerpts(path: Path) -> list[tuple]:
    """(text, code names, coder, source title, color) of every excerpt, by position."""
    with project.open(path) as proj, proj.sessions() as s:
        out = []
        for e in s.scalars(select(Excerpt).order_by(Excerpt.source_id, Excerpt.start)):
            src = s.get(Source, e.source_id)
            codes = sorted(s.scalars(select(Code.name).join(Coding).where(
                Coding.excerpt_id == e.id)))
            out.append((src.text[e.start:e.end], codes, s.get(Coder, e.coder_id).name,
                        src.title, e.color))
        return out


@pytest.mark.parametrize("fixture", [EXPORT, SERVER])
def test_every_highlight_arrives_at_the_same_passage_with_its_tags(fixture, tmp_path):
    before = digest(fixture)
    made, report = import_taguette(fixture, tmp_path / "study.quire", project="1")
    assert digest(fixture) == before  # the Taguette file is only read
    assert report.added["excerpts"] == 9 and report.added["codings"] == 10
    got = excerpts(made)
    snippets = taguette_rows(fixture, "SELECT h.snippet, d.name FROM highlights h JOIN "
                                      "documents d ON d.id = h.document_id WHERE "
                                      "d.project_id = 1")
    # Every excerpt says exactly what Taguette's own snippet of it says.
    assert sorted("".join(text.split()) for text, *_ in got) == \
        sorted(snippet_letters(html) for html, _ in snippets)
    tagged = {(text, tuple(codes)) for text, codes, *_ in got}
    assert ("no water 💧 and no electricity", ("infrastructure", "water")) in tagged
    assert ("strikes ended. There is no water 💧 and no electricity.\n\nMany feel",
            ("politique/locale", "émotion")) in tagged  # across a paragraph break
    untagged = [row for row in got if not row[1]]
    assert [(t, color) for t, _, _, _, color in untagged] == [("The old bridge is gone",
                                                               "#ffd54f")]
    with project.open(made) as proj, proj.sessions() as s:
        assert {c.name: c.description for c in s.scalars(select(Code))} == TAGS
        assert all(c.parent_id is None for c in s.scalars(select(Code)))
        info = s.scalars(select(ProjectInfo)).one()
        assert (info.name, info.description) == ("Field study", "Two articles, coded")
        article = s.scalar(select(Source).where(Source.title == "Return to Raqqa"))
        assert "electricity.\n\nMany feel hopeless" in article.text  # paragraphs kept
        assert "Water: none\nPower: none" in article.text
        assert article.extra["taguette"]["text_direction"] == "LEFT_TO_RIGHT"
        arabic = s.scalar(select(Source).where(Source.title == "العودة إلى الرقة"))
        assert arabic.extra["taguette"]["text_direction"] == "RIGHT_TO_LEFT"
        assert s.scalar(select(Memo.body)) == "An article"  # the document's description


def test_the_server_database_names_who_made_each_highlight(tmp_path):
    made, report = import_taguette(SERVER, tmp_path / "study.quire", project="Field study")
    by_coder = {}
    for text, _codes, coder, *_ in excerpts(made):
        by_coder.setdefault(coder, []).append(text)
    assert sorted(by_coder) == ["karim", "lina"]
    assert "hopeless" in by_coder["karim"] and "الأمل باقٍ" in by_coder["lina"]
    assert not report.notes  # every highlight's maker is known
    with project.open(made) as proj, proj.sessions() as s:
        assert sorted(s.scalars(select(Coder.name))) == ["karim", "lina"]


def test_the_export_file_says_everything_is_admins(tmp_path):
    made, report = import_taguette(EXPORT, tmp_path / "study.quire")
    assert {coder for _, _, coder, *_ in excerpts(made)} == {"admin"}
    assert any("'admin'" in n for n in report.notes)


def test_a_file_of_several_projects_asks_which_and_takes_the_one_named(tmp_path):
    assert taguette_projects(SERVER) == [(1, "Field study"), (2, "Empty study")]
    with pytest.raises(ImportFileError, match="2 projects .*1: Field study; 2: Empty study"):
        read_taguette(SERVER)
    with pytest.raises(ImportFileError, match="no project 'Nope'"):
        read_taguette(SERVER, project="Nope")
    empty = read_taguette(SERVER, project="2")
    assert (empty.name, len(empty.sources), empty.codes) == ("Empty study", 1, [])
    assert not (tmp_path / "x.quire").exists()


def test_an_inconsistent_file_is_refused_and_leaves_nothing(tmp_path):
    broken = tmp_path / "broken.sqlite3"
    shutil.copyfile(EXPORT, broken)
    conn = sqlite3.connect(broken)
    conn.execute("UPDATE highlights SET end_offset = 99999 WHERE id = 3")
    conn.commit()
    conn.close()
    with pytest.raises(ImportFileError, match="highlight 3 .* outside its text"):
        import_taguette(broken, tmp_path / "out.quire")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.sqlite3"]
    with pytest.raises(ImportFileError, match="not a Taguette project"):
        import_taguette(FILES / "codebook.qdc", tmp_path / "out.quire")


def test_opening_a_taguette_file_as_a_project_refuses_and_changes_no_byte(tmp_path):
    copy = tmp_path / "project.sqlite3"
    shutil.copyfile(EXPORT, copy)
    before = digest(copy)
    with pytest.raises(TaguetteFileError, match="Taguette project.*Import Taguette Project"):
        project.open(copy)
    assert digest(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.sqlite3"]


def test_another_programs_database_is_not_a_project_and_is_left_as_it_was(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('mine')")
    conn.commit()
    conn.close()
    before = digest(other)
    with pytest.raises(NotAProjectError, match="not a Quire project") as info:
        project.open(other)
    assert not isinstance(info.value, TaguetteFileError)
    assert digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_merging_a_taguette_project_into_an_open_one_is_one_undoable_step(proj):
    tables = (Source, Code, Coder, Excerpt, Coding, Memo, Collection)
    done, _ = round_trip(proj, lambda s: merge(s, path=EXPORT), tables=tables)
    assert done.value.added["excerpts"] == 9
