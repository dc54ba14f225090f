"""What Quire's REFI-QDA reader and writer share: namespaces, GUIDs, variables, schemas.

REFI-QDA 1.0 (``urn:QDA-XML:project:1.0`` for the ``project.qde`` of a ``.qdpx``,
``urn:QDA-XML:codebook:1.0`` for a ``.qdc``). GUIDs are Quire's UUIDs, written in lower
case; GUIDs read from other programs' files are normalized (braces dropped, lower case)
so that an upper-case GUID is the same entity as its lower-case form.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuidlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from db import __version__
from db.errors import ImportFileError
from db.resources import resource

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"Quire {__version__}"
POSITIONS_NOTE = ("Positions (startPosition, endPosition) count Unicode code points of the "
                  "source's plain text (UTF-8, LF line endings, NFC, no byte-order mark), "
                  "from 0, the end excluded.")
MARKER_COLOR = "#ffd54f"  # a selection without codes becomes a highlight of this colour
# Derived GUIDs (variables, whole-source codings) are UUID 5 in this namespace.
QUIRE_NS = uuidlib.UUID("8f0c1d3e-5a4b-4c6d-9e7f-0a1b2c3d4e5f")
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12})\}?")


def guid(value: str | None) -> str | None:
    """A GUID as Quire stores it (lower case, no braces); None for an absent one."""
    if not value:
        return None
    m = _GUID.fullmatch(value.strip())
    return m.group(1).lower() if m else value.strip().lower()


def derived_guid(*parts: str) -> str:
    """A stable GUID made from names (the same parts give the same GUID every time)."""
    return str(uuidlib.uuid5(QUIRE_NS, "/".join(parts)))


def untitled_name(text: str) -> str:
    """The name written for a source without a title: the start of its text (import
    reads this name back as "no title")."""
    return " ".join(text.split())[:60]


def ns(tag: str, namespace: str = PROJECT_NS) -> str:
    """``tag`` in Clark notation (``{urn:...}Tag``) for ElementTree and lxml."""
    return f"{{{namespace}}}{tag}"


# --- variables: the metadata of articles and posts ------------------------------------------

@dataclass(frozen=True)
class Variable:
    """A source column written as a REFI-QDA variable."""

    name: str  # the variable's name in the file (and the Source column)
    type: str  # typeOfVariable: Text, Boolean, Integer, DateTime

    @property
    def guid(self) -> str:
        """The variable's GUID, the same in every export."""
        return derived_guid("variable", self.name)


VARIABLES: tuple[Variable, ...] = tuple(
    Variable(n, t) for n, t in (
        ("kind", "Text"), ("author", "Text"), ("handle", "Text"), ("platform", "Text"),
        ("site_name", "Text"), ("url", "Text"), ("language", "Text"),
        ("published", "DateTime"), ("post_id", "Text"), ("reply_to_id", "Text"),
        ("thread_id", "Text"), ("is_repost", "Boolean"), ("likes", "Integer"),
        ("reposts", "Integer"), ("replies", "Integer"), ("views", "Integer"),
        ("hashtags", "Text"), ("mentions", "Text"), ("links", "Text")))
BY_NAME = {v.name: v for v in VARIABLES}
LIST_FIELDS = ("hashtags", "mentions", "links")  # lists, written space-separated
VALUE_TAGS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
              "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}


def timestamp(value: dt.datetime | None) -> str | None:
    """An xsd:dateTime in UTC (``2024-03-01T09:30:00Z``), or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text = value.astimezone(dt.UTC).isoformat()
    return text.replace("+00:00", "Z")


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """An xsd:dateTime or xsd:date as an aware datetime (UTC when it names no zone)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        found = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


# --- schemas ---------------------------------------------------------------------------------

@cache
def _schema(name: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(resource("refi", name))))


def validate(path: Path, data: bytes, schema: str) -> list[str]:
    """ImportFileError unless ``data`` (already parsed safely) follows ``schema``, apart
    from the harmless deviations of :mod:`db.exchange.refi_lenient`, returned as report
    lines.

    ``data`` is parsed again by lxml only to validate it, with entities, DTDs and the
    network off (the safe parse by defusedxml has refused any DTD before).
    """
    from lxml import etree

    from db.exchange.refi_lenient import tolerated

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)
    try:
        doc = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFileError(path, f"the file is damaged (bad XML: {exc})") from exc
    checker = _schema(schema)
    if checker.validate(doc):
        return []
    notes, errors = tolerated(doc, list(checker.error_log))
    if errors:
        err = errors[0]
        raise ImportFileError(path, "the file does not follow the REFI-QDA 1.0 schema "
                                    f"(line {err.line}: {_tidy(err.message)})")
    return notes


def _tidy(message: str) -> str:
    return re.sub(r"\{urn:QDA-XML:(?:project|codebook):1\.0\}", "", message)
