"""PostgreSQL's word searches at a cost that grows little with the archive, as SQLite's do
(sqlite_words.py).

A search is BM25 over the lexemes of its words, with FTS5's formula (postgres_lexical.py).
Counting each lexeme's documents from its postings and aggregating every posting cost 17 ms
for a question whose "dit" is in 9,900 of 200,000 chunks, and the question's lexemes were read
again for each of its variants. Three things keep that down:

* **idf from running totals**: ``word_docs`` keeps each lexeme's document count (schema
  version 8), so SQL only sums each chunk's weighted tf (9.5 ms for the same search).
* **candidates** (``ranked``): when the question's lexemes are together in more than
  ``CANDIDATE_DOCS`` chunks, only the chunks holding its rarest lexemes (within that count,
  at least one) are scored, over all its lexemes (3.7 ms). A chunk holding only commoner
  lexemes is never a candidate: the approximation SQLite makes too.
* **a spelling variant** (``extended``): the question's ranking, updated with the chunks that
  hold one of the variant's added lexemes, scored over all of them: exact (see
  ``sqlite_words.extended`` for why), as long as the added lexemes are together in at most
  ``CANDIDATE_DOCS`` chunks; past that, the chunks holding the rarest of them, as for the
  question. Unlike an FTS5 token, an OCR spelling's lexeme can be a common word's: the stemmer
  reads "alts" (of "salts") as the German "alt", in 13,000 of 200,000 chunks, and scoring all
  of those cost 40 ms. An added spelling whose lexemes the question has already ("disoit" and
  "disait" stem alike) costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .postgres_postings import WORDS, Rows, best_seqs, holding
from .postgres_schema import QUERY_CONFIGS
from .word_plans import rarest_within

if TYPE_CHECKING:
    import psycopg

# SQLite's bound (sqlite_words.CANDIDATE_OCCURRENCES), counted in chunks rather than
# occurrences: at 200k chunks a question's candidates are a few hundred chunks.
CANDIDATE_DOCS = 1_000

# The lexemes each word gives under every configuration, with their document counts (0 for a
# lexeme no chunk holds; a stop word has no lexeme)
_LEXEMES = """SELECT w, l, coalesce(d.count, 0) FROM unnest(%s::text[]) AS w,
    unnest(%s::regconfig[]) AS cfg, unnest(tsvector_to_array(to_tsvector(cfg, w))) AS l
    LEFT JOIN word_docs d ON d.word = l"""


@dataclass
class WordIndex:
    """One question's view of the word postings: its words' lexemes and their document
    counts, and the archive's totals for BM25."""

    conn: psycopg.Connection
    lexemes: dict[str, list[str]]  # word -> its lexemes that some chunk holds
    docs: dict[str, int]  # lexeme -> chunks holding it
    total: int  # chunks
    mean_words: float

    @classmethod
    def load(cls, conn: psycopg.Connection, words: Sequence[str], total: int, mean_words: float) -> WordIndex:
        lexemes: dict[str, list[str]] = {}
        docs: dict[str, int] = {}
        for word, lexeme, n in conn.execute(_LEXEMES, (sorted(set(words)), list(QUERY_CONFIGS))):
            if n:
                lexemes.setdefault(word, []).append(lexeme)
                docs[lexeme] = int(n)
        return cls(conn, lexemes, docs, total, mean_words)

    def terms(self, words: Sequence[str]) -> list[str]:
        """The distinct lexemes of ``words`` that some chunk holds, sorted."""
        return sorted({t for w in words for t in self.lexemes.get(w, ())})

    def scored(self, terms: list[str], limit: int, among: list[int] | None = None) -> Rows:
        return best_seqs(self.conn, WORDS, terms, self.docs, self.total, self.mean_words, limit, among)

    def holding(self, terms: list[str]) -> list[int]:
        return holding(self.conn, WORDS, terms)


def ranked(ix: WordIndex, terms: list[str], limit: int) -> Rows:
    """The best ``limit`` chunks for ``terms``: all chunks holding one, or the candidates."""
    if not terms:
        return []
    rare = rarest_within(terms, ix.docs, CANDIDATE_DOCS)
    return ix.scored(terms, limit, None if len(rare) == len(terms) else ix.holding(rare))


def extended(ix: WordIndex, base: list[str], base_rows: Rows, added: list[str], limit: int) -> Rows:
    """The best ``limit`` chunks for ``base + added``, from ``base_rows`` (the best ``limit``
    for ``base``) and the chunks holding one of the rarest ``added`` lexemes (all of them when
    they are in few chunks together), scored over all the lexemes."""
    added = [t for t in added if t not in base]
    if not added:
        return base_rows
    if not base:
        return ranked(ix, added, limit)
    again = ix.scored(base + added, limit, ix.holding(rarest_within(added, ix.docs, CANDIDATE_DOCS)))
    return best({**dict(base_rows), **dict(again)}, limit)


def best(scores: dict[int, float], limit: int) -> Rows:
    """The best ``limit`` of (seq: score), best (highest) first, ties by seq."""
    return sorted(scores.items(), key=lambda r: (-r[1], r[0]))[:limit]
