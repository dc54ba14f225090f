"""The Qt item model of the agreement table: a thin adapter over ``AgreementReport.rows()``.

One row per code (and "All codes" last): with two coders, one row each holding percent
agreement, Cohen's kappa and Krippendorff's alpha; with more, a row for all coders
(percent, alpha) followed by one row per pair (percent, kappa). The code id is in
``Qt.UserRole``. Kappa and alpha are tinted by Krippendorff's rule of thumb: 0.8 and
above reliable, 0.667 to 0.8 tentative, below that not.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from db.agreement import AgreementReport

CODE, CODERS, UNITS, PERCENT, KAPPA, ALPHA = range(6)
HEADERS = ("Code", "Coders", "Units", "Agree %", "κ (Cohen)", "α (Krippendorff)")
TIPS = ("", "All coders, or one pair", "Characters (white space not counted) or segments",
        "Share of units on which the coders made the same decision",
        "Cohen's kappa for the pair", "Krippendorff's alpha (nominal) over all coders")
KEYS = ("code", "coders", "units", "percent", "kappa", "alpha")
GOOD, FAIR, POOR = QColor("#d7f0d4"), QColor("#fff1c2"), QColor("#f9d3d0")
RELIABLE, TENTATIVE = 0.8, 0.667


def band(value: float | None) -> QColor | None:
    """The tint of a kappa or alpha: reliable, tentative or not (None: undefined)."""
    if value is None:
        return None
    return GOOD if value >= RELIABLE else FAIR if value >= TENTATIVE else POOR


class AgreementTableModel(QAbstractTableModel):
    """The figures of an agreement report, one row per code (and pair of coders)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_report(self, report: AgreementReport | None) -> None:
        """Show ``report`` (None: empty)."""
        self.beginResetModel()
        self._rows = report.rows() if report is not None else []
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS[section] or None
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], index.column()
        value = row[KEYS[col]]
        if role == Qt.ItemDataRole.DisplayRole:
            return _shown(col, value)
        if role == Qt.ItemDataRole.UserRole:
            return row["code_id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= UNITS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and col in (KAPPA, ALPHA):
            tint = band(value)
            return QBrush(tint) if tint is not None else None
        if role == Qt.ItemDataRole.FontRole and row["code_id"] is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col in (KAPPA, ALPHA) and value is None:
            return _why_blank(col, row["coders"])
        return None


def _why_blank(col: int, coders: str) -> str:
    if col == KAPPA and coders.startswith("all "):
        return "Cohen's kappa compares two coders: see the pairs below."
    if col == ALPHA and "/" in coders and not coders.startswith("all "):
        return "Krippendorff's alpha is given for all coders together (the row above)."
    return "Undefined: the coders made one and the same decision everywhere."


def _shown(col: int, value: Any) -> str:
    if col in (CODE, CODERS):
        return str(value)
    if value is None:
        return "–"
    if col == UNITS:
        return f"{value:,.0f}"
    if col == PERCENT:
        return f"{value:.1f}"
    return f"{value:.3f}"
