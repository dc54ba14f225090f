"""Word and phrase frequencies, and keyness (log-likelihood), in coded text or sources.

Text is cut into words exactly as search cuts it (:func:`db.search.analysis.tokens`:
Arabic harakat, tatweel and alef variants folded, lower case, hashtags and mentions
whole); links and e-mail addresses are left out. Phrases are 2 or 3 consecutive words of
one passage. Stopwords (:mod:`db.analysis.stopwords`) are left out: a word that is one,
and a phrase that starts or ends with one.

The text is either the coded text in scope (overlapping excerpts merged, so a passage
coded twice counts once) or the whole text of the sources in scope. Keyness compares the
target's counts with a reference: another set of codes' text, or the rest of the corpus
(the sources in scope, less the target). Log-likelihood (Rayson & Garside 2000)::

    E1 = c (a + b) / (c + d)    E2 = d (a + b) / (c + d)
    LL = 2 (a ln(a / E1) + b ln(b / E2))

where a, b are the word's counts and c, d the total words of target and reference.
LL ≥ 3.84 is significant at p < 0.05, 6.63 at p < 0.01, 15.13 at p < 0.0001.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.analysis.result import Result, Spec
from db.analysis.scope import Scope, coded, scope
from db.analysis.stopwords import stopwords
from db.errors import AnalysisCancelled
from db.export.selection import Selection, source_conditions
from db.models import Source
from db.search.analysis import tokens

CHUNK = 500


def passages(session: Session, sc: Scope, text: str = "coded", *,
             progress=None, cancelled: Callable[[], bool] | None = None) -> Iterator[str]:
    """The texts to count: merged coded spans, or whole sources (see the module)."""
    if text == "sources":
        yield from _sources(session, sc, progress, cancelled)
        return
    c = coded(sc)
    spans = session.execute(select(c.c.source_id, c.c.start, c.c.end).distinct()
                            .order_by(c.c.source_id, c.c.start)).all()
    merged = _merge(spans)
    ids = list(merged)
    for i in range(0, len(ids), CHUNK):
        _check(cancelled)
        q = select(Source.id, Source.text).where(Source.id.in_(ids[i:i + CHUNK]))
        for sid, body in session.execute(q):
            yield from (body[a:b] for a, b in merged[sid])
        _tell(progress, min(i + CHUNK, len(ids)), len(ids))


def _merge(spans) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for sid, a, b in spans:
        mine = out.setdefault(sid, [])
        if mine and a <= mine[-1][1]:
            mine[-1] = (mine[-1][0], max(b, mine[-1][1]))
        else:
            mine.append((a, b))
    return out


def _sources(session: Session, sc: Scope, progress, cancelled) -> Iterator[str]:
    conds = source_conditions(session, sc.selection)
    if sc.selection.query.strip() or sc.selection.hits is not None:
        c = coded(Scope(sc.selection, sc.conditions, None))
        conds.append(Source.id.in_(select(c.c.source_id)))
    ids = list(session.scalars(select(Source.id).where(*conds).order_by(Source.id)))
    for i in range(0, len(ids), CHUNK):
        _check(cancelled)
        yield from session.scalars(select(Source.text).where(Source.id.in_(ids[i:i + CHUNK])))
        _tell(progress, min(i + CHUNK, len(ids)), len(ids))


def _check(cancelled) -> None:
    if cancelled is not None and cancelled():
        raise AnalysisCancelled("word count cancelled")


def _tell(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total, f"Counting words: {done:,} of {total:,}")


def terms(text: str) -> list[str]:
    """The words of ``text`` as search folds them, links and e-mail addresses left out."""
    return [t.term for t in tokens(text, parts=False)
            if "://" not in t.term and not t.term.startswith("www.") and "@" not in t.term[1:]]


def count(texts, n: int = 1, skip: frozenset[str] = frozenset()) -> tuple[Counter, int]:
    """Counts of the ``n``-word phrases in ``texts`` and how many words they hold."""
    out: Counter = Counter()
    total = 0
    for text in texts:
        words = terms(text)
        total += len(words)
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if gram[0] in skip or gram[-1] in skip:
                continue
            out[" ".join(gram)] += 1
    return out, total


def words(session: Session, sc: Scope, spec: Spec, *, project=None, progress=None,
          cancelled: Callable[[], bool] | None = None) -> Result:
    """Word (or phrase) frequencies in scope, or their keyness (see the module)."""
    skip = stopwords() if spec.stopwords else frozenset()
    found, total = count(passages(session, sc, spec.text, progress=progress,
                                  cancelled=cancelled), spec.ngram, skip)
    if spec.keyness or spec.reference:
        return _keyness(session, sc, spec, found, total, skip, project, cancelled)
    what = "Phrases" if spec.ngram > 1 else "Words"
    rows = [[w, n, round(10000 * n / total, 2)] for w, n in found.most_common(spec.top)]
    res = Result(spec, f"{what} in the {_TEXTS[spec.text]}",
                 [what[:-1], "Count", "Per 10,000 words"], rows, [r[0] for r in rows],
                 _notes(spec, total))
    res.extra["total_words"] = total
    return res


_TEXTS = {"coded": "coded text", "sources": "sources' text"}


def _keyness(session: Session, sc: Scope, spec: Spec, found: Counter, total: int,
             skip: frozenset[str], project, cancelled) -> Result:
    if spec.reference:
        ref_sel = Selection(**{**vars(sc.selection), "code_ids": spec.reference})
        ref_sc = scope(session, ref_sel, project=project, cancelled=cancelled)
        ref, ref_total = count(passages(session, ref_sc, "coded", cancelled=cancelled),
                               spec.ngram, skip)
        against = "the reference codes' text"
    else:
        corpus, corpus_total = count(passages(session, sc, "sources", cancelled=cancelled),
                                     spec.ngram, skip)
        ref, ref_total = corpus - found, max(0, corpus_total - total)
        against = "the rest of the sources in scope"
    rows = keyness_rows(found, total, ref, ref_total)[:spec.top]
    res = Result(spec, f"Keyness of the {_TEXTS[spec.text]} against {against}",
                 ["Word" if spec.ngram == 1 else "Phrase", "Count", "Per 10,000",
                  "Reference count", "Reference per 10,000", "Log-likelihood"],
                 rows, [r[0] for r in rows], _notes(spec, total))
    res.extra.update(total_words=total, reference_words=ref_total)
    return res


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Rayson & Garside's log-likelihood of a word seen ``a`` times in ``c`` words and
    ``b`` times in ``d`` words."""
    if c + d == 0 or a + b == 0:
        return 0.0
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))


def keyness_rows(target: Counter, c: int, ref: Counter, d: int) -> list[list]:
    """Words used more in the target than in the reference, highest log-likelihood first:
    [word, count, per 10,000, reference count, reference per 10,000, LL]."""
    out = []
    for w, a in target.items():
        b = ref.get(w, 0)
        if d and a / c <= b / d:
            continue
        out.append([w, a, round(10000 * a / c, 2), b, round(10000 * b / d, 2) if d else 0.0,
                    round(log_likelihood(a, b, c, d), 3)])
    out.sort(key=lambda r: (-r[5], r[0]))
    return out


def words_behind(session: Session, sc: Scope, term: str) -> list[int]:
    """The coded excerpts in scope whose text holds the word or phrase ``term``."""
    c = coded(sc)
    rows = session.execute(select(c.c.excerpt_id, c.c.source_id, c.c.start, c.c.end)
                           .distinct()).all()
    wanted, n = term.split(), len(term.split())
    out = set()
    ids = sorted({r.source_id for r in rows})
    for i in range(0, len(ids), CHUNK):
        texts = dict(session.execute(select(Source.id, Source.text)
                                     .where(Source.id.in_(ids[i:i + CHUNK]))).all())
        for r in rows:
            if r.source_id in texts:
                got = terms(texts[r.source_id][r.start:r.end])
                if any(got[k:k + n] == wanted for k in range(len(got) - n + 1)):
                    out.add(r.excerpt_id)
    return sorted(out)


def _notes(spec: Spec, total: int) -> list[str]:
    out = [f"{total:,} words counted, as search cuts and folds them (harakat, tatweel and "
           "alef variants folded; links left out)."]
    if spec.stopwords:
        out.append("Arabic and English stopwords (stopwords-iso) left out.")
    if spec.keyness or spec.reference:
        out.append("Log-likelihood (Rayson & Garside): ≥ 3.84 p < 0.05; ≥ 6.63 p < 0.01; "
                   "≥ 15.13 p < 0.0001. Only words more frequent in the target are listed.")
    return out

