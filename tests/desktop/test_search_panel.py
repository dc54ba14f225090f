"""The Search panel, driven as a researcher would: type, search, read, open, save."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from db.models import Collection, Source
from db.ops import bind
from db.ops.sources import delete_sources
from db.text import text_hash
from desktop.views.search import SearchPanel

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
UTC = dt.UTC
TEXTS = [
    ("🕊️ Families returned to #SDFfreedRaqqa today after the airstrikes on Raqqa ended.",
     "Amal Hassan", "en", 1),
    ("💔 عادت العائلات إلى الرَّقَّة بعد توقف الغارات، والمياه مقطوعة", "أمل الرقاوي", "ar", 3),
    ("Aid convoy reached the camps outside Raqqa; water is short. #Raqqa", "Raqqa News", "en", 5),
    ("قافلة المساعدات وصلت إلى مخيمات الرقة اليوم", "قناة الخبر", "ar", 7),
    ("Nothing about the city here, only weather.", "Ben Carter", "en", 9),
]


def add(proj, text, author="", language="en", day=1):
    with proj.session() as s:
        src = Source(kind="post", text=text, length=len(text), text_hash=text_hash(text),
                     author=author, language=language, platform="twitter",
                     published=dt.datetime(2017, 10, day, 9, tzinfo=UTC))
        s.add(src)
        s.flush()
        return src.id


@pytest.fixture
def ids(proj):
    return [add(proj, *row) for row in TEXTS]


@pytest.fixture
def panel(session, ids, qtbot):
    p = SearchPanel(session)
    qtbot.addWidget(p)
    p.resize(1100, 420)
    qtbot.waitUntil(p.index_ready, timeout=20000)
    return p


def search(panel, qtbot, query, stemmed=False):
    panel.set_query(query, stemmed=stemmed)
    with qtbot.waitSignal(panel.search_finished, timeout=10000) as blocker:
        panel.run_search()
    return blocker.args


def cells(panel, row):
    m = panel.model
    return [m.index(row, c).data() for c in range(m.columnCount())]


def test_search_shows_one_row_per_hit_with_context(panel, qtbot, ids):
    hits, sources = search(panel, qtbot, "raqqa OR الرقة")
    assert (hits, sources) == (6, 4)
    first = cells(panel, 0)
    assert first[1] == "Raqqa" and first[0].endswith("#SDFfreed") and first[4] == "Amal Hassan"
    assert first[5] == "2017-10-01"
    assert "6 hit(s) in 4 source(s)" in panel.count_label.text()
    m = panel.model
    assert m.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert m.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()


def test_activating_a_hit_gives_code_point_spans(panel, qtbot, ids):
    search(panel, qtbot, "raqqa")
    with qtbot.waitSignal(panel.hit_activated) as blocker:
        panel.table.doubleClicked.emit(panel.model.index(1, 0))
    sid, start, end, spans = blocker.args
    text = TEXTS[0][0]
    assert sid == ids[0] and text[start:end] == "Raqqa"
    assert [text[s:e] for s, e in spans] == ["Raqqa", "Raqqa"]


def test_syntax_error_is_shown_inline(panel, qtbot):
    panel.set_query('raqqa "aid')
    panel.run_search()
    assert not panel.error_label.isHidden()
    assert "never closed" in panel.error_label.text()
    assert panel.query_edit.cursorPosition() == 6
    assert panel.model.rowCount() == 0


def test_stemmed_toggle(panel, qtbot):
    assert search(panel, qtbot, "airstrike")[0] == 0
    assert search(panel, qtbot, "airstrike", stemmed=True)[0] == 1


def test_sorting(panel, qtbot):
    search(panel, qtbot, "raqqa OR الرقة")
    panel.model.sort(4, Qt.SortOrder.AscendingOrder)
    authors = [panel.model.index(r, 4).data() for r in range(panel.model.rowCount())]
    assert authors == sorted(authors, key=str.casefold)


def test_scope_to_a_collection(panel, session, qtbot, ids, proj):
    with proj.session() as s:
        c = Collection(name="Arabic posts")
        c.sources = [s.get(Source, ids[1]), s.get(Source, ids[3])]
        s.add(c)
        s.flush()
        cid = c.id
    panel._reload_scopes()
    panel.scope_box.setCurrentIndex(panel.scope_box.findData(cid))
    assert search(panel, qtbot, "raqqa OR الرقة")[1] == 2


def test_follows_project_changes(panel, session, qtbot, ids):
    session.run(bind(delete_sources, source_ids=[ids[0]]))
    qtbot.waitUntil(lambda: panel.index_ready() and not session.tasks.busy(), timeout=10000)
    assert search(panel, qtbot, "raqqa")[1] == 1


def test_saved_searches(panel, session, qtbot):
    panel.set_query("الرقة", stemmed=True)
    panel.save_current("Raqqa in Arabic")
    assert panel.saved_box.findText("Raqqa in Arabic") > 0
    panel.set_query("something else")
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        panel._on_saved_box_activated(panel.saved_box.findText("Raqqa in Arabic"))
    assert panel.query_edit.text() == "الرقة" and panel.stemmed_box.isChecked()
    session.history.undo()
    assert panel.saved_box.findText("Raqqa in Arabic") < 0


def test_help_panel(panel, qtbot):
    panel.show()
    panel.help_button.click()
    assert panel.help_view.isVisible()
    text = panel.help_view.toPlainText()
    for needle in ("author:", "date:2017-10-01..2017-10-31", '"fallujah airstrikes"~10',
                   "has:footnote", "famlies~", "code:"):
        assert needle in text


def test_screenshot(panel, qtbot):
    panel.show()
    search(panel, qtbot, "raqqa OR الرقة OR airstrikes")
    qtbot.wait(50)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "search_panel.png"))


@pytest.fixture
def many(proj):
    """200 posts that all hold 'water', a day apart."""
    with proj.session() as s:
        for k in range(200):
            text = f"Post {k}: water is short in the camps again."
            s.add(Source(kind="post", text=text, length=len(text), text_hash=text_hash(text),
                         author=f"User {k}", language="en", platform="twitter",
                         published=dt.datetime(2018, 1, 1, tzinfo=UTC) + dt.timedelta(days=k)))


def test_rows_are_gathered_as_the_table_shows_them(session, many, qtbot):
    p = SearchPanel(session)
    qtbot.addWidget(p)
    p.resize(1100, 420)
    p.show()
    qtbot.waitUntil(p.index_ready, timeout=20000)
    p.batch_sizes = (20, 20)
    finished = []
    p.search_finished.connect(lambda *a: finished.append(a))
    p.set_query("water")
    p.run_search()
    qtbot.waitUntil(lambda: p.model.rowCount() >= 20 and not p.model.asked, timeout=10000)
    qtbot.wait(200)  # the table may ask for a screenful, not for everything
    shown = p.model.rowCount()
    assert 20 <= shown < 200 and not finished and p.model.canFetchMore()
    assert "more as you scroll down" in p.count_label.text()
    assert [r.hit.source_id for r in p.model.rows] == sorted(r.hit.source_id for r in p.model.rows)
    bar = p.table.verticalScrollBar()
    while not finished:  # scrolling to the end asks for the next batch, then the next
        bar.setValue(bar.maximum())
        qtbot.wait(20)
        assert len(finished) or p.model.rowCount() <= 200
    assert finished == [(200, 200)] and p.model.rowCount() == 200
    assert not p.model.canFetchMore()
    assert p.count_label.text() == "200 hit(s) in 200 source(s)"


def test_coding_or_exporting_gathers_every_hit_first(session, many, qtbot):
    p = SearchPanel(session)
    qtbot.addWidget(p)
    qtbot.waitUntil(p.index_ready, timeout=20000)
    p.batch_sizes = (20, 20)
    p.set_query("water")
    p.run_search()
    qtbot.waitUntil(lambda: p.model.rowCount() >= 20 and not p.model.asked, timeout=10000)
    assert p.model.rowCount() < 200
    got = []
    p.when_complete(got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert len(got[0]) == 200 and p.model.rowCount() == 200


def test_sorting_gathers_every_hit(session, many, qtbot):
    p = SearchPanel(session)
    qtbot.addWidget(p)
    qtbot.waitUntil(p.index_ready, timeout=20000)
    p.batch_sizes = (20, 20)
    p.set_query("water")
    with qtbot.waitSignal(p.search_finished, timeout=10000) as blocker:
        p.run_search()
        qtbot.waitUntil(lambda: p.model.rowCount() >= 20 and not p.model.asked, timeout=10000)
        p.model.sort(4, Qt.SortOrder.DescendingOrder)
    assert blocker.args == [200, 200]
    authors = [p.model.index(r, 4).data() for r in range(p.model.rowCount())]
    assert authors == sorted(authors, key=str.casefold, reverse=True) and len(authors) == 200


def test_screenshot_of_a_long_list(session, many, qtbot):
    p = SearchPanel(session)
    qtbot.addWidget(p)
    p.resize(1100, 420)
    p.show()
    qtbot.waitUntil(p.index_ready, timeout=20000)
    p.batch_sizes = (20, 20)
    p.set_query("water")
    p.run_search()
    qtbot.waitUntil(lambda: p.model.rowCount() >= 20 and not p.model.asked, timeout=10000)
    qtbot.wait(100)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert p.grab().save(str(ARTIFACTS / "search_panel_lazy.png"))
