"""What real REFI-QDA files break of the 1.0 standard, and what Quire does about it.

Quire's reader is strict about meaning and lenient about harmless form. A deviation
that real exporters are known to write, and that cannot change what the file says, is
accepted and reported in a line; anything else the schema refuses still refuses the
file. Accepted today:

* an empty container (``<Sets/>``, ``<Codes/>``, ``<Users/>``...), where the schema
  wants at least one child: Taguette always writes ``<Sets/>``, and ``<Codes/>`` for a
  project without tags. It means "none", which is what Quire reads.

Besides form, one habit changes meaning if taken at its word: Taguette makes a code's
GUID from its name (UUID 5 of the tag's path in a namespace of its own), so two
unrelated projects' codes of the same name share a GUID. Such GUIDs are not taken as
identities (:func:`unpin_name_guids`): those codes are matched by name, and say so.
"""

from __future__ import annotations

import re
import uuid as uuidlib

from db.exchange.bundle import Bundle
from db.models import new_uuid

# The namespace Taguette derives code GUIDs from: uuid5(TAGUETTE_NAMESPACE, tag path).
TAGUETTE_NAMESPACE = uuidlib.UUID("51b2b2b7-27eb-4ecb-9d56-e75b0a0496c2")
HARMLESS_EMPTY = {"Users": "users", "Codes": "codes", "Variables": "variables",
                  "Cases": "cases", "Sources": "sources", "Notes": "notes", "Links": "links",
                  "Sets": "sets", "Graphs": "graphs"}
_MISSING_CHILD = re.compile(r"^Element '(?:\{[^}]*\})?(\w+)': Missing child element\(s\)")


def tolerated(doc, errors: list) -> tuple[list[str], list]:
    """Split schema errors of ``doc`` (lxml) into harmless deviations, as report lines,
    and the errors that still refuse the file."""
    notes: list[str] = []
    rest = []
    for err in errors:
        m = _MISSING_CHILD.match(err.message)
        name = m.group(1) if m else ""
        if name in HARMLESS_EMPTY and _empty_at(doc, name, err.line):
            notes.append(f"the file has an empty <{name}/> (REFI-QDA 1.0 wants at least one "
                         f"child there); read as no {HARMLESS_EMPTY[name]}")
        else:
            rest.append(err)
    return sorted(set(notes)), rest


def _empty_at(doc, name: str, line: int) -> bool:
    """Whether the element ``name`` on ``line`` has no child and no text."""
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == name and \
                el.sourceline == line:
            return len(el) == 0 and not (el.text or "").strip()
    return False


def name_guid(name: str) -> str:
    """The GUID Taguette gives a code named ``name``."""
    return str(uuidlib.uuid5(TAGUETTE_NAMESPACE, name))


def unpin_name_guids(bundle: Bundle) -> None:
    """Give every code whose GUID is made from its name a GUID of its own (its parent,
    children and codings follow), and say so in the bundle's notes."""
    fresh = {c.uuid: new_uuid() for c in bundle.codes if c.uuid == name_guid(c.name)}
    if not fresh:
        return
    for code in bundle.codes:
        code.uuid = fresh.get(code.uuid, code.uuid)
        code.parent = fresh.get(code.parent, code.parent)
    for excerpt in bundle.excerpts:
        for coding in excerpt.codings:
            coding.code = fresh.get(coding.code, coding.code)
    for memo in bundle.memos:
        if memo.target == "code":
            memo.about = fresh.get(memo.about, memo.about)
    bundle.notes.append(
        f"the GUIDs of {len(fresh)} code(s) are made from their names (as Taguette makes "
        "them, the same in every project), so they do not identify codes: those codes "
        "were matched by name, and new ones got GUIDs of their own")
