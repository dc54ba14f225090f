"""Shared set-up of the codebook and retrieval tests: sources, a codebook, coded excerpts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.models import Collection, Source
from db.ops import bind
from db.ops.codes import create_code
from db.ops.coding import code_span
from db.text import text_hash
from tests.desktop.session_support import write

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
UTC = dt.UTC

# (name, parent name): a codebook of 17 codes in three levels, English and Arabic.
CODEBOOK = [
    ("Emotions", None), ("Despair", "Emotions"), ("Hope", "Emotions"),
    ("Resilience", "Hope"), ("خوف", "Emotions"), ("غضب", "Emotions"),
    ("Actors", None), ("Civilians", "Actors"), ("المدنيون", "Actors"),
    ("Armed groups", "Actors"), ("Aid agencies", "Actors"),
    ("Places", None), ("الرقة", "Places"), ("Mosul", "Places"),
    ("Themes", None), ("Displacement", "Themes"), ("Infrastructure", "Themes"),
    ("Water", "Infrastructure"), ("الكهرباء", "Infrastructure"),
]

ENGLISH = ("Families returned to Raqqa after the strikes ended. There is no water and no "
           "electricity. Aid agencies say the camps are full.\n\nMany feel hopeless; some "
           "still hope to rebuild their homes before winter.")
ARABIC = ("عادت العائلات إلى الرقة بعد توقف الغارات. لا ماء ولا كهرباء في المدينة.\n\n"
          "يخشى المدنيون من عودة القتال، لكن الأمل باقٍ.")
POST = "💔 Mosul: the old bridge is gone and the river is the only way across. #Mosul"


def add_source(proj, text: str, *, collection: str | None = None, **meta) -> int:
    """A source (an article unless ``kind`` says otherwise), maybe in a collection."""
    meta.setdefault("kind", "article")
    with proj.session() as s:
        src = Source(text=text, length=len(text), text_hash=text_hash(text), **meta)
        if collection:
            coll = s.query(Collection).filter_by(name=collection).one_or_none()
            src.collections.append(coll or Collection(name=collection))
        s.add(src)
        s.flush()
        return src.id


def add_sources(proj) -> dict[str, int]:
    """Three sources: an English article, an Arabic article and a post."""
    return {
        "english": add_source(proj, ENGLISH, title="Return to Raqqa", author="Hana Salim",
                              published=dt.datetime(2018, 3, 1, 9, tzinfo=UTC),
                              collection="Raqqa"),
        "arabic": add_source(proj, ARABIC, title="العودة إلى الرقة", author="سارة علي",
                             language="ar", published=dt.datetime(2018, 5, 2, 9, tzinfo=UTC),
                             collection="Raqqa"),
        "post": add_source(proj, POST, kind="post", author="Mosul Eye", handle="mosuleye",
                           platform="twitter", post_id="42",
                           published=dt.datetime(2019, 1, 5, 12, tzinfo=UTC)),
    }


def make_codebook(session, entries=CODEBOOK) -> dict[str, int]:
    """Create the codes (not undoable: set-up); their ids by name."""
    ids: dict[str, int] = {}
    for name, parent in entries:
        ids[name] = write(session, bind(create_code, name=name,
                                         parent_id=ids.get(parent))).value
    return ids


def span_of(text: str, phrase: str) -> tuple[int, int]:
    """The code-point span of ``phrase`` in ``text``."""
    start = text.index(phrase)
    return start, start + len(phrase)


def code(session, source_id: int, text: str, phrase: str, code_id: int,
         coder_id: int | None = None) -> int:
    """Code ``phrase`` of a source (not undoable: set-up); the excerpt id."""
    start, end = span_of(text, phrase)
    return write(session, bind(code_span, source_id=source_id, start=start, end=end,
                                code_id=code_id,
                                coder_id=coder_id or session.coder_id())).value


def code_samples(session, sources: dict[str, int], codes: dict[str, int]) -> None:
    """A few coded excerpts in each source, so every level of the codebook has counts."""
    for key, text, phrase, name in [
        ("english", ENGLISH, "There is no water and no electricity.", "Water"),
        ("english", ENGLISH, "There is no water and no electricity.", "الكهرباء"),
        ("english", ENGLISH, "Many feel hopeless", "Despair"),
        ("english", ENGLISH, "some still hope to rebuild their homes before winter", "Hope"),
        ("english", ENGLISH, "Aid agencies say the camps are full.", "Aid agencies"),
        ("english", ENGLISH, "Families returned to Raqqa", "Displacement"),
        ("arabic", ARABIC, "لا ماء ولا كهرباء في المدينة.", "Water"),
        ("arabic", ARABIC, "يخشى المدنيون من عودة القتال", "خوف"),
        ("arabic", ARABIC, "يخشى المدنيون من عودة القتال", "المدنيون"),
        ("arabic", ARABIC, "الأمل باقٍ", "Hope"),
        ("arabic", ARABIC, "عادت العائلات إلى الرقة", "الرقة"),
        ("post", POST, "the old bridge is gone", "Mosul"),
        ("post", POST, "the river is the only way across", "Resilience"),
    ]:
        code(session, sources[key], text, phrase, codes[name])
