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
* **spelling variants** (``word_lists``): the question's kept words plus a few added spellings
  (storage/word_plans.py). The question and its variants are ranked from one search of all
  their words (``ranked_words`` with ``added``: the candidates are also every chunk holding an
  added spelling, so a question's own list may take a chunk that its search alone would not
  have had as a candidate) less, per list, the ``bm25()`` of the spellings it leaves out
  (``scores_of``, for the chunks of that search only): the question's common words are read
  once, not once more for each variant.
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

from .sqlite_fts import Rows, best_rowids, match_any
from .word_plans import WordSearch, shared_lists

TABLE = "chunks_fts"
# Chosen on bench/word_cost.py's scale archives (not on the development questions): at 10k
# chunks no question's words reach it; at 200k a search scores a few hundred chunks, not 10,000.
CANDIDATE_OCCURRENCES = 1_000


def ranked_words(conn: sqlite3.Connection, words: list[str], limit: int, added: Sequence[str] = ()) -> Rows:
    """The best ``limit`` chunks for ``words`` and ``added`` together: all chunks holding one,
    or the candidates, those holding one of the rarest ``words`` or any ``added`` word (the
    spellings a question's variants add, word_plans.shared_lists: rare, and a chunk holding
    one must be ranked for the variant that adds it)."""
    every = [*words, *added]
    if not every:
        return []
    rare = rarest(conn, words) if words else []
    if len(rare) == len(words):
        return best_rowids(conn, TABLE, match_any(every), limit)
    return best(holding(conn, [*rare, *added], [w for w in words if w not in rare], limit), limit)


def word_lists(conn: sqlite3.Connection, plans: Sequence[WordSearch], limit: int) -> list[Rows]:
    """The best ``limit`` chunks of each plan: the question's and its spelling variants' from
    one search (word_plans.shared_lists), scores as FTS5's ``bm25()`` (lower = better)."""
    lists = shared_lists(
        plans,
        search=lambda words, n: _higher(ranked_words(conn, words, n)),
        scores=lambda words, rowids: {r: -s for r, s in scores_of(conn, words, rowids)},
        limit=limit,
        joint=lambda words, added, n: _higher(ranked_words(conn, words, n, added)),
    )
    return [_higher(rows) for rows in lists]


def scores_of(conn: sqlite3.Connection, words: list[str], rowids: list[int]) -> Rows:
    """FTS5's ``bm25()`` of these chunks for ``words`` (those holding one). ``+rowid`` keeps
    SQLite from handing FTS5 one rowid at a time, for each of which it would count the words'
    postings again."""
    marks = ",".join("?" * len(rowids))
    return conn.execute(f"SELECT rowid, bm25({TABLE}) FROM {TABLE} WHERE {TABLE} MATCH ? "
                        f"AND +rowid IN ({marks})", [match_any(words), *rowids]).fetchall()


def _higher(rows: Rows) -> Rows:
    """bm25() scores as word_plans ranks them (higher = better), and back."""
    return [(rowid, -score) for rowid, score in rows]


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
    out: list[str] = []
    spent = 0
    for word in sorted(words, key=lambda w: (counts.get(w, 0), w)):
        spent += counts.get(word, 0)
        if out and spent > CANDIDATE_OCCURRENCES:
            break
        out.append(word)
    return out


def best(scores: dict[int, float], limit: int) -> Rows:
    """The best ``limit`` of (rowid: bm25) scores, best (lowest) first, ties by rowid."""
    return sorted(scores.items(), key=lambda r: (r[1], r[0]))[:limit]
