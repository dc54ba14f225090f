"""How text becomes search terms: one tokenizer for the index, the queries and the hits.

The same function, :func:`tokens`, tokenizes a source when it is indexed, the words
of a query, and a source again when its hits are located, so a hit is exactly where
the index said a term was, in code points of the canonical text (DESIGN.md rule 6).

Folding (:mod:`db.fold`, which find in a source shares) maps every character to one
character or to nothing, so a folded text is as long as the original unless characters
were removed, and offsets come back through a small map only then. It removes Arabic
harakat, Quranic marks and tatweel; folds alef variants (أ إ آ ٱ) to ا and ى to ي,
Arabic-Indic digits to 0-9; lower-cases; and removes Latin accents (é→e). The tokens, in
priority order:

* URLs (``https://…``, ``www.…``) and e-mail addresses, whole;
* hashtags and mentions, whole (``#sdffreedraqqa``, ``@raqqa_sl``); at index time also
  without the sign and by their camelCase/underscore/digit parts, at the same position,
  so ``raqqa``, ``#sdf*`` and ``"raqqa today"`` find ``#SDFfreedRaqqa today``;
* words, including apostrophes inside them (``don't``, ``l'état``), which at index
  time also yield their parts (``raqqa's`` is found by ``raqqa``); one-letter words
  are kept in every script and nothing is a stop word, so every word can be found.

Stemming is a second, optional field: ISRI light stemming for Arabic words,
Porter2 (Snowball English) for Latin ones; hashtags, mentions, URLs and numbers are never stemmed.

The analyzer classes are pickled into the index's schema by Whoosh: keep them top-level
here, and bump ``schema.VERSION`` whenever anything in this module changes behaviour.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from whoosh.analysis import Filter, Token, Tokenizer

from db.fold import FOLD, fold, kept_offsets  # noqa: F401 - fold is this module's API too

_W = r"\w"
_URL = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]}'’»]"
_EMAIL = r"(?<![\w.+-])[\w.+-]*\w@\w[\w-]*(?:\.[\w-]+)+"
_TAG = r"[#@]\w+"
_WORD = r"\w+(?:'\w+)*"
TOKEN_RE = re.compile(f"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<tag>{_TAG})|{_WORD}")
_URL_GROUP, _EMAIL_GROUP, _TAG_GROUP = 1, 2, 3
_WORD_PART = re.compile(r"\w+")


class Tok(NamedTuple):
    """One term at a position, found at ``[start, end)`` in the original text."""

    term: str
    pos: int
    start: int
    end: int


# The last text tokenized for indexing and its tokens, as one tuple (swapped atomically,
# so threads never see a text with another's tokens): the exact and stemmed fields of
# a document analyze the same text one after the other.
_last: tuple = (None, None)


def tokens(text: str, *, parts: bool = True) -> list[Tok]:
    """The terms of ``text`` (canonical, NFC), with positions and code-point offsets.

    With ``parts`` (indexing, locating hits) hashtags and mentions also yield their
    parts at their own position; queries tokenize without them.
    """
    global _last
    last = _last
    if parts and last[0] is text:
        return last[1]
    out = _tokens(text, parts)
    if parts:
        _last = (text, out)
    return out


def _tokens(text: str, parts: bool) -> list[Tok]:
    folded = text.translate(FOLD)
    omap = kept_offsets(text) if len(folded) != len(text) else None
    out: list[Tok] = []
    for pos, m in enumerate(TOKEN_RE.finditer(folded)):
        s, e = m.span()
        if omap is not None:
            s, e = omap[s], omap[e - 1] + 1
        out.append(Tok(m.group(), pos, s, e))
        if parts and m.lastindex == _TAG_GROUP:
            out += _tag_parts(text, m.group(), pos, s, e)
        elif parts and m.lastindex is None and "'" in m.group():
            out += _apostrophe_parts(m, pos, omap)
    return out


def _apostrophe_parts(m: re.Match, pos: int, omap: list[int] | None) -> list[Tok]:
    """``raqqa's`` is also ``raqqa`` and ``s``, at its position."""
    out = []
    for p in _WORD_PART.finditer(m.group()):
        s, e = m.start() + p.start(), m.start() + p.end()
        if omap is not None:
            s, e = omap[s], omap[e - 1] + 1
        out.append(Tok(p.group(), pos, s, e))
    return out


def _tag_parts(text: str, tag: str, pos: int, start: int, end: int) -> list[Tok]:
    """A hashtag's or mention's name without the sign, and its parts, at ``pos``."""
    out = [Tok(tag[1:], pos, start + 1, end)]
    pieces = split_name(text, start + 1, end)
    if len(pieces) > 1:
        for s, e in pieces:
            term = text[s:e].translate(FOLD)
            if term:
                out.append(Tok(term, pos, s, e))
    return out


_ASCII_NAME = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the camelCase, underscore and digit parts of ``text[start:end]``."""
    name = text[start:end]
    if name.isascii():
        return [(start + m.start(), start + m.end()) for m in _ASCII_NAME.finditer(name)]
    spans: list[tuple[int, int]] = []
    s = start
    for i in range(start + 1, end + 1):
        if i == end or _boundary(text, i):
            if text[s:i].strip("_"):
                spans.append((s + (text[s] == "_"), i))
            s = i
    return spans


def _boundary(text: str, i: int) -> bool:
    a, b = text[i - 1], text[i]
    if b == "_" or a == "_":
        return True
    if a.isdigit() != b.isdigit():
        return True
    if a.islower() and b.isupper():
        return True
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return a.isupper() and b.isupper() and nxt.islower()


def term_finder(terms) -> re.Pattern:
    """A pattern that finds where any of ``terms`` may occur in a folded text."""
    alternatives = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)))


_SPACE = re.compile(r"\s")


def find_terms(text: str, terms: set[str], finder: re.Pattern) -> list[tuple[int, int]]:
    """Spans of the tokens of ``text`` whose term is in ``terms`` (as :func:`tokens` finds
    them, hashtag parts included), tokenizing only the words where ``finder`` matched.

    A token never contains white space, so each candidate is checked by tokenizing
    just the run of non-space characters around it: the same answer as tokenizing the
    whole text, at a fraction of the cost for long texts and common words.
    """
    folded = text.translate(FOLD)
    omap = kept_offsets(text) if len(folded) != len(text) else None
    out: list[tuple[int, int]] = []
    done_until = -1
    for m in finder.finditer(folded):
        a = m.start() if omap is None else omap[m.start()]
        if a < done_until:
            continue
        cs = a
        while cs > 0 and not text[cs - 1].isspace():
            cs -= 1
        space = _SPACE.search(text, a)
        ce = space.start() if space else len(text)
        out += [(cs + t.start, cs + t.end) for t in _tokens(text[cs:ce], True)
                if t.term in terms]
        done_until = ce
    return out


def query_terms(text: str) -> list[str]:
    """The terms of a query word or phrase, as :func:`tokens` indexes them."""
    return [t.term for t in tokens(unicodedata.normalize("NFC", text), parts=False)]


# --- stemming ---------------------------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")


@lru_cache(maxsize=1)
def _isri():
    from whoosh.lang.isri import ISRIStemmer

    return ISRIStemmer()


@lru_cache(maxsize=200_000)
def stem(term: str) -> str:
    """The stem of one folded term: ISRI for Arabic, Porter2 for Latin, else unchanged."""
    if len(term) < 3 or term[0] in "#@" or "/" in term or "@" in term or term.isdigit():
        return term
    if _ARABIC_LETTER.match(term):
        return _isri().stem(term) or term
    if term.isascii():
        from whoosh.lang.porter2 import stem as porter2

        return porter2(term)
    return term


def stemmed(toks: list[Tok]) -> list[Tok]:
    """The same tokens with stemmed terms."""
    return [t._replace(term=stem(t.term)) for t in toks]


# --- Whoosh adapters (pickled into the schema) -------------------------------------------

class QuireTokenizer(Tokenizer):
    """Whoosh's view of :func:`tokens` (index mode: with hashtag parts)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self).__name__)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for tok in tokens(value, parts=mode != "query"):
            t.text, t.boost, t.stopped = tok.term, 1.0, False
            if keeporiginal:
                t.original = value[tok.start:tok.end]
            if positions:
                t.pos = start_pos + tok.pos
            if chars:
                t.startchar, t.endchar = start_char + tok.start, start_char + tok.end
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
