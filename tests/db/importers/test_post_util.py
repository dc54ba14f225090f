"""Shared helpers of the post importers: dates, tags in text, JSON streaming."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.errors import ImportFileError
from db.importers.jsonstream import iter_records
from db.importers.postutil import (
    Tally,
    hashtags_in,
    links_in,
    mentions_in,
    parse_date,
    split_list,
    to_int,
)

UTC = dt.UTC
WHEN = dt.datetime(2017, 10, 15, 14, 3, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    "2017-10-15T14:03:00Z", "2017-10-15T14:03:00.000Z", "2017-10-15T14:03:00",
    "2017-10-15 14:03:00", "2017-10-15T17:03:00+03:00", "2017-10-15 14:03:00+00:00",
    1508076180, 1508076180.0, "1508076180", 1508076180000, "1508076180000",
    "Sun Oct 15 14:03:00 +0000 2017", "Sun Oct 15 16:03:00 +0200 2017",
    "Sun, 15 Oct 2017 14:03:00 +0000", "2017/10/15 14:03", "15.10.2017 14:03",
    dt.datetime(2017, 10, 15, 14, 3), dt.datetime(2017, 10, 15, 17, 3,
                                                  tzinfo=dt.timezone(dt.timedelta(hours=3))),
])
def test_parse_date_gives_utc(value):
    got = parse_date(value)
    assert got == WHEN and got.tzinfo is UTC


@pytest.mark.parametrize("value", [None, "", "yesterday", "15/10/2017", "Foo Bar 99", True])
def test_parse_date_refuses_ambiguous_or_junk(value):
    assert parse_date(value) is None


def test_date_only_is_midnight_utc():
    assert parse_date("2017-10-15") == dt.datetime(2017, 10, 15, tzinfo=UTC)


def test_hashtags_are_unicode_aware():
    text = "تحرير #الرقة و#مدينة_الرقة #SDFfreedRaqqa #1 &#39; x#no #الرَّقة #Ελλάδα!"
    assert hashtags_in(text) == ["الرقة", "SDFfreedRaqqa", "الرَّقة", "Ελλάδα"]


def test_mentions_and_links():
    text = ("@sdf_press said (see https://example.org/a_(b)), "
            "mail me@example.com, https://t.co/xyz… «https://ar.example/مقال»")
    assert mentions_in(text) == ["sdf_press"]
    assert links_in(text) == ["https://example.org/a_(b)", "https://t.co/xyz",
                              "https://ar.example/مقال"]


def test_split_list_and_to_int():
    assert split_list('["#a", "#ب"]', "#") == ["a", "ب"]
    assert split_list("['@x', '@y']", "@") == ["x", "y"]
    assert split_list("a, b;c d") == ["a", "b", "c", "d"]
    assert split_list("") == []
    assert [to_int(v) for v in ("12", "1,234", "3.0", "", None, "n/a", 7)] == [
        12, 1234, 3, None, None, None, 7]


def test_json_array_is_streamed(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"n": 1}, {"n": 2}], indent=2), encoding="utf-8")
    tally = Tally([])
    got = list(iter_records(path, tally))
    assert [v for _, v in got] == [{"n": 1}, {"n": 2}]
    assert [line for line, _ in got] == [2, 5]


def test_truncated_array_raises(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[{"n": 1}, {"n": 2}, {"n":', encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        list(iter_records(path, Tally([])))
    assert "incomplete" in err.value.reason


def test_not_json_document(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        list(iter_records(path, Tally([])))
    assert "not JSON" in err.value.reason


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_cursor_window_slides_over_chunks(tmp_path, monkeypatch, chunk):
    from db.importers import jsoncursor

    monkeypatch.setattr(jsoncursor, "CHUNK", chunk)
    values = [12345, -0.5e3, "نص #الرقة 🎉", True, None, {"a": [1, 22, 333]}, [], {}, 678]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(values, ensure_ascii=False, indent=1), encoding="utf-8")
    got = list(iter_records(path, Tally([])))
    assert [v for _, v in got] == values
    assert got[-1][0] == len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_cursor_reports_the_damaged_line(tmp_path, monkeypatch):
    from db.importers import jsoncursor

    monkeypatch.setattr(jsoncursor, "CHUNK", 5)
    path = tmp_path / "a.json"
    path.write_text('[\n{"a": 1},\n{"a": 2 "b": 3},\n{"a": 4}\n]\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        list(iter_records(path, Tally([])))
    assert err.value.reason.startswith("the JSON document is damaged at line 3")
