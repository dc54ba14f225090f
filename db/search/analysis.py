"""How text becomes search terms: one tokenizer for the index, the queries and the hits.

The same function, :func:`analyze`, tokenizes a source when it is indexed, the words
of a query, and a source again when a hit must be located without the index, so a hit
is exactly where the index said a term was, in code points of the canonical text
(DESIGN.md rule 6). Text is folded first (:mod:`db.fold`, which find in a source
shares: case, accents, harakat, tatweel, alef variants). The tokens, in priority order:

* URLs (``https://…``, ``www.…``) and e-mail addresses, whole;
* hashtags and mentions, whole (``#sdffreedraqqa``, ``@raqqa_sl``); at index time also
  without the sign and by their parts (:func:`name_pieces`), at the same position, so
  ``raqqa``, ``sdf``, ``freed``, ``#sdf*`` and ``"raqqa today"`` find
  ``#SDFfreedRaqqa today``;
* words, including apostrophes inside them (``don't``, ``l'état``), which at index
  time also yield their parts (``raqqa's`` is found by ``raqqa``); one-letter words
  are kept in every script and nothing is a stop word, so every word can be found.

Tokenizing is one ``re.split`` and a running sum of the pieces' lengths, both in C;
Python only touches the tokens that have parts.

Stemming is a second, optional field: ISRI light stemming for Arabic words, Porter2
(Snowball English) for Latin ones; hashtags, mentions, URLs and numbers are never
stemmed.

The analyzer classes are pickled into the index's schema by Whoosh: keep them top-level
here, and bump ``schema.VERSION`` whenever anything in this module changes behaviour.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from whoosh.analysis import Filter, Token, Tokenizer

from db.fold import FOLD, fold, kept_offsets

__all__ = ["FOLD", "TOKEN_RE", "Tok", "analyze", "fold", "forget", "name_pieces", "query_terms",
           "stem", "stems", "tokens"]

_URL = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]}'’»]"
_EMAIL = r"(?<![\w.+-])[\w.+-]*\w@\w[\w-]*(?:\.[\w-]+)+"
_TAG = r"[#@]\w+"
_WORD = r"\w+(?:'\w+)*"
TOKEN_RE = re.compile(f"{_URL}|{_EMAIL}|{_TAG}|{_WORD}")
"""One token of folded text (a URL, an e-mail address, a hashtag or mention, a word)."""
_SPLIT = re.compile(f"({TOKEN_RE.pattern})")
_SPLIT_NO_EMAIL = re.compile(f"({_URL}|{_TAG}|{_WORD})")
"""The same split for text with no ``\\w@\\w`` (where no e-mail address can be): trying
the e-mail pattern at every word costs half the time of a split."""
_EMAIL_AT = re.compile(r"\w@\w")
_WORD_PART = re.compile(r"\w+")

Tokens = tuple[list[str], list[int], list[int], list[int]]
"""Parallel lists: terms, their positions, start and end offsets in the original text."""


class Tok(NamedTuple):
    """One term at a position, found at ``[start, end)`` in the original text."""

    term: str
    pos: int
    start: int
    end: int


def analyze(text: str, parts: bool = True) -> Tokens:
    """The terms of ``text`` (canonical, NFC) with positions and code-point offsets.

    With ``parts`` (indexing, locating hits) hashtags, mentions and words with an
    apostrophe also yield their parts, at their own position, right after them; the
    positions never decrease, so the last token's position + 1 is the number of tokens.
    """
    folded = text.translate(FOLD)
    split = _SPLIT if "@" in folded and _EMAIL_AT.search(folded) else _SPLIT_NO_EMAIL
    pieces = split.split(folded)
    terms = pieces[1::2]
    offs = list(accumulate(map(len, pieces)))
    fstarts, fends = offs[0:-1:2], offs[1::2]
    starts, ends = fstarts, fends
    if len(folded) != len(text):
        omap = kept_offsets(text)
        starts = [omap[s] for s in fstarts]
        ends = [omap[e - 1] + 1 for e in fends]
    out = (terms, list(range(len(terms))), starts, ends)
    if parts and ("#" in folded or "@" in folded or "'" in folded):
        more: Tokens = ([], [], [], [])
        _add_parts(text, folded, out, more, fstarts, fends,
                   omap if len(folded) != len(text) else None)
        if more[0]:
            out = _after_their_tokens(out, more)
    return out


_MARK = re.compile("[#@']")
"""Characters of the tokens that have parts."""


def _add_parts(text: str, folded: str, toks: Tokens, more: Tokens, fstarts: list[int],
               fends: list[int], omap: list[int] | None) -> None:
    """Append to ``more`` the parts of the tokens that have some, token by token (only
    tokens holding a ``#``, ``@`` or ``'`` are looked at)."""
    terms, last = toks[0], -1
    for m in _MARK.finditer(folded):
        at = m.start()
        j = bisect_right(fstarts, at) - 1
        if j <= last or at >= fends[j]:  # a token seen already, or no token at all
            continue
        last, t = j, terms[j]
        if t[0] in "#@":
            _tag_parts(text, toks, more, j)
        elif "'" in t and "/" not in t and "@" not in t:
            for p in _WORD_PART.finditer(t):
                s, e = fstarts[j] + p.start(), fstarts[j] + p.end()
                if omap is not None:
                    s, e = omap[s], omap[e - 1] + 1
                _append(more, p.group(), j, s, e)


def _after_their_tokens(toks: Tokens, more: Tokens) -> Tokens:
    """``toks`` with the parts ``more`` (positions never decreasing: the index of their
    token) put right after their token."""
    out: Tokens = ([], [], [], [])
    poss, prev, k = more[1], 0, 0
    while k < len(poss):
        j = poss[k]
        stop = k + 1
        while stop < len(poss) and poss[stop] == j:
            stop += 1
        for o, seq, extra in zip(out, toks, more, strict=True):
            o += seq[prev:j + 1]
            o += extra[k:stop]
        prev, k = j + 1, stop
    for o, seq in zip(out, toks, strict=True):
        o += seq[prev:]
    return out


def _append(toks: Tokens, term: str, pos: int, start: int, end: int) -> None:
    toks[0].append(term)
    toks[1].append(pos)
    toks[2].append(start)
    toks[3].append(end)


def _tag_parts(text: str, toks: Tokens, more: Tokens, j: int) -> None:
    """A hashtag's or mention's name without the sign, and its parts, at its position."""
    start, end = toks[2][j], toks[3][j]
    _append(more, toks[0][j][1:], j, start + 1, end)
    at = start + 1
    for s, e, term in _NAME_PARTS[text[at:end]]:
        _append(more, term, j, at + s, at + e)


class _NameParts(dict):
    """A hashtag's or mention's name (as written) to its parts as ``(start, end, term)``
    relative to the name, none if it has one part; remembered, as names recur."""

    LIMIT = 1024

    def __missing__(self, name: str) -> tuple:
        if len(self) > self.LIMIT:
            self.clear()
        pieces = name_pieces(name, 0, len(name))
        parts = () if len(pieces) < 2 else tuple(
            (s, e, term) for s, e in pieces if (term := name[s:e].translate(FOLD)))
        self[name] = parts
        return parts


_NAME_PARTS = _NameParts()


def _char_class(c: str) -> str:
    if c.isupper():
        return "u"
    if c.islower():
        return "l"
    if c.isdigit():
        return "d"
    return "o" if c.isalpha() else "_"


def _runs(text: str, start: int, end: int) -> list[list]:
    """Runs of upper-case, lower-case, digits, caseless letters and separators; removed
    characters (harakat, tatweel) belong to the run before them."""
    runs: list[list] = []
    for i in range(start, end):
        c = text[i]
        if runs and FOLD.get(ord(c)) == "":
            runs[-1][2] = i + 1
            continue
        k = _char_class(c)
        if runs and runs[-1][0] == k:
            runs[-1][2:] = [i + 1, i]
        else:
            runs.append([k, i, i + 1, i])
    return runs


def name_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the parts of a hashtag's or mention's name, ``text[start:end]``.

    The name is split as a reader would: at underscores, between letters and digits,
    and where the case changes. An upper-case run before lower case is read both ways,
    as an acronym and as the capital of the next word, since only a reader knows which:
    ``SDFfreedRaqqa`` gives SDF, freed, Raqqa (and SD, Ffreed); ``HTMLParser`` gives
    HTML, Parser (and HTMLP, arser).
    """
    runs = _runs(text, start, end)
    pieces: set[tuple[int, int]] = set()
    i = 0
    while i < len(runs):
        k, s, e, last = runs[i]
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        if k == "u" and nxt is not None and nxt[0] == "l":
            if last > s:
                pieces |= {(s, e), (nxt[1], nxt[2]), (s, last)}
                s = last
            pieces.add((s, nxt[2]))
            i += 2
            continue
        if k != "_":
            pieces.add((s, e))
        i += 1
    return sorted(pieces)


def tokens(text: str, *, parts: bool = True) -> list[Tok]:
    """:func:`analyze` as a list of :class:`Tok`."""
    return [Tok(*t) for t in zip(*analyze(text, parts), strict=True)]


def query_terms(text: str) -> list[str]:
    """The terms of a query word or phrase, as :func:`analyze` indexes them."""
    return analyze(unicodedata.normalize("NFC", text), parts=False)[0]


# --- stemming ---------------------------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")


@lru_cache(maxsize=1)
def _isri():
    from whoosh.lang.isri import ISRIStemmer

    return ISRIStemmer()


@lru_cache(maxsize=1)
def _porter2():
    from whoosh.lang.porter2 import stem as porter2

    return porter2


def _stem(term: str) -> str:
    if len(term) < 3 or term[0] in "#@" or "/" in term or "@" in term or term.isdigit():
        return term
    if _ARABIC_LETTER.match(term):
        return _isri().stem(term) or term
    if term.isascii():
        return _porter2()(term)
    return term


class _Stems(dict):
    """Terms to stems, remembered (a plain dict: a hit costs no Python call)."""

    LIMIT = 100_000  # about 15 MB; a build process has a budget

    def __missing__(self, term: str) -> str:
        if term[0] in "#@" or "/" in term or "@" in term:  # never stemmed, mostly unique:
            return term  # kept out, so the cache holds words and is seldom cleared
        if len(self) > self.LIMIT:
            self.clear()
        value = self[term] = _stem(term)
        return value


_STEMS = _Stems()


def forget() -> None:
    """Empty the caches of stems and of hashtag parts (a build does when its tokenizing
    is done, so they take no room while it writes)."""
    _STEMS.clear()
    _NAME_PARTS.clear()


def stem(term: str) -> str:
    """The stem of one folded term: ISRI for Arabic, Porter2 for Latin, else unchanged."""
    return _STEMS[term]


def stems(terms: list[str]) -> list[str]:
    """:func:`stem` of each term."""
    return list(map(_STEMS.__getitem__, terms))


# --- Whoosh adapters (pickled into the schema) -------------------------------------------

class QuireTokenizer(Tokenizer):
    """Whoosh's view of :func:`analyze` (index mode: with hashtag parts)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self).__name__)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in zip(*analyze(value, parts=mode != "query"),
                                         strict=True):
            t.text, t.boost, t.stopped = term, 1.0, False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class QuireStemFilter(Filter):
    """Replaces each term by its :func:`stem`."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self).__name__)

    def __call__(self, tokens):
        for t in tokens:
            t.text = stem(t.text)
            yield t


def exact_analyzer():
    """The analyzer of the exact fields."""
    return QuireTokenizer()


def stem_analyzer():
    """The analyzer of the stemmed fields."""
    return QuireTokenizer() | QuireStemFilter()
