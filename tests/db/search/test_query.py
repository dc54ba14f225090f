"""The query language: every construct parses, every mistake is pointed at."""

import datetime as dt

import pytest

from db.errors import QuerySyntaxError
from db.search.query import And, DateRange, Meta, Not, Or, Pattern, Phrase, Words, parse


def test_words_and_implicit_and():
    node = parse("aid convoy")
    assert isinstance(node, And) and [c.terms for c in node.children] == [["aid"], ["convoy"]]


def test_operators_precedence_and_parentheses():
    node = parse("a OR b AND NOT c")
    assert isinstance(node, Or)
    right = node.children[1]
    assert isinstance(right, And) and isinstance(right.children[1], Not)
    node = parse("(a OR b) c")
    assert isinstance(node, And) and isinstance(node.children[0], Or)


def test_lower_case_operators_are_words():
    node = parse("war and peace")
    assert [c.terms for c in node.children] == [["war"], ["and"], ["peace"]]


def test_minus_is_not():
    node = parse("aid -convoy")
    assert isinstance(node.children[1], Not)


def test_phrases_and_proximity():
    node = parse('"aid convoy"')
    assert isinstance(node, Phrase) and node.terms == ["aid", "convoy"] and node.slop == 0
    node = parse('"fallujah airstrikes"~10')
    assert node.slop == 10
    assert isinstance(parse("al-Raqqa"), Phrase)


def test_wildcards_and_fuzzy():
    node = parse("recon*")
    assert isinstance(node, Pattern) and node.kind == "wildcard" and node.terms == ["recon*"]
    node = parse("famlies~")
    assert node.kind == "fuzzy" and node.edits == 2
    assert parse("aid~1").edits == 1


def test_fields():
    assert isinstance(parse("author:smith"), Words)
    assert parse('author:"John Smith"').terms == ["john", "smith"]
    node = parse("handle:@Raqqa_SL")
    assert isinstance(node, Meta) and node.field == "handle" and node.value == "@Raqqa_SL"
    assert parse("has:footnotes").value == "footnote"
    assert parse('collection:"Raqqa 2017"').value == "Raqqa 2017"
    assert parse("lang:ar").field == "lang"


@pytest.mark.parametrize("query,lo,hi", [
    ("date:2017", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
    ("date:2017-02", dt.date(2017, 2, 1), dt.date(2017, 2, 28)),
    ("date:2017-10-01..2017-10-31", dt.date(2017, 10, 1), dt.date(2017, 10, 31)),
    ("date:2017-10-01..", dt.date(2017, 10, 1), None),
    ("date:..2016", None, dt.date(2016, 12, 31)),
])
def test_dates(query, lo, hi):
    node = parse(query)
    assert isinstance(node, DateRange) and (node.lo, node.hi) == (lo, hi)


@pytest.mark.parametrize("query,position,words", [
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ('aid "convoy', 4, "never closed"),
    ("(aid OR convoy", 0, "never closed"),
    ("aid)", 3, "no opening"),
    ("aid OR", 4, "OR needs something after"),
    ("AND aid", 0, "needs something before"),
    ("NOT", 0, "NOT needs something"),
    ("()", 0, "empty"),
    ("re*", 0, "at least 3 letters"),
    ("*ing", 0, "at least 3 letters"),
    ("colour:red", 0, "unknown field"),
    ("date:2017-13-01", 5, "not a real date"),
    ("date:yesterday", 5, "not a date"),
    ("date:2018..2017", 5, "ends before it starts"),
    ("aid date:..", 9, "at least one end"),
    ("has:pictures", 4, "footnote, memo or code"),
    ("author: smith", 0, "needs a value"),
    ("!!!", 0, "no letters or digits"),
    ('"aid convoy"~', 12, "distance"),
    ("aid~7", 0, "1 or 2"),
])
def test_syntax_errors_point_at_the_problem(query, position, words):
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert err.value.position == position
    assert words in err.value.message
    assert err.value.pointer().splitlines()[-1] == " " * position + "^"
