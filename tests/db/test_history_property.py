"""The history's contract as a property: random sequences of real operations (import,
code, recode, resize, merge codes, delete sources, memos, citations, merging another
project) with random undo and redo leave every table exactly as it was expected to be.

After every action the whole project is dumped (every column of every table but the row
versions) and compared with what the model expects: an operation's result, the state
before it after undo, the state after it after redo. The change log must agree with the
tables (the last entry of every row present is an upsert, of every row gone a delete).
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, text

from db import project
from db.errors import QuireError
from db.importing import import_paths
from db.merge import merge
from db.models import Base, Code, Excerpt, Source
from db.ops import bind
from db.ops.citations import cite
from db.ops.coders import ensure_coder
from db.ops.codes import create_code, merge_code
from db.ops.coding import apply_code, code_span, resize_excerpt
from db.ops.memos import (
    create_memo,
    delete_excerpt_keeping_memos,
    delete_sources_keeping_memos,
    remove_code_keeping_memos,
)
from tests.db.coding_support import run

EXAMPLES = int(os.environ.get("QUIRE_PROPERTY_EXAMPLES", "20"))
SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=20, deadline=None,
                    derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow],
                    phases=(Phase.generate,))  # no shrinking while it is known to fail
# The import batch record is kept by design when an import is undone (at this commit).
SKIPPED = {"changes", "alembic_version", "column_mappings", "imports"}
LOGGED = ("sources",)  # the tables whose change log the search index follows
ARTICLE = """---
title: Leaving {n}
author: A. Writer
---

They left at dawn, {n} families.[^1] Nobody came back to the town that spring.

The fields stayed empty and the well ran dry.

[^1]: A witness told the reporter so.
"""
POSTS = [{"id_str": f"9{n}", "full_text": f"Post {n}: the bridge is gone, the road is open",
          "created_at": "Sun Oct 15 15:00:00 +0000 2017", "lang": "en",
          "user": {"id_str": "1", "screen_name": "reporter", "name": "A Reporter"}}
         for n in range(3)]
picks = st.integers(min_value=0, max_value=10**6)
KINDS = ("import", "import", "new_code", "code", "code", "recode", "resize", "merge_codes",
         "delete_excerpt", "delete_source", "memo", "cite", "merge_project")


def dump(proj) -> dict[str, list[tuple]]:
    """Every row of every table (the version of a row aside), ordered by key."""
    out = {}
    with proj.sessions() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED:
                continue
            cols = [c for c in table.columns if c.name != "version"]
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in s.execute(select(*cols).order_by(*order))]
    return out


def check_change_log(proj) -> None:
    """The last change-log entry of every row present is an upsert, of a row gone a delete."""
    with proj.sessions() as s:
        for table in LOGGED:
            present = set(s.scalars(text(f"SELECT id FROM {table}")))
            last = dict(s.execute(text("SELECT entity_id, action FROM changes WHERE entity = "
                                       ":t ORDER BY seq"), {"t": table}).all())
            assert all(last.get(i) == "upsert" for i in present), table
            assert all(a == "delete" for i, a in last.items() if i not in present), table


def make_other(folder, source: str) -> str:
    """Another project (a student's copy) with the article, a code and an excerpt."""
    path = folder / "other.quire"
    with project.create(path) as other:
        with other.sessions() as s:
            import_paths(s, [source], collection="Study")
        with other.session() as s:
            who = ensure_coder(s, name="Omar").value
            code = create_code(s, name="Dawn", coder_id=who).value
            sid = s.scalar(select(Source.id))
            code_span(s, source_id=sid, start=0, end=10, code_id=code, coder_id=who)
    return str(path)


def copy_of(template, path):
    """A copy of a project file (SQLite's backup: consistent, WAL included)."""
    src, dst = sqlite3.connect(template), sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return path


class Step:
    """One step of the model's history: what undoing or redoing it runs next, and the
    project dumped before and after it."""

    def __init__(self, result, before, after):
        self.next, self.before, self.after = result.inverse, before, after


class HistoryMachine(RuleBasedStateMachine):
    """Drives one project; every rule is a real operation, an undo or a redo."""

    FOLDER = None
    TEMPLATE = None
    OTHER = ""
    counter = itertools.count()

    @initialize()
    def open_project(self):
        self.folder = self.FOLDER / f"p{next(self.counter)}"
        self.folder.mkdir()
        self.proj = project.open(copy_of(self.TEMPLATE, self.folder / "p.quire"))
        self.coder = run(self.proj, bind(ensure_coder, name="Lina")).value
        self.done: list[Step] = []
        self.undone: list[Step] = []
        self.expected = dump(self.proj)

    def teardown(self):
        if hasattr(self, "proj"):
            self.proj.close()

    # -- the model -------------------------------------------------------------------------

    def do(self, op) -> None:
        before = dump(self.proj)
        try:
            result = run(self.proj, op)
        except QuireError:
            assert dump(self.proj) == before, "a refused operation changed the project"
            return
        self.record(result, before)

    def record(self, result, before) -> None:
        after = dump(self.proj)
        if result.changes:
            self.done.append(Step(result, before, after))
            self.undone.clear()
        else:
            assert after == before, "an operation that changed nothing changed something"
        self.expected = after

    def ids(self, model) -> list[int]:
        with self.proj.sessions() as s:
            return list(s.scalars(select(model.id).order_by(model.id)))

    def pick(self, model, n: int) -> int | None:
        found = self.ids(model)
        return found[n % len(found)] if found else None

    def span(self, source_id: int, a: int, b: int) -> tuple[int, int]:
        with self.proj.sessions() as s:
            length = s.get(Source, source_id).length
        start = a % length
        return start, min(length, start + 1 + b % 25)

    # -- operations: one rule draws which, so that undo and redo get half the steps --------

    @rule(kind=st.sampled_from(KINDS), a=picks, b=picks, c=picks, flag=st.booleans())
    def operate(self, kind, a, b, c, flag):
        getattr(self, f"op_{kind}")(a, b, c, flag)

    def op_import(self, a, b, c, flag):
        """Import an article or some posts, into no collection, "Study" or a new one."""
        variant = a % 4
        if flag:
            path = self.folder / f"posts{variant}.json"
            path.write_text(json.dumps(POSTS[:variant + 1]), encoding="utf-8")
        else:
            path = self.folder / f"leaving{variant}.md"
            path.write_text(ARTICLE.format(n=variant), encoding="utf-8")
        where = ("", "Study", f"New {next(self.counter)}")[b % 3]
        before = dump(self.proj)
        with self.proj.sessions() as s:
            _, result = import_paths(s, [path], collection=where)
        self.record(result, before)

    def op_new_code(self, a, b, c, flag):
        under = None if flag else self.pick(Code, b)
        self.do(bind(create_code, name=f"Code {a % 7}", parent_id=under, coder_id=self.coder))

    def op_code(self, a, b, c, flag):
        sid, cid = self.pick(Source, a), self.pick(Code, c)
        if sid is not None:
            start, end = self.span(sid, b, c)
            self.do(bind(code_span, source_id=sid, start=start, end=end, code_id=cid,
                         color="" if cid else "#ff0000", coder_id=self.coder))

    def op_recode(self, a, b, c, flag):
        eid, cid = self.pick(Excerpt, a), self.pick(Code, b)
        if eid is None or cid is None:
            return
        if flag:
            self.do(bind(remove_code_keeping_memos, excerpt_id=eid, code_id=cid))
        else:
            self.do(bind(apply_code, excerpt_id=eid, code_id=cid, coder_id=self.coder))

    def op_resize(self, a, b, c, flag):
        eid = self.pick(Excerpt, a)
        if eid is not None:
            with self.proj.sessions() as s:
                sid = s.get(Excerpt, eid).source_id
            start, end = self.span(sid, b, c)
            self.do(bind(resize_excerpt, excerpt_id=eid, start=start, end=end))

    def op_merge_codes(self, a, b, c, flag):
        src, dst = self.pick(Code, a), self.pick(Code, b)
        if src is not None:
            self.do(bind(merge_code, code_id=src, into_id=dst))

    def op_delete_excerpt(self, a, b, c, flag):
        eid = self.pick(Excerpt, a)
        if eid is not None:
            self.do(bind(delete_excerpt_keeping_memos, excerpt_id=eid))

    def op_delete_source(self, a, b, c, flag):
        sid = self.pick(Source, a)
        if sid is not None:
            self.do(bind(delete_sources_keeping_memos, source_ids=[sid]))

    def op_memo(self, a, b, c, flag):
        kind = ("project", "source", "code", "excerpt")[b % 4]
        model = {"source": Source, "code": Code, "excerpt": Excerpt}.get(kind)
        target = self.pick(model, a) if model else None
        if model is None or target is not None:
            self.do(bind(create_memo, target=kind, target_id=target, body=f"memo {c}",
                         coder_id=self.coder))

    def op_cite(self, a, b, c, flag):
        eid = self.pick(Excerpt, a)
        if eid is not None:
            self.do(bind(cite, excerpt_id=eid, locator=f"p. {b % 300 + 1}", coder_id=self.coder))

    def op_merge_project(self, a, b, c, flag):
        self.do(bind(merge, path=self.OTHER))

    # -- undo and redo -----------------------------------------------------------------------

    @rule(moves=st.lists(st.booleans(), min_size=1, max_size=4))
    def undo_and_redo(self, moves):
        """A burst of undo (True) and redo (False), each checked as it goes."""
        for undo in moves:
            self.undo() if undo else self.redo()
            self.project_is_as_expected()

    def undo(self):
        if self.done:
            step = self.done.pop()
            step.next = run(self.proj, step.next).inverse
            self.expected = step.before
            self.undone.append(step)

    def redo(self):
        if self.undone:
            step = self.undone.pop()
            step.next = run(self.proj, step.next).inverse
            self.expected = step.after
            self.done.append(step)

    @invariant()
    def project_is_as_expected(self):
        assert dump(self.proj) == self.expected
        check_change_log(self.proj)


@pytest.mark.xfail(strict=True, reason="finds the import bug: import into a new collection, "
                   "undo, redo, undo leaves the empty collection behind")
def test_random_operations_undo_and_redo_exactly(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    article = folder / "article.md"
    article.write_text(ARTICLE.format(n=0), encoding="utf-8")

    project.create(folder / "template.quire").close()

    class Machine(HistoryMachine):
        FOLDER = folder
        TEMPLATE = folder / "template.quire"
        OTHER = make_other(folder, str(article))

    run_state_machine_as_test(Machine, settings=SETTINGS)
