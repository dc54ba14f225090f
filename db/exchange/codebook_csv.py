"""The codebook as a table: CSV out, CSV or XLSX in (what Taguette and spreadsheets use).

Written: one row per code, parents before children, with the columns ``path`` (names
from the top down joined by "/"), ``description``, ``color`` and ``parent`` (the parent's
path, so that a name that itself holds a "/" comes back whole), in UTF-8 with a
byte-order mark (so that spreadsheet programs read Arabic right). Taguette's codebook
import reads it (the path as the tag's name, and the description).

Read: the first of these that the header has names the codes:

* ``path``: "Emotions/Hope" is the code Hope under Emotions (missing parents are made);
  with a ``parent`` column, the name is what follows the parent's path;
* ``tag`` or ``name`` (Taguette's codebook, and its highlights' tables): a flat name,
  taken whole, "/" and all;

``description`` and ``color`` (or ``colour``) are optional; other columns are ignored.
A row without a name, or whose parent does not match, refuses the file. The codes join
the codebook through :func:`db.merge.merge_bundle`: one undoable step, codes already
there matched by path.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from db.errors import ImportFileError
from db.exchange.bundle import BCode, Bundle
from db.export.atomic import atomic_target, check_target
from db.importers.postutil import Tally
from db.importers.tablerows import open_table
from db.models import new_uuid
from db.ops import OpResult
from db.palette import normalize_color
from db.queries.codes import SEP, code_tree
from db.text import canonical

COLUMNS = ("path", "description", "color", "parent")
_NAME_COLUMNS = ("path", "tag", "name")


def export_codebook_csv(session: Session, path: str | Path, *, progress=None,
                        cancelled=None) -> Path:
    """Write the project's codebook to ``path`` as CSV (replacing it whole, or not).
    ``progress`` and ``cancelled`` are accepted as every export takes them; a codebook
    is written at once."""
    path = check_target(path, (".csv",))
    rows = code_tree(session)
    paths = {r["id"]: r["path"] for r in rows}
    with atomic_target(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r["path"], r["description"], r["color"],
                             paths.get(r["parent_id"], "")])
    return path


def import_codebook(session: Session, *, path: str | Path) -> OpResult:
    """Add the codes of a codebook file, REFI-QDA (.qdc) or a table (.csv, .xlsx): one
    undoable step whose value is a MergeReport."""
    from db.exchange.refi_import import read_qdc
    from db.merge import merge_bundle

    path = Path(path)
    bundle = read_qdc(path) if path.suffix.lower() == ".qdc" else read_codebook_table(path)
    return merge_bundle(session, bundle=bundle, label=f"Import codebook {path.name}")


def read_codebook_table(path: Path) -> Bundle:
    """The codes of a codebook table (see the module's docstring)."""
    if not path.is_file():
        raise ImportFileError(path, "no such file")
    table = open_table(path, Tally([]))
    try:
        reader = _Rows(path, {c.strip().casefold(): c for c in table.columns})
        for line, row, _raw in table.rows:
            reader.add(line, {k: canonical(v).strip() for k, v in row.items()})
    finally:
        table.rows.close()
    return reader.bundle


class _Rows:
    """Codes from the rows of a codebook table, parents made as they are needed."""

    def __init__(self, path: Path, columns: dict[str, str]):
        self.path = path
        found = [c for c in _NAME_COLUMNS if c in columns]
        if not found:
            raise ImportFileError(path, "this table has no column 'path', 'tag' or 'name' "
                                        "for the codes' names")
        self.name_column = columns[found[0]]
        self.whole = found[0] != "path"
        self.columns = columns
        self.bundle = Bundle(name=path.stem, origin="codebook table")
        self.by_path: dict[str, BCode] = {}  # the file's paths so far
        self._kids: dict[tuple[str | None, str], tuple[BCode, str]] = {}  # -> (code, path)

    def cell(self, row: dict[str, str], *names: str) -> str:
        """The cell of the first of ``names`` the table has."""
        column = next((self.columns[n] for n in names if n in self.columns), None)
        return row.get(column, "") if column else ""

    def add(self, line: int, row: dict[str, str]) -> None:
        """Read one row."""
        path = " ".join(row.get(self.name_column, "").split())
        if not path:
            if any(row.values()):
                raise ImportFileError(self.path, f"line {line}: a code without a name")
            return
        if self.whole:
            parent, names = None, [path]
        else:
            parent, names = self._place(line, path, " ".join(self.cell(row, "parent").split()))
        for name in names[:-1]:
            parent = self._code(name, parent)
        code = self._code(names[-1], parent)
        code.description = code.description or self.cell(row, "description")
        code.color = code.color or self._color(line, self.cell(row, "color", "colour"))

    def _place(self, line: int, path: str, parent_path: str) -> tuple[BCode | None, list[str]]:
        """The parent a path goes under, and the names below it."""
        if "parent" in self.columns:
            if not parent_path:
                return None, [path]
            if not path.startswith(parent_path + SEP) or parent_path not in self.by_path:
                raise ImportFileError(self.path, f"line {line}: the code '{path}' is not "
                                                 f"under its parent '{parent_path}' (the "
                                                 "parent must be listed before it)")
            return self.by_path[parent_path], [path[len(parent_path) + 1:]]
        head = max((p for p in self.by_path if path.startswith(p + SEP)), key=len, default="")
        rest = path[len(head) + 1:] if head else path
        return self.by_path.get(head), [n.strip() for n in rest.split(SEP) if n.strip()]

    def _code(self, name: str, parent: BCode | None) -> BCode:
        """The code ``name`` under ``parent``, made when the file has not named it yet."""
        under = parent.uuid if parent else None
        key = (under, name.casefold())
        if key not in self._kids:
            code = BCode(new_uuid(), name, under)
            self.bundle.codes.append(code)
            full = f"{self._kids[(parent.parent, parent.name.casefold())][1]}{SEP}{name}" \
                if parent else name
            self._kids[key] = (code, full)
            self.by_path[full] = code
        return self._kids[key][0]

    def _color(self, line: int, value: str) -> str:
        if not value:
            return ""
        try:
            return normalize_color(value)
        except Exception:  # noqa: BLE001 - a colour that cannot be read takes the default
            self.bundle.notes.append(f"line {line}: the colour '{value}' is not a colour; "
                                     "the code takes the next of the palette")
            return ""
