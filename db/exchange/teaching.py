"""The bundled teaching set: the starter codebook and the exercise memo of the sample.

``resources/sample/codebook.qdc`` is a REFI-QDA codebook (ten codes under three headings,
English with Arabic glosses, fixed GUIDs, so every student's copy and the instructor's
have the same code UUIDs and merging matches them by UUID); ``resources/sample/
exercise.md`` is the exercise, whose first ``# `` line becomes the memo's title.
:func:`add_teaching_set` puts both into a project as one undoable operation.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from db.exchange.refi_import import import_qdc
from db.ops import OpResult, bind
from db.ops.memos import create_memo
from db.resources import resource
from db.restore import compose
from db.text import canonical


def codebook_path() -> Path:
    """The starter codebook of the sample project."""
    return resource("sample", "codebook.qdc")


def exercise_memo(path: Path | None = None) -> tuple[str, str]:
    """The exercise as a memo: (title from its first "# " line, the Markdown below it)."""
    text = canonical((path or resource("sample", "exercise.md")).read_text(encoding="utf-8"))
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.strip() + "\n"
    return "Exercise", text


def add_teaching_set(session: Session) -> OpResult:
    """Import the starter codebook and add the exercise as a project memo (one step)."""
    title, body = exercise_memo()
    steps = [bind(import_qdc, path=codebook_path()),
             bind(create_memo, target="project", title=title, body=body)]
    return compose(session, steps=steps, label="Add the teaching set")
