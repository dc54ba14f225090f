"""Bulk writes: rows through the driver as Core writes them, ids kept as runs, UUIDs."""

import datetime as dt
import uuid

from sqlalchemy import insert, select

from db.bulk import insert_rows
from db.changes import Changes, IdRanges
from db.jsontext import dumps, dumps_record
from db.models import Source, new_uuid

WHEN = dt.datetime(2017, 10, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def _row(n: int, **more) -> dict:
    return {"kind": "post", "text": f"نص {n}", "length": 4, "text_hash": f"h{n}",
            "platform": "twitter", "post_id": str(n), "published": WHEN,
            "hashtags": ["الرقة", "Raqqa"], "extra": {"n": n, "big": 2**70},
            "raw": dumps_record({"id": n, "at": WHEN}), **more}


def _read(s, post_id: str) -> dict:
    src = s.scalars(select(Source).where(Source.post_id == post_id)).one()
    return {c.key: getattr(src, c.key) for c in Source.__table__.columns
            if c.key not in ("id", "uuid", "added_at")}


def test_rows_read_back_as_core_writes_them(proj):
    with proj.sessions() as s:
        s.execute(insert(Source.__table__), [_row(1)])
        insert_rows(s, Source.__table__, [_row(2), _row(3)])
        insert_rows(s, Source.__table__, [_row(4, likes=7)])  # another plan: with likes
        s.commit()
        core, ours = _read(s, "1"), _read(s, "2")
        for own in ("text", "text_hash", "post_id", "extra", "raw"):  # the rows' own values
            core.pop(own), ours.pop(own)
        assert ours == core
        ours = _read(s, "2")
        assert ours["published"] == WHEN and ours["hashtags"] == ["الرقة", "Raqqa"]
        assert ours["extra"] == {"n": 2, "big": 2**70}  # beyond orjson: json.dumps decided
        assert (ours["title"], ours["version"], ours["is_repost"]) == ("", 1, False)
        assert (_read(s, "3")["likes"], _read(s, "4")["likes"]) == (None, 7)
        uuids = s.scalars(select(Source.uuid)).all()
        assert len(set(uuids)) == 4 and all(uuid.UUID(u).version == 7 for u in uuids)


def test_records_keep_what_json_cannot_say():
    assert dumps_record({"at": WHEN}) == '{"at":"2017-10-20 09:30:00+03:00"}'  # str()
    assert dumps_record({"t": "a\ud800"}) == '{"t": "a\\ud800"}'  # escaped to ASCII
    assert dumps({"k": [1, "ب"]}) == '{"k":[1,"ب"]}'


def test_new_uuids_grow_with_time():
    made = [new_uuid() for _ in range(2000)]
    assert len(set(made)) == 2000
    assert made[0][:8] <= made[-1][:8]


def test_id_ranges_are_a_set():
    ids = IdRanges([5, 6, 7, 1, 9, 8, 6])
    assert ids == {1, 5, 6, 7, 8, 9} and len(ids) == 6 and list(ids) == [1, 5, 6, 7, 8, 9]
    assert 7 in ids and 4 not in ids and "7" not in ids
    assert ids | {2} == {1, 2, 5, 6, 7, 8, 9} and {5, 10} & ids == {5}
    changes = Changes().add("sources", range(1, 100_001))
    assert len(changes.ids["sources"]._starts) == 1  # one run, not 100,000 entries
    assert 100_000 in changes.ids["sources"] and 100_001 not in changes.ids["sources"]
