"""The Reader showing forum posts: quotes shown as quotes, whom they quote, links."""

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QToolTip
from sqlalchemy import select

from db.importing import import_paths
from db.models import Source
from db.queries.sources import detail
from desktop.views.reader import Reader
from tests.db.importers import forum_pages as fp
from tests.desktop.session_support import shown_reader

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WHEN = dt.datetime(2016, 7, 2, 9, 5, tzinfo=dt.UTC)


def _thread(arabic: bool) -> list[fp.Post]:
    if arabic:
        first = fp.Post(1, "أبو محمد", 71, WHEN, [
            "وصلت القافلة إلى المخيم بعد ثلاثة أيام على الطريق الشمالي.",
            "الحاجز عند الجسر ما زال مغلقاً، والناس ينتظرون منذ الفجر."], pid=2001)
        reply = fp.Post(2, "ناصر الدين", 72, WHEN + dt.timedelta(hours=2), [
            "رأيت الحاجز بنفسي اليوم: فُتح عند الظهر لساعة واحدة فقط.",
            "من يعرف متى يفتح غداً؟"], quote=first, pid=2002)
        return [first, reply]
    first = fp.Post(1, "Bob Okafor", 42, WHEN, [
        "The checkpoint at the bridge has been closed since Tuesday; people queue from dawn "
        "and are turned back at noon.", "Has anyone crossed further east?"], pid=1001)
    reply = fp.Post(2, "Dana Haddad", 44, WHEN + dt.timedelta(minutes=47), [
        "I crossed at the eastern ford on Thursday. It took four hours, and the soldiers "
        "there asked for papers from every man over sixteen.",
        "Take water, and do not go after dark."], quote=first, pid=1002)
    return [first, reply]


@pytest.fixture
def posts(proj, tmp_path):
    """The reply of an English XenForo thread and of an Arabic vBulletin one, as details."""
    pages = [(tmp_path / "xf.html", fp.xenforo(_thread(False))),
             (tmp_path / "vb.html", fp.vbulletin3_arabic(_thread(True)))]
    for path, html in pages:
        path.write_text(html, encoding="utf-8")
    with proj.sessions() as s:
        import_paths(s, [p for p, _ in pages])
        ids = s.scalars(select(Source.id).where(Source.post_id.in_(
            [f"{fp.HOST}:1002", f"{fp.HOST}:2002"])).order_by(Source.id)).all()
        quoted = s.scalars(select(Source.id).where(Source.post_id == f"{fp.HOST}:1001")).one()
        return [detail(s, i) for i in ids], quoted


@pytest.fixture
def reader(qtbot):
    return shown_reader(qtbot, 900, 620)


def _point(reader: Reader, pos: int) -> QPoint:
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(reader.offsets.to_qt(pos))
    return reader.view.cursorRect(cursor).center()


def test_a_quote_is_indented_tinted_and_named(reader, posts, qtbot):
    (post, _arabic), quoted_id = posts
    reader.show_source(post)
    (q,) = post["quotes"]
    assert q["source_id"] == quoted_id and q["author"] == "Bob Okafor"
    doc = reader.view.document()
    inside = doc.findBlock(reader.offsets.to_qt(q["start"]))
    outside = doc.findBlock(reader.offsets.to_qt(q["end"] + 2))
    assert inside.blockFormat().indent() == 1 and outside.blockFormat().indent() == 0
    assert inside.blockFormat().background().style() != outside.blockFormat().background().style()
    assert reader.view.toPlainText() == post["text"]  # the text itself is untouched
    QApplication.sendEvent(reader.view.viewport(), QHelpEvent(
        QEvent.Type.ToolTip, _point(reader, q["start"] + 3), QPoint(0, 0)))
    assert "Quoting Bob Okafor" in QToolTip.text()
    label = reader.header.findChild(QLabel, "readerQuotes")
    assert label.isVisible() and "Bob Okafor" in label.text()
    with qtbot.waitSignal(reader.quoted_post_activated) as got:
        label.linkActivated.emit(f"source:{quoted_id}")
    assert got.args == [quoted_id]
    assert "Post #2" in reader.header.findChild(QLabel, "readerPost").text()
    ARTIFACTS.mkdir(exist_ok=True)
    assert reader.grab().save(str(ARTIFACTS / "reader_forum_quote.png"))


def test_an_arabic_quote_is_indented_on_the_right(reader, posts):
    (_post, arabic), _ = posts
    reader.show_source(arabic)
    (q,) = arabic["quotes"]
    block = reader.view.document().findBlock(reader.offsets.to_qt(q["start"]))
    assert block.blockFormat().indent() == 1
    assert "رمضان 1437" in reader.header.findChild(QLabel, "readerPost").text()  # as shown
    assert reader.grab().save(str(ARTIFACTS / "reader_forum_quote_arabic.png"))
