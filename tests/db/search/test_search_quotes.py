"""Quoted text in searches: ``-in:quote`` leaves it out, ``in:quote`` searches only it."""

import pytest

from db.errors import QuerySyntaxError
from db.search.quotes import ALL, INSIDE, OUTSIDE, split_scope

from .conftest import make_source, when

QUOTED = "The caliphate is near, they said."
REPLY = QUOTED + "\n\nNo caliphate here, only the checkpoint."
ONLY_QUOTING = QUOTED + "\n\nI doubt it."


@pytest.fixture
def ids(proj):
    with proj.session() as s:
        made = [
            make_source(s, REPLY, author="Bob", platform="forum", published=when(2),
                        extra={"quotes": [{"start": 0, "end": len(QUOTED), "author": "Alice"}]}),
            make_source(s, ONLY_QUOTING, author="Chen", platform="forum", published=when(3),
                        extra={"quotes": [{"start": 0, "end": len(QUOTED), "author": "Alice"}]}),
            make_source(s, QUOTED, author="Alice", platform="forum", published=when(1)),
        ]
        s.commit()
        return [m.id for m in made]


def test_without_a_scope_quoted_words_are_found(ids, find):
    assert [(sid, start) for sid, start, *_ in find("caliphate")] == [
        (ids[2], 4), (ids[0], 4), (ids[0], len(QUOTED) + 5), (ids[1], 4)]


def test_minus_in_quote_leaves_quoted_text_out(ids, find):
    reply, _quoting, alice = ids
    hits = find("caliphate -in:quote")
    assert [(sid, start) for sid, start, *_ in hits] == [(alice, 4), (reply, len(QUOTED) + 5)]
    assert find("caliphate", quotes=OUTSIDE) == hits
    assert find('"caliphate is near" -in:quote') == [(alice, 4, 21, "caliphate is near",
                                                       "text")]


def test_in_quote_searches_quoted_text_only(ids, find):
    reply, quoting, _alice = ids
    assert [sid for sid, *_ in find("in:quote caliphate")] == [reply, quoting]
    assert find("checkpoint in:quote") == []
    assert [sid for sid, *_ in find("caliphate NOT in:quote")] == [ids[2], reply]


def test_scope_words_are_blanked_where_they_stand():
    assert split_scope('"a -in:quote" b -in:quote') == ('"a -in:quote" b          ', OUTSIDE)
    assert split_scope("a b") == ("a b", ALL)
    assert split_scope("IN:QUOTE x", OUTSIDE) == ("         x", INSIDE)


def test_a_query_that_is_only_a_scope_is_empty(ids, find):
    with pytest.raises(QuerySyntaxError, match="empty"):
        find("-in:quote")
