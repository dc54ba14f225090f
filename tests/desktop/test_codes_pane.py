"""The Codes pane: the codebook tree, every codebook action and its undo, drag and drop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
)

from db.descriptions import format_description, parse_description
from db.ops import bind
from db.ops.codes import create_code
from desktop.dialogs import codebook
from desktop.dialogs.codebook import delete_message
from desktop.models.codes import (
    CODE_MIME,
    EXCERPTS,
    FAVOURITE_ROLE,
    NAME,
    PATH_ROLE,
    SOURCES,
    code_mime,
    span_mime,
)
from desktop.views.codes import CodesPane
from tests.desktop.codebook_support import (
    ARTIFACTS,
    ENGLISH,
    add_sources,
    code,
    code_samples,
    make_codebook,
    span_of,
)
from tests.desktop.session_support import write

Move = Qt.DropAction.MoveAction


@pytest.fixture
def sources(proj):
    return add_sources(proj)


@pytest.fixture
def codes(session):
    return make_codebook(session)


@pytest.fixture
def pane(session, codes, qtbot):
    widget = CodesPane()
    qtbot.addWidget(widget)
    widget.resize(420, 640)
    widget.set_session(session)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def messages(monkeypatch):
    """Every warning the pane shows, instead of a modal box."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


def names(pane, parent_id=None) -> list[str]:
    """The names of a code's children (the top level for None), as the tree shows them."""
    return [r["name"] for r in pane.model.rows() if r["parent_id"] == parent_id]


def row(pane, code_id):
    return pane.model.row(code_id)


def cell(pane, code_id, column):
    return pane.model.index_of(code_id, column).data()


def settle(qtbot):
    """Let queued slots run (the pane acts after an edit or a drag is over)."""
    qtbot.wait(1)


def edit_name(pane, qtbot, text: str) -> None:
    """Type ``text`` into the open in-place editor and press Enter."""
    editor = pane.tree.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible(), "no editor open"
    editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    settle(qtbot)


def key(pane, qtbot, k, mods=Qt.KeyboardModifier.NoModifier):
    pane.tree.setFocus()
    qtbot.keyClick(pane.tree, k, mods)
    settle(qtbot)


Ctrl = Qt.KeyboardModifier.ControlModifier


# -- the tree ------------------------------------------------------------------------------


def test_tree_has_three_levels_with_ids_swatches_and_paths(pane, codes):
    model = pane.model
    assert [model.index(r, NAME).data() for r in range(model.rowCount())] == \
        ["Emotions", "Actors", "Places", "Themes"]
    emotions = model.index_of(codes["Emotions"])
    assert emotions.data(Qt.ItemDataRole.UserRole) == codes["Emotions"]
    assert model.rowCount(emotions) == 4
    water = model.index_of(codes["Water"])
    assert water.data(PATH_ROLE) == "Themes/Infrastructure/Water"
    assert water.data(Qt.ItemDataRole.DecorationRole) is not None  # the colour swatch
    assert model.index_of(codes["Water"], EXCERPTS).data(Qt.ItemDataRole.UserRole) == \
        codes["Water"]
    assert pane.tree.isExpanded(pane.proxy.mapFromSource(water.parent()))
    assert model.headerData(EXCERPTS, Qt.Orientation.Horizontal) == "Excerpts"


def test_counts_update_live_after_coding_and_undo(pane, session, sources, codes, qtbot):
    assert cell(pane, codes["Water"], EXCERPTS) == "0", "an unused code counts 0, not a blank"
    code_samples(session, sources, codes)
    session.announce(_changes("codings"))
    assert cell(pane, codes["Water"], EXCERPTS) == "2"
    assert cell(pane, codes["Water"], SOURCES) == "2"
    assert cell(pane, codes["Hope"], EXCERPTS) == "2"
    builds = pane.model.builds
    start, end = span_of(ENGLISH, "Families returned")
    pane.model.dropMimeData(span_mime(sources["english"], start, end), Move, -1, 0,
                            pane.model.index_of(codes["Despair"]))
    settle(qtbot)
    assert cell(pane, codes["Despair"], EXCERPTS) == "2"
    assert pane.model.builds == builds, "a count change must not rebuild the tree"
    session.history.undo()
    assert cell(pane, codes["Despair"], EXCERPTS) == "1"


def test_counts_follow_the_coder_filter(pane, session, sources, codes):
    code(session, sources["english"], ENGLISH, "Many feel hopeless", codes["Despair"])
    other = write(session, lambda s: __import__("db.ops.coders", fromlist=["x"])
                            .ensure_coder(s, name="Omar")).value
    code(session, sources["english"], ENGLISH, "There is no water", codes["Despair"], other)
    session.announce(_changes("codings"))
    assert cell(pane, codes["Despair"], EXCERPTS) == "2"
    session.show_coders({other})
    assert cell(pane, codes["Despair"], EXCERPTS) == "1"
    session.show_coders(None)
    assert cell(pane, codes["Despair"], EXCERPTS) == "2"


def test_filter_box_keeps_matches_and_their_parents(pane, codes):
    pane.filter_edit.setText("الكهر")
    proxy = pane.proxy
    assert proxy.rowCount() == 1
    themes = proxy.index(0, NAME)
    assert themes.data() == "Themes"
    infra = proxy.index(0, NAME, themes)
    assert infra.data() == "Infrastructure" and proxy.rowCount(infra) == 1
    assert proxy.index(0, NAME, infra).data() == "الكهرباء"
    pane.filter_edit.setText("hope")
    assert proxy.rowCount() == 1 and proxy.index(0, NAME).data() == "Emotions"
    pane.filter_edit.clear()
    assert proxy.rowCount() == 4


def test_down_in_the_filter_box_goes_to_the_first_match(pane, codes, qtbot):
    pane.filter_edit.setFocus()
    qtbot.keyClicks(pane.filter_edit, "wat")
    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Down)
    assert pane.current_code_id() == codes["Water"]


def test_double_click_and_enter_activate_a_code(pane, codes, qtbot):
    pane.select_code(codes["Mosul"])
    assert pane.current_code_id() == codes["Mosul"]
    with qtbot.waitSignal(pane.code_activated) as got:
        pane.tree.doubleClicked.emit(pane.tree.currentIndex())
    assert got.args == [codes["Mosul"]]
    with qtbot.waitSignal(pane.code_activated) as got:
        key(pane, qtbot, Qt.Key.Key_Return)
    assert got.args == [codes["Mosul"]]


# -- creating and renaming -------------------------------------------------------------------


def test_insert_creates_a_sibling_named_in_place_as_one_undo_step(pane, session, codes, qtbot):
    pane.select_code(codes["Despair"])
    key(pane, qtbot, Qt.Key.Key_Insert)
    edit_name(pane, qtbot, "Grief")
    assert names(pane, codes["Emotions"])[-1] == "Grief"
    new_id = pane.current_code_id()
    assert row(pane, new_id)["name"] == "Grief"
    assert session.history.count() == 1
    assert session.history.undo_text() == "New code 'Grief'"
    session.history.undo()
    assert "Grief" not in names(pane, codes["Emotions"])
    session.history.redo()
    assert row(pane, new_id)["name"] == "Grief"
    assert not pane.model.pending_index().isValid()


def test_shift_insert_creates_a_sub_code_and_ctrl_n_stays_the_windows(session, codes, qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    new_project = QAction("New Project", window)
    new_project.setShortcut("Ctrl+N")
    window.addAction(new_project)
    fired = []
    new_project.triggered.connect(lambda: fired.append(True))
    pane = CodesPane(window)
    window.setCentralWidget(pane)
    pane.set_session(session)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts go to the active window; earlier tests' may linger
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    pane.select_code(codes["Water"])
    key(pane, qtbot, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)
    edit_name(pane, qtbot, "Wells")
    assert names(pane, codes["Water"]) == ["Wells"]
    pane.select_code(codes["Mosul"])
    key(pane, qtbot, Qt.Key.Key_N, Ctrl)
    settle(qtbot)
    assert not pane.model.pending_index().isValid(), "Ctrl+N is New Project, not New Code"
    assert fired == [True]


def test_giving_up_a_new_code_leaves_nothing(pane, session, codes, qtbot):
    key(pane, qtbot, Qt.Key.Key_Insert)
    assert pane.model.pending_index().isValid()
    editor = pane.tree.viewport().findChild(QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    settle(qtbot)
    assert not pane.model.pending_index().isValid()
    assert session.history.count() == 0


def test_a_taken_name_is_refused_with_the_cores_message(pane, session, codes, qtbot, messages):
    pane.select_code(codes["Hope"])
    key(pane, qtbot, Qt.Key.Key_Insert)
    edit_name(pane, qtbot, "despair")
    assert messages and "already a code named 'Despair'" in messages[0]
    assert messages[0][0].isupper() and messages[0].endswith(".")
    assert names(pane, codes["Emotions"]) == ["Despair", "Hope", "خوف", "غضب"]
    assert session.history.count() == 0


def test_f2_renames_in_place_and_undo_restores(pane, session, codes, qtbot):
    pane.select_code(codes["Despair"])
    key(pane, qtbot, Qt.Key.Key_F2)
    edit_name(pane, qtbot, "يأس")
    assert row(pane, codes["Despair"])["name"] == "يأس"
    assert pane.current_code_id() == codes["Despair"]
    session.history.undo()
    assert row(pane, codes["Despair"])["name"] == "Despair"


def test_an_empty_rename_is_refused(pane, session, codes, qtbot, messages):
    pane.select_code(codes["Despair"])
    key(pane, qtbot, Qt.Key.Key_F2)
    edit_name(pane, qtbot, "   ")
    assert messages == ["A code needs a name."]
    assert row(pane, codes["Despair"])["name"] == "Despair"
    assert session.history.count() == 0


def test_a_rename_over_someone_elses_is_refused_and_theirs_shown(pane, session, codes, qtbot,
                                                                  messages):
    """Another window or teammate renamed the code after the pane showed it: the pane's
    rename is refused with who changed it, and the pane shows their name (db.conflicts)."""
    from db import project
    from db.ops.codes import rename_code

    pane.select_code(codes["Despair"])
    with project.open(session.project.path) as other, other.session() as s:  # another process
        rename_code(s, code_id=codes["Despair"], name="Hopelessness")
        s.commit()
    assert row(pane, codes["Despair"])["name"] == "Despair"  # not seen yet
    key(pane, qtbot, Qt.Key.Key_F2)
    edit_name(pane, qtbot, "يأس")
    assert len(messages) == 1 and "changed" in messages[0], messages
    qtbot.waitUntil(lambda: row(pane, codes["Despair"])["name"] == "Hopelessness")
    assert session.history.count() == 0
    pane.select_code(codes["Despair"])
    key(pane, qtbot, Qt.Key.Key_F2)  # on the fresh state the rename goes through
    edit_name(pane, qtbot, "يأس")
    assert row(pane, codes["Despair"])["name"] == "يأس" and len(messages) == 1


# -- moving ----------------------------------------------------------------------------------


def test_ctrl_arrows_reorder_indent_and_outdent_each_undoable(pane, session, codes, qtbot):
    emotions = codes["Emotions"]
    pane.select_code(codes["Hope"])
    key(pane, qtbot, Qt.Key.Key_Up, Ctrl)
    assert names(pane, emotions) == ["Hope", "Despair", "خوف", "غضب"]
    key(pane, qtbot, Qt.Key.Key_Down, Ctrl)
    key(pane, qtbot, Qt.Key.Key_Down, Ctrl)
    assert names(pane, emotions) == ["Despair", "خوف", "Hope", "غضب"]
    key(pane, qtbot, Qt.Key.Key_Right, Ctrl)  # under the code above it
    assert names(pane, codes["خوف"]) == ["Hope"]
    assert row(pane, codes["Resilience"])["path"] == "Emotions/خوف/Hope/Resilience"
    key(pane, qtbot, Qt.Key.Key_Left, Ctrl)  # back out, just after its old parent
    key(pane, qtbot, Qt.Key.Key_Left, Ctrl)  # to the top level, after Emotions
    assert names(pane) == ["Emotions", "Hope", "Actors", "Places", "Themes"]
    assert pane.current_code_id() == codes["Hope"]
    assert session.history.count() == 6
    for _ in range(6):
        session.history.undo()
    assert names(pane, emotions) == ["Despair", "Hope", "خوف", "غضب"]
    assert names(pane) == ["Emotions", "Actors", "Places", "Themes"]


def test_moves_at_the_edges_do_nothing(pane, session, codes, qtbot):
    pane.select_code(codes["Emotions"])
    key(pane, qtbot, Qt.Key.Key_Up, Ctrl)
    key(pane, qtbot, Qt.Key.Key_Left, Ctrl)
    key(pane, qtbot, Qt.Key.Key_Right, Ctrl)
    assert session.history.count() == 0


def test_dragging_a_code_carries_its_id(pane, codes):
    mime = pane.model.mimeData([pane.model.index_of(codes["Hope"])])
    assert bytes(mime.data(CODE_MIME).data()) == str(codes["Hope"]).encode("ascii")
    assert set(pane.model.mimeTypes()) == {CODE_MIME, "application/x-quire-span"}


def test_dropping_a_code_on_another_moves_it_under(pane, session, codes, qtbot):
    model = pane.model
    assert model.canDropMimeData(code_mime(codes["Mosul"]), Move, -1, 0,
                                 model.index_of(codes["Themes"]))
    model.dropMimeData(code_mime(codes["Mosul"]), Move, -1, 0, model.index_of(codes["Themes"]))
    settle(qtbot)
    assert names(pane, codes["Themes"]) == ["Displacement", "Infrastructure", "Mosul"]
    assert session.history.count() == 1
    session.history.undo()
    assert names(pane, codes["Places"]) == ["الرقة", "Mosul"]


def test_dropping_between_codes_reorders(pane, session, codes, qtbot):
    model = pane.model
    emotions = model.index_of(codes["Emotions"])
    model.dropMimeData(code_mime(codes["غضب"]), Move, 0, 0, emotions)  # above Despair
    settle(qtbot)
    assert names(pane, codes["Emotions"]) == ["غضب", "Despair", "Hope", "خوف"]
    model.dropMimeData(code_mime(codes["غضب"]), Move, 3, 0, emotions)  # between Hope and خوف
    settle(qtbot)
    assert names(pane, codes["Emotions"]) == ["Despair", "Hope", "غضب", "خوف"]
    model.dropMimeData(code_mime(codes["Water"]), Move, 1, 0, QModelIndex())  # top level
    settle(qtbot)
    assert names(pane) == ["Emotions", "Water", "Actors", "Places", "Themes"]


def test_a_refused_move_shows_the_message_and_changes_nothing(pane, session, codes, qtbot,
                                                            messages):
    model = pane.model
    model.dropMimeData(code_mime(codes["Hope"]), Move, -1, 0, model.index_of(codes["Resilience"]))
    settle(qtbot)
    assert messages == ["'Hope' cannot be moved under itself or one of its own sub-codes."]
    assert row(pane, codes["Hope"])["parent_id"] == codes["Emotions"]
    assert session.history.count() == 0
    rows = model.rows()
    assert [r["path"] for r in rows] == [r["path"] for r in model.rows()]


def test_a_span_only_drops_onto_a_code(pane, sources, codes):
    model = pane.model
    mime = span_mime(sources["english"], 0, 8)
    assert not model.canDropMimeData(mime, Move, 0, 0, QModelIndex())
    assert model.canDropMimeData(mime, Move, -1, 0, model.index_of(codes["Hope"]))
    bad = QMimeData()
    bad.setData("application/x-quire-span", b"1,two,3")
    assert not model.canDropMimeData(bad, Move, -1, 0, model.index_of(codes["Hope"]))


def test_dropping_a_span_codes_it_for_the_current_coder(pane, session, sources, codes, qtbot):
    start, end = span_of(ENGLISH, "Many feel hopeless")
    pane.model.dropMimeData(span_mime(sources["english"], start, end), Move, -1, 0,
                            pane.model.index_of(codes["Despair"]))
    settle(qtbot)
    assert session.history.undo_text() == "Apply code 'Despair'"
    from db.queries.excerpts import for_source

    with session.read() as s:
        [excerpt] = for_source(s, sources["english"])
    assert (excerpt["start"], excerpt["end"], excerpt["coder"]) == (start, end, "Hana")
    assert [c["name"] for c in excerpt["codes"]] == ["Despair"]


def test_a_blank_span_dropped_is_refused(pane, session, sources, codes, qtbot, messages):
    at = ENGLISH.index("\n\n")
    pane.model.dropMimeData(span_mime(sources["english"], at, at + 2), Move, -1, 0,
                            pane.model.index_of(codes["Despair"]))
    settle(qtbot)
    assert len(messages) == 1 and session.history.count() == 0


# -- merging, deleting, colours, descriptions, favourites -----------------------------------


def _choose(monkeypatch, target_id, accept=True):
    def fake_exec(dialog):
        dialog.choose(target_id)
        return QDialog.DialogCode.Accepted if accept else QDialog.DialogCode.Rejected

    monkeypatch.setattr(codebook.MergeDialog, "exec", fake_exec)


def test_merge_through_the_dialog_and_undo(pane, session, sources, codes, qtbot, monkeypatch):
    code_samples(session, sources, codes)
    session.announce(_changes("codings"))
    _choose(monkeypatch, codes["Despair"])
    pane.select_code(codes["Hope"])
    key(pane, qtbot, Qt.Key.Key_M, Ctrl)
    assert pane.model.row(codes["Hope"]) is None
    assert names(pane, codes["Despair"]) == ["Resilience"]
    assert cell(pane, codes["Despair"], EXCERPTS) == "3"
    assert pane.current_code_id() == codes["Despair"]
    session.history.undo()
    assert row(pane, codes["Hope"])["name"] == "Hope"
    assert cell(pane, codes["Hope"], EXCERPTS) == "2"
    assert names(pane, codes["Hope"]) == ["Resilience"]


def test_merge_dialog_lists_other_codes_and_filters(pane, codes, qtbot):
    dialog = codebook.MergeDialog(pane.model.row(codes["Hope"]), pane.model.rows(), pane)
    qtbot.addWidget(dialog)
    paths = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert "Emotions/Hope" not in paths and "Themes/Infrastructure/Water" in paths
    assert dialog.chosen_id() is None
    dialog.filter_edit.setText("wat")
    visible = [dialog.list.item(i).text() for i in range(dialog.list.count())
               if not dialog.list.item(i).isHidden()]
    assert visible == ["Themes/Infrastructure/Water"]


def test_merge_into_its_own_sub_code_is_refused(pane, session, codes, monkeypatch, messages,
                                               qtbot):
    _choose(monkeypatch, codes["Resilience"])
    pane.select_code(codes["Hope"])
    pane.run_action("merge")
    assert messages == ["'Hope' cannot be merged into its own sub-code 'Resilience'."]
    assert row(pane, codes["Hope"]) is not None and session.history.count() == 0


def test_delete_says_how_many_excerpts_and_undo_restores(pane, session, sources, codes, qtbot,
                                                         monkeypatch):
    code_samples(session, sources, codes)
    session.announce(_changes("codings"))
    asked = []

    def answer(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    pane.select_code(codes["Infrastructure"])
    key(pane, qtbot, Qt.Key.Key_Delete)
    assert "“Infrastructure” and its 2 sub-codes" in asked[0]
    assert "applied to 2 excerpts in 2 sources" in asked[0]
    assert "2 excerpts left with no code are deleted" in asked[0]
    assert row(pane, codes["Infrastructure"]) is None and row(pane, codes["Water"]) is None
    session.history.undo()
    assert cell(pane, codes["Water"], EXCERPTS) == "2"
    assert cell(pane, codes["الكهرباء"], EXCERPTS) == "1"


def test_delete_can_be_cancelled(pane, session, codes, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    pane.select_code(codes["Mosul"])
    pane.run_action("delete")
    assert row(pane, codes["Mosul"]) is not None and session.history.count() == 0


def test_delete_message_wording():
    text = delete_message("Hope", {"codes": 1, "excerpts": 1, "sources": 1,
                                   "excerpts_deleted": 0})
    assert "Delete the code “Hope”?" in text and "It is applied to 1 excerpt in 1 source;" \
        in text
    assert "No excerpt is coded with it." in delete_message(
        "Hope", {"codes": 1, "excerpts": 0, "sources": 0, "excerpts_deleted": 0})


def test_colour_from_the_palette_or_any_colour(pane, session, codes, monkeypatch, qtbot):
    pane.select_code(codes["Hope"])
    menu = pane.actions_by_name["color"].menu()
    palette_actions = [a for a in menu.actions() if a.text().startswith("#")]
    assert len(palette_actions) == 16
    palette_actions[3].trigger()
    assert row(pane, codes["Hope"])["color"] == palette_actions[3].text()
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    [other] = [a for a in menu.actions() if a.text() == "Other Colour…"]
    other.trigger()
    assert row(pane, codes["Hope"])["color"] == "#123456"
    assert session.history.undo_text() == "Change colour of 'Hope'"
    session.history.undo()
    assert row(pane, codes["Hope"])["color"] == palette_actions[3].text()


def test_description_form_edits_the_four_parts(pane, session, codes, qtbot, monkeypatch):
    def fill(dialog):
        dialog.fields["definition"].setPlainText("Loss of hope about the future.")
        dialog.fields["use"].setPlainText("Explicit statements.")
        dialog.fields["example"].setPlainText("“Many feel hopeless”")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(codebook.DescriptionDialog, "exec", fill)
    pane.select_code(codes["Despair"])
    key(pane, qtbot, Qt.Key.Key_E, Ctrl)
    stored = row(pane, codes["Despair"])["description"]
    assert stored.startswith("## Definition\n\nLoss of hope")
    assert parse_description(stored) == {"definition": "Loss of hope about the future.",
                                         "use": "Explicit statements.", "avoid": "",
                                         "example": "“Many feel hopeless”"}
    tooltip = pane.model.index_of(codes["Despair"]).data(Qt.ItemDataRole.ToolTipRole)
    assert "<b>When to use:</b> Explicit statements." in tooltip
    session.history.undo()
    assert row(pane, codes["Despair"])["description"] == ""


def test_descriptions_written_elsewhere_are_read_without_loss():
    assert format_description({"definition": "Only a definition."}) == "Only a definition."
    assert parse_description("Plain text.\n\n### When not to use:\nJokes.") == {
        "definition": "Plain text.", "use": "", "avoid": "Jokes.", "example": ""}
    parts = {"definition": "D\n\n## Sub heading kept", "use": "", "avoid": "A", "example": ""}
    assert parse_description(format_description(parts)) == parts


def test_favourites_get_number_keys_not_undo_steps(pane, session, codes, qtbot):
    pane.select_code(codes["Water"])
    key(pane, qtbot, Qt.Key.Key_D, Ctrl)
    pane.select_code(codes["Hope"])
    key(pane, qtbot, Qt.Key.Key_D, Ctrl)
    assert pane.model.index_of(codes["Water"]).data(FAVOURITE_ROLE) == 1
    assert pane.model.index_of(codes["Hope"]).data(FAVOURITE_ROLE) == 2
    pane.set_favourite(codes["Water"], False)
    assert pane.model.index_of(codes["Hope"]).data(FAVOURITE_ROLE) == 1
    assert session.history.count() == 0


def test_context_menu_offers_every_action_with_its_keys(pane, codes):
    def shown():
        menu = pane.context_menu()
        return {a.text(): (a.isEnabled(), a.shortcut().toString())
                for a in menu.actions() if a.text()}

    pane.select_code(codes["Hope"])
    seen = shown()
    assert seen["&New Code"] == (True, "Ins")
    assert seen["&Rename"] == (True, "F2")
    assert seen["Move &In (Indent)"] == (True, "Ctrl+Right")
    assert seen["De&lete…"] == (True, "Del")
    assert "&Colour" in seen and "&Merge Into…" in seen
    pane.tree.setCurrentIndex(QModelIndex())
    seen = shown()
    assert seen["&New Code"][0] is True and seen["&Rename"][0] is False


def test_no_session_shows_nothing(qtbot):
    pane = CodesPane()
    qtbot.addWidget(pane)
    pane.set_session(None)
    assert pane.model.rowCount() == 0 and pane.current_code_id() is None
    pane.run_action("new")  # nothing to do, and no error


def test_screenshot_of_a_codebook(session, sources, codes, qtbot):
    code_samples(session, sources, codes)
    write(session, bind(create_code, name="Grief and mourning", parent_id=codes["Despair"]))
    pane = CodesPane()
    qtbot.addWidget(pane)
    pane.resize(380, 560)
    pane.set_session(session)
    pane.set_favourite(codes["Hope"], True)
    pane.set_favourite(codes["Water"], True)
    pane.select_code(codes["Despair"])
    pane.show()
    qtbot.waitExposed(pane)
    ARTIFACTS.mkdir(exist_ok=True)
    assert pane.grab().save(str(ARTIFACTS / "codes_pane.png"))


def _changes(table):
    from db.changes import Changes

    return Changes().add(table, [0])


def test_keys_do_nothing_while_the_codebook_actions_are_held(pane, session, codes, qtbot):
    from desktop.widgets.write_gate import WriteGate

    gate = WriteGate(pane)
    gate.close([*pane.actions_by_name.values(), pane.new_button], "Only the owner changes it")
    pane.select_code(codes["Despair"])
    for k, mods in ((Qt.Key.Key_Insert, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_Down, Ctrl)):
        key(pane, qtbot, k, mods)
    assert pane.tree.viewport().findChild(QLineEdit) is None or \
        not pane.tree.viewport().findChild(QLineEdit).isVisible()
    assert session.history.count() == 0
    gate.open_all()
    key(pane, qtbot, Qt.Key.Key_Down, Ctrl)  # Despair moves below Hope
    assert session.history.count() == 1
