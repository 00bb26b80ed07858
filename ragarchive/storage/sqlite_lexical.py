"""The SQLite lexical index: FTS5 over words and over character trigrams, and the vocabulary.

The trigram index is the OCR-robust one: "Rcgierung" still shares most trigrams with
"Regierung". The vocabulary (``vocab``: cleaned words, ``raw_vocab``: raw OCR tokens) is kept
as running totals that each file's rows add to and take away from, in the same transaction as
the rest of its rows (see ``sqlite.ArchiveDB.replace_file``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Callable, ContextManager, Sequence

from ..text.tokens import VOCABULARY_WORD, trigrams
from ..types import Chunk
from . import sqlite_trigrams as bounded
from . import trigram_ranking
from .protocols import Prune
from .sqlite_fts import best_rowids, by_rowid, chunk_scores, match_any, ranked
from .sqlite_words import extended, ranked_words
from .word_plans import plan_word_searches, word_lists

LEXICAL_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    chunk_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_trigram USING fts5(
    chunk_id UNINDEXED, text, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS vocab (word TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS raw_vocab (word TEXT PRIMARY KEY, count INTEGER NOT NULL);
""" + bounded.GRAM_DOCS_SCHEMA


class SQLiteLexical:
    """The ``LexicalIndex`` half of ``ArchiveDB``: it reads the same connection."""

    # provided by ArchiveDB, which owns the connection, its transactions and the meta table
    conn: sqlite3.Connection
    get_meta: Callable[[str], str | None]
    transaction: Callable[[], ContextManager[sqlite3.Connection]]

    def search_words(
        self, query: str, limit: int = 20, prune: Prune | None = None
    ) -> list[tuple[str, float]]:
        """BM25 word search; returns (chunk_id, score) with higher = better. ``prune`` picks
        the words worth searching (see ``retrieval.retriever.prune_common``)."""
        return self.search_word_lists([query], limit, prune)[0]

    def search_word_lists(
        self, queries: Sequence[str], limit: int = 20, prune: Prune | None = None
    ) -> list[list[tuple[str, float]]]:
        """``search_words`` of a question (``queries[0]``) and of its variants, with the words
        ``word_plans`` picks. Common words cost little (sqlite_words): a search scores the
        chunks holding its rarer words, and a variant that extends the question is ranked from
        the question's ranking."""
        plans = plan_word_searches(queries, prune)
        lists = word_lists(
            plans, lambda words: ranked_words(self.conn, words, limit),
            lambda first, added: extended(self.conn, plans[0].own, first, added, limit))
        return [chunk_scores(self.conn, "chunks_fts", rows) for rows in lists]

    def search_trigrams(
        self, query: str, limit: int = 20, prune: Prune | None = None
    ) -> list[tuple[str, float]]:
        """OCR-robust search: chunks sharing the most character trigrams with the query words.

        "Regierung" still finds "Rcgierung" through "reg", "gie", "ier", "eru", ... (BM25 over
        trigrams, higher = better). ``prune`` picks the trigrams whose postings may be read,
        as for ``search_words``; when they occur in many chunks, the candidates come from the
        rarest of them and are ranked over all the query's trigrams (trigram_ranking).
        """
        grams = sorted({g for w in VOCABULARY_WORD.findall(query) for g in trigrams(w.lower())})
        kept = prune(grams) if prune else grams
        if not kept:
            return []
        docs = bounded.document_counts(self.conn, grams)
        stats = bounded.averages(self.conn) if docs is not None else None
        if docs is None or stats is None:  # an archive without the counts yet: as before them
            return self._exact(kept, limit)
        head = trigram_ranking.candidate_source(grams, kept, docs)
        if head is None:  # few chunks to score: FTS5 alone
            return self._exact(grams, limit)
        return self._rescored(head, grams, docs, stats, limit) if head else []

    def _exact(self, grams: list[str], limit: int) -> list[tuple[str, float]]:
        return ranked(self.conn, "chunks_trigram", match_any(grams), limit)

    def _rescored(
        self, head: list[str], grams: list[str], docs: dict[str, int],
        stats: tuple[int, float], limit: int,
    ) -> list[tuple[str, float]]:
        """The best candidates of FTS5's search over ``head``, ranked by BM25 over all
        ``grams`` (trigram_ranking)."""
        depth = max(trigram_ranking.CANDIDATES, limit)
        ids = [r[0] for r in best_rowids(self.conn, "chunks_trigram", match_any(head), depth)]
        rows = by_rowid(self.conn, "chunks_trigram", "chunk_id, text", ids)
        return trigram_ranking.rescore(rows, grams, docs, *stats)[:limit]

    def vocabulary(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT word, count FROM vocab")}

    def archive_counts(self, exclude: set[str]) -> Counter[str]:
        """Raw-token counts of the indexed content except the files ``exclude`` (for the
        cleaning lexicon). Kept as running totals in ``raw_vocab`` (like ``vocab``), because
        summing every file's counts on each ingest took 8 s at 100k chunks; a file whose new
        version failed still counts with the version that stays indexed."""
        if self.get_meta("raw_vocab") != "totals":
            self._build_raw_vocab()
        total = Counter(dict(self.conn.execute("SELECT word, count FROM raw_vocab").fetchall()))
        marks = ",".join("?" * len(exclude))
        for (counts,) in self.conn.execute(f"SELECT raw_counts FROM files WHERE path IN ({marks})",
                                           sorted(exclude)):
            total.subtract(json.loads(counts))
        return +total  # drops what the exclusions brought to zero

    def _build_raw_vocab(self) -> None:
        """The running totals from every file's counts, once (archives made before them)."""
        with self.transaction() as c:
            c.execute("DELETE FROM raw_vocab")
            for (counts,) in c.execute("SELECT raw_counts FROM files").fetchall():
                add_counts(c, "raw_vocab", Counter(json.loads(counts)), +1)
            c.execute("INSERT OR REPLACE INTO meta VALUES ('raw_vocab', 'totals')")


def index_chunks(c: sqlite3.Connection, chunks: Sequence[Chunk]) -> None:
    """Add chunks to both FTS indexes and to the trigrams' document counts (inside the
    caller's transaction)."""
    bounded.ensure_totals(c)
    for ch in chunks:
        c.execute("INSERT INTO chunks_fts VALUES (?, ?)", (ch.chunk_id, ch.text))
        c.execute("INSERT INTO chunks_trigram VALUES (?, ?)", (ch.chunk_id, ch.text))
    add_counts(c, "gram_docs", bounded.chunk_docs(ch.text for ch in chunks), +1)


def unindex_chunks(c: sqlite3.Connection, chunk_ids: Sequence[str]) -> None:
    """Take chunks out of both FTS indexes and the trigrams' document counts (inside the
    caller's transaction, while their ``chunks`` rows still exist)."""
    bounded.ensure_totals(c)
    texts = (c.execute("SELECT text FROM chunks WHERE chunk_id=?", (i,)).fetchone() for i in chunk_ids)
    add_counts(c, "gram_docs", bounded.chunk_docs(row[0] for row in texts if row), -1)
    for table in ("chunks_fts", "chunks_trigram"):
        c.executemany(f"DELETE FROM {table} WHERE chunk_id=?", [(i,) for i in chunk_ids])


def add_counts(c: sqlite3.Connection, table: str, counts: Counter[str], sign: int) -> None:
    """Add (sign +1) or take away (-1) a file's word counts to the running totals ``table``."""
    c.executemany(
        f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET count=count+excluded.count",
        [(w, sign * n) for w, n in counts.items()],
    )
    if sign < 0:
        c.execute(f"DELETE FROM {table} WHERE count <= 0")
