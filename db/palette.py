"""The default colours of codes, and checking colours a user typed.

:data:`PALETTE` holds 16 colours that stay apart from each other and work as text
highlight backgrounds under black (or near-black) text:

* the first ten are ColorBrewer's qualitative "Set3" scheme (Cynthia Brewer, Mark
  Harrower and The Pennsylvania State University, Apache License 2.0), without its grey,
  which would read as "no colour";
* the other six were added greedily, each time the candidate farthest (CIELAB ΔE*76)
  from the colours already chosen, from ColorBrewer "Pastel1" and "Paired" and Kenneth
  Kelly's colours of maximum contrast (1965), keeping only candidates with L* between
  60 and 92 and chroma of at least 20.

Every colour has a contrast ratio of at least 6.9:1 with black text (WCAG asks 4.5:1,
and 7:1 at its strictest level), so a highlighted passage stays readable, and any two
colours are at least ΔE*76 = 18 apart (tests/db/test_codes.py checks both).
Consecutive colours differ in hue, so codes made one after another are told apart at
once.
"""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import CodingError
from db.models import Code

PALETTE: tuple[str, ...] = (
    "#8dd3c7", "#ffed6f", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#bc80bd", "#ccebc5", "#ff7f00", "#fed9a6", "#f3c300", "#e68fac", "#8db600", "#fbb4ae",
)

_HEX = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})")


def next_color(session: Session) -> str:
    """The palette colour for a new code: the first one no code uses, else the least used."""
    used = Counter(c.lower() for c in session.scalars(select(Code.color)))
    return min(PALETTE, key=lambda c: (used[c], PALETTE.index(c)))


def normalize_color(value: str) -> str:
    """``value`` as ``#rrggbb`` (or ``#rrggbbaa``) in lower case; CodingError if unreadable."""
    color = value.strip().lower()
    if not color.startswith("#"):
        color = "#" + color
    if not _HEX.fullmatch(color):
        raise CodingError(f"'{value}' is not a colour; write it as #rrggbb, e.g. {PALETTE[0]}")
    if len(color) == 4:
        color = "#" + "".join(ch * 2 for ch in color[1:])
    return color
