"""A small project whose statistics were worked out by hand (see test_statistics.py).

Five codes -- Despair, Defiance, Propaganda with its sub-code Propaganda/Video, and
Counter-messaging -- on an English article of two paragraphs (S1, May 2016, no
platform), two Arabic tweets (S2, S3, June 2016), an undated Telegram post (S4) and an
uncoded tweet (S5, June 2016). Two coders, Lina and Omar. Eleven excerpts, E1-E11:

    S1 "Despair spread in the city. Fighters fled at night.\\n\\n
        The group still posted videos. They promised victory."
    E1  "Despair spread in the city."          Despair                (Lina)
    E2  "Fighters fled at night."              Despair, Defiance      (Omar)
    E3  "in the city. Fighters"                Defiance               (Lina)
    E4  "The group still posted videos."       Propaganda/Video       (Lina)
    E5  "They promised victory."               Propaganda, Defiance   (Lina)
    S2 "اليأسُ في كل مكان. لكننا صامدون."
    E6  "اليأسُ في كل مكان."                    Despair                (Lina)
    E7  "لكننا صامدون."                          Defiance               (Lina)
    S3 "النصر قادم إن شاء الله. شاهدوا الفيديو."
    E8  "النصر قادم إن شاء الله."               Propaganda             (Omar)
    E9  "شاهدوا الفيديو."                        Propaganda/Video       (Omar)
    S4 "We will never give up. Despair is for the weak."
    E10 "We will never give up."               Defiance, Counter-messaging (Lina)
    E11 "Despair is for the weak."             Counter-messaging      (Lina)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.models import Code, Collection, Source
from db.ops.coders import ensure_coder
from db.ops.codes import ensure_code_path
from db.ops.coding import code_span
from db.text import text_hash
from tests.db.coding_support import run

S1 = ("Despair spread in the city. Fighters fled at night.\n\n"
      "The group still posted videos. They promised victory.")
S2 = "اليأسُ في كل مكان. لكننا صامدون."
S3 = "النصر قادم إن شاء الله. شاهدوا الفيديو."
S4 = "We will never give up. Despair is for the weak."
S5 = "Quiet day in Raqqa."
CODES = {"Despair": "#c0392b", "Defiance": "#1f4e9e", "Propaganda": "#2e9e44",
         "Propaganda/Video": "#8e44ad", "Counter-messaging": "#f39c12"}
EXCERPTS = [  # (name, source, text, codes, coder)
    ("E1", "S1", "Despair spread in the city.", ["Despair"], "Lina"),
    ("E2", "S1", "Fighters fled at night.", ["Despair", "Defiance"], "Omar"),
    ("E3", "S1", "in the city. Fighters", ["Defiance"], "Lina"),
    ("E4", "S1", "The group still posted videos.", ["Propaganda/Video"], "Lina"),
    ("E5", "S1", "They promised victory.", ["Propaganda", "Defiance"], "Lina"),
    ("E6", "S2", "اليأسُ في كل مكان.", ["Despair"], "Lina"),
    ("E7", "S2", "لكننا صامدون.", ["Defiance"], "Lina"),
    ("E8", "S3", "النصر قادم إن شاء الله.", ["Propaganda"], "Omar"),
    ("E9", "S3", "شاهدوا الفيديو.", ["Propaganda/Video"], "Omar"),
    ("E10", "S4", "We will never give up.", ["Defiance", "Counter-messaging"], "Lina"),
    ("E11", "S4", "Despair is for the weak.", ["Counter-messaging"], "Lina"),
]


@dataclass
class Small:
    """Ids of what was made, by the names above."""

    codes: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    excerpts: dict[str, int] = field(default_factory=dict)
    coders: dict[str, int] = field(default_factory=dict)
    collections: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def ids(self, *names: str) -> list[int]:
        """The excerpt ids of these names, sorted."""
        return sorted(self.excerpts[n] for n in names)


def _when(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)


SOURCES = {  # name: (text, metadata, collection)
    "S1": (S1, dict(kind="article", title="Raqqa after the battle", language="en",
                    published=_when("2016-05-10T09:00")), "Articles"),
    "S2": (S2, dict(kind="post", platform="twitter", handle="raqqa_sl", language="ar",
                    post_id="2", likes=5, reposts=10, replies=0,
                    published=_when("2016-06-20T12:00")), "Tweets"),
    "S3": (S3, dict(kind="post", platform="twitter", handle="amaq", language="ar",
                    post_id="3", reply_to_id="1", published=_when("2016-06-25T08:00")),
           "Tweets"),
    "S4": (S4, dict(kind="post", platform="telegram", author="Channel", language="en",
                    post_id="4"), "Channels"),
    "S5": (S5, dict(kind="post", platform="twitter", handle="quiet", language="en",
                    post_id="5", published=_when("2016-06-01T08:00")), "Tweets"),
}


def build(proj) -> Small:
    """Make the project described in the module docstring."""
    small = Small()
    with proj.session() as s:
        for name in ("Articles", "Tweets", "Channels"):
            coll = Collection(name=name)
            s.add(coll)
            s.flush()
            small.collections[name] = coll.id
        for name, (text, meta, coll) in SOURCES.items():
            src = Source(text=text, length=len(text), text_hash=text_hash(text), **meta)
            src.collections.append(s.get(Collection, small.collections[coll]))
            s.add(src)
            s.flush()
            small.sources[name], small.texts[name] = src.id, text
    for coder in ("Lina", "Omar"):
        small.coders[coder] = run(proj, lambda s, c=coder: ensure_coder(s, name=c)).value
    for path, color in CODES.items():
        small.codes[path] = run(proj, lambda s, p=path: ensure_code_path(s, path=p)).value
        with proj.session() as s:
            s.get(Code, small.codes[path]).color = color
    for name, src, piece, codes, coder in EXCERPTS:
        text = small.texts[src]
        start = text.index(piece)
        span = (small.sources[src], start, start + len(piece))
        for code in codes:
            small.excerpts[name] = run(proj, lambda s, c=code, w=coder, sp=span: code_span(
                s, source_id=sp[0], start=sp[1], end=sp[2], code_id=small.codes[c],
                coder_id=small.coders[w])).value
    return small
