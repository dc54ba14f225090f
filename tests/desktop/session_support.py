"""Set-up for desktop tests: writes committed like an action, but not an undo step and
not announced (the views see them when the test asks them to look); a shown Reader."""

from __future__ import annotations


def write(session, op):
    """Run ``op`` on ``session``'s project in its own transaction; its result."""
    with session.transaction() as s:
        return op(s)


def shown_reader(qtbot, width: int, height: int, session=None):
    """A Reader of that size, shown (and reading ``session``'s project, if given)."""
    from desktop.views.reader import Reader

    widget = Reader()
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    if session is not None:
        widget.set_session(session)
    return widget
