"""Guards against known-broken Qt bindings."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_do_not_leak_references_to_none(qtbot):
    # PySide6 6.12.0 on Python 3.11 dropped one reference to None per call of a method
    # returning nothing, which aborts the interpreter after a few thousand calls.
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setObjectName("x")
    assert abs(sys.getrefcount(None) - before) < 50
