"""Keeping editing actions and buttons disabled, with the reason in their tooltip, while
the project may not be changed (a reader on a team project, a codebook only the owner
changes).

The views enable and disable their own actions as the selection moves; the gate holds a
closed action or button disabled through those changes and remembers what the view
wanted, so opening the gate gives each back the state its view last asked for. The
server still enforces the rules: this only says them before anyone tries.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

Target = QAction | QWidget


class WriteGate(QObject):
    """Actions and widgets held disabled, each with the reason why."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._held: dict[Target, tuple[bool, str]] = {}  # wanted enabled, own tooltip
        self._holding = False

    def close(self, targets: list[Target], reason: str) -> None:
        """Hold ``targets`` disabled, their tooltip saying ``reason``."""
        for target in targets:
            if target not in self._held:
                self._held[target] = (target.isEnabled(), target.toolTip())
                if isinstance(target, QAction):
                    target.changed.connect(self._on_action_changed)
                else:
                    target.installEventFilter(self)
            self._hold(target)
            target.setToolTip(reason)

    def open_all(self) -> None:
        """Give every held target back: the state its view last wanted, its tooltip."""
        held, self._held = self._held, {}
        for target, (wanted, tip) in held.items():
            if isinstance(target, QAction):
                target.changed.disconnect(self._on_action_changed)
            else:
                target.removeEventFilter(self)
            target.setToolTip(tip)
            target.setEnabled(wanted)

    def is_held(self, target: Target) -> bool:
        """Whether ``target`` is held disabled."""
        return target in self._held

    def _hold(self, target: Target) -> None:
        if not target.isEnabled() or self._holding:
            return
        self._holding = True
        try:
            wanted, tip = self._held[target]
            self._held[target] = (True, tip)  # the view asked for it enabled
            target.setEnabled(False)
        finally:
            self._holding = False

    def _on_action_changed(self) -> None:
        action = self.sender()
        if action in self._held and not self._holding:
            self._hold(action)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange and watched in self._held:
            self._hold(watched)
        return False
