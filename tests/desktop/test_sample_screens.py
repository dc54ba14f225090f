"""The window on the real sample project: an English article, an Arabic article, posts.

These are the screens a researcher sees first; they are saved in tests/artifacts/.
"""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from db.sample import ensure_sample_project
from desktop.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return ensure_sample_project(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def window(qtbot, sample):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(sample)
    yield win
    win.close_project()


def _row_of(window: MainWindow, title_part: str) -> int:
    model = window.sources.model
    for row in range(model.rowCount()):
        if title_part in (model.index(row, 0).data() or ""):
            return row
    raise AssertionError(f"no row titled like {title_part!r}")


def _shoot(window: MainWindow, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    assert window.grab().save(str(ARTIFACTS / name))


def test_screenshot_english_article(window):
    window.sources.select_row(_row_of(window, "Raqqa After the Battle"))
    reader = window.reader
    assert reader.source()["title"].startswith("Raqqa After the Battle")
    assert reader.view.toPlainText() == reader.source()["text"]
    assert reader.notes.count() == 4
    _shoot(window, "main_window_english_article.png")


def test_screenshot_arabic_article(window):
    window.sources.select_row(_row_of(window, "الموصل"))
    detail = window.reader.source()
    assert detail["footnotes"] and "الهوامش" not in detail["text"]
    _shoot(window, "main_window_arabic_article.png")


def test_screenshot_sample_posts(window):
    combo = window.sources.platform_combo
    combo.setCurrentIndex(combo.findText("Telegram"))
    assert window.sources.model.rowCount() >= 10
    window.sources.select_row(2)
    assert window.reader.source()["platform"] == "telegram"
    _shoot(window, "main_window_sample_posts.png")


def test_a_search_hit_opens_its_source_with_the_hit_selected(window, qtbot):
    window.panes.action_search.trigger()
    panel = window.panes.search
    assert window.panes.search_dock.isVisible() and panel.query_edit.hasFocus()
    qtbot.waitUntil(panel.index_ready, timeout=20000)
    panel.set_query('"الرقة" OR Raqqa')
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        panel.run_search()
    assert panel.model.rowCount() > 10
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.index(r, 1).data() == "الرقة")
    with qtbot.waitSignal(panel.hit_activated) as blocker:
        panel.table.activated.emit(panel.model.index(row, 1))
    source_id, start, end, _ = blocker.args
    reader = window.reader
    assert reader.source()["id"] == source_id
    assert reader.selection_span() == (start, end)
    assert reader.source()["text"][start:end] == "الرقة"
    hits = reader.hits()
    assert (start, end) in hits and len(hits) >= 1
    reader.setFocus()
    _shoot(window, "main_window_search.png")


def test_screenshot_coding_in_the_window(window, qtbot):
    from db.ops import bind
    from db.ops.codes import ensure_code_path
    from db.ops.coding import code_span

    window.sources.select_row(_row_of(window, "Raqqa After the Battle"))
    session, text = window.session, window.reader.source()["text"]
    sid = window.reader.source()["id"]
    for path, phrase in [("Displacement/Return", "returned"), ("Humanitarian aid", "water"),
                         ("Displacement/Fear", "fear"), ("Reconstruction", "engineers")]:
        code_id = session.run(bind(ensure_code_path, path=path)).value
        at = text.lower().find(phrase)
        start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1)
        end = text.find(".", at) + 1
        session.run(bind(code_span, source_id=sid, start=start, end=end, code_id=code_id,
                           coder_id=session.coder_id()))
    assert window.panes.action_code_hits.isEnabled()
    assert len(window.reader.excerpts()) == 4
    assert "Apply code" in session.history.undo_text() or session.history.undo_text()
    window.panes.codes_dock.show()
    _shoot(window, "main_window_coding.png")


def test_screenshot_memos_and_excerpt_notes(window, qtbot):
    from db.ops import bind
    from db.ops.citations import cite
    from db.ops.codes import ensure_code_path
    from db.ops.coding import code_span
    from db.ops.memos import create_memo

    window.sources.select_row(_row_of(window, "الموصل"))
    session, detail = window.session, window.reader.source()
    note = detail["footnotes"][0]
    start = detail["text"].rfind("\n", 0, note["offset"]) + 1
    code_id = session.run(bind(ensure_code_path, path="Reconstruction/Promises")).value
    eid = session.run(bind(code_span, source_id=detail["id"], start=start, end=note["end"],
                             code_id=code_id, coder_id=session.coder_id())).value
    session.run(bind(cite, excerpt_id=eid, locator_label="paragraph", locator="3",
                       coder_id=session.coder_id()))
    session.run(bind(create_memo, target="excerpt", target_id=eid, title="وعود الإعمار",
                       body="Compare with the **UNDP** figures.", coder_id=session.coder_id()))
    window.reader.excerpt_activated.emit(eid)
    notes = window.panes.notes
    assert window.panes.notes_dock.isVisible()
    texts = notes.citation_texts() if hasattr(notes, "citation_texts") else []
    assert texts == [] or len(texts) >= 2  # our citation and the article's own footnote
    window.panes.action_memos.trigger()
    qtbot.waitUntil(lambda: window.panes.memos.model.rowCount() == 1, timeout=3000)
    _shoot(window, "main_window_memos_notes.png")


def test_search_can_be_narrowed_to_what_the_sources_pane_shows(window, qtbot):
    panel = window.panes.search
    combo = window.sources.platform_combo
    combo.setCurrentIndex(combo.findText("Telegram"))
    qtbot.waitUntil(lambda: panel.scope_box.findText("Sources shown in the list") >= 0,
                    timeout=3000)
    qtbot.waitUntil(panel.index_ready, timeout=20000)
    panel.scope_box.setCurrentIndex(panel.scope_box.findText("Sources shown in the list"))
    panel.set_query("الرقة")
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        panel.run_search()
    shown = {window.sources.model.source_id(r) for r in range(window.sources.model.rowCount())}
    hit_sources = {row.hit.source_id for row in panel.model.rows}
    assert hit_sources and hit_sources <= shown
    combo.setCurrentIndex(0)  # everything shown again: the scope goes away
    qtbot.waitUntil(lambda: panel.scope_box.findText("Sources shown in the list") < 0,
                    timeout=3000)


def test_code_all_hits_gets_the_hits_the_table_has_not_shown(window, qtbot, monkeypatch):
    import desktop.project_panes as panes_module

    panel = window.panes.search
    qtbot.waitUntil(panel.index_ready, timeout=20000)
    panel.batch_sizes = (1, 1)  # one source a batch: the table asks for the rest
    panel.set_query("the")
    panel.run_search()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and not panel.model.asked,
                    timeout=10000)
    shown = {r.hit.source_id for r in panel.model.rows}
    coded = []
    monkeypatch.setattr(panes_module, "code_hits", lambda _s, hits, _w: coded.append(hits))
    window.panes.action_code_hits.trigger()
    qtbot.waitUntil(lambda: bool(coded), timeout=10000)
    assert len({h[0] for h in coded[0]}) > len(shown) == 1
    assert coded[0] == panes_module.hits_from_kwic(panel.model.rows)  # every codable hit
