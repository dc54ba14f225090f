"""JSON text for the project's JSON columns and the raw records of imported posts.

orjson writes it several times faster than the standard library, which matters when an
import serializes five JSON values for each of a million posts. Whatever orjson refuses
(a lone surrogate, an integer beyond 64 bits, a key that is not a string, a value it
does not know) goes to :func:`json.dumps`, which decides as it always did: the text is
valid JSON either way and reads back to the same values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

from db.text import has_lone_surrogate

# Values orjson would write in a form of its own (datetimes, dataclasses) go to the
# ``default`` given, or make json.dumps decide, as before.
_PASS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value: Any) -> str:
    """``value`` as JSON text (the serializer of the project's engines)."""
    try:
        return orjson.dumps(value, option=_PASS).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value)


def dumps_record(value: Any, default: Callable[[Any], Any] = str) -> str:
    """A record read from a file as JSON text, values JSON has no form for written by
    ``default``; escaped to ASCII when it holds a lone surrogate, which SQLite cannot
    store as text."""
    try:
        return orjson.dumps(value, default=default, option=_PASS).decode()
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, default=default)
        return json.dumps(value, default=default) if has_lone_surrogate(text) else text
