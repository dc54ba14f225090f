"""Column mappings of tabular files (CSV, Excel): the one a researcher chose is
remembered by the file's columns (a signature that ignores case and spacing) and offered
again for the next file with the same columns."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.importers.base import ColumnMapping
from db.importers.tabular import columns_signature, normalized_column
from db.models import ColumnMappingRow, utcnow


def fit_mapping(mapping: dict, columns: list[str]) -> ColumnMapping:
    """A remembered mapping with its column names spelt as in this file.

    Mappings are found again by a signature that ignores case and spacing, so a file's
    "Author Name" must take the place of the "author_name" remembered from another file.
    """
    spelt = {normalized_column(c): c for c in columns}
    fields = {k: (v if k == "platform" else spelt.get(normalized_column(v), "") if v else "")
              for k, v in mapping.items()}
    return ColumnMapping(**fields)


def remember_mapping(session: Session, *, columns: list[str], mapping: dict) -> None:
    """Remember the column mapping chosen for files with these columns."""
    sig = columns_signature(columns)
    row = session.get(ColumnMappingRow, sig) or ColumnMappingRow(signature=sig)
    row.columns, row.mapping, row.updated_at = list(columns), dict(mapping), utcnow()
    session.add(row)


def remembered_mapping(session: Session, columns: list[str]) -> dict | None:
    """The mapping chosen last time for files with these columns, if any."""
    row = session.get(ColumnMappingRow, columns_signature(columns))
    return None if row is None else dict(row.mapping)
