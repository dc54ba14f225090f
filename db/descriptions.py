"""A code's description: four parts stored as Markdown in ``Code.description``.

A code's description is stored in ``Code.description`` as Markdown. The form edits
four parts, each kept under its own level-2 heading::

    ## Definition
    ...
    ## When to use
    ...
    ## When not to use
    ...
    ## Example
    ...

A description with only a definition is stored as plain text (as a command-line user or
a REFI-QDA import would write it), and text before any known heading is read as the
definition, so descriptions written elsewhere open in the form without loss.
"""

from __future__ import annotations

import re

# The parts of a description: key, heading (as stored), label (as shown in the form).
SECTIONS = (("definition", "Definition", "&Definition:"),
            ("use", "When to use", "&When to use:"),
            ("avoid", "When not to use", "When &not to use:"),
            ("example", "Example", "&Example:"))
_ALIASES = {"definition": "definition", "when to use": "use", "when not to use": "avoid",
            "when not to": "avoid", "example": "example", "examples": "example"}
_HEADING = re.compile(r"^#{1,6}\s*(.+?)\s*:?\s*#*\s*$")


def parse_description(text: str) -> dict[str, str]:
    """The four parts of a stored description (missing parts are empty)."""
    parts = {key: [] for key, _h, _l in SECTIONS}
    current = "definition"
    for line in (text or "").splitlines():
        match = _HEADING.match(line)
        key = _ALIASES.get(match.group(1).casefold()) if match else None
        if key:
            current = key
        else:
            parts[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in parts.items()}


def format_description(parts: dict[str, str]) -> str:
    """The stored form of a description's parts (plain text when only a definition)."""
    filled = {key: (parts.get(key) or "").strip() for key, _h, _l in SECTIONS}
    if not any(filled[key] for key in ("use", "avoid", "example")):
        return filled["definition"]
    return "\n\n".join(f"## {heading}\n\n{filled[key]}"
                       for key, heading, _l in SECTIONS if filled[key]) + "\n"
