"""The history's contract as a property: random sequences of real operations (import,
code, recode, resize, merge codes, delete sources, memos, citations, merging another
project) with random undo and redo through :mod:`db.history`, and closing and reopening
the project, leave every table exactly as it was expected to be.

After every action the whole project is dumped (every column of every table but the row
versions) and compared with what the model expects: an operation's result, the state
before it after undo, the state after it after redo. The change log must agree with the
tables (the last entry of every row present is an upsert, of every row gone a delete),
an id is never given to another row, a row's version never goes down, and the history
holds the steps the model has done and undone.
"""

from __future__ import annotations

import itertools
import json
import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from db import history, project
from db.errors import QuireError
from db.importing import import_paths
from db.merge import merge
from db.models import Base, Change, Code, Excerpt, Source
from db.ops import bind
from db.ops.citations import cite
from db.ops.coders import ensure_coder
from db.ops.codes import create_code, merge_code
from db.ops.coding import apply_code, code_span, delete_excerpt, remove_code, resize_excerpt
from db.ops.memos import create_memo
from db.ops.sources import delete_sources
from db.state import BY_NAME, TABLES
from tests.db.coding_support import run
from tests.project_support import new_project_file

# The suite runs the same 12 sequences every time; QUIRE_PROPERTY_EXAMPLES=500 searches
# longer, from a random seed (QUIRE_PROPERTY_NO_SHRINK=1 reports a failure unshrunk).
EXAMPLES = int(os.environ.get("QUIRE_PROPERTY_EXAMPLES", "0")) or 12
SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=20, deadline=None,
                    derandomize="QUIRE_PROPERTY_EXAMPLES" not in os.environ, database=None,
                    suppress_health_check=[HealthCheck.too_slow],
                    phases=[p for p in Phase if p is not Phase.shrink or
                            not os.environ.get("QUIRE_PROPERTY_NO_SHRINK")])
SKIPPED = {"changes", "alembic_version", "column_mappings", "history"}
LOGGED = [t.name for t in TABLES if "id" in t.c and t.name != "project"]
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
         "delete_excerpt", "delete_source", "memo", "cite", "merge_project", "reopen")


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
        for name in LOGGED:
            present = set(s.scalars(select(BY_NAME[name].c.id)))
            last = dict(s.execute(select(Change.entity_id, Change.action)
                                  .where(Change.entity == name).order_by(Change.seq)).all())
            assert all(last.get(i) == "upsert" for i in present), name
            assert all(a == "delete" for i, a in last.items() if i not in present), name


def identities(proj) -> dict[tuple[str, int], tuple[str, int]]:
    """``(table, id) -> (uuid, version)`` of every row."""
    out = {}
    with proj.sessions() as s:
        for table in TABLES:
            if "version" in table.c:
                for i, u, v in s.execute(select(table.c.id, table.c.uuid, table.c.version)):
                    out[(table.name, i)] = (u, v)
    return out


def make_other(folder, source: str) -> str:
    """Another project (a student's copy) with the article, a code and an excerpt."""
    path = folder / "other.quire"
    with project.open(new_project_file(path)) as other:
        with other.sessions() as s:
            import_paths(s, [source], collection="Study")
        with other.session() as s:
            who = ensure_coder(s, name="Omar").value
            code = create_code(s, name="Dawn", coder_id=who).value
            sid = s.scalar(select(Source.id))
            code_span(s, source_id=sid, start=0, end=10, code_id=code, coder_id=who)
    return str(path)


class Step:
    """One step of the model's history: the project dumped before and after it."""

    def __init__(self, before, after):
        self.before, self.after = before, after


class HistoryMachine(RuleBasedStateMachine):
    """Drives one project; every rule is a real operation, an undo or a redo."""

    FOLDER = None
    OTHER = ""
    counter = itertools.count()

    @initialize(a=picks, b=picks, posts=st.booleans())
    def open_project(self, a, b, posts):
        """A new project, and a first import and code (steps too), so that most
        operations find something to work on from the start."""
        self.folder = self.FOLDER / f"p{next(self.counter)}"
        self.folder.mkdir()
        self.path = new_project_file(self.folder / "p.quire")
        self.proj = project.open(self.path)
        self.coder = run(self.proj, bind(ensure_coder, name="Lina")).value
        self.done: list[Step] = []
        self.undone: list[Step] = []
        self.expected = dump(self.proj)
        self.seen = identities(self.proj)
        self.op_import(a, b, 0, posts)
        self.op_new_code(a, b, 0, True)

    def teardown(self):
        if hasattr(self, "proj"):
            self.proj.close()

    # -- the model -------------------------------------------------------------------------

    def do(self, op) -> None:
        before = self.expected  # what the project is now: checked after every step
        try:
            with self.proj.session() as s:
                result = history.run(s, op, coder_id=self.coder)
        except QuireError:
            assert dump(self.proj) == before, "a refused operation changed the project"
            return
        self.record(result, before)

    def record(self, result, before) -> None:
        after = dump(self.proj)
        if result.changes:
            self.done.append(Step(before, after))
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
        before = self.expected  # what the project is now: checked after every step
        with self.proj.sessions() as s:
            _, result = import_paths(s, [path], collection=where,
                                     recorder=history.Recorder(self.coder))
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
            self.do(bind(remove_code, excerpt_id=eid, code_id=cid))
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
            self.do(bind(delete_excerpt, excerpt_id=eid))

    def op_delete_source(self, a, b, c, flag):
        sid = self.pick(Source, a)
        if sid is not None:
            self.do(bind(delete_sources, source_ids=[sid]))

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

    def op_reopen(self, a, b, c, flag):
        """Close the project and open it again: the history is in the file."""
        self.proj.close()
        self.proj = project.open(self.path)

    # -- undo and redo -----------------------------------------------------------------------

    @precondition(lambda self: self.done or self.undone)
    @rule(moves=st.lists(st.booleans(), min_size=1, max_size=4))
    def undo_and_redo(self, moves):
        """A burst of undo (True) and redo (False), each checked as it goes; a move that
        has nothing to work on does the other one instead (and checks it has nothing)."""
        for undo in moves:
            if (undo and self.done) or not self.undone:
                self.undo()
            else:
                self.redo()
            self.project_is_as_expected()

    def undo(self):
        with self.proj.session() as s:
            undone = history.undo(s, coder_id=self.coder)
        assert (undone is None) == (not self.done)
        if self.done:
            step = self.done.pop()
            self.expected = step.before
            self.undone.append(step)

    def redo(self):
        with self.proj.session() as s:
            redone = history.redo(s, coder_id=self.coder)
        assert (redone is None) == (not self.undone)
        if self.undone:
            step = self.undone.pop()
            self.expected = step.after
            self.done.append(step)

    @invariant()
    def project_is_as_expected(self):
        assert dump(self.proj) == self.expected
        check_change_log(self.proj)
        now = identities(self.proj)
        for key, (uuid, version) in now.items():
            if key in self.seen:
                assert self.seen[key][0] == uuid, f"{key} was given to another row"
                assert self.seen[key][1] <= version, f"the version of {key} went down"
        self.seen.update(now)
        with self.proj.sessions() as s:
            steps = [e.status for e in history.entries(s, coder_id=self.coder)]
        assert steps[len(steps) - len(self.undone):] == ["undone"] * len(self.undone)
        assert steps.count("done") == min(len(self.done), history.MAX_STEPS)


def test_random_operations_undo_and_redo_exactly(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    article = folder / "article.md"
    article.write_text(ARTICLE.format(n=0), encoding="utf-8")

    class Machine(HistoryMachine):
        FOLDER = folder
        OTHER = make_other(folder, str(article))

    run_state_machine_as_test(Machine, settings=SETTINGS)
