"""Generic tables of posts: CSV (any encoding and delimiter), XLSX, JSON Lines, mappings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

from db.errors import ImportFileError
from db.importers import reddit, tabular, telegram, twitter
from db.importers.base import ColumnMapping, ReadOptions
from db.importers.tabular import IMPORTER, columns_signature, preview, suggest_mapping
from db.text import is_canonical

UTC = dt.UTC

FOURCAT_COLUMNS = [
    "id", "thread_id", "timestamp", "unix_timestamp", "link", "subject", "body", "author",
    "author_fullname", "author_id", "source", "language_guess", "retweet_count",
    "reply_count", "like_count", "quote_count", "impression_count", "is_retweet",
    "is_reply", "hashtags", "urls", "mentions",
]
FOURCAT_ROWS = [
    ["920000000000000001", "920000000000000001", "2017-10-15 14:03:00", "1508076180",
     "https://twitter.com/sdfpress/status/920000000000000001", "",
     "تحرير #الرقة 🎉\r\nالحمد لله", "sdfpress", "SDF Press", "222", "Twitter Web App", "ar",
     "12", "3", "40", "1", "", "no", "no", "الرقة", "https://example.org/a", ""],
    ["920000000000000002", "920000000000000001", "2017-10-15 14:10:00", "1508076600",
     "https://twitter.com/jane/status/920000000000000002", "",
     "Cafe\u0301 news #SDFfreedRaqqa @sdfpress", "jane", "Jane Doe", "333", "Android", "en",
     "0", "0", "5", "0", "", "yes", "no", "SDFfreedRaqqa", "", "sdfpress"],
]


def write_csv(path, columns, rows, encoding="utf-8", delimiter=","):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(columns)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def read_all(path, mapping=None):
    read = IMPORTER.read(path, ReadOptions(mapping=mapping))
    return list(read.drafts), read


def detect(path):
    mine = (twitter.IMPORTER, telegram.IMPORTER, reddit.IMPORTER, tabular.IMPORTER)
    head = path.read_bytes()[:65536]
    return max(mine, key=lambda imp: imp.sniff(path, head))


def test_suggest_mapping_on_4cat_columns():
    m = suggest_mapping(FOURCAT_COLUMNS)
    assert m == ColumnMapping(text="body", author="author_fullname", handle="author",
                              date="timestamp", url="link", id="id", reply_to="")


@pytest.mark.parametrize("columns, expected", [
    (["Tweet ID", "Full_Text", "User Name", "Screen Name", "Created At", "In Reply To"],
     ColumnMapping(text="Full_Text", author="User Name", handle="Screen Name",
                   date="Created At", id="Tweet ID", reply_to="In Reply To")),
    (["post_id", "content", "author", "date", "permalink", "parent_id"],
     ColumnMapping(text="content", author="author", date="date", url="permalink",
                   id="post_id", reply_to="parent_id")),
    (["message", "from", "username", "time"],
     ColumnMapping(text="message", author="from", handle="username", date="time")),
])
def test_suggest_mapping_common_names(columns, expected):
    assert suggest_mapping(columns) == expected


def test_suggest_mapping_without_text_column():
    assert suggest_mapping(["id", "author", "date"]) is None


def test_columns_signature_is_stable():
    sig = columns_signature(["id", "body", "Author"])
    assert sig == columns_signature(["author", "id", "body"])
    assert sig != columns_signature(["id", "body"])
    assert len(sig) == 32


def test_4cat_csv(tmp_path):
    path = write_csv(tmp_path / "4cat-raqqa.csv", FOURCAT_COLUMNS, FOURCAT_ROWS)
    assert detect(path) is IMPORTER
    drafts, read = read_all(path)
    assert read.collection == "4cat-raqqa"
    first, second = drafts
    assert first.text == "تحرير #الرقة 🎉\nالحمد لله" and is_canonical(first.text)
    assert (first.author, first.handle) == ("SDF Press", "sdfpress")
    assert first.published == dt.datetime(2017, 10, 15, 14, 3, tzinfo=UTC)
    assert first.post_id == "920000000000000001"
    assert first.url == "https://twitter.com/sdfpress/status/920000000000000001"
    assert (first.likes, first.reposts, first.replies, first.views) == (40, 12, 3, None)
    assert first.language == "ar" and first.thread_id == "920000000000000001"
    assert first.hashtags == ["الرقة"] and first.links == ["https://example.org/a"]
    assert first.mentions == []
    assert first.raw["author_id"] == "222"
    assert second.text == "Café news #SDFfreedRaqqa @sdfpress"
    assert second.is_repost and second.mentions == ["sdfpress"]


def test_windows_1256_csv_with_semicolons(tmp_path):
    rows = [["1", "Sam", "plain ascii first row", "15.10.2017 14:03"]] * 300
    rows += [["2", "سارة", "تحرير #الرقة\r\nمن داعش، أخيرا", "2017-10-15T14:03:00+03:00"],
             ["3", "محمد", "رابط: https://example.org/x؟", "1508076180000"]]
    path = write_csv(tmp_path / "arabic.csv", ["id", "author", "text", "date"], rows,
                     encoding="cp1256", delimiter=";")
    drafts, _ = read_all(path)
    assert len(drafts) == 302
    first, arabic, link = drafts[0], drafts[300], drafts[301]
    assert first.published == dt.datetime(2017, 10, 15, 14, 3, tzinfo=UTC)
    assert arabic.author == "سارة"
    assert arabic.text == "تحرير #الرقة\nمن داعش، أخيرا"
    assert arabic.hashtags == ["الرقة"]
    assert arabic.published == dt.datetime(2017, 10, 15, 11, 3, tzinfo=UTC)
    assert link.links == ["https://example.org/x"]
    assert link.published == dt.datetime(2017, 10, 15, 14, 3, tzinfo=UTC)


def test_explicit_mapping_and_platform(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["a", "b", "c"],
                     [["x1", "@someone", "متن عربي #وسم"]])
    mapping = ColumnMapping(text="c", handle="b", id="a", platform="instagram")
    (d,), _ = read_all(path, mapping)
    assert (d.text, d.handle, d.post_id, d.platform) == ("متن عربي #وسم", "someone", "x1",
                                                        "instagram")
    assert d.hashtags == ["وسم"]


def test_no_text_column_needs_mapping(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(ImportFileError) as err:
        read_all(path)
    assert "needs a column mapping" in err.value.reason
    assert "its columns are: a, b" in err.value.reason


def test_mapping_with_missing_column(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(ImportFileError) as err:
        read_all(path, ColumnMapping(text="body"))
    assert "does not have: body" in err.value.reason


def test_unreadable_dates_and_empty_rows_are_counted(tmp_path):
    rows = [["hello", "15/10/2017"], ["", "2017-01-01"], ["world", ""]]
    path = write_csv(tmp_path / "t.csv", ["text", "date"], rows)
    drafts, read = read_all(path)
    assert [d.text for d in drafts] == ["hello", "world"]
    assert drafts[0].published is None and drafts[0].extra["date_text"] == "15/10/2017"
    assert "1 rows without text skipped" in read.warnings
    assert any(w.startswith("1 dates could not be read") for w in read.warnings)


def test_xlsx(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "author", "body", "created_at", "likes"])
    sheet.append([1001, "سارة", "تحرير #الرقة 🎉", dt.datetime(2017, 10, 15, 14, 3), 7])
    sheet.append([1002, "Sam", "second post", "2017-10-16", None])
    path = tmp_path / "posts.xlsx"
    book.save(path)
    assert detect(path) is IMPORTER
    drafts, _ = read_all(path)
    first, second = drafts
    assert first.post_id == "1001" and first.author == "سارة" and first.likes == 7
    assert first.published == dt.datetime(2017, 10, 15, 14, 3, tzinfo=UTC)
    assert first.hashtags == ["الرقة"]
    assert second.published == dt.datetime(2017, 10, 16, tzinfo=UTC)
    columns, rows = preview(path, rows=1)
    assert columns == ["id", "author", "body", "created_at", "likes"]
    assert rows == [["1001", "سارة", "تحرير #الرقة 🎉", "2017-10-15 14:03:00", "7"]]


def test_xlsx_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (24 * 2**20))
    with pytest.raises(ImportFileError) as err:
        read_all(path)
    assert "zip bomb" in err.value.reason


def test_jsonl_of_flat_objects(tmp_path):
    records = [{"id": 1, "text": "مرحبا #الرقة", "user": {"name": "سارة", "screen_name": "sara"},
                "created_at": "Wed Oct 10 20:19:24 +0000 2018", "tags": ["a", "b"]},
               {"id": 2, "text": "second", "user": {"name": "Sam", "screen_name": "sam"},
                "created_at": 1539202764}]
    path = tmp_path / "posts.ndjson"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{bad",
                    encoding="utf-8")
    assert detect(path) is IMPORTER
    columns, _ = preview(path)
    assert columns == ["id", "text", "user.name", "user.screen_name", "created_at", "tags"]
    drafts, read = read_all(path)
    first, second = drafts
    assert (first.author, first.handle, first.post_id) == ("سارة", "sara", "1")
    assert first.published == second.published == dt.datetime(2018, 10, 10, 20, 19, 24,
                                                                tzinfo=UTC)
    assert first.raw == records[0]
    assert read.warnings == ["line 3: not valid JSON"]


def test_preview_csv(tmp_path):
    path = write_csv(tmp_path / "t.csv", FOURCAT_COLUMNS, FOURCAT_ROWS)
    columns, rows = preview(path, rows=1)
    assert columns == FOURCAT_COLUMNS
    assert len(rows) == 1 and rows[0][6] == "تحرير #الرقة 🎉\nالحمد لله"
    assert preview(path, rows=0) == (FOURCAT_COLUMNS, [])


@pytest.mark.parametrize("name, content, reason", [
    ("empty.csv", b"", "empty"),
    ("bin.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    ("header.csv", b"text,author\n", "no posts"),
])
def test_bad_tables(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        read_all(path)
    assert reason in err.value.reason


def test_generic_csv_is_not_taken_by_specific_importers(tmp_path):
    path = write_csv(tmp_path / "t.csv", FOURCAT_COLUMNS, FOURCAT_ROWS)
    assert detect(path) is IMPORTER
