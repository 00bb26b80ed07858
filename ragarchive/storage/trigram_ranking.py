"""Ranking by trigrams at a cost that stops growing with the archive, for both catalogues.

Scoring a chunk by BM25 costs about 1 µs (FTS5) for every chunk that holds any searched trigram,
and a question's trigrams are common: the exact search scored 9,600 chunks at 10k chunks and
56,000 at 200k (bench/trigram_cost.py). So a search whose trigrams together are in more than
``CANDIDATE_DOCS`` chunks runs in two steps:

1. candidates: BM25 over the question's rarest trigrams whose document counts together stay
   within ``CANDIDATE_DOCS`` (``candidate_grams``), its best ``CANDIDATES`` chunks;
2. those chunks rescored with BM25 over *all* the question's trigrams (``rescore``), with
   FTS5's formula and the catalogue's own figures: the chunk count, the mean length, and each
   trigram's document count, kept as running totals (SQLite and PostgreSQL: ``gram_docs``).

Step 2 reads no postings, so it can afford the common trigrams that step 1 leaves out. A chunk
that shares only common trigrams with the question is never a candidate: that is the
approximation, measured against the exact search by ``bench/trigram_cost.py`` (at 10k chunks
the rankings agree; at 200k it keeps more of the exact top 20 than pruning alone did).

A question whose every trigram is in more than ``CANDIDATE_DOCS`` chunks has no trigram
list: its words are all common ones ("Blicke", "Rede": "cke" is in 24,000 of 200,000 chunks),
which the word lists find as well, and the trigram list is there to find a rare word's
misreadings. Searching the rarest anyway cost 35 ms at 200k chunks in SQLite, the one part of
a question that grew with the archive without bound. An archive of at most ``CANDIDATE_DOCS``
chunks never meets one.
"""

from __future__ import annotations

from typing import Sequence

from . import bm25

# Chosen on bench/trigram_cost.py's scale archives (not on the development questions): with
# these, a search costs 0.011-0.015 s at 10k, 50k and 200k chunks alike.
CANDIDATE_DOCS = 10_000  # chunks step 1 may score (~1 µs each in FTS5)
CANDIDATES = 200  # chunks rescored in step 2 (10 times the retriever's list depth)


def candidate_source(grams: Sequence[str], kept: Sequence[str], docs: dict[str, int]) -> list[str] | None:
    """What a search of the query's ``grams`` (``kept`` after pruning) reads: None to rank
    every chunk of all of them exactly (nothing pruned, all within ``CANDIDATE_DOCS``), else
    the trigrams to take candidates from, none for a query of only common trigrams (no list)."""
    head = candidate_grams(kept, docs)
    return None if len(head) == len(grams) else head


def candidate_grams(grams: Sequence[str], docs: dict[str, int]) -> list[str]:
    """The rarest of ``grams`` while their document counts stay within ``CANDIDATE_DOCS``:
    none when even the rarest is in more chunks."""
    out: list[str] = []
    spent = 0
    for gram in sorted(grams, key=lambda g: (docs[g], g)):
        if spent + docs[gram] > CANDIDATE_DOCS:
            break
        out.append(gram)
        spent += docs[gram]
    return out


def rescore(
    rows: Sequence[tuple[str, str]], grams: Sequence[str], docs: dict[str, int],
    chunks: int, mean_length: float,
) -> list[tuple[str, float]]:
    """BM25 (higher = better, as FTS5's -bm25()) of each (chunk_id, text) over ``grams``,
    best first."""
    idf = {g: bm25.idf(chunks, docs[g]) for g in grams}
    scored = []
    for chunk_id, text in rows:
        folded = text.lower()
        norm = bm25.K1 * (1 - bm25.B + bm25.B * max(len(folded) - 2, 1) / mean_length)
        score = 0.0
        for gram in grams:
            tf = occurrences(folded, gram)
            if tf:
                score += idf[gram] * tf * (bm25.K1 + 1) / (tf + norm)
        scored.append((chunk_id, score))
    return sorted(scored, key=lambda r: (-r[1], r[0]))


def occurrences(text: str, gram: str) -> int:
    """How often ``gram`` occurs in ``text``, overlaps included (as the tokenizer counts)."""
    if gram[1:] != gram[:-1] and gram[0] != gram[2]:
        return text.count(gram)  # cannot overlap itself: str.count is exact and fast
    n, start = 0, text.find(gram)
    while start >= 0:
        n += 1
        start = text.find(gram, start + 1)
    return n
