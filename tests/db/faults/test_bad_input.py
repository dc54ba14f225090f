"""Hostile and broken files in one import batch: each is reported with its reason, the
rest goes on, the run is recorded as finished, and nothing in the project is lost."""

import json
import zipfile

from sqlalchemy import select

from db import project
from db.citations import ris
from db.citations.ris import parse_ris
from db.importing import FAILED, IMPORTED, import_paths
from db.models import ImportBatch, Source
from tests.db.faults.support import assert_kept, holdings


def _tweet(i: int, text: str) -> dict:
    return {"id": str(1000 + i), "text": text, "author_id": "9", "conversation_id": str(i),
            "created_at": "2020-01-01T00:00:00.000Z", "author": {"id": "9", "username": "u"}}


def _batch(folder):
    folder.mkdir()
    (folder / "good.txt").write_text("A good article about aid.", encoding="utf-8")
    lines = [json.dumps(_tweet(i, "lone \ud800 surrogate" if i == 1 else f"post {i}"))
             for i in range(3)]
    (folder / "surrogate.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8",
                                            errors="surrogatepass")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "deep.jsonl").write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n")
    (folder / "latin1.txt").write_bytes("Café, naïve résumé à Paris.".encode("latin-1"))
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    with zipfile.ZipFile(folder / "whole.docx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>" * 2000)
    data = (folder / "whole.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(data[: len(data) // 2])
    (folder / "whole.docx").unlink()
    page = {"data": [{**_tweet(7, "x" * 70_000), "edit_history_tweet_ids": ["7"]}],
            "includes": {"users": [{"id": "9", "username": "u", "name": "U"}]}}
    (folder / "long_first.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")
    return folder


def test_every_bad_file_is_reported_and_the_rest_goes_on(study, tmp_path):
    before = holdings(study)
    with project.open(study) as proj, proj.sessions() as s:
        report, _ = import_paths(s, [_batch(tmp_path / "batch")])
        batch = s.get(ImportBatch, report.batch_id)
        assert batch.finished_at is not None  # the run is recorded as finished
        texts = set(s.scalars(select(Source.text)))
    status = {f.path.rsplit("/", 1)[1]: (f.status, f.reason) for f in report.files}
    assert status["good.txt"][0] == IMPORTED and status["latin1.txt"][0] == IMPORTED
    assert status["surrogate.jsonl"][0] == IMPORTED and "lone \ufffd surrogate" in texts
    assert status["long_first.jsonl"][0] == IMPORTED  # twarc2, though its head is one post
    for name in ("deep.json", "deep.jsonl"):
        assert status[name] == (FAILED, "it is nested too deeply to read (hundreds of "
                                        "levels or more)")
    for name in ("binary.txt", "truncated.docx"):
        assert status[name][0] == FAILED and status[name][1]
    assert_kept(study, before, sources=6, imports=1, collections=2)


def test_a_ris_record_that_cannot_be_read_says_why(monkeypatch):
    class Odd(Exception):
        pass

    def odd(_rec):
        raise Odd()  # a reader's error with no message, as rispy's can be

    monkeypatch.setattr(ris, "record_csl", odd)
    lib = parse_ris("TY  - JOUR\nTI  - Return migration\nER  -\n")
    (problem,) = lib.problems
    assert problem.message == ("the reference 'Return migration' could not be read (Odd in "
                               "the RIS reader) and was not imported")
