"""Helpers for the search tests: sources made through the ORM, an index in the cache."""

import datetime as dt

import pytest

from db.models import Source
from db.search import SearchIndex, search
from db.text import text_hash


def make_source(s, text, **kw):
    """Add a source (a post unless ``kind`` says otherwise) and return it, flushed."""
    kw.setdefault("kind", "post")
    src = Source(text=text, length=len(text), text_hash=text_hash(text), **kw)
    s.add(src)
    s.flush()
    return src


def when(day, month=10, year=2017):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def index(proj):
    return SearchIndex(proj)


@pytest.fixture
def find(proj, index):
    """``find(query, **options)`` -> list of (source_id, start, end, matched text, where)."""

    def run(query, **options):
        with proj.sessions() as s:
            index.ensure(s)
            rows = [r for sh in search(index, s, query, **options).all() for r in sh.rows]
        return [(r.hit.source_id, r.hit.start, r.hit.end, r.match, r.hit.where) for r in rows]

    return run
