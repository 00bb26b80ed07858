"""Verification of a draft answer before anything is shown.

For every sentence of the draft:

1. its citations ``[n]`` must point to supplied evidence (others are removed; a sentence left
   without a valid citation is unsupported);
2. its numbers, dates and names must occur in the cited evidence (text or its newspaper, date
   and page), because these are what a wrong answer most often gets wrong;
3. its content words must be found, fuzzily, in the cited evidence (share ≥ ``min_support``), or
   — for an answer written in another language than its evidence — the sentence must be close
   to a sentence of the cited evidence under the multilingual embedder.

Unsupported sentences are dropped or the whole answer is refused, as configured.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from ragarchive.ask_types import SentenceCheck, Verification
from ragarchive.retrieval.query import content_terms
from ragarchive.text.sentences import split_sentences, split_units
from ragarchive.text.tokens import LETTER_RUN

from .prompting import EvidenceItem

_CITATION = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÄÖÜÀÂÉÈÊÎÔÛÇ][\w'’-]{2,}", re.UNICODE)


EmbedFn = Callable[[list[str]], np.ndarray]


def verify(
    draft: str,
    evidence: Sequence[EvidenceItem],
    *,
    min_support: float,
    embed: EmbedFn | None = None,
    min_embedding_support: float = 0.86,
) -> Verification:
    by_n = {e.n: e for e in evidence}
    checks = [
        _check(s, by_n, min_support, embed, min_embedding_support) for s in split_sentences(draft)
    ]
    return Verification(checks)


def _check(
    sentence: str,
    by_n: dict[int, EvidenceItem],
    min_support: float,
    embed: EmbedFn | None,
    min_embedding_support: float,
) -> SentenceCheck:
    cited = [int(n) for n in _CITATION.findall(sentence)]
    valid = [n for n in dict.fromkeys(cited) if n in by_n]
    invalid = [n for n in dict.fromkeys(cited) if n not in by_n]
    clean = _CITATION.sub(lambda m: m.group(0) if int(m.group(1)) in by_n else "", sentence)
    clean = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", clean)).strip()
    if not valid:
        return SentenceCheck(clean, [], False, 0.0, None, [], invalid)
    source = " ".join(_evidence_text(by_n[n]) for n in valid)
    claim = _CITATION.sub("", clean)
    missing = _missing_facts(claim, source)
    lexical = _lexical_support(claim, source)
    emb = None
    if lexical < min_support and embed is not None and not missing:
        emb = _embedding_support(claim, [by_n[n].text for n in valid], embed)
    supported = not missing and (lexical >= min_support or (emb or 0.0) >= min_embedding_support)
    return SentenceCheck(clean, valid, supported, lexical, emb, missing, invalid)


def _evidence_text(item: EvidenceItem) -> str:
    return f"{item.newspaper} {item.title} {item.date} {item.page} {item.text}"


def _missing_facts(claim: str, source: str) -> list[str]:
    from rapidfuzz import fuzz, process

    # numbers compare digits only: "1,200" in the answer, "1200" or "1.200" in the evidence
    source_digits = {re.sub(r"\D", "", n) for n in _NUMBER.findall(source)}
    missing = [n for n in _NUMBER.findall(claim) if re.sub(r"\D", "", n) not in source_digits]
    source_words = set(re.findall(r"[\w'’-]+", source.lower()))
    for name in _NAME.findall(claim):
        low = name.lower()
        if low in source_words or len(low) < 4:
            continue
        if process.extractOne(low, source_words, scorer=fuzz.ratio, score_cutoff=80) is None:
            missing.append(name)
    return missing


def _lexical_support(claim: str, source: str) -> float:
    from rapidfuzz import fuzz, process

    terms = content_terms(claim)
    if not terms:
        return 1.0  # nothing to check beyond facts and citations ("Yes [1].")
    words = set(LETTER_RUN.findall(source.lower()))
    found = sum(
        1
        for t in terms
        if t in words or process.extractOne(t, words, scorer=fuzz.ratio, score_cutoff=85)
    )
    return found / len(terms)


def _embedding_support(claim: str, texts: list[str], embed: EmbedFn) -> float:
    sentences = [s for t in texts for s in split_units(t) if len(s) > 15][:60]
    if not sentences:
        return 0.0
    vectors = embed([claim] + sentences)
    return float(np.max(vectors[1:] @ vectors[0]))
