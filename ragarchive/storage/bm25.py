"""FTS5's BM25 (its formula and constants), for the rankings computed outside FTS5: the trigram
candidates' rescoring and PostgreSQL's searches keep the scores SQLite gives."""

from __future__ import annotations

import math

K1, B = 1.2, 0.75  # FTS5's bm25() constants
MIN_IDF = 1e-6  # FTS5 floors an idf at this (a term in more than half the chunks)


def idf(chunks: int, docs: int) -> float:
    """The idf of a term that ``docs`` of ``chunks`` chunks hold."""
    return max(math.log((chunks - docs + 0.5) / (docs + 0.5)), MIN_IDF)
