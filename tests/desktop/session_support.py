"""Set-up writes for desktop tests: committed like an action, but not an undo step and
not announced (the views see them when the test asks them to look)."""

from __future__ import annotations


def write(session, op):
    """Run ``op`` on ``session``'s project in its own transaction; its result."""
    with session.transaction() as s:
        return op(s)
