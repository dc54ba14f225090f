"""Web addresses as people read them: decoded (IRI form), wrapped at sensible points.

A URL is stored as it was given. Shown or printed, its percent-encoded UTF-8 (an Arabic
path, ``%D8%A7%D9%84…``) is decoded into the letters it stands for, as RFC 3987 (3.2)
converts a URI to an IRI: ASCII stays encoded (``%2F`` is not a path separator, ``%20``
not a word break), and so do invisible format characters, which could disguise an
address. A punycode host (``xn--…``) is shown in its own script. :func:`as_uri` gives
the encoded form back, for a link's target.

Printed, a long address may break after "//" and before a single slash, a period, a
hyphen, an underscore, a question mark, a number sign or a percent sign, and before or
after "=" and "&" (the Chicago Manual's rule for URLs, 14.18): :func:`breakable` puts a
zero-width space (a break opportunity, never drawn) at those points.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

ZWSP = "\u200b"
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]'’]", re.IGNORECASE)
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_BEFORE = re.compile(r"(?<=[^/\u200b])(?=[/.\-_?#%~,])|(?<=[=&])(?=.)|(?=[=&])")


def readable(url: str) -> str:
    """``url`` in IRI form: its non-ASCII percent-escapes and punycode host decoded."""
    if not url or ("%" not in url and "xn--" not in url.lower()):
        return url
    text = _ESCAPES.sub(_decoded, url)
    return _unicode_host(text)


def _decoded(m: re.Match) -> str:
    raw = m.group(0)
    try:
        chars = bytes.fromhex(raw.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return raw
    out = []
    for ch in chars:
        keep = ord(ch) < 128 or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")
        out.append(quote(ch, safe="") if keep else ch)
    return "".join(out)


def _unicode_host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if "xn--" not in host.lower():
        return url
    try:
        shown = ".".join(label.encode("ascii").decode("idna") if label.startswith("xn--")
                         else label for label in host.split("."))
    except UnicodeError:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(host, shown)))


def as_uri(iri: str) -> str:
    """An IRI (or a URL) as a URI: non-ASCII letters percent-encoded in UTF-8."""
    iri = iri.replace(ZWSP, "")
    return "".join(quote(ch, safe="") if ord(ch) > 127 else ch for ch in iri)


def breakable(url: str) -> str:
    """``url`` with a zero-width space at each point a line may break (see the module)."""
    scheme, sep, rest = url.partition("//")
    if not sep:
        scheme, rest = "", url
    return (f"{scheme}//{ZWSP}" if sep else "") + _BEFORE.sub(ZWSP, rest)


def links_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, target URI) of each web address written in ``text`` (zero-width
    spaces inside it are part of it)."""
    return [(m.start(), m.end(), as_uri(m.group(0))) for m in URL.finditer(text)]


def printable(text: str) -> str:
    """``text`` with each web address in it made readable and breakable."""
    return URL.sub(lambda m: breakable(readable(m.group(0))), text)
