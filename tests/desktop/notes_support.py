"""Shared set-up of the memo, reference and citation screens: sources that carry their
own footnotes, coded excerpts, memos and a small reference library."""

from __future__ import annotations

import datetime as dt

from db.models import Footnote, Source
from db.ops import bind
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.ops.memos import create_memo
from db.text import text_hash
from desktop.session import ProjectSession
from tests.desktop.session_support import write

UTC = dt.UTC
ENGLISH = ("Families returned to Raqqa after the strikes ended.[1] There is no water and no "
           "electricity.[2] Aid agencies say the camps are full.")
ENGLISH_NOTES = [("1", "Interview with a returning family, Raqqa, March 2018."),
                 ("2", "UN-Habitat, Raqqa Rapid Urban Profile (2018), 14.")]
ARABIC = "عادت العائلات إلى الرقة بعد توقف الغارات [1]. لا ماء ولا كهرباء في المدينة."
ARABIC_NOTES = [("1", "مقابلة مع أحد السكان، الرقة، آذار 2018.")]
POST = "💔 Mosul: the old bridge is gone and the river is the only way across. #Mosul"

BIBTEX = """@article{hoffman2017,
  author = {Hoffman, Adam},
  title = {The Rise and Fall of the Islamic State in Raqqa},
  journal = {Foreign Affairs},
  year = {2017},
  doi = {10.1234/fa.2017.42},
  note = {kept as it is},
}

@book{broken,
  title = {An entry that never ends

@report{unhabitat2018,
  author = {{UN-Habitat}},
  title = {Raqqa Rapid Urban Profile},
  institution = {UN-Habitat},
  year = {2018},
  url = {https://example.org/return-to-raqqa},
}
"""


def open_session(proj):
    """An open project session whose coder is Hana (for a test's ``session`` fixture)."""
    ps = ProjectSession(proj)
    ps.set_coder("Hana")
    yield ps
    ps.close()  # drains the worker, stops the watch


def add_source(proj, text: str, notes: list[tuple[str, str]] = (), **meta) -> int:
    """A source whose footnote markers "[label]" in ``text`` carry ``notes``."""
    meta.setdefault("kind", "article")
    with proj.session() as s:
        src = Source(text=text, length=len(text), text_hash=text_hash(text), **meta)
        s.add(src)
        s.flush()
        for label, note in notes:
            at = text.index(f"[{label}]")
            s.add(Footnote(source_id=src.id, label=label, text=note, offset=at,
                           end=at + len(label) + 2))
        return src.id


def add_sources(proj) -> dict[str, int]:
    """An English article and an Arabic article with footnotes, and a post."""
    return {
        "english": add_source(proj, ENGLISH, ENGLISH_NOTES, title="Return to Raqqa",
                              author="Hana Salim", site_name="The Levant Review",
                              url="https://example.org/return-to-raqqa",
                              published=dt.datetime(2018, 3, 1, 9, tzinfo=UTC)),
        "arabic": add_source(proj, ARABIC, ARABIC_NOTES, title="العودة إلى الرقة",
                             author="سارة علي", site_name="الجزيرة نت", language="ar",
                             url="https://example.net/ar/raqqa",
                             published=dt.datetime(2018, 5, 2, 9, tzinfo=UTC)),
        "post": add_source(proj, POST, kind="post", author="Mosul Eye", handle="mosuleye",
                           platform="twitter", post_id="42",
                           url="https://twitter.com/mosuleye/status/42",
                           published=dt.datetime(2019, 1, 5, 12, tzinfo=UTC)),
    }


def excerpt(session, source_id: int, text: str, phrase: str, code_id: int | None = None) -> int:
    """Highlight (or code) ``phrase`` of a source, not undoably; the excerpt id."""
    start = text.index(phrase)
    kwargs = {"code_id": code_id} if code_id else {"color": "#fff59d"}
    return write(session, bind(code_span, source_id=source_id, start=start,
                                end=start + len(phrase), coder_id=session.coder_id(),
                                **kwargs)).value


def add_code(session, name: str) -> int:
    """A code (set-up, not undoable)."""
    return write(session, bind(create_code, name=name)).value


def add_memo(session, target: str, target_id: int | None = None, title: str = "",
             body: str = "", coder_id: int | None = None) -> int:
    """A memo (set-up, not undoable); its id."""
    return write(session, bind(create_memo, target=target, target_id=target_id, title=title,
                                body=body, coder_id=coder_id or session.coder_id())).value


def undo_all(session) -> None:
    """Undo everything on the session's stack."""
    while session.history.can_undo():
        session.history.undo()
