"""The query language: a small parser that never lets a Whoosh exception through.

Grammar (``AND`` binds tighter than ``OR``; a space between two parts means ``AND``)::

    query   := or
    or      := and ( "OR" and )*
    and     := unary ( ["AND"] unary )*
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or ")" | FIELD ":" value | '"' words '"' ["~" N] | word ["~" [N]]

``AND``, ``OR`` and ``NOT`` are operators only in capitals; ``and`` is a word. A word
holding ``*`` or ``?`` is a wildcard, ``word~`` is fuzzy (one edit, two for words of
six letters or more, or ``word~2``), ``"a b"~10`` finds the words within ten words of
each other in any order. Fields: ``author:`` ``handle:`` ``platform:`` ``lang:``
``kind:`` ``collection:`` ``code:`` ``has:footnote|memo|code`` ``title:`` ``note:``
``memo:`` and ``date:`` with ``2017``, ``2017-10``, ``2017-10-01``, ranges
``2017-10-01..2017-10-31`` and open ranges ``2017-10-01..`` / ``..2017``.

:func:`parse` returns a tree of the node classes below, or raises
:class:`~db.errors.QuerySyntaxError` with the position of the problem.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as _field

from db.errors import QuerySyntaxError
from db.search.analysis import fold, query_terms

FIELDS = ("author", "handle", "platform", "lang", "kind", "collection", "code", "has",
          "date", "title", "note", "memo", "text")
HAS_VALUES = {"footnote": "footnote", "footnotes": "footnote", "memo": "memo",
              "memos": "memo", "code": "code", "codes": "code", "coded": "code"}
MIN_PREFIX = 3
"""Letters a wildcard needs before its first ``*`` or ``?``."""


# --- the tree -------------------------------------------------------------------------

@dataclass(eq=False)
class Node:
    """A part of a query; ``pos`` is where it starts in the query text."""

    pos: int


@dataclass(eq=False)
class Words(Node):
    """A word (maybe several terms, as in ``al-Raqqa``: then they must be adjacent)."""

    field: str = "text"
    text: str = ""
    terms: list[str] = _field(default_factory=list)


@dataclass(eq=False)
class Phrase(Words):
    """Words in order (``slop`` 0), or within ``slop`` words in any order (proximity)."""

    slop: int = 0


@dataclass(eq=False)
class Pattern(Words):
    """A wildcard (``kind`` "wildcard") or fuzzy word (``kind`` "fuzzy", ``edits``)."""

    kind: str = "wildcard"
    edits: int = 0


@dataclass(eq=False)
class Meta(Node):
    """A keyword field: ``author:`` is a Words node; these are exact values."""

    field: str = ""
    value: str = ""


@dataclass(eq=False)
class DateRange(Node):
    """Publication day between ``lo`` and ``hi`` (inclusive; None is open)."""

    lo: dt.date | None = None
    hi: dt.date | None = None


@dataclass(eq=False)
class And(Node):
    children: list[Node] = _field(default_factory=list)


@dataclass(eq=False)
class Or(Node):
    children: list[Node] = _field(default_factory=list)


@dataclass(eq=False)
class Not(Node):
    child: Node | None = None


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node under it."""
    yield node
    for c in getattr(node, "children", ()):
        yield from walk(c)
    if getattr(node, "child", None) is not None:
        yield from walk(node.child)


# --- the lexer ------------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<word>[^\s()"]+))')


@dataclass
class _Tok:
    kind: str  # "(" ")" "phrase" "word" "AND" "OR" "NOT" "field" "end"
    text: str
    pos: int
    slop: int | None = None


def _lex(q: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    while i < len(q):
        m = _TOKEN.match(q, i)
        if m is None or m.end() == i:
            break
        start = m.start(m.lastgroup)
        if m.lastgroup == "quote":
            i = _lex_phrase(q, start, out)
            continue
        if m.lastgroup in ("lp", "rp"):
            out.append(_Tok(m.group(m.lastgroup), m.group(m.lastgroup), start))
        else:
            out += _lex_word(m.group("word"), start)
        i = m.end()
    out.append(_Tok("end", "", len(q)))
    return out


def _lex_phrase(q: str, start: int, out: list[_Tok]) -> int:
    close = q.find('"', start + 1)
    if close < 0:
        raise QuerySyntaxError('this quotation mark is never closed', start, q)
    tok = _Tok("phrase", q[start + 1:close], start)
    end = close + 1
    m = re.compile(r"~(\d*)").match(q, end)
    if m:
        if not m.group(1):
            raise QuerySyntaxError('give a distance after "~", as in "a b"~10', m.start(), q)
        tok.slop, end = int(m.group(1)), m.end()
    out.append(tok)
    return end


def _lex_word(word: str, start: int) -> list[_Tok]:
    if word in ("AND", "OR", "NOT"):
        return [_Tok(word, word, start)]
    if word in ("&&", "||"):
        return [_Tok("AND" if word == "&&" else "OR", word, start)]
    m = re.match(r"([A-Za-z]+):(?!//)", word)
    if m:
        rest = word[m.end():]
        out = [_Tok("field", m.group(1).lower(), start)]
        return out + ([_Tok("word", rest, start + m.end())] if rest else [])
    if word.startswith("-") and len(word) > 1:
        return [_Tok("NOT", "-", start)] + _lex_word(word[1:], start + 1)
    return [_Tok("word", word, start)]


# --- the parser -----------------------------------------------------------------------

class _Parser:
    def __init__(self, q: str):
        self.q, self.toks, self.i = q, _lex(q), 0

    def error(self, message: str, pos: int):
        return QuerySyntaxError(message, pos, self.q)

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("the query is empty: type words to search for", 0)
        node = self.or_()
        if self.tok.kind == ")":
            raise self.error("this closing parenthesis has no opening one", self.tok.pos)
        if self.tok.kind != "end":
            raise self.error("unexpected text", self.tok.pos)
        return node

    def or_(self) -> Node:
        first = self.and_()
        parts = [first]
        while self.tok.kind == "OR":
            op = self.take()
            if self.tok.kind in ("end", ")", "OR"):
                raise self.error("OR needs something after it", op.pos)
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Or(first.pos, parts)

    def and_(self) -> Node:
        first = self.unary()
        parts = [first]
        while self.tok.kind not in ("end", ")", "OR"):
            if self.tok.kind == "AND":
                op = self.take()
                if self.tok.kind in ("end", ")", "OR", "AND"):
                    raise self.error("AND needs something after it", op.pos)
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(first.pos, parts)

    def unary(self) -> Node:
        t = self.tok
        if t.kind == "NOT":
            self.take()
            if self.tok.kind in ("end", ")", "OR", "AND"):
                raise self.error(f"{t.text} needs something after it", t.pos)
            return Not(t.pos, self.unary())
        if t.kind in ("AND", "OR"):
            raise self.error(f"{t.text} needs something before it", t.pos)
        return self.primary()

    def primary(self) -> Node:
        t = self.take()
        if t.kind == "(":
            if self.tok.kind == ")":
                raise self.error("these parentheses are empty", t.pos)
            node = self.or_()
            if self.tok.kind != ")":
                raise self.error("this parenthesis is never closed", t.pos)
            self.take()
            return node
        if t.kind == ")":
            raise self.error("this closing parenthesis has no opening one", t.pos)
        if t.kind == "field":
            return self.field(t)
        return self.text_node("text", t)

    def field(self, t: _Tok) -> Node:
        if t.text not in FIELDS:
            raise self.error(f"unknown field '{t.text}:' (fields are "
                             + ", ".join(f + ":" for f in FIELDS if f != "text") + ")", t.pos)
        v = self.tok
        if v.kind not in ("word", "phrase") or v.pos != t.pos + len(t.text) + 1:
            raise self.error(f"'{t.text}:' needs a value right after the colon", t.pos)
        self.take()
        if t.text == "date":
            return _date_range(self, v)
        if t.text in ("author", "title", "note", "memo", "text"):
            return self.text_node(t.text, v, t.pos)
        value = v.text.strip()
        if t.text == "has":
            if value.lower() not in HAS_VALUES:
                raise self.error("has: takes footnote, memo or code", v.pos)
            value = HAS_VALUES[value.lower()]
        if not value:
            raise self.error(f"'{t.text}:' needs a value", v.pos)
        return Meta(t.pos, t.text, value)

    def text_node(self, fname: str, t: _Tok, pos: int | None = None) -> Node:
        pos = t.pos if pos is None else pos
        if t.kind == "phrase":
            terms = query_terms(t.text)
            if not terms:
                raise self.error("these quotation marks hold no words to search for", t.pos)
            return Phrase(pos, fname, t.text, terms, slop=t.slop or 0)
        if t.kind != "word":
            raise self.error("expected a word here", t.pos)
        return _word(self, fname, t, pos)


def _word(p: _Parser, fname: str, t: _Tok, pos: int) -> Node:
    text = t.text
    fuzzy = re.fullmatch(r"(.+?)~(\d?)", text)
    if fuzzy and not any(c in fuzzy.group(1) for c in "*?"):
        base = fold(fuzzy.group(1))
        terms = query_terms(base)
        if len(terms) != 1:
            raise p.error("a fuzzy search~ takes one word", t.pos)
        edits = int(fuzzy.group(2)) if fuzzy.group(2) else (2 if len(terms[0]) >= 6 else 1)
        if edits not in (1, 2):
            raise p.error("a fuzzy search allows 1 or 2 differences (word~1, word~2)", t.pos)
        return Pattern(pos, fname, text, terms, kind="fuzzy", edits=edits)
    if "*" in text or "?" in text:
        return _wildcard(p, fname, t, pos)
    terms = query_terms(text)
    if not terms:
        raise p.error(f"'{text}' has no letters or digits to search for", t.pos)
    if len(terms) > 1:
        return Phrase(pos, fname, text, terms)
    return Words(pos, fname, text, terms)


def _wildcard(p: _Parser, fname: str, t: _Tok, pos: int) -> Node:
    pattern = fold(t.text)
    first = min(i for i in (pattern.find("*"), pattern.find("?")) if i >= 0)
    prefix = pattern[:first]
    if len(prefix.lstrip("#@")) < MIN_PREFIX:
        raise p.error(f"a wildcard needs at least {MIN_PREFIX} letters before * or ? "
                      f"(too many words would match '{t.text}')", t.pos)
    if not re.fullmatch(r"[#@]?[\w'’*?]+", pattern):
        raise p.error("a wildcard can hold letters, digits, * and ? only", t.pos)
    return Pattern(pos, fname, t.text, [pattern], kind="wildcard")


# --- dates ----------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date_range(p: _Parser, v: _Tok) -> DateRange:
    text = v.text
    if ".." in text:
        a, _, b = text.partition("..")
        if not a and not b:
            raise p.error("a date range needs at least one end, as in 2017-10-01..", v.pos)
        lo = _date_end(p, a, v.pos, last=False) if a else None
        hi = _date_end(p, b, v.pos + len(a) + 2, last=True) if b else None
        if lo and hi and lo > hi:
            raise p.error("this date range ends before it starts", v.pos)
        return DateRange(v.pos - 5, lo, hi)
    return DateRange(v.pos - 5, _date_end(p, text, v.pos, last=False),
                     _date_end(p, text, v.pos, last=True))


def _date_end(p: _Parser, text: str, pos: int, *, last: bool) -> dt.date:
    m = _DATE.fullmatch(text)
    if not m:
        raise p.error(f"'{text}' is not a date: write 2017, 2017-10 or 2017-10-31", pos)
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return dt.date(year, 12, 31) if last else dt.date(year, 1, 1)
        month = int(month)
        if day is None:
            end = calendar.monthrange(year, month)[1]
            return dt.date(year, month, end if last else 1)
        return dt.date(year, month, int(day))
    except ValueError:
        raise p.error(f"'{text}' is not a real date", pos) from None


def parse(query: str) -> Node:
    """The query as a tree, or :class:`~db.errors.QuerySyntaxError` saying where it fails."""
    return _Parser(query).parse()
