"""What a statistic counts: the codings the export's filters select, as a SQL subquery.

:func:`coded` turns a :class:`~db.export.selection.Selection` (the export's filters, so
that a chart and an export of the same filters agree) into a subquery of distinct
``(excerpt_id, code_id, source_id, start, end, coder_id)`` rows: one per excerpt and
code, however many coders applied that code to it. With ``rollup`` each coding also
counts for every code above its code, so a parent's figures include its sub-codes (an
excerpt coded with a parent and its child counts once for the parent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, literal, select, union_all
from sqlalchemy.orm import Session

from db.export.selection import Selection, chosen_codes, excerpt_conditions
from db.models import Code, Coding, Excerpt, Source
from db.queries.codes import code_tree


@dataclass
class Scope:
    """A selection resolved once for the statistics: its SQL conditions and its codes."""

    selection: Selection
    conditions: list
    code_ids: list[int] | None  # None: every code
    rollup: bool = False
    pairs: list[tuple[int, int]] | None = None  # with rollup: (ancestor, code) pairs

    def codes(self, session: Session) -> list[dict[str, Any]]:
        """The codes the statistics show, in codebook order (id, path, name, color, depth,
        parent_id)."""
        wanted = None if self.code_ids is None else set(self.code_ids)
        return [c for c in code_tree(session, counted=False)
                if wanted is None or c["id"] in wanted]


def scope(session: Session, sel: Selection, *, rollup: bool = False, project=None,
          cancelled: Callable[[], bool] | None = None) -> Scope:
    """Resolve ``sel`` (a search query is run here, once) for the statistics."""
    return Scope(sel, excerpt_conditions(session, sel, project=project, cancelled=cancelled),
                 chosen_codes(session, sel), rollup, ancestry(session) if rollup else None)


def ancestry(session: Session) -> list[tuple[int, int]]:
    """(ancestor, code) pairs: every code with itself and each code above it."""
    parent = dict(session.execute(select(Code.id, Code.parent_id)).all())
    pairs = []
    for code in parent:
        up = code
        while up is not None:
            pairs.append((up, code))
            up = parent.get(up)
    return pairs


def _tree(pairs: list[tuple[int, int]]):
    """The pairs as a small literal table (a few hundred rows), which the database joins
    far faster than a recursive query per coding."""
    rows = [select(literal(a, Integer).label("ancestor"), literal(c, Integer).label("code"))
            for a, c in pairs or [(0, 0)]]
    while len(rows) > _COMPOUND:  # SQLite allows 500 selects in one compound select
        rows = [select(union_all(*rows[i:i + _COMPOUND]).subquery())
                for i in range(0, len(rows), _COMPOUND)]
    return union_all(*rows).subquery("tree")


_COMPOUND = 400


def coded(sc: Scope):
    """The distinct codings in scope as a subquery named ``coded`` (see the module)."""
    code = Coding.code_id
    q = (select(Coding.excerpt_id, Excerpt.source_id, Excerpt.start, Excerpt.end,
                Excerpt.coder_id)
         .join(Excerpt, Excerpt.id == Coding.excerpt_id)
         .join(Source, Source.id == Excerpt.source_id)
         .where(*sc.conditions))
    if sc.rollup:
        tree = _tree(sc.pairs or [])
        q = q.join(tree, tree.c.code == Coding.code_id)
        code = tree.c.ancestor
    if sc.code_ids is not None:
        q = q.where(code.in_(sc.code_ids))
    return q.add_columns(code.label("code_id")).distinct().subquery("coded")
