"""User actions made of several operations, each still one undo step.

The window offers a few actions that are two or more operations of other nouns: a new
code applied to the selection (in vivo), a new code applied to many search hits,
deleting several memos, linking a reference to sources, saving a source's reference
form. They live here, in the core, so views and dialogs only bind and run them.

Several operations become one step through the core's one composer
(:func:`db.restore.combine` for operations that already ran, when a later one needs an
earlier one's value; :func:`db.restore.compose` for steps known in advance): one
inverse puts back every row as it was before the first of them touched it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from db.conflicts import editable
from db.ops import OpResult, bind
from db.ops import references as reference_ops
from db.ops.codes import create_code, ensure_code_path
from db.ops.coding import code_span, code_spans
from db.ops.memos import delete_memo
from db.restore import combine, compose, no_op


def code_in_vivo(session: Session, *, name: str, source_id: int, start: int, end: int,
                 coder_id: int | None) -> OpResult:
    """Create a top-level code called ``name`` and apply it to the span (value = the
    code's id)."""
    made = create_code(session, name=name, coder_id=coder_id)
    coded = code_span(session, source_id=source_id, start=start, end=end,
                      code_id=made.value, coder_id=coder_id)
    return combine([made, coded], f"New code '{name}' from selection", made.value)


def code_spans_with_new_code(session: Session, *, path: str,
                             spans: list[tuple[int, int, int]],
                             coder_id: int | None) -> OpResult:
    """Create the code at ``path`` ("Parent/Child": what is missing of it) and apply it
    to the ``(source_id, start, end)`` spans (value = the excerpt ids)."""
    made = ensure_code_path(session, path=path, coder_id=coder_id)
    coded = code_spans(session, spans=spans, code_id=made.value, coder_id=coder_id)
    n = len(spans)
    label = f"New code '{path}' on {n:,} passage{'' if n == 1 else 's'}"
    return combine([made, coded], label, coded.value)


def delete_memos(session: Session, *, memo_ids: Iterable[int], label: str = "") -> OpResult:
    """Delete several memos (undo puts them all back)."""
    steps = [bind(delete_memo, memo_id=i) for i in memo_ids]
    return compose(session, steps=steps, label=label)


def link_sources(session: Session, *, reference_id: int, link: Iterable[int] = (),
                 unlink: Iterable[int] = (), label: str = "") -> OpResult:
    """Cite the ``link`` sources by a library reference, and the ``unlink`` ones by
    their own data again."""
    steps = [bind(reference_ops.link_reference, source_id=s, reference_id=reference_id)
             for s in sorted(set(link))]
    steps += [bind(reference_ops.unlink_reference, source_id=s) for s in sorted(set(unlink))]
    return compose(session, steps=steps, label=label)


def save_source_reference(session: Session, *, source_id: int,
                          csl: dict[str, Any] | None = None, relink: bool = False,
                          reference_id: int | None = None, label: str = "",
                          expected_version: int | None = None) -> OpResult:
    """A source's reference form: its own data (``csl``, None leaves it) and, with
    ``relink``, the library reference it is cited by (None: its own data). Value: the
    source's id. With ``expected_version`` (the source's, as the form showed it), a
    change made to the source since is refused (EditConflictError)."""
    editable(session, reference_ops.get_source, "sources", source_id, expected_version)
    steps = []
    if csl is not None:
        steps.append(bind(reference_ops.edit_source_csl, source_id=source_id, csl=csl))
    if relink and reference_id is not None:
        steps.append(bind(reference_ops.link_reference, source_id=source_id,
                          reference_id=reference_id))
    elif relink:
        steps.append(bind(reference_ops.unlink_reference, source_id=source_id))
    if not steps:
        return no_op(session, label=label, value=source_id)
    return compose(session, steps=steps, label=label, value=source_id)
