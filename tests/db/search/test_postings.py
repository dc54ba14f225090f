"""The bulk writer speaks Whoosh's format: what it writes, Whoosh reads as its own, and
the other way round; huge texts are indexed a window at a time; builds take turns."""

import subprocess
import sys
import time

import pytest
from whoosh import index as windex
from whoosh.filedb.filestore import RamStorage
from whoosh.reading import SegmentReader

from db.search import documents as documents_module
from db.search import search
from db.search import segment as segment_module
from db.search.documents import IndexDoc
from db.search.lock import WAITING
from db.search.postings import Postings, decode_spans
from db.search.schema import build_schema
from db.search.segment import Accumulator, read_runs, run_files, write_segment

from .conftest import make_source

TEXTS = ["Families returned to #SDFfreedRaqqa today, the families said.",
         "عادت العائلات إلى الرَّقَّة بعد الغارات", "the the the aid convoy don't stop",
         "x " * 70000 + "far away"]  # a long text: posting values above 65,535


def _docs():
    return [IndexDoc(i + 1, 1000 * i, {"body": t, "author": f"User {i}"},
                     {"kind": ["post"], "lang": ["en", "en-gb"] if i % 2 else ["ar"]},
                     len(t)) for i, t in enumerate(TEXTS)]


def _bulk(tmp_path):
    ix = windex.create_in(str(tmp_path), build_schema(), indexname="MAIN")
    acc = Accumulator(tmp_path, "t", budget=1)  # a run per document: the merge is tested
    for n, d in enumerate(_docs()):
        acc.add(n, d)
    seg = write_segment(ix.storage, "MAIN", ix.schema, read_runs(run_files(acc)),
                        acc.column_pieces(), acc.count)
    return ix, seg


def _whoosh():
    ix = RamStorage().create_index(build_schema(), indexname="MAIN")
    w = ix.writer()
    for d in _docs():
        fields = {"sid": d.sid, "when": d.when, "len": d.length}
        fields.update((k, " ".join(v)) for k, v in d.keywords.items())
        for name, text in d.texts.items():
            fields[name] = text
            if name != "author":
                fields[f"{name}_stem"] = text
        w.add_document(**fields)
    w.commit()
    return ix


def _postings(reader):
    out = {}
    for (field, term) in reader.all_terms():
        fmt = reader.schema[field].format
        items = reader.postings(field, term).items_as("characters") \
            if fmt.supports("characters") else ((d, None) for d in
                                                reader.postings(field, term).all_ids())
        out[(field, term)] = list(items)
    return out


@pytest.mark.parametrize(("slice_", "record"), [(segment_module.SLICE, segment_module.RECORD),
                                               (1, 16), (5, 32)])
def test_the_bulk_writer_writes_what_whoosh_writes(tmp_path, monkeypatch, slice_, record):
    monkeypatch.setattr(segment_module, "SLICE", slice_)  # long lists are merged in slices
    monkeypatch.setattr(segment_module, "RECORD", record)  # and written in several records
    ix, seg = _bulk(tmp_path)
    ours = SegmentReader(ix.storage, ix.schema, seg)
    with _whoosh().reader() as theirs:
        assert _postings(ours) == _postings(theirs)
        assert list(ours.column_reader("sid")) == list(theirs.column_reader("sid"))
    ours.close()


def test_our_reader_reads_whoosh_blocks_and_skips(tmp_path):
    with _whoosh().reader() as r:
        info = r.term_info("body", "x")
        p = Postings(r._terms._postfile, info)
        assert p.all_ids() == [3]
        p = Postings(r._terms._postfile, r.term_info("body", "families"))
        assert p.block_ids() == (0,)
        assert list(decode_spans(p.block_values()[0])[0::3]) == [0, 6]


def test_long_posting_lists_skip_whole_blocks(tmp_path):
    ix = windex.create_in(str(tmp_path), build_schema(), indexname="MAIN")
    acc = Accumulator(tmp_path, "t")
    for n in range(1000):
        acc.add(n, IndexDoc(n + 1, n, {"body": "common" + (" rare" if n == 900 else "")},
                            {}, 10))
    seg = write_segment(ix.storage, "MAIN", ix.schema, read_runs(run_files(acc)),
                        acc.column_pieces(), acc.count)
    reader = SegmentReader(ix.storage, ix.schema, seg)
    p = Postings(reader._terms._postfile, reader.term_info("body", "common"))
    assert p.skip_to(900) and 900 in p.block_ids() and p.block_ids()[0] == 896
    assert not p.skip_to(5000)
    reader.close()


def test_whoosh_merges_our_segments(proj, index):
    from db.search import catchup

    with proj.session() as s:
        make_source(s, "first post about Raqqa")
    with proj.sessions() as s:
        index.ensure(s)
    for i in range(catchup.PILE + 1):  # each catch-up adds a small segment, then a merge
        with proj.session() as s:
            make_source(s, f"post {i} about Raqqa")
        with proj.sessions() as s:
            index.ensure(s)
    with proj.sessions() as s:
        found = [r.match for r in search(index, s, "raqqa").rows()]
    assert found == ["Raqqa"] * (catchup.PILE + 2)
    assert len(list(index.path.glob("*.trm"))) < catchup.PILE


def test_a_huge_text_is_indexed_a_window_at_a_time(proj, index, monkeypatch):
    monkeypatch.setattr(documents_module, "HUGE", 1000)
    monkeypatch.setattr(documents_module, "WINDOW", 300)
    from db.search import loading

    monkeypatch.setattr(loading, "HUGE", 1000)
    text = " ".join(f"word{i}" for i in range(800)) + " الرَّقَّة end"
    with proj.session() as s:
        sid = make_source(s, text, kind="article", title="Huge").id
    with proj.sessions() as s:
        index.ensure(s)
        rows = list(search(index, s, '"word700 word701" OR الرقة').rows())
    assert [(r.hit.source_id, text[r.hit.start:r.hit.end]) for r in rows] == [
        (sid, "word700 word701"), (sid, "الرَّقَّة")]
    assert rows[0].left.endswith("word699 ") and rows[0].right.startswith(" word702")


def test_a_huge_text_spilled_between_windows_is_merged_whole(proj, index, monkeypatch):
    monkeypatch.setattr(documents_module, "HUGE", 1000)
    monkeypatch.setattr(documents_module, "WINDOW", 300)
    monkeypatch.setattr(segment_module, "BUDGET", 1)  # a run per window
    monkeypatch.setattr(segment_module, "SLICE", 2)
    monkeypatch.setattr(segment_module, "RECORD", 48)
    from db.search import loading

    monkeypatch.setattr(loading, "HUGE", 1000)
    text = " ".join(f"raqqa w{i}" for i in range(400))
    with proj.session() as s:
        make_source(s, "raqqa first")
        sid = make_source(s, text, kind="article", title="Huge").id
    with proj.sessions() as s:
        index.ensure(s)
        rows = list(search(index, s, '"raqqa w399" OR raqqa').rows())
    spans = [(r.hit.start, r.hit.end) for r in rows if r.hit.source_id == sid]
    assert [text[a:b] for a, b in spans] == ["raqqa"] * 400 + ["raqqa w399"]
    assert spans == sorted(spans)


def _hold_lock(index, seconds: float) -> subprocess.Popen:
    """Another process holding the index's build lock for ``seconds``."""
    lock = str(index.path) + ".lock"
    index.path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; from whoosh.util.filelock import FileLock; "
         f"l = FileLock({lock!r}); assert l.acquire(); print('held', flush=True); "
         f"time.sleep({seconds})"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_process_waits_for_the_build_and_says_so(proj, index):
    with proj.session() as s:
        make_source(s, "Raqqa at dawn")
    holder = _hold_lock(index, 1.5)
    said = []
    start = time.monotonic()
    with proj.sessions() as s:
        assert index.ensure(s, progress=lambda d, t, m: said.append(m)).startswith("rebuilt")
    assert time.monotonic() - start > 0.5 and said[0] == WAITING
    holder.wait()


def test_a_build_that_never_ends_is_reported(proj, index, monkeypatch):
    from db.errors import IndexBusyError
    from db.search import lock as lock_module

    monkeypatch.setattr(lock_module, "WAIT", 0.3)
    holder = _hold_lock(index, 5)
    try:
        with proj.sessions() as s, pytest.raises(IndexBusyError, match="another Quire"):
            index.ensure(s)
    finally:
        holder.kill()
        holder.wait()
