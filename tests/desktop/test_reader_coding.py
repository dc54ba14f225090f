"""Coding in the Reader: highlights, the margin, every way to apply a code, undo, RTL."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QHelpEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QToolTip
from sqlalchemy import func, select

from db.models import Code, Coding, Excerpt, Footnote, Source
from db.ops import bind
from db.ops.coders import ensure_coder
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.queries import sources as source_queries
from desktop.session import ProjectSession
from desktop.views import reader_layers
from desktop.views.reader import Reader
from desktop.views.reader_menu import coding_menu
from desktop.views.reader_text import CODE_MIME, SPAN_MIME
from desktop.widgets import quick_code
from tests.desktop.session_support import shown_reader, write

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
RTL = Qt.LayoutDirection.RightToLeft

ENGLISH = (
    "When the last fighters left Raqqa in October 2017, the city's own residents were the "
    "first to describe what remained. Their accounts, posted on Facebook pages and Telegram "
    "channels, reached more readers than any official statement.[1]\n\n"
    "Counter-messaging campaigns run by governments were slower. A study of 40 campaigns "
    "found that most were seen by fewer than 10,000 people,[2] while a single video from a "
    "Raqqa neighbourhood was shared 85,000 times in a week.\n\n"
    "One resident wrote simply:\n"
    "الرقة مدينتنا، ونحن من سيعيد بناءها.\n\n"
    "Such voices, the author argues, should be amplified rather than replaced. The lesson "
    "is not new, but it is rarely applied 🕊️. Many residents said they felt abandoned and "
    "without hope after the battle."
)
ARABIC = (
    "قالَ مسؤولٌ في برنامجِ الأممِ المتحدةِ الإنمائيِّ (UNDP) إنَّ إعادةَ بناءِ المدينةِ "
    "القديمةِ في الموصلِ ستستغرقُ سنواتٍ طويلةً.\n\n"
    "وَيَقُولُ السُّكَّانُ إنَّ الجامعَ النوريَّ كانَ قلبَ المدينةِ، وإنَّ منارةَ الحدباءِ "
    "رمزٌ لا يمكنُ التخلّي عنه. وتقدّرُ اليونسكو الكلفةَ بأكثرَ من 100 مليون دولار.\n\n"
    "“We rebuild the stones, but the people must come back first,” said an engineer."
)
POST = ("الرقة حرة أخيراً 🕊️🇸🇾 لكن القلب مكسور على من رحلوا 💔\n"
        "Raqqa is free 🇸🇾 at last, say أهل الرقة in the city.")


def add_source(proj, text: str, **meta) -> int:
    """A source in the project (footnote markers "[n]" found in the text); its id."""
    with proj.session() as s:
        src = Source(kind=meta.pop("kind", "article"), text=text, length=len(text),
                     text_hash=str(hash(text)), **meta)
        for n in range(1, 4):
            if f"[{n}]" in text:
                at = text.index(f"[{n}]")
                src.footnotes.append(Footnote(label=str(n), text=f"Note {n}.", offset=at,
                                              end=at + 3))
        s.add(src)
        s.flush()
        return src.id


@pytest.fixture
def session(proj, qtbot):
    session = ProjectSession(proj)
    session.set_coder("Lina")
    yield session
    session.close()


@pytest.fixture
def reader(qtbot, session):
    return shown_reader(qtbot, 1000, 720, session)


def show(reader: Reader, session, source_id: int) -> str:
    """Show a source in the Reader; its text."""
    with session.read() as s:
        detail = source_queries.detail(s, source_id)
    reader.show_source(detail)
    return detail["text"]


def make_code(session, name: str, color: str = "", parent: int | None = None) -> int:
    return write(session, bind(create_code, name=name, color=color, parent_id=parent)).value


def code_directly(session, source_id, start, end, code_id=None, coder="Lina", color=""):
    """Code a span outside the undo stack (setting up a test), announcing the change."""
    coder_id = write(session, bind(ensure_coder, name=coder)).value
    result = write(session, bind(code_span, source_id=source_id, start=start, end=end,
                                  code_id=code_id, coder_id=coder_id, color=color))
    session.announce(result.changes)
    return result.value


def select_qt(reader: Reader, qstart: int, qend: int) -> str:
    """Select Qt positions as the mouse would; the selected text as Qt reports it."""
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(qstart)
    cursor.setPosition(qend, QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(cursor)
    return cursor.selectedText().replace("\u2029", "\n")


def select_text(reader: Reader, text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    """Select the ``nth`` occurrence of ``piece``; its code-point span."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    reader.select_span(start, start + len(piece))
    return start, start + len(piece)


def stored(session) -> list[tuple[int, int, list[str], str]]:
    """Every excerpt: start, end, code names, exact text."""
    with session.read() as s:
        rows = s.execute(select(Excerpt.id, Excerpt.start, Excerpt.end, Source.text)
                         .join(Source, Source.id == Excerpt.source_id)
                         .order_by(Excerpt.start)).all()
        names = {eid: sorted(s.scalars(select(Code.name).join(Coding, Coding.code_id == Code.id)
                                       .where(Coding.excerpt_id == eid)))
                 for eid, *_ in rows}
    return [(start, end, names[eid], text[start:end]) for eid, start, end, text in rows]


def screenshot(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    assert widget.grab().save(str(ARTIFACTS / name))


def bg(selection) -> QColor:
    return QTextCharFormat(selection.format).background().color()


# -- painting ---------------------------------------------------------------------------


def test_excerpts_are_painted_in_their_code_colours_without_changing_the_text(reader, proj,
                                                                               session):
    sid = add_source(proj, ENGLISH)
    despair = make_code(session, "Despair", "#e6194b")
    text = show(reader, session, sid)
    start = text.index("felt abandoned")
    code_directly(session, sid, start, start + len("felt abandoned"), despair)
    selections = reader.view.extraSelections()
    assert len(selections) == 1
    cursor = selections[0].cursor
    assert cursor.selectedText() == "felt abandoned"
    shade = bg(selections[0])
    assert shade.red() > shade.green() and shade.red() > shade.blue()  # a tint of red
    assert reader.view.document().toPlainText() == text
    [stripe] = reader.view.margin.stripes()
    assert stripe.label == "Despair" and stripe.color == QColor("#e6194b")


def test_overlaps_blend_and_underline_the_second_code(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    hope, voice = make_code(session, "Hope", "#4363d8"), make_code(session, "Voice", "#3cb44b")
    text = show(reader, session, sid)
    a = text.index("Such voices")
    code_directly(session, sid, a, a + 60, hope)
    code_directly(session, sid, a + 20, a + 90, voice)
    pieces = [(s.cursor.selectionStart(), s.cursor.selectionEnd(), QTextCharFormat(s.format))
              for s in reader.view.extraSelections()]
    assert [(p[0] - a, p[1] - a) for p in pieces] == [(0, 20), (20, 60), (60, 90)]
    assert pieces[0][2].underlineStyle() == pieces[0][2].UnderlineStyle.NoUnderline
    assert pieces[1][2].underlineStyle() == pieces[1][2].UnderlineStyle.SingleUnderline
    assert pieces[1][2].underlineColor().green() > pieces[1][2].underlineColor().blue()
    stripes = reader.view.margin.stripes()
    assert {s.label for s in stripes} == {"Hope", "Voice"}
    assert len({s.column for s in stripes}) == 2  # side by side, not on top of each other


def test_three_codes_on_one_passage_draw_a_wavy_underline():
    layers = reader_layers.layers_of([
        {"id": 1, "start": 0, "end": 10, "color": "", "coder": "x",
         "codes": [{"id": 1, "name": "a", "color": "#ff0000"},
                   {"id": 2, "name": "b", "color": "#00ff00"},
                   {"id": 3, "name": "c", "color": "#0000ff"}]}])
    [(start, end, cover)] = reader_layers.segments(layers)
    fmt = reader_layers.piece_format(tuple(x.color for x in cover), QColor("white"),
                                     QColor("black"))
    assert (start, end, len(cover)) == (0, 10, 3)
    assert fmt.underlineStyle() == fmt.UnderlineStyle.WaveUnderline


def test_highlights_keep_the_text_readable():
    for color in ("#000080", "#e6194b", "#ffe119", "#8dd3c7"):
        shade = reader_layers.blend([color], QColor("white"), QColor("black"))
        assert reader_layers.contrast(shade, QColor("black")) >= 7
        dark = reader_layers.blend([color], QColor("#202020"), QColor("#f0f0f0"))
        assert reader_layers.contrast(dark, QColor("#f0f0f0")) >= 7


def test_a_marker_without_a_code_shows_in_its_colour(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    text = show(reader, session, sid)
    select_text(reader, text, "Telegram channels")
    assert reader.coding.highlight("#9ccc65")
    [selection] = reader.view.extraSelections()
    shade = bg(selection)
    assert shade.green() > shade.red() and shade.green() > shade.blue()
    [stripe] = reader.view.margin.stripes()
    assert stripe.label == "Highlight" and stripe.code_id is None
    assert session.history.undo_text() == "Highlight"


# -- applying codes ---------------------------------------------------------------------


def test_applying_a_code_is_one_named_undo_step(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    despair = make_code(session, "Despair")
    text = show(reader, session, sid)
    select_text(reader, text, "felt abandoned and without hope")
    assert reader.coding.apply_code(despair)
    assert stored(session) == [(text.index("felt"), text.index("felt") + 31, ["Despair"],
                                "felt abandoned and without hope")]
    assert session.history.undo_text() == "Apply code 'Despair'"
    assert len(reader.excerpts()) == 1
    session.history.undo()
    assert stored(session) == [] and reader.excerpts() == []
    assert reader.view.extraSelections() == []
    session.history.redo()
    assert len(reader.excerpts()) == 1 and len(reader.view.extraSelections()) == 1


def test_a_refused_action_says_why_and_changes_nothing(reader, proj, session, qtbot):
    sid = add_source(proj, "Words   and more words.")
    code = make_code(session, "Despair")
    show(reader, session, sid)
    reader.select_span(5, 8)  # only spaces
    with qtbot.waitSignal(reader.message) as said:
        assert not reader.coding.apply_code(code)
    assert "space" in said.args[0].lower() or "blank" in said.args[0].lower()
    assert session.history.count() == 0 and stored(session) == []
    reader.view.moveCursor(QTextCursor.MoveOperation.Start)  # no selection at all
    with qtbot.waitSignal(reader.message) as said:
        assert not reader.coding.apply_code(code)
    assert "Select" in said.args[0]


@pytest.mark.parametrize("piece", [
    "وَيَقُولُ السُّكَّانُ",  # harakat and shadda
    "الجامعَ النوريَّ كانَ قلبَ",
    "(UNDP) إنَّ إعادةَ",  # an English acronym inside Arabic
    "“We rebuild the stones",
])
def test_arabic_with_harakat_is_coded_exactly_as_selected(reader, proj, session, piece):
    sid = add_source(proj, ARABIC)
    code = make_code(session, "Reconstruction")
    text = show(reader, session, sid)
    qstart = reader.offsets.to_qt(text.index(piece))
    selected = select_qt(reader, qstart, qstart + len(piece.encode("utf-16-le")) // 2)
    assert selected == piece
    assert reader.coding.apply_code(code)
    [(_s, _e, _codes, exact)] = stored(session)
    assert exact == selected


@pytest.mark.parametrize("piece,pairs_before", [
    ("لكن القلب مكسور", 3),  # after 🕊️ and 🇸🇾 (three surrogate pairs)
    ("💔", 3),  # an astral character itself
    ("🕊️🇸🇾", 0),  # a dove with its variation selector and a flag
    ("at last, say أهل الرقة in the city", 6),  # a mixed line after more emoji
    ("free 🇸🇾 at", 4),
])
def test_emoji_before_a_selection_do_not_shift_it(reader, proj, session, piece, pairs_before):
    sid = add_source(proj, POST, kind="post")
    code = make_code(session, "Sentiment")
    text = show(reader, session, sid)
    start = text.index(piece)
    qstart, qend = reader.offsets.to_qt_span(start, start + len(piece))
    assert qstart - start == pairs_before
    selected = select_qt(reader, qstart, qend)
    assert selected == piece
    assert reader.coding.apply_code(code)
    [(s, e, _codes, exact)] = stored(session)
    assert (s, e) == (start, start + len(piece)) and exact == piece
    [selection] = reader.view.extraSelections()  # painted back on exactly those units
    assert (selection.cursor.selectionStart(), selection.cursor.selectionEnd()) == (qstart,
                                                                                      qend)


def test_a_selection_ending_inside_a_surrogate_pair_keeps_the_whole_emoji(reader, proj,
                                                                          session):
    sid = add_source(proj, POST, kind="post")
    code = make_code(session, "Sentiment")
    text = show(reader, session, sid)
    start = text.index("مكسور")
    qstart = reader.offsets.to_qt(start)
    qend = reader.offsets.to_qt(text.index("💔")) + 1  # half of the heart
    select_qt(reader, qstart, qend)
    assert reader.coding.apply_code(code)
    assert stored(session)[0][3] == "مكسور على من رحلوا 💔"


def test_new_code_from_selection_creates_and_applies_in_one_step(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    text = show(reader, session, sid)
    select_text(reader, text, " felt abandoned ")  # the spaces are trimmed from the name
    code_id = reader.coding.new_code_from_selection()
    assert code_id is not None
    assert session.history.count() == 1
    assert session.history.undo_text() == "New code 'felt abandoned' from selection"
    assert [c["name"] for c in reader.coding.codes()] == ["felt abandoned"]
    assert stored(session)[0][2] == ["felt abandoned"]
    session.history.undo()
    assert reader.coding.codes() == [] and stored(session) == []
    session.history.redo()
    assert [c["name"] for c in reader.coding.codes()] == ["felt abandoned"]
    assert stored(session)[0][2] == ["felt abandoned"]


def test_in_vivo_refuses_a_name_that_is_taken(reader, proj, session, qtbot):
    sid = add_source(proj, ENGLISH)
    make_code(session, "felt abandoned")
    text = show(reader, session, sid)
    select_text(reader, text, "felt abandoned")
    with qtbot.waitSignal(reader.message):
        assert reader.coding.new_code_from_selection() is None
    assert session.history.count() == 0 and stored(session) == []


def test_quick_code_palette_is_keyboard_only(reader, proj, session, qtbot):
    sid = add_source(proj, ENGLISH)
    emotions = make_code(session, "Emotions")
    make_code(session, "Despair", parent=emotions)
    make_code(session, "Hope", parent=emotions)
    make_code(session, "Counter-messaging")
    text = show(reader, session, sid)
    select_text(reader, text, "without hope")
    reader.view.setFocus()
    qtbot.keyClick(reader.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = reader.coding.palette
    assert palette is not None and palette.isVisible()
    qtbot.keyClicks(palette.filter, "emohop")  # letters in order: Emotions/Hope
    assert palette.list.currentItem().text() == "Emotions/Hope"
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert stored(session)[0][2:] == (["Hope"], "without hope")
    assert session.history.undo_text() == "Apply code 'Hope'"


def test_quick_code_ranking_prefers_names_then_paths_then_letters():
    codes = [{"id": 1, "name": "Counter-messaging", "path": "Counter-messaging"},
             {"id": 2, "name": "Despair", "path": "Emotions/Despair"},
             {"id": 3, "name": "Messages", "path": "Media/Messages"},
             {"id": 4, "name": "Emotions", "path": "Emotions"}]
    assert [c["id"] for c in quick_code.ranked("mess", codes)] == [3, 1]
    assert [c["id"] for c in quick_code.ranked("emo", codes)] == [4, 2]
    assert [c["id"] for c in quick_code.ranked("edsp", codes)] == [2]
    assert quick_code.ranked("zzz", codes) == []


def test_number_keys_apply_favourite_codes(reader, proj, session, qtbot):
    sid = add_source(proj, ENGLISH)
    despair, hope = make_code(session, "Despair"), make_code(session, "Hope")
    reader.coding.set_favourite(hope, True)
    reader.coding.set_favourite(despair, True)
    assert reader.coding.favourites() == {1: hope, 2: despair}
    text = show(reader, session, sid)
    select_text(reader, text, "felt abandoned")
    reader.view.setFocus()
    qtbot.keyClick(reader.view, Qt.Key.Key_2)
    assert stored(session)[0][2] == ["Despair"]
    with qtbot.waitSignal(reader.message) as said:
        select_text(reader, text, "without hope")
        qtbot.keyClick(reader.view, Qt.Key.Key_7)
    assert "key 7" in said.args[0]


def test_favourites_belong_to_the_project(reader, proj, session):
    make_code(session, "Despair")
    reader.coding.set_favourite(1, True)
    assert quick_code.favourite_codes(session.project.uuid) == [1]
    assert quick_code.favourite_codes("another-project") == []
    reader.coding.set_favourite(1, False)
    assert reader.coding.favourites() == {}


# -- drag and drop ------------------------------------------------------------------------


def drag_and_drop(reader: Reader, mime: QMimeData, point: QPoint) -> tuple[bool, bool]:
    """Drag ``mime`` over the text and drop it at ``point``, as Qt delivers a drag:
    whether the drag was accepted on entering, and whether the drop was."""
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    viewport = reader.view.viewport()
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    dropped = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(viewport, dropped)
    return enter.isAccepted(), dropped.isAccepted()


def drop(reader: Reader, code_id: int, point: QPoint) -> bool:
    """Drop a code from the codebook at ``point``; whether the drop was accepted."""
    mime = QMimeData()
    mime.setData(CODE_MIME, str(code_id).encode("ascii"))
    return all(drag_and_drop(reader, mime, point))


def test_dropping_a_code_codes_the_selection(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    despair = make_code(session, "Despair")
    text = show(reader, session, sid)
    select_text(reader, text, "without hope")
    assert drop(reader, despair, QPoint(40, 40))
    assert stored(session)[0][2:] == (["Despair"], "without hope")
    assert session.history.undo_text() == "Apply code 'Despair'"


def test_dropping_a_code_on_an_excerpt_adds_it_there(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    despair, hope = make_code(session, "Despair"), make_code(session, "Hope")
    text = show(reader, session, sid)
    start = text.index("posted on Facebook")
    code_directly(session, sid, start, start + 18, despair)
    reader.view.moveCursor(QTextCursor.MoveOperation.End)  # no selection
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(reader.offsets.to_qt(start + 5))
    drop(reader, hope, reader.view.cursorRect(cursor).center() + QPoint(2, 0))
    assert stored(session)[0][2] == ["Despair", "Hope"]


def test_other_drops_are_refused(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    text = show(reader, session, sid)
    mime = QMimeData()
    mime.setText("pasted words")
    assert drag_and_drop(reader, mime, QPoint(20, 20)) == (False, False)
    assert reader.view.document().toPlainText() == text


def test_dragging_the_selection_out_carries_its_span(reader, proj, session):
    sid = add_source(proj, POST, kind="post")
    text = show(reader, session, sid)
    start, end = select_text(reader, text, "أهل الرقة")
    mime = reader.view.createMimeDataFromSelection()
    assert bytes(mime.data(SPAN_MIME).data()) == f"{sid},{start},{end}".encode("ascii")
    assert mime.text() == "أهل الرقة"


# -- the context menu -----------------------------------------------------------------------


def menu_actions(menu) -> dict[str, object]:
    """Every action of a menu and its submenus, by text (without the key column)."""
    found = {}
    for action in menu.actions():
        found[action.text().split("\t")[0]] = action
        if action.menu() is not None:
            found.update({f"{action.text()} ▸ {k}": v
                          for k, v in menu_actions(action.menu()).items()})
    return found


def point_of(reader: Reader, pos: int) -> QPoint:
    cursor = QTextCursor(reader.view.document())
    cursor.setPosition(reader.offsets.to_qt(pos))
    return reader.view.cursorRect(cursor).center() + QPoint(3, 0)


def test_context_menu_applies_codes_from_the_tree(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    emotions = make_code(session, "Emotions")
    make_code(session, "Despair", parent=emotions)
    text = show(reader, session, sid)
    start, _ = select_text(reader, text, "felt abandoned")
    menu = coding_menu(reader.coding, point_of(reader, start + 2))
    actions = menu_actions(menu)
    assert "Copy" in " ".join(actions) or "&Copy" in " ".join(actions)
    assert actions["New code from selection (in vivo)"].isEnabled()
    actions["Apply code ▸ Emotions ▸ Despair"].trigger()
    assert stored(session)[0][2] == ["Despair"]
    menu = coding_menu(reader.coding, point_of(reader, start + 2))
    assert "Apply code ▸ Emotions/Despair" in menu_actions(menu)  # now among the recent


def test_context_menu_removes_codes_resizes_and_deletes_excerpts(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    despair, hope = make_code(session, "Despair"), make_code(session, "Hope")
    text = show(reader, session, sid)
    start = text.index("felt abandoned")
    eid = code_directly(session, sid, start, start + 14, despair)
    code_directly(session, sid, start, start + 14, hope)
    reader.view.moveCursor(QTextCursor.MoveOperation.End)
    actions = menu_actions(coding_menu(reader.coding, point_of(reader, start + 3)))
    assert not actions["Resize excerpt to selection"].isEnabled()
    actions["Remove code ▸ Hope"].trigger()
    assert stored(session)[0][2] == ["Despair"]
    assert session.history.undo_text() == "Remove code 'Hope'"
    select_text(reader, text, "felt abandoned and without hope")
    actions = menu_actions(coding_menu(reader.coding, point_of(reader, start + 3)))
    actions["Resize excerpt to selection"].trigger()
    assert stored(session)[0][3] == "felt abandoned and without hope"
    assert reader.coding.excerpt(eid)["end"] == start + 31
    actions = menu_actions(coding_menu(reader.coding, point_of(reader, start + 3)))
    actions["Delete excerpt"].trigger()
    assert stored(session) == [] and reader.excerpts() == []
    assert session.history.undo_text() == "Delete excerpt"
    session.history.undo()
    assert stored(session)[0][2] == ["Despair"]


def test_a_resize_over_someone_elses_is_refused_and_theirs_shown(reader, proj, session,
                                                                  qtbot):
    from db import project
    from db.ops.coding import resize_excerpt

    sid = add_source(proj, ENGLISH)
    despair = make_code(session, "Despair")
    text = show(reader, session, sid)
    start = text.index("felt abandoned")
    eid = code_directly(session, sid, start, start + 14, despair)
    with project.open(proj.path) as other, other.session() as s:  # a teammate, elsewhere
        resize_excerpt(s, excerpt_id=eid, start=start, end=start + 4)
        s.commit()
    select_text(reader, text, "felt abandoned and without hope")
    with qtbot.waitSignal(reader.message) as said:
        reader.coding.resize_excerpt(eid)
    assert "changed" in said.args[0], said.args
    assert stored(session)[0][3] == "felt"  # theirs, not overwritten
    qtbot.waitUntil(lambda: reader.coding.excerpt(eid)["end"] == start + 4)
    assert session.history.count() == 0


def test_context_menu_marks_favourites(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    hope = make_code(session, "Hope")
    show(reader, session, sid)
    actions = menu_actions(coding_menu(reader.coding, QPoint(30, 30)))
    favourite = actions["Favourite codes (keys 1–9) ▸ Hope"]
    favourite.setChecked(True)
    assert reader.coding.favourites() == {1: hope}


# -- the margin -------------------------------------------------------------------------------


def test_margin_stripes_align_with_their_lines(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    despair = make_code(session, "Despair")
    text = show(reader, session, sid)
    start = text.index("Counter-messaging campaigns")
    end = text.index("in a week.") + 10
    code_directly(session, sid, start, end, despair)
    QApplication.processEvents()
    [(stripe, bar)] = reader.view.margin.visible_stripes()
    view = reader.view
    first = view.cursorRect(QTextCursor(view.document().findBlock(reader.offsets.to_qt(start))))
    last_cursor = QTextCursor(view.document())
    last_cursor.setPosition(reader.offsets.to_qt(end) - 1)
    last = view.cursorRect(last_cursor)
    shift = view.viewport().geometry().top() - view.margin.geometry().top()
    top, bottom = first.top() + shift, last.bottom() + shift
    assert abs(bar.top() - top) <= 3 and abs(bar.bottom() - bottom) <= 6
    assert bar.height() > 2 * first.height()  # a paragraph of several lines


def test_margin_hover_and_click(reader, proj, session, qtbot):
    sid = add_source(proj, ENGLISH)
    despair = make_code(session, "Despair")
    text = show(reader, session, sid)
    start = text.index("felt abandoned")
    eid = code_directly(session, sid, start, start + 14, despair)
    margin = reader.view.margin
    [(_stripe, bar)] = margin.visible_stripes()
    point = bar.center()
    QApplication.sendEvent(margin, QHelpEvent(QEvent.Type.ToolTip, point,
                                              margin.mapToGlobal(point)))
    assert "Code: Despair" in QToolTip.text() and "Coder: Lina" in QToolTip.text()
    assert "felt abandoned" in QToolTip.text()
    with qtbot.waitSignal(reader.excerpt_activated) as activated:
        qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=point)
    assert activated.args == [eid]
    assert reader.selection_span() == (start, start + 14)


def test_margin_paints_only_visible_stripes_and_follows_scrolling(reader, proj, session):
    text = "\n\n".join(f"Paragraph {i} tells of the city and its people." for i in range(300))
    sid = add_source(proj, text)
    code = make_code(session, "City")
    show(reader, session, sid)
    for i in range(0, 300, 3):
        at = text.index(f"Paragraph {i} ")
        code_directly(session, sid, at, at + 20, code)
    margin = reader.view.margin
    visible = margin.visible_stripes()
    assert 0 < len(visible) < 40
    reader.scroll_to(text.index("Paragraph 250 "))
    QApplication.processEvents()
    later = margin.visible_stripes()
    assert later and later[0][0].qstart > visible[-1][0].qstart


def test_a_long_text_is_painted_near_the_screen_only(reader, proj, session):
    text = "\n\n".join(f"Paragraph {i} tells of the city and its people." for i in range(600))
    sid = add_source(proj, text)
    code = make_code(session, "City")
    show(reader, session, sid)
    for i in range(0, 600, 2):
        at = text.index(f"Paragraph {i} ")
        code_directly(session, sid, at, at + 20, code)
    painted = reader.view.extraSelections()
    assert 0 < len(painted) < len(reader.coding.highlighter.pieces()) == 300
    reader.scroll_to(text.index("Paragraph 598 "))
    QApplication.processEvents()
    painted = reader.view.extraSelections()
    assert painted[-1].cursor.selectedText() == "Paragraph 598 tells "


def test_stripes_share_a_column_when_their_lines_do_not_meet(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    code = make_code(session, "Despair")
    text = show(reader, session, sid)
    a, b = text.index("When the last"), text.index("any official statement")
    code_directly(session, sid, a, a + 13, code)  # first line of the paragraph
    code_directly(session, sid, b, b + 22, code)  # its last line
    assert [s.column for s in reader.view.margin.stripes()] == [0, 0]


def test_in_a_long_text_stripes_share_a_column_across_paragraphs(reader, proj, session):
    paragraph = "Residents described the battle and its long aftermath in many posts. " * 6
    text = "\n\n".join([paragraph] * 60)
    assert len(text) > 20_000
    sid = add_source(proj, text)
    code = make_code(session, "Despair")
    show(reader, session, sid)
    second = len(paragraph) + 2
    code_directly(session, sid, 0, 9, code)
    code_directly(session, sid, 300, 309, code)  # same paragraph, lines apart
    code_directly(session, sid, second, second + 9, code)  # the next paragraph
    assert [s.column for s in reader.view.margin.stripes()] == [0, 1, 0]


def test_margin_is_on_the_right_of_an_arabic_text(reader, proj, session):
    sid = add_source(proj, ARABIC)
    show(reader, session, sid)
    margin = reader.view.margin
    assert margin.side() == RTL
    assert margin.geometry().left() > reader.view.viewport().geometry().right()


def test_a_repaint_keeps_the_scroll_position(reader, proj, session):
    text = "\n\n".join(f"Paragraph {i} tells of the city." for i in range(300))
    sid = add_source(proj, text)
    code = make_code(session, "City")
    show(reader, session, sid)
    at = text.index("Paragraph 200 ")
    reader.select_span(at, at + 13)
    bar = reader.view.verticalScrollBar()
    before = bar.value()
    assert before > 0
    assert reader.coding.apply_code(code)
    assert bar.value() == before


# -- coders and switching sources -----------------------------------------------------------


def test_show_one_coders_work_or_everyones(reader, proj, session, qtbot):
    sid = add_source(proj, ENGLISH)
    code = make_code(session, "Despair")
    text = show(reader, session, sid)
    a, b = text.index("felt abandoned"), text.index("Telegram")
    code_directly(session, sid, a, a + 14, code, coder="Lina")
    code_directly(session, sid, b, b + 8, code, coder="Omar")
    assert len(reader.excerpts()) == 2
    combo = reader.coder_filter.combo
    assert reader.coder_filter.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())][0] == "Everyone"
    omar = combo.findText("Omar")
    combo.setCurrentIndex(omar)
    combo.activated.emit(omar)
    assert [ex["coder"] for ex in reader.excerpts()] == ["Omar"]
    assert len(reader.view.extraSelections()) == 1
    session.show_coders(None)
    assert len(reader.excerpts()) == 2 and combo.currentText() == "Everyone"


def test_undo_survives_switching_sources(reader, proj, session):
    first, second = add_source(proj, ENGLISH), add_source(proj, ARABIC)
    code = make_code(session, "Despair")
    text = show(reader, session, first)
    select_text(reader, text, "felt abandoned")
    assert reader.coding.apply_code(code)
    show(reader, session, second)
    assert reader.excerpts() == []
    session.history.undo()
    assert stored(session) == []
    show(reader, session, first)
    assert reader.excerpts() == []
    session.history.redo()
    assert len(reader.excerpts()) == 1


def test_without_a_session_the_reader_only_reads(qtbot):
    widget = Reader()
    qtbot.addWidget(widget)
    widget.show_source({"id": 1, "text": "Plain text.", "title": "T", "footnotes": []})
    assert not widget.view.margin.isVisible()
    assert all(not a.isEnabled() for a in widget.coding_actions())


# -- screenshots ------------------------------------------------------------------------------


def test_screenshot_english_article_with_overlapping_codes(reader, proj, session):
    sid = add_source(proj, ENGLISH, title="Who Speaks for the City? Counter-Messaging after "
                     "Raqqa and Mosul", author="Karim Nassar", language="en")
    local = make_code(session, "Local voices")
    reach = make_code(session, "Reach")
    counter = make_code(session, "Counter-messaging")
    emotions = make_code(session, "Emotions")
    despair = make_code(session, "Despair", parent=emotions)
    text = show(reader, session, sid)

    def span(piece: str, until: str | None = None) -> tuple[int, int]:
        start = text.index(piece)
        return start, (text.index(until) + len(until)) if until else start + len(piece)

    code_directly(session, sid, *span("the city's own residents", "what remained."), local)
    code_directly(session, sid, *span("Their accounts", "official statement."), reach)
    code_directly(session, sid, *span("posted on Facebook", "Telegram channels"), local)
    code_directly(session, sid, *span("Counter-messaging campaigns", "were slower."), counter)
    code_directly(session, sid, *span("A study of 40", "in a week."), reach)
    code_directly(session, sid, *span("A study of 40", "10,000 people"), counter)
    code_directly(session, sid, *span("الرقة مدينتنا، ونحن من سيعيد بناءها."), local)
    code_directly(session, sid, *span("Such voices", "rather than replaced."), local)
    code_directly(session, sid, *span("felt abandoned", "after the battle."), despair)
    code_directly(session, sid, *span("rarely applied"), color="#f48fb1")
    assert len(reader.view.margin.stripes()) == 10
    screenshot(reader, "reader_coding_english.png")


def test_screenshot_arabic_article_with_codes(reader, proj, session):
    sid = add_source(proj, ARABIC, title="إعادةُ إعمارِ الموصل: المدينةُ القديمةُ بعد عامين",
                     author="سارة الجبوري", language="ar")
    rebuild = make_code(session, "إعادة الإعمار")
    heritage = make_code(session, "Heritage")
    cost = make_code(session, "الكلفة")
    text = show(reader, session, sid)

    def span(piece: str, until: str | None = None) -> tuple[int, int]:
        start = text.index(piece)
        return start, (text.index(until) + len(until)) if until else start + len(piece)

    code_directly(session, sid, *span("إنَّ إعادةَ", "سنواتٍ طويلةً."), rebuild)
    code_directly(session, sid, *span("الجامعَ النوريَّ", "التخلّي عنه."), heritage)
    code_directly(session, sid, *span("منارةَ الحدباءِ", "رمزٌ"), rebuild)
    code_directly(session, sid, *span("وتقدّرُ اليونسكو", "مليون دولار."), cost)
    code_directly(session, sid, *span("“We rebuild the stones", "come back first,”"), rebuild)
    code_directly(session, sid, *span("the people must come back first"), heritage,
                  coder="Omar")
    assert len(reader.view.margin.stripes()) == 6
    screenshot(reader, "reader_coding_arabic.png")


def test_excerpt_count_matches_the_database(reader, proj, session):
    sid = add_source(proj, ENGLISH)
    code = make_code(session, "Despair")
    text = show(reader, session, sid)
    select_text(reader, text, "felt abandoned")
    reader.coding.apply_code(code)
    with session.read() as s:
        assert s.scalar(select(func.count(Excerpt.id))) == len(reader.excerpts()) == 1
