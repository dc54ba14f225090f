"""Quote tables: the excerpts of a selection as CSV or XLSX, one excerpt per row.

Each row has the excerpt's text and position (Unicode code points, end excluded), its
source (title, author, handle, platform, date, URL), its code paths, coder, memos and
formatted citations. CSV is UTF-8 with a byte-order mark so that Excel reads Arabic
correctly. Text from sources is untrusted: in CSV a cell that starts like a spreadsheet
formula (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe, which Excel hides; in
XLSX every cell is written as text, so nothing is ever evaluated. Files are written
atomically (:mod:`db.export.atomic`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.citations.format import DEFAULT_STYLE, STYLES
from db.errors import ExportError
from db.export.atomic import atomic_target, check_target, checker
from db.export.selection import Selection, gather, memos_of
from db.models import Source
from db.queries.citations import citations_for_excerpts

COLUMNS = ("excerpt id", "source id", "text", "start (code point)", "end (code point)",
           "source title", "author", "handle", "platform", "date", "URL", "codes", "coder",
           "memos", "citation")
SUFFIXES = (".csv", ".xlsx")
XLSX_CELL_LIMIT = 32767
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
WIDTHS = {"text": 70, "source title": 36, "codes": 28, "memos": 40, "citation": 50}


@dataclass
class TableResult:
    """What was written."""

    path: Path
    rows: int


def export_table(session: Session, selection: Selection, path: str | Path, *,
                 style: str = DEFAULT_STYLE, project=None,
                 progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> TableResult:
    """Write the selection's excerpts as a quote table; CSV or XLSX by the file's suffix."""
    if style not in STYLES:
        raise ExportError(f"unknown citation style '{style}'; use " + ", ".join(STYLES))
    target, check = check_target(path, SUFFIXES), checker(cancelled)
    rows = gather(session, selection, project=project, cancelled=cancelled)
    table = quote_rows(session, rows, style)
    check()
    writer = _write_xlsx if target.suffix.lower() == ".xlsx" else _write_csv
    with atomic_target(target) as tmp:
        writer(tmp, table, check, progress)
    return TableResult(target, len(table))


def quote_rows(session: Session, rows: list[dict[str, Any]], style: str = DEFAULT_STYLE
               ) -> list[list[Any]]:
    """One list of cells per excerpt (ids and positions are numbers, the rest text), in
    :data:`COLUMNS` order."""
    ids = [r["id"] for r in rows]
    notes = citations_for_excerpts(session, ids, style)
    memos = memos_of(session, ids)
    urls = _urls(session, {r["source_id"] for r in rows})
    return [_cells(r, notes.get(r["id"], []), memos.get(r["id"], []), urls) for r in rows]


def _cells(r: dict[str, Any], notes: list[dict[str, Any]], memos: list[dict[str, Any]],
           urls: dict[int, str]) -> list[Any]:
    memo_text = "\n\n".join(f"{m['title']}: {m['body']}" if m["title"] else m["body"]
                            for m in memos)
    return [r["id"], r["source_id"], r["text"], r["start"], r["end"],
            r["title"] or "", r["author"] or "", r["handle"] or "", r["platform"] or "",
            r["published"] or "", urls.get(r["source_id"], ""),
            "; ".join(c["path"] for c in r["codes"]), r["coder"] or "", memo_text,
            "\n".join(n["text"] for n in notes)]


def _urls(session: Session, source_ids: set[int]) -> dict[int, str]:
    ids, out = sorted(source_ids), {}
    for i in range(0, len(ids), 900):
        q = select(Source.id, Source.url).where(Source.id.in_(ids[i:i + 900]))
        out.update({sid: url or "" for sid, url in session.execute(q)})
    return out


def _tick(i: int, total: int, check, progress) -> None:
    if i % 200 == 0:
        check()
        if progress is not None:
            progress(i, total, f"Writing row {i} of {total}…")


def _write_csv(tmp: Path, table: list[list[Any]], check, progress) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i, cells in enumerate(table):
            _tick(i, len(table), check, progress)
            out.writerow([defused(c) for c in cells])


def defused(cell: Any) -> str:
    """A cell Excel will show as text, never run as a formula."""
    cell = str(cell)
    return "'" + cell if cell.startswith(_FORMULA) else cell


def _write_xlsx(tmp: Path, table: list[list[Any]], check, progress) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Excerpts")
    sheet.freeze_panes = "A2"
    for i, name in enumerate(COLUMNS):
        sheet.column_dimensions[_letter(i)].width = WIDTHS.get(name, 14)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([text_cell(WriteOnlyCell(sheet), name, font=bold) for name in COLUMNS])
    for i, cells in enumerate(table):
        _tick(i, len(table), check, progress)
        sheet.append([text_cell(WriteOnlyCell(sheet), c, alignment=wrap) for c in cells])
    book.save(tmp)


def text_cell(cell, value: Any, **style):
    """An openpyxl write-only cell holding ``value``: an int as a number, anything else as
    text that is never a formula, cleaned of characters XLSX cannot hold, cut to the
    cell limit."""
    if isinstance(value, int):
        cell.value = value
        return cell
    value = _ILLEGAL.sub("", value)
    if len(value) > XLSX_CELL_LIMIT:
        value = value[:XLSX_CELL_LIMIT - 1] + "…"
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the text starts with
    for key, v in style.items():
        setattr(cell, key, v)
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
