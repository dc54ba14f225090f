"""The Reader: text shown exactly, per-paragraph direction, footnotes, selections."""

import datetime as dt
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QToolTip

from desktop.offsets import OffsetMap
from desktop.views.reader import Reader, first_strong_direction, format_published
from tests.desktop.session_support import shown_reader

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LTR = Qt.LayoutDirection.LeftToRight
RTL = Qt.LayoutDirection.RightToLeft


def with_notes(base: dict, text: str, notes: list[tuple[str, str]]) -> dict:
    """A detail dict whose footnotes point at the markers ``[label]`` found in ``text``."""
    footnotes = []
    for label, note in notes:
        at = text.index(f"[{label}]")
        footnotes.append({"label": label, "text": note, "offset": at,
                          "end": at + len(label) + 2, "kind": "footnote"})
    return {**base, "text": text, "length": len(text), "footnotes": footnotes}


BASE = {"id": 1, "uuid": "0f0e", "kind": "article", "title": "", "author": "", "handle": "",
        "platform": "", "site_name": "", "url": "", "language": "", "post_id": None,
        "reply_to_id": "", "thread_id": "", "is_repost": False, "likes": None,
        "reposts": None, "replies": None, "views": None, "hashtags": [], "mentions": [],
        "links": [], "file_name": "", "format": "html", "published": None,
        "collections": [], "footnotes": [], "text": "", "length": 0}


def english_article() -> dict:
    """A news analysis with three footnotes and an Arabic quotation."""
    text = (
        "When the last fighters left Raqqa in October 2017, the city's own residents "
        "were the first to describe what remained. Their accounts, posted on Facebook "
        "pages and Telegram channels, reached more readers than any official statement.[1]\n\n"
        "Counter-messaging campaigns run by governments were slower. A study of 40 "
        "campaigns found that most were seen by fewer than 10,000 people,[2] while a "
        "single video from a Raqqa neighbourhood was shared 85,000 times in a week.\n\n"
        "One resident wrote simply:\n"
        "الرقة مدينتنا، ونحن من سيعيد بناءها.\n\n"
        "Such voices, the author argues, should be amplified rather than replaced.[3] "
        "The lesson is not new, but it is rarely applied 🕊️."
    )
    return with_notes({**BASE, "title": "Who Speaks for the City? Counter-Messaging after "
                       "Raqqa and Mosul", "author": "Karim Nassar", "site_name":
                       "The Levant Ledger", "url": "https://levantledger.example.org/"
                       "analysis/2017/11/counter-messaging-raqqa-mosul", "language": "en",
                       "published": "2017-11-08T07:30:00", "collections":
                       ["Raqqa 2017", "Counter-messaging"]}, text, [
        ("1", "Interviews by the author in Raqqa and Gaziantep, November 2017."),
        ("2", "Hassan, R. (2017). Measuring reach. Journal of Strategic Communication, 4(2)."),
        ("3", "See also the Mosul Eye blog, 2014–2017."),
    ])


def arabic_article() -> dict:
    """An Arabic article with harakat, an English acronym and two footnotes."""
    text = (
        "قالَ مسؤولٌ في برنامجِ الأممِ المتحدةِ الإنمائيِّ (UNDP) إنَّ إعادةَ بناءِ "
        "المدينةِ القديمةِ في الموصلِ ستستغرقُ سنواتٍ طويلةً.[1]\n\n"
        "وَيَقُولُ السُّكَّانُ إنَّ الجامعَ النوريَّ كانَ قلبَ المدينةِ، وإنَّ منارةَ "
        "الحدباءِ رمزٌ لا يمكنُ التخلّي عنه.[2] وتقدّرُ اليونسكو الكلفةَ بأكثرَ من "
        "100 مليون دولار.\n\n"
        "“We rebuild the stones, but the people must come back first,” said an engineer."
    )
    return with_notes({**BASE, "title": "إعادةُ إعمارِ الموصل: المدينةُ القديمةُ بعد عامين",
                       "author": "سارة الجبوري", "site_name": "نون بوست",
                       "url": "https://example.org/ar/mosul-old-city", "language": "ar",
                       "published": "2019-07-10T09:15:00+00:00",
                       "collections": ["الموصل"]}, text, [
        ("1", "مقابلة مع مسؤول في UNDP، أربيل، حزيران 2019."),
        ("2", "تقرير اليونسكو، «إحياء روح الموصل»، 2018."),
    ])


def arabic_post() -> dict:
    """A tweet in Arabic with emoji, hashtags and engagement counts."""
    text = ("الرقة حرة أخيراً 🕊️🇸🇾 لكن القلب مكسور على من رحلوا 💔\n"
            "#الرقة #سوريا @RaqqaSL")
    return {**BASE, "kind": "post", "author": "أبو محمد الرقاوي", "handle": "raqqawi_am",
            "platform": "twitter", "url": "https://twitter.com/raqqawi_am/status/9201",
            "language": "ar", "post_id": "9201", "reply_to_id": "9187",
            "likes": 1234, "reposts": 567, "replies": 89, "views": 45210,
            "hashtags": ["الرقة", "سوريا"], "mentions": ["RaqqaSL"],
            "published": "2017-10-17T11:03:00+00:00", "collections": ["Raqqa 2017"],
            "text": text, "length": len(text)}


@pytest.fixture
def reader(qtbot):
    """A shown Reader, about the size of the main window's reading pane."""
    return shown_reader(qtbot, 900, 700)


def screenshot(widget, name: str) -> None:
    """Save what the widget shows to tests/artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    assert widget.grab().save(str(ARTIFACTS / name))


def marker_point(reader: Reader, index: int) -> QPoint:
    """A viewport point in the middle of footnote ``index``'s marker."""
    note = reader.source()["footnotes"][index]
    m = OffsetMap(reader.source()["text"])
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(m.to_qt(note["offset"] + 1))
    return reader.view.cursorRect(cursor).center()


def blocks(reader: Reader):
    """Every block of the document, first to last."""
    block = reader.view.document().begin()
    while block.isValid():
        yield block
        block = block.next()


def test_empty_state_until_a_source_is_shown(reader):
    empty = reader.findChild(QLabel, "readerEmpty")
    assert empty.isVisible() and "Select a source" in empty.text()
    reader.show_source(english_article())
    assert not empty.isVisible()
    reader.show_source(None)
    assert empty.isVisible() and reader.selection_span() is None


@pytest.mark.parametrize("make", [english_article, arabic_article, arabic_post])
def test_document_text_is_the_source_text_exactly(reader, make):
    detail = make()
    reader.show_source(detail)
    assert reader.view.document().toPlainText() == detail["text"]


def test_positions_stay_aligned_with_nbsp_and_line_separators(reader):
    text = "a\u00a0b\u2028c 💔\nd"  # toPlainText() would show NBSP as a space
    reader.show_source({**BASE, "text": text})
    doc = reader.view.document()
    assert doc.toRawText().replace("\u2029", "\n") == text
    reader.select_span(5, 7)
    assert reader.selection_span() == (5, 7)


def test_paragraph_direction_follows_its_first_strong_character(reader):
    reader.show_source(english_article())
    directions = {b.text(): b.blockFormat().layoutDirection() for b in blocks(reader)}
    assert directions["الرقة مدينتنا، ونحن من سيعيد بناءها."] == RTL
    assert directions["One resident wrote simply:"] == LTR
    reader.show_source(arabic_article())
    paragraphs = [b for b in blocks(reader) if b.text()]
    assert [b.blockFormat().layoutDirection() for b in paragraphs] == [RTL, RTL, LTR]
    assert paragraphs[0].blockFormat().alignment() & Qt.AlignmentFlag.AlignRight
    assert paragraphs[2].blockFormat().alignment() & Qt.AlignmentFlag.AlignLeft


def test_first_strong_direction_skips_neutrals_and_marks():
    assert first_strong_direction("(2017) «الرقة»") == RTL
    assert first_strong_direction("\u064e123 NATO") == LTR
    assert first_strong_direction("123 — 💔") is None


def test_footnote_at_finds_the_marker_under_a_position(reader):
    detail = english_article()
    reader.show_source(detail)
    for i, note in enumerate(detail["footnotes"]):
        assert reader.footnote_at(note["offset"]) == i
        assert reader.footnote_at(note["end"] - 1) == i
        assert reader.footnote_at(note["end"]) is None
        assert reader.footnote_at(note["offset"] - 1) is None
    assert reader.footnote_at(0) is None


def test_markers_are_styled_without_changing_the_text(reader):
    detail = arabic_article()
    reader.show_source(detail)
    note = detail["footnotes"][0]
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(note["offset"] + 1)  # no astral characters before it
    assert cursor.charFormat().verticalAlignment() == cursor.charFormat().VerticalAlignment \
        .AlignSuperScript
    assert reader.view.document().toPlainText() == detail["text"]


def test_hovering_a_marker_shows_its_note_as_a_tooltip(reader):
    reader.show_source(english_article())
    point = marker_point(reader, 1)
    viewport = reader.view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    assert QToolTip.text() == "[2] " + english_article()["footnotes"][1]["text"]


def test_the_pointer_becomes_a_hand_over_a_marker(reader, qtbot):
    reader.show_source(english_article())
    viewport = reader.view.viewport()
    qtbot.mouseMove(viewport, marker_point(reader, 0))
    assert viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(viewport, QPoint(30, 20))
    assert viewport.cursor().shape() == Qt.CursorShape.IBeamCursor


def test_clicking_a_marker_selects_its_note(reader, qtbot):
    reader.show_source(arabic_article())
    with qtbot.waitSignal(reader.footnote_activated) as signal:
        qtbot.mouseClick(reader.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=marker_point(reader, 1))
    assert signal.args == [1]
    assert reader.notes.currentRow() == 1


def test_markers_after_emoji_are_found_under_the_mouse(reader, qtbot):
    text = "💔💔🇸🇾 قلب[1] مكسور 🕊️🕊️ text[2] end"
    reader.show_source(with_notes(BASE, text, [("1", "one"), ("2", "two")]))
    assert reader.footnote_at(text.index("[2]")) == 1
    with qtbot.waitSignal(reader.footnote_activated) as signal:
        qtbot.mouseClick(reader.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=marker_point(reader, 1))
    assert signal.args == [1]


def test_clicking_a_note_moves_the_cursor_to_its_marker(reader, qtbot):
    detail = english_article()
    reader.show_source(detail)
    item = reader.notes.item(2)
    assert item.text().startswith("[3] See also")
    qtbot.mouseClick(reader.notes.viewport(), Qt.MouseButton.LeftButton,
                     pos=reader.notes.visualItemRect(item).center())
    assert reader.cursor_position() == detail["footnotes"][2]["offset"]


def test_selection_round_trips_after_emoji(reader):
    detail = arabic_post()
    reader.show_source(detail)
    text = detail["text"]
    start = text.index("لكن")
    end = text.index("💔") + 1
    reader.select_span(start, end)
    assert reader.selection_span() == (start, end)
    assert reader.view.textCursor().selectedText() == text[start:end]
    reader.select_span(0, len(text))
    assert reader.selection_span() == (0, len(text))


def test_select_span_outside_the_text_is_refused(reader):
    reader.show_source(arabic_post())
    with pytest.raises(ValueError):
        reader.select_span(0, 10_000)


def test_scroll_to_brings_a_late_position_into_view(reader):
    text = "\n".join(f"Paragraph {i} of a long article." for i in range(400))
    reader.show_source({**BASE, "text": text})
    reader.scroll_to(text.index("Paragraph 350"))
    assert reader.view.verticalScrollBar().value() > 0


def test_published_is_shown_in_local_time_with_its_zone():
    plus3 = dt.timezone(dt.timedelta(hours=3))
    assert format_published("2017-10-15T11:03:00+00:00", plus3) == "15 Oct 2017 14:03 UTC+3"
    assert format_published("2017-10-15T11:03:00", dt.UTC) == "15 Oct 2017 11:03 UTC"
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert format_published("2017-10-15T23:00:00Z", india) == "16 Oct 2017 04:30 UTC+5:30"
    assert format_published("2017-10-15") == "15 Oct 2017"
    assert format_published(None) == ""


def test_header_shows_author_handle_and_date(reader, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Baghdad")
    time.tzset()
    try:
        reader.show_source(arabic_post())
        header = {n: reader.findChild(QLabel, n).text()
                  for n in ("readerTitle", "readerByline", "readerFacts", "readerPost")}
    finally:
        monkeypatch.undo()
        time.tzset()
    assert header["readerTitle"] == "أبو محمد الرقاوي"
    assert "@raqqawi_am" in header["readerByline"]
    assert "17 Oct 2017 14:03 UTC+3" in header["readerFacts"]
    assert "1,234 likes" in header["readerPost"] and "45,210 views" in header["readerPost"]
    assert "Reply to 9187" in header["readerPost"]
    assert reader.header.layoutDirection() == RTL


def test_header_is_left_to_right_for_an_english_title(reader):
    reader.show_source(english_article())
    assert reader.header.layoutDirection() == LTR
    assert "Karim Nassar" in reader.findChild(QLabel, "readerByline").text()
    assert "levantledger.example.org" in reader.findChild(QLabel, "readerUrl").text()


def test_a_long_article_shows_quickly(reader):
    paragraph = ("قالَ مسؤولٌ في برنامجِ (UNDP) إنَّ 🕊️ إعادةَ البناءِ ستستغرقُ سنوات.[n] "
                 "English follows here with more words to fill the line. ") * 3
    text = "\n\n".join(paragraph.replace("[n]", f"[{i}]") for i in range(700))[:200_000]
    notes = [(str(i), f"Note {i}.") for i in range(150)]
    detail = with_notes(BASE, text, notes)
    started = time.perf_counter()
    reader.show_source(detail)
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    print(f"200k characters shown in {elapsed:.3f} s")
    assert len(text) == 200_000
    assert elapsed < 1.0


def test_screenshot_english_article(reader):
    reader.show_source(english_article())
    screenshot(reader, "reader_english_article.png")


def test_screenshot_arabic_article(reader):
    reader.show_source(arabic_article())
    screenshot(reader, "reader_arabic_article.png")


def test_screenshot_post(reader):
    reader.show_source(arabic_post())
    screenshot(reader, "reader_post.png")


def test_a_footnote_tooltip_does_not_cover_the_line_read(reader, qtbot):
    """The note shows above the marker's line (issue 17), never over it or the next."""
    reader.show_source(english_article())
    bar = reader.view.verticalScrollBar()
    bar.setValue(bar.maximum())  # the marker's line well below the top of the screen
    point = marker_point(reader, 1)
    viewport = reader.view.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point,
                                                viewport.mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    tip = next(w for w in QApplication.topLevelWidgets()
               if w.inherits("QTipLabel") and w.isVisible())
    note = english_article()["footnotes"][1]
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(note["offset"])
    line = reader.view.cursorRect(cursor)
    line_top = viewport.mapToGlobal(line.topLeft()).y()
    if line_top - tip.height() >= tip.screen().availableGeometry().top():
        assert tip.geometry().bottom() < line_top
    else:  # no room above: below the line, still not over it
        assert tip.geometry().top() >= viewport.mapToGlobal(line.bottomLeft()).y()
