"""Every key the main window answers to, read from its actions and panes (never listed
by hand): Help ▸ Keyboard Shortcuts shows them, and a test checks no key is bound twice.

A binding is an action's shortcut (window-wide, or only while the focus is in one
widget: ``WidgetWithChildrenShortcut``), or a key a pane claims for itself while it has
focus (a widget with a ``claimed_keys()`` method, such as the Codes pane's tree). Two
bindings of one key clash when their scopes overlap: one is window-wide, or one widget
holds the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

Context = Qt.ShortcutContext


@dataclass(frozen=True)
class Binding:
    """One key, what it does, and where it works (``scope`` None: the whole window)."""

    key: str  # portable text, e.g. "Ctrl+Shift+F"
    text: str  # what it does, without mnemonics
    where: str  # "Window", "Reader", "Codes", ...
    scope: QWidget | None


def bindings(window: QWidget) -> list[Binding]:
    """Every key binding of ``window``'s actions and panes, in menu order where known."""
    found: list[Binding] = []
    for action in window.findChildren(QAction):
        scope = _scope(window, action)
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                found.append(Binding(_text(sequence), _plain(action.text()),
                                     where(window, scope), scope))
    for widget in window.findChildren(QWidget):
        claimed = getattr(widget, "claimed_keys", None)
        if callable(claimed):
            found.extend(Binding(_text(seq), text, where(window, widget), widget)
                         for seq, text in claimed())
    return _unique(found)


def clashes(found: list[Binding]) -> list[tuple[Binding, Binding]]:
    """The pairs of bindings of one key whose scopes overlap."""
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            if a.key == b.key and _overlap(a.scope, b.scope):
                pairs.append((a, b))
    return pairs


def where(window: QWidget, widget: QWidget | None) -> str:
    """The name of the pane holding ``widget`` (its dock's title), or "Window"."""
    reader = getattr(window, "reader", None)
    while widget is not None and widget is not window:
        if widget is reader:
            return "Reader"
        if isinstance(widget, QDockWidget):
            return widget.windowTitle()
        widget = widget.parentWidget()
    return "Window"


def _scope(window: QWidget, action: QAction) -> QWidget | None:
    """Where an action's shortcut works: None for the whole window.

    An action a pane keeps only to show its key in a menu (it is in no widget but
    menus, and the pane handles the key itself) works in that pane.
    """
    widgets = [o for o in action.associatedObjects()
               if isinstance(o, QWidget) and not isinstance(o, QMenu)]
    parent = action.parent()
    in_pane = isinstance(parent, QWidget) and parent is not window
    if action.shortcutContext() in (Context.WindowShortcut, Context.ApplicationShortcut):
        return parent if in_pane and not widgets else None
    if widgets:
        return widgets[0]
    return parent if in_pane else None


def _overlap(a: QWidget | None, b: QWidget | None) -> bool:
    if a is None or b is None or a is b:
        return True
    return a.isAncestorOf(b) or b.isAncestorOf(a)


def _unique(found: list[Binding]) -> list[Binding]:
    """One entry per (key, action, scope): a key listed twice for one action is one."""
    seen, out = set(), []
    for b in found:
        mark = (b.key, b.text, id(b.scope))
        if mark not in seen:
            seen.add(mark)
            out.append(b)
    return out


def _text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").split("\t")[0]


def table_html(found: list[Binding]) -> str:
    """The bindings as an HTML table, grouped by where they work."""
    groups: dict[str, dict[str, list[str]]] = {}
    for b in found:
        groups.setdefault(b.where, {}).setdefault(b.text, []).append(b.key)
    order = sorted(groups, key=lambda w: (w != "Window", w))
    parts = []
    for name in order:
        title = "Anywhere in the window" if name == "Window" else f"In the {name} pane" \
            if name != "Reader" else "In the Reader"
        parts.append(f"<h3>{title}</h3><table cellspacing='4'>")
        for text, keys in groups[name].items():
            shown = ", ".join(_native(k) for k in keys)
            parts.append(f"<tr><td><b>{_escape(shown)}</b></td><td>{_escape(text)}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def _native(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
