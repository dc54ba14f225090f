"""The Sources pane: collection tree, lazy source table, sorting, filtering, changes."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from db.models import Collection, Source
from db.ops import bind
from db.ops.sources import delete_sources
from desktop.models.sources import COLUMNS, RTL_ROLE, SourceTableModel, is_rtl
from desktop.views.sources import SourcesPane

UTC = dt.UTC
COL = {key: i for i, (key, _h) in enumerate(COLUMNS)}

ROWS = [
    dict(kind="article", title="Mosul after the battle", author="Hana Salim",
         text="The city rebuilds.", published=dt.datetime(2021, 3, 1, 9, 30, tzinfo=UTC)),
    dict(kind="article", title="إعادة إعمار الموصل", author="سارة علي",
         text="نص المقال عن الموصل.", published=dt.datetime(2020, 5, 2, tzinfo=UTC)),
    dict(kind="post", title="", author="Raqqa News", handle="raqqanews", platform="twitter",
         text="Shelling reported near the bridge this morning", post_id="1",
         published=dt.datetime(2019, 1, 5, 12, 0, tzinfo=UTC)),
    dict(kind="post", title="", author="قناة الخبر", handle="khabar", platform="telegram",
         text="عاجل: انقطاع الكهرباء في المدينة", post_id="2",
         published=dt.datetime(2019, 1, 6, tzinfo=UTC)),
    dict(kind="article", title="Counter-messaging online", author="Ben Carter",
         text="Platforms and propaganda."),
]


def add_sources(proj, rows=ROWS, collection: str | None = None) -> list[int]:
    """Insert sources through the ORM (optionally into a new collection); their ids."""
    with proj.session() as s:
        objs = [Source(length=len(r["text"]), text_hash=str(hash(r["text"])), **r)
                for r in rows]
        if collection:
            s.add(Collection(name=collection, sources=objs))
        s.add_all(objs)
        s.flush()
        return [o.id for o in objs]


def bulk_insert(proj, n: int) -> None:
    """``n`` posts through one Core insert, the way a large import writes them."""
    base = dt.datetime(2020, 1, 1, tzinfo=UTC)
    rows = [dict(kind="post", title="", text=f"post number {i}", length=14, text_hash=str(i),
                 author=f"author {i % 97}", handle=f"user{i % 97}", platform="twitter",
                 post_id=str(i), published=base + dt.timedelta(minutes=i)) for i in range(n)]
    with proj.session() as s:
        s.execute(insert(Source), rows)


@pytest.fixture
def pane(qtbot):
    widget = SourcesPane()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


def column_texts(model, key: str) -> list[str]:
    return [model.index(r, COL[key]).data() for r in range(model.rowCount())]


def test_shows_every_source_with_ids_in_user_role(proj, session, pane):
    ids = add_sources(proj)
    pane.set_session(session)
    model = pane.model
    assert model.rowCount() == len(ROWS)
    assert [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(5)] == ids
    assert model.headerData(COL["handle"], Qt.Orientation.Horizontal) == "@handle"
    assert model.index(2, COL["handle"]).data() == "@raqqanews"
    assert model.index(2, COL["title"]).data().startswith("Shelling reported")  # a post
    local = dt.datetime(2021, 3, 1, 9, 30, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    assert model.index(0, COL["published"]).data() == local


def test_arabic_cells_are_marked_right_to_left(proj, session, pane):
    add_sources(proj)
    pane.set_session(session)
    model = pane.model
    assert model.index(1, COL["title"]).data(RTL_ROLE) is True
    assert model.index(1, COL["author"]).data(RTL_ROLE) is True
    assert model.index(0, COL["title"]).data(RTL_ROLE) is False
    assert is_rtl("« الموصل »") and not is_rtl("123 Mosul")


def test_sorting_is_done_by_the_database(proj, session, pane):
    add_sources(proj)
    pane.set_session(session)
    pane.table.sortByColumn(COL["author"], Qt.SortOrder.AscendingOrder)
    authors = column_texts(pane.model, "author")
    assert authors == sorted(authors)
    pane.table.sortByColumn(COL["published"], Qt.SortOrder.DescendingOrder)
    dates = [d for d in column_texts(pane.model, "published") if d]
    assert dates == sorted(dates, reverse=True)
    pane.table.sortByColumn(COL["footnotes"], Qt.SortOrder.AscendingOrder)
    assert pane.model.rowCount() == len(ROWS)


def test_filter_box_and_platform_menu_narrow_the_table(proj, session, pane, qtbot):
    add_sources(proj)
    pane.set_session(session)
    with qtbot.waitSignal(pane.counts_changed, timeout=2000) as shown:
        pane.filter_edit.setText("الموصل")
    assert shown.args == [1, 5]
    assert pane.model.index(0, COL["title"]).data() == "إعادة إعمار الموصل"
    with qtbot.waitSignal(pane.counts_changed, timeout=2000):
        pane.filter_edit.setText("raqqanews")
    assert column_texts(pane.model, "author") == ["Raqqa News"]
    with qtbot.waitSignal(pane.counts_changed, timeout=2000):
        pane.filter_edit.clear()
    combo = pane.platform_combo
    combo.setCurrentIndex(combo.findText("Telegram"))  # (a pending filter may land after)
    qtbot.waitUntil(lambda: column_texts(pane.model, "handle") == ["@khabar"], timeout=5000)
    combo.setCurrentIndex(combo.findText("Articles"))
    qtbot.waitUntil(lambda: pane.model.rowCount() == 3, timeout=5000)


def test_collection_tree_counts_and_filters(proj, session, pane):
    add_sources(proj, ROWS[:2], collection="Mosul")
    add_sources(proj, ROWS[2:], collection="Posts")
    pane.set_session(session)
    tree = pane.tree_model
    root = tree.index(0, 0)
    assert root.data() == "All sources" and tree.index(0, 1).data() == "5"
    names = {tree.index(r, 0, root).data(): tree.index(r, 1, root).data()
             for r in range(tree.rowCount(root))}
    assert names == {"Mosul": "2", "Posts": "3"}
    pane.tree.setCurrentIndex(tree.index_of(tree.index(0, 0, root).data(Qt.ItemDataRole.UserRole)))
    assert pane.model.rowCount() == 2
    pane.tree.setCurrentIndex(root)
    assert pane.model.rowCount() == 5


def test_selecting_a_row_reports_its_source(proj, session, pane, qtbot):
    ids = add_sources(proj)
    pane.set_session(session)
    with qtbot.waitSignal(pane.source_selected) as picked:
        pane.select_row(3)
    assert picked.args == [ids[3]]
    assert pane.selected_ids() == [ids[3]]


def test_the_table_follows_project_changes_and_undo(proj, session, pane):
    ids = add_sources(proj, collection="All")
    pane.set_session(session)
    session.run(bind(delete_sources, source_ids=ids[:2]), label="Delete")
    assert pane.model.rowCount() == 3
    assert pane.tree_model.index(0, 1).data() == "3"
    session.history.undo()
    assert pane.model.rowCount() == 5
    assert pane.model.index(0, 0).data(Qt.ItemDataRole.UserRole) == ids[0]


def test_a_large_project_is_read_lazily_and_shows_at_once(proj, session, pane, qtbot):
    bulk_insert(proj, 20_000)
    began = time.perf_counter()
    pane.set_session(session)
    qtbot.waitExposed(pane)
    pane.table.viewport().repaint()
    elapsed = time.perf_counter() - began
    model = pane.model
    assert model.rowCount() == 20_000
    assert model.fetches <= 2, "only the first page should have been read"
    assert elapsed < 1.0, f"first screen took {elapsed:.2f}s"
    pane.table.scrollToBottom()
    pane.table.viewport().repaint()
    assert model.index(19_999, COL["title"]).data() == "post number 19999"
    assert model.fetches <= 4
    pane.table.sortByColumn(COL["published"], Qt.SortOrder.DescendingOrder)
    assert model.index(0, COL["title"]).data() == "post number 19999"


def test_the_page_cache_is_bounded(proj, session):
    bulk_insert(proj, 3_000)
    model = SourceTableModel()
    model.PAGE_SIZE, model.MAX_PAGES = 100, 3
    model.set_session(session)
    for row in range(0, 3_000, 100):
        assert model.source_id(row) is not None
    assert len(model._pages) == 3 and model.fetches == 30


def test_no_session_shows_nothing(pane):
    pane.set_session(None)
    assert pane.model.rowCount() == 0 and pane.tree_model.rowCount() == 0
    assert pane.selected_ids() == []


def test_rows_are_tall_enough_for_colour_emoji(pane):
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

    from desktop.fonts import EMOJI_FAMILY, load_bundled_fonts

    assert EMOJI_FAMILY in load_bundled_fonts()
    assert EMOJI_FAMILY in QFontDatabase.families()
    emoji = QFont(EMOJI_FAMILY)
    emoji.setPointSizeF(pane.table.font().pointSizeF())
    assert pane.table.verticalHeader().defaultSectionSize() >= QFontMetrics(emoji).height()
