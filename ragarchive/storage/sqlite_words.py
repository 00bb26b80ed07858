"""SQLite's word searches at a cost that grows little with the archive.

FTS5's ``bm25()`` costs about 1.5 µs for every chunk that holds any searched word, and a
question's words are common in a large archive: a French "dit" is in 9,600 of 200,000 chunks
(15 ms a search). Two ways keep a question's word lists from paying that again and again, both
built on one fact: BM25 is a sum over the query's words, so FTS5 scores a chunk matching
``(A) AND (B)`` as ``A OR B`` would, and one holding no ``B`` word as ``A`` alone would.
``holding(A, B)`` thus scores the chunks holding an ``A`` word over all the words of ``A`` and
``B`` while scoring no chunk that holds only ``B`` words.

* **candidates** (``ranked_words``): when the question's words together occur more than
  ``CANDIDATE_OCCURRENCES`` times, the chunks holding its rarest words (within that count, at
  least one word) are scored over all its words; a chunk holding only the commoner words is
  never a candidate. That is the approximation, as for the trigrams (sqlite_trigrams.py);
  ``bench/word_cost.py`` measures it against the exact search.
* **a spelling variant** (``extended``): the question's kept words plus a few added spellings
  (storage/word_plans.py). Its ranking is the question's, updated with ``holding(added,
  question's words)``: exact, see there.
"""

from __future__ import annotations

import sqlite3

from .sqlite_fts import Rows, best_rowids, match_any
from .word_plans import rarest_within

TABLE = "chunks_fts"
# Chosen on bench/word_cost.py's scale archives (not on the development questions): at 10k
# chunks no question's words reach it; at 200k a search scores a few hundred chunks, not 10,000.
CANDIDATE_OCCURRENCES = 1_000


def ranked_words(conn: sqlite3.Connection, words: list[str], limit: int) -> Rows:
    """The best ``limit`` chunks for ``words``: all chunks holding one, or the candidates."""
    if not words:
        return []
    rare = rarest(conn, words)
    if len(rare) == len(words):
        return best_rowids(conn, TABLE, match_any(words), limit)
    return best(holding(conn, rare, [w for w in words if w not in rare], limit), limit)


def extended(
    conn: sqlite3.Connection, base: list[str], base_rows: Rows, added: list[str], limit: int
) -> Rows:
    """The best ``limit`` chunks for the words ``base + added``, from ``base_rows`` (the best
    ``limit`` for ``base`` alone) and ``holding(added, base)``.

    A chunk holding an added word gets its score over all the words from ``holding``; one
    holding only base words keeps its base score. Of these last, one outside ``base_rows``
    scores no better than the ``limit`` chunks of ``base_rows``, each of which scores at least
    as well here: so the result is the search of all the words (ties aside), and only the few
    chunks with an added spelling are scored again."""
    if not base:
        return ranked_words(conn, added, limit)
    return best({**dict(base_rows), **holding(conn, added, base, limit)}, limit)


def holding(conn: sqlite3.Connection, first: list[str], second: list[str], limit: int) -> dict[int, float]:
    """The chunks holding a ``first`` word, scored over ``first + second`` (no chunk holding
    only ``second`` words is scored): enough of them that their best ``limit`` are exact.

    ``(first) AND (second)`` scores the chunks holding words of both exactly; ``first`` alone
    scores the others exactly and underrates those holding both. One of these that the AND
    query's best ``limit`` leave out is outranked by all ``limit`` of them, whatever score it
    keeps here; and a chunk left out of the ``first`` query's best ``limit`` is outranked by all
    of those. ``first`` alone rather than ``(first) NOT (second)``: FTS5 reads every chunk of
    every word of a query to count it for the idf, and ``second`` holds the common words."""
    scores = dict(best_rowids(conn, TABLE, match_any(first), limit))
    scores.update(best_rowids(conn, TABLE, f"({match_any(first)}) AND ({match_any(second)})", limit))
    return scores


def rarest(conn: sqlite3.Connection, words: list[str]) -> list[str]:
    """The rarest of ``words`` while their occurrences (the ``vocab`` table) together stay
    within ``CANDIDATE_OCCURRENCES`` (at least one)."""
    marks = ",".join("?" * len(words))
    counts = dict(conn.execute(f"SELECT word, count FROM vocab WHERE word IN ({marks})", words).fetchall())
    return rarest_within(words, counts, CANDIDATE_OCCURRENCES)


def best(scores: dict[int, float], limit: int) -> Rows:
    """The best ``limit`` of (rowid: bm25) scores, best (lowest) first, ties by rowid."""
    return sorted(scores.items(), key=lambda r: (r[1], r[0]))[:limit]
