"""What reading a reference library gives: its entries as CSL-JSON, and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entry:
    """One reference read from a file: its citation key, its CSL-JSON, where it starts."""

    key: str
    csl: dict[str, Any]
    line: int  # 1-based line of the file where the entry starts


@dataclass
class Problem:
    """A part of a file that could not be read, and why."""

    line: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Library:
    """The entries a file holds (in file order) and what could not be read."""

    format: str  # "bibtex", "ris" or "csl-json"
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
