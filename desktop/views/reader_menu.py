"""The Reader's context menu: copy, then the coding actions for the selection and for
the excerpts under the mouse.

Apply code ▸ (recent, favourites with their keys, every code in the tree) ·
New code from selection · Highlight ▸ colours · per excerpt under the mouse:
Remove code ▸, Delete excerpt, Resize excerpt to selection, Memo on excerpt… · Memo on
selection… · Memo on this source… · Favourite codes ▸.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from desktop.widgets.quick_code import swatch

if TYPE_CHECKING:
    from desktop.views.reader_coding import ReaderCoding

MARKER_COLORS = [("Yellow", "#ffd54f"), ("Green", "#9ccc65"), ("Blue", "#64b5f6"),
                 ("Pink", "#f48fb1"), ("Orange", "#ffb74d"), ("Purple", "#b39ddb")]
PREVIEW = 28


def coding_menu(coding: ReaderCoding, point: QPoint) -> QMenu:
    """The context menu for viewport ``point`` of the Reader's text."""
    reader = coding._reader
    menu = reader.view.createStandardContextMenu(point)
    if coding.session is None or reader.source() is None:
        return menu
    selected = reader.selection_span() is not None
    menu.addSeparator()
    _apply_menu(menu, coding, selected)
    action = menu.addAction(_with_key("New code from selection (in vivo)", coding, "in_vivo"),
                            coding.new_code_from_selection)
    action.setEnabled(selected)
    _highlight_menu(menu, coding, selected)
    memo = menu.addAction("Memo on selection…", coding.memo_on_selection)
    memo.setEnabled(selected)
    pos = reader.position_at(point)
    under = coding.excerpts_at(pos) if pos is not None else []
    for excerpt in under:
        _excerpt_items(menu, coding, excerpt, selected, several=len(under) > 1)
    menu.addSeparator()
    menu.addAction("Memo on this source…",
                   lambda: coding.memo_requested("source", reader.source()["id"]))
    _favourites_menu(menu, coding)
    return menu


def _apply_menu(menu: QMenu, coding: ReaderCoding, selected: bool) -> None:
    """Apply code ▸ quick code, recent codes, favourites, then the whole codebook."""
    sub = menu.addMenu("Apply code")
    sub.setEnabled(selected)
    sub.addAction(_with_key("Quick code…", coding, "quick_code"), coding.quick_code)
    recent = coding.recent_codes()
    if recent:
        sub.addSection("Recent")
        for code in recent:
            _code_action(sub, coding, code)
    favourites = coding.favourites()
    if favourites:
        sub.addSection("Favourites")
        by_id = {c["id"]: c for c in coding.codes()}
        for key, code_id in favourites.items():
            _code_action(sub, coding, by_id[code_id], key)
    codes = coding.codes()
    if codes:
        sub.addSection("All codes")
        _code_tree(sub, coding, codes)


def _code_action(menu: QMenu, coding: ReaderCoding, code: dict[str, Any],
                 key: int | None = None) -> QAction:
    """An item that applies ``code`` to the selection."""
    text = code.get("path") or code["name"]
    action = menu.addAction(swatch(code["color"]), f"{text}\t{key}" if key else text)
    action.triggered.connect(lambda _checked=False, i=code["id"]: coding.apply_code(i))
    return action


def _code_tree(menu: QMenu, coding: ReaderCoding, codes: list[dict[str, Any]]) -> None:
    """Every code, nested as in the codebook: a parent is a submenu that applies itself
    from its first item."""
    menus: dict[int | None, QMenu] = {None: menu}
    has_children = {c["parent_id"] for c in codes}
    for code in codes:  # depth-first: a parent always comes before its children
        parent = menus.get(code["parent_id"], menu)
        if code["id"] in has_children:
            sub = parent.addMenu(swatch(code["color"]), code["name"])
            item = sub.addAction(swatch(code["color"]), f"Apply '{code['name']}'")
            item.triggered.connect(lambda _c=False, i=code["id"]: coding.apply_code(i))
            sub.addSeparator()
            menus[code["id"]] = sub
        else:
            action = parent.addAction(swatch(code["color"]), code["name"])
            action.triggered.connect(lambda _c=False, i=code["id"]: coding.apply_code(i))


def _highlight_menu(menu: QMenu, coding: ReaderCoding, selected: bool) -> None:
    """Highlight ▸ one item per marker colour."""
    sub = menu.addMenu("Highlight (no code)")
    sub.setEnabled(selected)
    for name, color in MARKER_COLORS:
        text = _with_key(name, coding, "highlight") if color == coding.marker_color else name
        action = sub.addAction(swatch(color), text)
        action.triggered.connect(lambda _c=False, c=color: coding.highlight(c))


def _excerpt_items(menu: QMenu, coding: ReaderCoding, excerpt: dict[str, Any],
                   selected: bool, several: bool) -> None:
    """Remove code ▸, Delete excerpt and Resize excerpt for one excerpt under the mouse.

    With several excerpts under the mouse each gets its own submenu, named by its text.
    """
    menu.addSeparator()
    target = menu
    if several:
        text = (coding._reader.source() or {}).get("text") or ""
        quoted = " ".join(text[excerpt["start"]:excerpt["end"]].split())
        if len(quoted) > PREVIEW:
            quoted = quoted[:PREVIEW - 1] + "…"
        target = menu.addMenu(f"Excerpt “{quoted}”")
    codes = excerpt.get("codes") or []
    if codes:
        sub = target.addMenu("Remove code")
        for code in codes:
            action = sub.addAction(swatch(code["color"]), code["name"])
            action.triggered.connect(
                lambda _c=False, e=excerpt["id"], i=code["id"]: coding.remove_code(e, i))
    label = "Delete excerpt" if codes else "Remove highlight"
    target.addAction(label, lambda e=excerpt["id"]: coding.delete_excerpt(e))
    resize = target.addAction("Resize excerpt to selection",
                              lambda e=excerpt["id"]: coding.resize_excerpt(e))
    resize.setEnabled(selected)
    target.addAction("Memo on excerpt…",
                     lambda e=excerpt["id"]: coding.memo_requested("excerpt", e))


def _with_key(text: str, coding: ReaderCoding, action: str) -> str:
    """``text`` with the action's key shown in the menu's shortcut column.

    The key is only shown: the Reader's own action owns it, so no two actions compete.
    """
    key = coding.actions[action].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text}\t{key}" if key else text


def _favourites_menu(menu: QMenu, coding: ReaderCoding) -> None:
    """Favourite codes ▸ a tick for each code; keys 1-9 apply the first nine ticked."""
    codes = coding.codes()
    sub = menu.addMenu("Favourite codes (keys 1–9)")
    sub.setEnabled(bool(codes))
    keys = {code_id: key for key, code_id in coding.favourites().items()}
    marked = set(coding.favourite_ids())
    for code in codes:
        key = keys.get(code["id"])
        text = code.get("path") or code["name"]
        action = sub.addAction(swatch(code["color"]), f"{text}\t{key}" if key else text)
        action.setCheckable(True)
        action.setChecked(code["id"] in marked)
        action.toggled.connect(
            lambda on, i=code["id"]: coding.set_favourite(i, on))
