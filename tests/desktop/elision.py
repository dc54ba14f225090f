"""Finding text a widget cuts: labels, buttons, header sections and tabs narrower than
the text they show, measured with the widget's own font metrics.

Used by the scripted first hour (``test_first_hour.py``) on the real window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QHeaderView,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QWidget,
)

SLACK = 2  # pixels of rounding allowed


@dataclass(frozen=True)
class Cut:
    """One piece of text drawn narrower than it needs."""

    kind: str
    text: str
    needed: int
    given: int
    where: str

    def __str__(self) -> str:
        return f"{self.kind} {self.text!r} needs {self.needed} px, has {self.given} ({self.where})"


def cut_texts(root: QWidget) -> list[Cut]:
    """Every visible label, button, header section and tab under ``root`` that is too
    narrow for its text."""
    found: list[Cut] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget, root):
            continue
        if isinstance(widget, QLabel):
            found += _label(widget)
        elif isinstance(widget, QAbstractButton):
            found += _button(widget)
        elif isinstance(widget, QComboBox):
            found += _combo(widget)
        elif isinstance(widget, QHeaderView):
            found += _header(widget)
        elif isinstance(widget, QTabBar):
            found += _tabs(widget)
    return found


def _shown(widget: QWidget, root: QWidget) -> bool:
    if not widget.isVisibleTo(root) or widget.width() <= 0:
        return False
    # a scroll area (a header, a table) is covered by its viewport: look at that instead
    shown = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    return not shown.visibleRegion().isEmpty() or widget is root


def _where(widget: QWidget) -> str:
    names = []
    while widget is not None and len(names) < 4:
        names.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return " < ".join(names)


def _label(label: QLabel) -> list[Cut]:
    text = label.text()
    if not text or label.wordWrap() or label.pixmap() is not None and not label.pixmap().isNull():
        return []
    if GuiQt.mightBeRichText(text) or label.textFormat() == Qt.TextFormat.RichText:
        needed = label.sizeHint().width()
    else:
        margins = label.contentsMargins()
        needed = QFontMetrics(label.font()).horizontalAdvance(text) + margins.left() \
            + margins.right() + 2 * label.margin() + 2 * label.indent() * (label.indent() > 0)
    given = label.contentsRect().width() + label.contentsMargins().left() \
        + label.contentsMargins().right()
    return [Cut("label", text, needed, given, _where(label))] if needed > given + SLACK else []


def _button(button: QAbstractButton) -> list[Cut]:
    text = button.text()
    if not text:
        return []
    needed = button.sizeHint().width()
    given = button.width()
    return [Cut("button", text, needed, given, _where(button))] if needed > given + SLACK \
        else []


def _combo(combo: QComboBox) -> list[Cut]:
    text = combo.currentText()
    if not text or combo.isEditable():
        return []
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    content = QSize(QFontMetrics(combo.font()).horizontalAdvance(text), combo.height())
    if not combo.itemIcon(combo.currentIndex()).isNull():
        content.setWidth(content.width() + combo.iconSize().width() + 4)
    needed = combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option,
                                            content, combo).width()
    given = combo.width()
    return [Cut("combo box", text, needed, given, _where(combo))] if needed > given + SLACK \
        else []


def _header(header: QHeaderView) -> list[Cut]:
    model = header.model()
    if model is None:
        return []
    found = []
    metrics = QFontMetrics(header.font())
    orientation = header.orientation()
    visible = header.viewport().width()
    for logical in range(header.count()):
        if header.isSectionHidden(logical) or header.sectionSize(logical) <= 0:
            continue
        position = header.sectionViewportPosition(logical)
        if position < 0 or position + header.sectionSize(logical) > visible:
            continue  # (partly) scrolled out of view: the scroll bar says there is more
        text = str(model.headerData(logical, orientation, Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            continue
        needed = metrics.horizontalAdvance(text) + 12
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            needed += 14
        given = header.sectionSize(logical)
        if needed > given + SLACK:
            found.append(Cut("header", text, needed, given, _where(header)))
    return found


def _tabs(bar: QTabBar) -> list[Cut]:
    found = []
    for i in range(bar.count()):
        text = bar.tabText(i)
        needed = bar.tabSizeHint(i).width()
        given = bar.tabRect(i).width()
        if text and needed > given + SLACK:
            found.append(Cut("tab", text, needed, given, _where(bar)))
    return found
