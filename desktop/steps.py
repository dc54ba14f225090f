"""Running an operation the core may refuse, as one undoable step.

``ProjectSession.apply`` runs the operation and puts it on the undo stack only when it
succeeded. An operation the core refuses (a ``QuireError``: an empty code name, a move
into a code's own sub-code...) changes nothing; this module hands its message back for
the view to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from db.errors import QuireError
from desktop.undo import Operation

if TYPE_CHECKING:
    from desktop.session import ProjectSession


@dataclass
class Step:
    """How an operation went: its value, or the core's reason for refusing it."""

    value: Any = None
    refused: str | None = None

    @property
    def ok(self) -> bool:
        """True when the operation ran and is on the undo stack."""
        return self.refused is None

    @property
    def message(self) -> str:
        """The core's reason as a sentence for a message box ("" when it ran)."""
        text = (self.refused or "").strip()
        if text and not text[0].isupper():
            text = text[0].upper() + text[1:]
        return text if not text or text.endswith((".", "!", "?")) else text + "."


def apply_step(session: ProjectSession, op: Operation, *, label: str = "",
               initiator: object = None) -> Step:
    """Run ``op`` as one undoable step (named ``label``, else the core's own label)."""
    try:
        result = session.apply(op, label=label, initiator=initiator)
    except QuireError as exc:
        return Step(refused=str(exc))
    return Step(value=result.value)
