"""Memo bodies round-trip exactly, whatever they hold: stored by the core, opened in the
editor, edited with one keystroke and saved, they come back character for character."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor

from db.queries.memos import memo_list
from desktop.dialogs.memo_editor import MemoEditor
from tests.desktop.notes_support import add_memo, open_session

# What broke the old rich-text editor, and what Markdown, HTML and scripts are made of.
FRAGMENTS = ["If a<b and c>d then", "<b>", "</p>", "<div class='x'>", "<!-- note", "-->",
             "<script>", "&amp;", "&lt;", "&#x41;", "*", "**", "_", "__", "`", "```\n",
             "# ", "## ", "- ", "* ", "1. ", "2) ", "> ", "---\n", "|a|b|\n", "[x](y)",
             "[e](quire://excerpt/1)", "![i](p.png)", "\\", "\\*", "  \n", "\n\n", "\n",
             "\t", "\u00a0", "\u2028", "\u200f", "\u200e", "العودة إلى الرقة", "ـ",
             "\u064b\u0651", "🌿", "👩🏽‍🔬", "🇸🇾", "e\u0301", "\ufeff", "\x00"]
BODIES = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)),
                  min_size=1, max_size=10).map("".join).filter(str.strip)


@pytest.fixture
def session(proj, qtbot):
    yield from open_session(proj)


def _stored(session, memo_id: int) -> str:
    with session.read() as s:
        return next(m["body"] for m in memo_list(s) if m["id"] == memo_id)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_a_memo_body_survives_the_editor_exactly(session, qtbot, body):
    memo_id = add_memo(session, "project", title="t", body=body)
    stored = _stored(session, memo_id)
    editor = MemoEditor(session, memo_id=memo_id)
    qtbot.addWidget(editor, before_close_func=lambda e: e.discard())
    assert editor.markdown() == stored  # shown whole: nothing cut at a "<"
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    editor.body.insertPlainText("Z")
    assert editor.save()
    assert _stored(session, memo_id) == stored + "Z"


def test_the_reported_memo_is_no_longer_cut(session, qtbot):
    body = "If a<b and c>d then the rest of my analysis goes here."
    memo_id = add_memo(session, "project", body=body)
    editor = MemoEditor(session, memo_id=memo_id)
    qtbot.addWidget(editor, before_close_func=lambda e: e.discard())
    assert editor.body.toPlainText() == body


def test_a_body_that_starts_with_u_feff_keeps_it(session, qtbot):
    """Qt drops a leading U+FEFF as a byte-order mark; the editor must not (found by the
    round trip above)."""
    for body in ("\ufeff", "\ufeffnote"):
        memo_id = add_memo(session, "project", body=body)
        editor = MemoEditor(session, memo_id=memo_id)
        qtbot.addWidget(editor, before_close_func=lambda e: e.discard())
        assert editor.markdown() == body and not editor.is_modified()
