"""Sentence-level evidence scores: how well each sentence of the top passages answers the question.

Used twice: the gate reads the best score as a feature (does any sentence actually address the
question, beyond the passage being on topic?), and the reader (answering/reader.py) reuses the
sentences' similarities to the question. A sentence scores by the share of the question's content terms it contains (directly,
as an OCR/historical/cross-lingual expansion, or fuzzily) and by its similarity to the question
under the multilingual embedder; a question asking *when*, *how many* or *who* needs a sentence
with a date, a number, or a name the question did not already give (else its score is halved).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from ragarchive.ask_types import SentenceScore

from ..retrieval.query import content_terms
from ..text.sentences import EMBED_CHARS, scoring_units

if TYPE_CHECKING:
    from ragarchive.ask_types import Retrieval

MAX_SENTENCES = 80  # per question, scored lexically
MAX_EMBEDDED = 12  # per question, also embedded: the best by coverage, then in passage order

# A year, a day and month ("7. Dezember", "21 mars"), a weekday, or a feast day: old papers and
# books date rents, fairs and journeys by the church calendar ("an Tage Johannis", "at Michaelmas").
_YEAR_OR_DATE = re.compile(
    r"\b(1[5-9]\d\d|20\d\d)\b|\b\d{1,2}\.?\s+[A-Za-zÀ-ÿ]{3,}|\b("
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonnabend|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|johannis|michaelis|martini|jakobi|georgi|walpurgis|lichtmess|ostern|pfingsten|"
    r"weihnachten|neujahr|fastnacht|michaelmas|martinmas|candlemas|lady day|whitsun\w*|easter|"
    r"christmas|midsummer|lammas|pâques|pentecôte|noël|toussaint|saint-martin|saint-jean|"
    r"chandeleur)\b",
    re.IGNORECASE,
)
# digits or number words: old newspapers often spell numbers out ("four full columns")
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|dozen|ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|"
    r"zwölf|zwanzig|hundert|tausend|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|"
    r"douze|vingt|trente|cent|mille)\b",
    re.IGNORECASE,
)

# What kind of answer a question asks for, from its question words, per language.
_ASKS_DATE = re.compile(
    r"\b(when|what year|which year|what date|wann|welchem jahr|welchem tag|quand|quelle année|"
    r"quelle date|en quelle)\b", re.IGNORECASE)
_ASKS_PERSON = re.compile(r"\b(who|whom|wer|wem|wen|qui)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZÄÖÜÀÂÉÈÊÎÔÛÇ][a-zäöüßàâéèêëîïôûùç]{2,}")
_ASKS_NUMBER = re.compile(
    r"\b(how many|how much|how long|how high|how old|what price|wie viele?|wieviele?|wie lange|"
    r"wie hoch|wie alt|welchen preis|combien|quel prix|à quel prix)\b", re.IGNORECASE)


def score_retrieval(
    retrieval: Retrieval, embed: Callable[[list[str]], np.ndarray] | None
) -> list[SentenceScore]:
    """The sentence scores of a retrieval's passages, timed as ``sentences`` in its timings."""
    t = time.perf_counter()
    scores = score_sentences(
        retrieval.query.text,
        retrieval.query.terms,
        retrieval.spellings(),
        [(i + 1, p.meta.get("title") or "", p.text) for i, p in enumerate(retrieval.passages)],
        retrieval.query_vector,
        embed,
    )
    retrieval.timings["sentences"] = time.perf_counter() - t
    return scores


def score_sentences(
    question: str,
    terms: Sequence[str],
    spellings: dict[str, list[str]],
    passages: Sequence[tuple[int, str, str]],
    query_vector: np.ndarray | None,
    embed: Callable[[list[str]], np.ndarray] | None,
) -> list[SentenceScore]:
    """Scores of the sentences of ``passages`` ((n, title, text)), best first."""
    candidates = [(n, s) for n, title, text in passages for s in scoring_units(text, title)][
        :MAX_SENTENCES]
    if not candidates:
        return []
    sims = _similarities(candidates, terms, spellings, query_vector, embed)
    needs_date = bool(_ASKS_DATE.search(question))
    needs_number = bool(_ASKS_NUMBER.search(question))
    needs_person = bool(_ASKS_PERSON.search(question))
    out = []
    for (n, sentence), sim in zip(candidates, sims):
        coverage = _coverage(sentence, terms, spellings)
        semantic = min(1.0, max(0.0, (sim - 0.75) / 0.15)) if sim is not None else coverage
        score = 0.55 * coverage + 0.45 * semantic
        typed = (
            (not needs_date or _YEAR_OR_DATE.search(sentence))
            and (not needs_number or _NUMBER.search(sentence))
            and (not needs_person or _names_beyond(sentence, terms))
        )
        if not typed:
            score *= 0.5
        out.append(SentenceScore(
            n=n, sentence=sentence, coverage=round(coverage, 3),
            similarity=None if sim is None else round(sim, 3), score=round(score, 3),
        ))
    out.sort(key=lambda d: -d.score)
    return out


def _similarities(
    candidates: list[tuple[int, str]],
    terms: Sequence[str],
    spellings: dict[str, list[str]],
    query_vector: np.ndarray | None,
    embed: Callable[[list[str]], np.ndarray] | None,
) -> list[float | None]:
    """Embedding similarity for the most promising sentences; the rest get None (coverage
    alone then scores them). Embedding every sentence cost ~1 s per question."""
    sims: list[float | None] = [None] * len(candidates)
    if embed is None or query_vector is None:
        return sims
    order = sorted(
        range(len(candidates)), key=lambda i: (-_coverage(candidates[i][1], terms, spellings), i)
    )[:MAX_EMBEDDED]
    vectors = embed([candidates[i][1][:EMBED_CHARS] for i in order])
    for i, v in zip(order, vectors):
        sims[i] = float(v @ query_vector)
    return sims


def _names_beyond(sentence: str, terms: Sequence[str]) -> bool:
    """Whether the sentence names someone or something the question did not already name."""
    return any(w.lower() not in terms for w in _CAPITALISED.findall(sentence))


def _coverage(sentence: str, terms: Sequence[str], spellings: dict[str, list[str]]) -> float:
    from rapidfuzz import fuzz, process

    if not terms:
        return 0.0
    words = set(content_terms(sentence))
    found = 0
    for t in terms:
        forms = [t, *spellings.get(t, [])]
        if any(f in words for f in forms) or (
            len(t) >= 5 and process.extractOne(t, words, scorer=fuzz.ratio, score_cutoff=82)
        ):
            found += 1
    return found / len(terms)
