"""Writing an analysis result's table as CSV or XLSX.

CSV (UTF-8 with a byte-order mark, so spreadsheets read Arabic right) holds the table.
XLSX holds the table on its first sheet, each matrix layer (counts, percentages,
Jaccard) on a sheet of its own, and the notes saying how each number was counted.
Cells are written as the quote tables write them (:mod:`db.export.tables`): text is
never run as a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from db.analysis.result import Result
from db.export.atomic import atomic_target, check_target
from db.export.tables import defused, text_cell

SUFFIXES = (".csv", ".xlsx")


def write_table(result: Result, path: str | Path) -> Path:
    """Write ``result`` to ``path`` (.csv or .xlsx), whole or not at all."""
    target = check_target(path, SUFFIXES)
    writer = _xlsx if target.suffix.lower() == ".xlsx" else _csv
    with atomic_target(target) as tmp:
        writer(tmp, result)
    return target


def _csv(tmp: Path, result: Result) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(result.columns)
        for row in result.rows:
            out.writerow([c if isinstance(c, int | float) else defused(c) for c in row])


def _xlsx(tmp: Path, result: Result) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    _sheet(book, "Table", result.columns, result.rows, bold)
    for name, layer in result.layers.items():
        rows = [[label, *values] for label, values in zip(result.row_labels, layer,
                                                          strict=True)]
        _sheet(book, name.replace("%", "percent")[:31], ["", *result.col_labels], rows, bold)
    _sheet(book, "Notes", [result.title], [[n] for n in result.notes], bold)
    book.save(tmp)


def _sheet(book, title: str, head: list[str], rows: list[list[Any]], bold) -> None:
    from openpyxl.cell import WriteOnlyCell

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "B2"
    sheet.append([text_cell(WriteOnlyCell(sheet), str(h), font=bold) for h in head])
    for row in rows:
        sheet.append([_cell(WriteOnlyCell(sheet), v) for v in row])


def _cell(cell, value: Any):
    if isinstance(value, float):
        cell.value = value
        return cell
    return text_cell(cell, value if isinstance(value, int) else str(value))
