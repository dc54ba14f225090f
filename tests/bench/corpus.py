"""A realistic generated corpus of posts for the search benchmarks, as twarc2 JSONL.

Unlike ``make_posts`` (a few dozen words, every word very common) the words follow a
Zipf law over a large vocabulary, as real text does: English function words at the
top, the conflict-reporting words researchers search for next, then pronounceable
made-up words down to a long tail of words seen once. About a quarter of the posts are
Arabic (real words, some written with harakat, tatweel or another alef); 30% carry a
camelCase hashtag, 40% a mention, 10% a link. 20,000 authors, Zipf-distributed; dates
run in order over ten years, as an archive's export does.

The same seed and ``n`` give the same file, and the first ``n`` posts of a larger corpus
are the posts of a smaller one, so runs and sizes are comparable. A few words are planted
a fixed number of times whatever ``n`` is (:data:`FIXED`), for queries whose hits do not
grow with the project.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from bisect import bisect
from pathlib import Path

FUNCTION = ("the of and to in a is that for it on was with as at by be this are from "
            "or have an they which not but had his we were their has been all more "
            "one who there after when can no out so if about what up into them than "
            "its only other new some could these two may then do first any my now "
            "such like our over also most even made many before must through back "
            "years where much your way well down should because each just those how "
            "too here between both under never same another while last might us "
            "great old year off come since against go came right used take three").split()
TOPICAL = ("raqqa caliphate airstrikes coalition sdf isis mosul aleppo syria iraq "
           "refugees displaced camps water aid convoy families civilians fighters city "
           "reconstruction rubble market school hospital checkpoint militia forces "
           "offensive siege liberation killed wounded children women border regime "
           "rebels drone shelling ceasefire humanitarian volunteers streets bridge "
           "mines explosives returnees detention prisoners kurdish arab tribal council "
           "governance electricity bread fuel prices smuggling tunnels snipers frontline "
           "evacuation corridor negotiations protest journalists activists footage "
           "report witnesses massacre graves identified rebuild hope fear volunteer "
           "volunteered volunteering reconstructed rebuilding").split()
ARABIC = ("في من على إلى أن عن مع هذا التي الذي كان بعد قبل بين حتى لا ما هو هي "
          "الرقة الموصل حلب سوريا العراق داعش التحالف الغارات المدنيين النازحين "
          "المخيمات المياه قافلة المساعدات العائلات المدينة المعارك إعادة الإعمار "
          "المدارس المستشفى الحاجز السوق الأنقاض الأمل الخوف المتطوعون الشوارع "
          "الجسر الألغام المعتقلين الأكراد العشائر المجلس الكهرباء الخبز الوقود "
          "الأسعار القناصة الجبهة الإخلاء الممر المفاوضات الصحفيين الناشطين "
          "الشهود المقابر الأطفال النساء الحدود النظام الطائرات القصف الهدنة "
          "عادت وصلت بدأت قتل جرح دمر خرج دخل قال أعلن").split()
# A few written the way real posts write them: harakat, tatweel, another alef.
ARABIC_VARIANTS = {"الرقة": "الرَّقَّة", "المدينة": "المـــدينة", "إلى": "الى",
                   "الأمل": "الامل", "المياه": "المِيَاه", "أن": "ان"}
TAGS = ("SDFfreedRaqqa Raqqa Mosul Syria Aleppo RaqqaIsBeingSlaughteredSilently "
        "StopTheWar2017 ISIS SaveAleppo Kobani2015 HumanRights WarCrimes RefugeesWelcome "
        "BreakingNews الرقة الموصل حلب سوريا").split()
FIXED = {"zanzibarite": 20, "quokkaville": 3}
"""Words planted exactly this many times, spread over the whole corpus."""

N_USERS = 20000
START = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=3652)
_SYL = ("ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne "
        "ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zi zo "
        "bar ber dan del kan kor lan lor man mor nar nel ran ron san sor tan tor val ven "
        "zan zor").split()
_AR_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _vocabulary(rng: random.Random, made_up: int) -> list[str]:
    out = list(FUNCTION)
    for i, w in enumerate(TOPICAL):  # interleave topical words from rank ~60 on
        out.insert(60 + i * 3, w)
    seen = set(out)
    while len(out) < len(FUNCTION) + len(TOPICAL) + made_up:
        w = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def _arabic_vocabulary(rng: random.Random, made_up: int) -> list[str]:
    out, seen = list(ARABIC), set(ARABIC)
    while len(out) < len(ARABIC) + made_up:
        w = "".join(rng.choice(_AR_LETTERS) for _ in range(rng.randint(3, 6)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def _zipf(n: int, s: float = 1.07) -> list[float]:
    return list(itertools.accumulate(1 / (r ** s) for r in range(1, n + 1)))


class Generator:
    """Deterministic posts: ``post(i)`` is always the same post."""

    def __init__(self, n: int, seed: int = 20261121):
        rng = random.Random(seed)
        self.n = n
        self.en = _vocabulary(rng, 60000)
        self.ar = _arabic_vocabulary(rng, 15000)
        self.en_cum, self.ar_cum = _zipf(len(self.en)), _zipf(len(self.ar))
        self.user_cum = _zipf(N_USERS, 1.0)
        self.seed = seed
        self.fixed = {i * n // count + k: w for w, count in FIXED.items()
                      for i in range(count) for k in (len(w),)}

    def _words(self, rng: random.Random, arabic: bool) -> list[str]:
        vocab, cum = (self.ar, self.ar_cum) if arabic else (self.en, self.en_cum)
        k = rng.randint(8, 40)
        return rng.choices(vocab, cum_weights=cum, k=k)

    def user(self, rng: random.Random) -> int:
        return bisect(self.user_cum, rng.random() * self.user_cum[-1])

    def post(self, i: int) -> dict:
        """Post ``i`` as a twarc2 tweet (``author_id`` names a user of :meth:`users_of`)."""
        rng = random.Random(self.seed * 1_000_003 + i)
        arabic = rng.random() < 0.25
        words = self._words(rng, arabic)
        if arabic and rng.random() < 0.3:
            words = [ARABIC_VARIANTS.get(w, w) for w in words]
        if not arabic and words:
            words[0] = words[0].capitalize()
        if i in self.fixed:
            words.insert(rng.randint(0, len(words)), self.fixed[i])
        if rng.random() < 0.4:
            words.insert(0, f"@user_{self.user(rng)}")
        if rng.random() < 0.3:
            words.append("#" + rng.choice(TAGS))
        if rng.random() < 0.1:
            words.append("https://t.co/" + "".join(rng.choices("abcdefghkmnpqrstuvwxyz0123456789",
                                                                k=10)))
        user = self.user(rng)
        created = START + SPAN * (i / max(self.n, 1))
        tid = str(800000000000000000 + i)
        return {"id": tid, "text": " ".join(words), "author_id": str(10000 + user),
                "lang": "ar" if arabic else "en",
                "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "conversation_id": tid,
                "public_metrics": {"retweet_count": rng.randint(0, 50), "reply_count": 0,
                                   "like_count": rng.randint(0, 200), "quote_count": 0}}


def user_record(uid: int) -> dict:
    """The ``includes.users`` record of author ``uid``."""
    return {"id": str(10000 + uid), "name": f"User {uid}", "username": f"user_{uid}"}


def write_jsonl(path: Path, n: int, per_page: int = 100) -> None:
    """``n`` posts as twarc2 response pages, ``per_page`` tweets a line."""
    gen = Generator(n)
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, n, per_page):
            data = [gen.post(i) for i in range(start, min(n, start + per_page))]
            users = sorted({int(t["author_id"]) - 10000 for t in data})
            page = {"data": data, "includes": {"users": [user_record(u) for u in users]},
                    "meta": {"result_count": len(data)}}
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys

    write_jsonl(Path(sys.argv[1]), int(sys.argv[2]))
