"""Generate realistic post exports for the benchmarks: twarc2 JSONL and twarc-csv CSV.

Tweets mix English and Arabic, emoji, hashtags, mentions and links, with the fields a
real twarc2 page carries. Deterministic (seeded), so runs are comparable.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

WORDS_EN = ("the city families returned after fighting aid convoy reached camps water "
            "reconstruction began schools reopened fear remains displaced thousands "
            "airstrikes ended checkpoint market rubble hope volunteers cleared streets").split()
WORDS_AR = ("عادت العائلات إلى المدينة بعد المعارك وصلت قافلة المساعدات المخيمات المياه "
            "بدأت إعادة الإعمار المدارس الخوف النازحين آلاف الغارات الحاجز السوق الأنقاض "
            "الأمل المتطوعون الشوارع").split()
TAGS = ("Raqqa", "الرقة", "SDFfreedRaqqa", "الموصل", "Mosul", "Syria")
EMOJI = ("🕊️", "💔", "🇸🇾", "🙏", "")


def _tweet(i: int, rng: random.Random, users: list[dict]) -> dict:
    user = users[i % len(users)]
    words = WORDS_AR if i % 2 else WORDS_EN
    tag = rng.choice(TAGS)
    mention = users[(i * 7) % len(users)]["username"]
    body = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
    text = f"@{mention} {body} #{tag} {rng.choice(EMOJI)}".strip()
    created = dt.datetime(2017, 10, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=i * 23)
    tid = str(900000000000000000 + i)
    tag_at = text.index("#" + tag)
    return {
        "id": tid, "text": text, "author_id": user["id"], "lang": "ar" if i % 2 else "en",
        "created_at": created.isoformat().replace("+00:00", ".000Z"),
        "conversation_id": str(900000000000000000 + i - i % 5),
        "public_metrics": {"retweet_count": rng.randint(0, 500), "reply_count": rng.randint(0, 50),
                           "like_count": rng.randint(0, 2000), "quote_count": 0,
                           "impression_count": rng.randint(0, 100000)},
        "entities": {
            "hashtags": [{"start": tag_at, "end": tag_at + len(tag) + 1, "tag": tag}],
            "mentions": [{"start": 0, "end": len(mention) + 1, "username": mention,
                          "id": "1"}]},
        "edit_history_tweet_ids": [tid],
    }


def _users(n: int = 500) -> list[dict]:
    return [{"id": str(10000 + i), "name": f"User {i}", "username": f"user_{i}"}
            for i in range(n)]


def write_jsonl(path: Path, n: int, per_page: int = 100) -> None:
    """A twarc2 JSONL file of ``n`` tweets, ``per_page`` tweets per response line."""
    rng, users = random.Random(1), _users()
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, n, per_page):
            data = [_tweet(i, rng, users) for i in range(start, min(n, start + per_page))]
            ids = {t["author_id"] for t in data}
            page = {"data": data, "includes": {"users": [u for u in users if u["id"] in ids]},
                    "meta": {"result_count": len(data)},
                    "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all",
                                "version": "2.14.0", "retrieved_at": "2017-11-01T00:00:00"}}
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")


CSV_COLUMNS = ["id", "conversation_id", "referenced_tweets.replied_to.id",
               "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id", "author_id",
               "created_at", "text", "lang", "public_metrics.like_count",
               "public_metrics.quote_count", "public_metrics.reply_count",
               "public_metrics.retweet_count", "public_metrics.impression_count",
               "entities.hashtags", "entities.mentions", "entities.urls", "author.id",
               "author.name", "author.username"]


def write_csv(path: Path, n: int) -> None:
    """A twarc-csv style CSV of ``n`` tweets."""
    rng, users = random.Random(2), _users()
    by_id = {u["id"]: u for u in users}
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for i in range(n):
            t, m = _tweet(i, rng, users), None
            u = by_id[t["author_id"]]
            m = t["public_metrics"]
            w.writerow([t["id"], t["conversation_id"], "", "", "", t["author_id"],
                        t["created_at"], t["text"], t["lang"], m["like_count"],
                        m["quote_count"], m["reply_count"], m["retweet_count"],
                        m["impression_count"], json.dumps(t["entities"]["hashtags"]),
                        json.dumps(t["entities"]["mentions"]), "", u["id"], u["name"],
                        u["username"]])
