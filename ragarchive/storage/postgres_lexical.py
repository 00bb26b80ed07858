"""The PostgreSQL lexical index: full-text search over words, postings of character trigrams,
and the vocabulary.

Both searches rank with BM25 with FTS5's formula and constants (k1 = 1.2, b = 0.75,
idf = ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6), so the lists fused with the dense ones
keep the meaning they have with SQLite:

* words: each chunk's ``tsvector`` is built with its language's configuration (unaccent +
  Snowball stemmer for de/fr/en, ``ra_simple`` otherwise); a query word is normalised by every
  configuration, so it finds its stem in chunks of any language. Unlike FTS5, stop words are not
  indexed and words match across inflections ("Regierungen" finds "Regierung"). The search
  reads the postings of the query's lexemes in ``chunk_words`` (each chunk's lexemes with
  their counts, made from the ``tsvector``; postgres_schema.py).
* trigrams: the postings of the query's trigrams in ``chunk_grams`` (every three-character
  window of each chunk's lower-cased text, counted as FTS5's trigram tokenizer counts them;
  postgres_schema.py), so that "Rcgierung" still shares most trigrams with "Regierung". When
  they are in many chunks, SQL scores the chunks of the rarest and Python ranks the best 200
  over all the query's trigrams with their document counts (``gram_docs``), as SQLite does
  (trigram_ranking.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Sequence

from ..text.tokens import VOCABULARY_WORD, trigrams
from ..types import Chunk
from .postgres_schema import SIMPLE_CONFIG, TEXT_CONFIGS
from . import trigram_ranking
from .protocols import Prune
from .postgres_postings import TRIGRAMS, best_seqs, with_chunk_ids
from .postgres_words import WordIndex, extended, ranked
from .word_plans import plan_word_searches, word_lists

if TYPE_CHECKING:
    import psycopg

_TOKEN = re.compile(r"\w+")  # what FTS5's unicode61 tokenizer counts as a token (document length)

_STATS = """SELECT count(*), coalesce(avg(n_words), 0)::float8,
    coalesce(avg(greatest(length(folded) - 2, 1)), 0)::float8 FROM chunks"""


class PostgresLexical:
    """The ``LexicalIndex`` half of ``PostgresArchive``: it reads the same pool."""

    # provided by PostgresArchive, which owns the pool and the meta table
    connection: Callable[[], ContextManager[psycopg.Connection]]
    _rows: Callable[..., list[tuple]]
    _stats_cache: tuple[str, tuple[int, float, float]] | None = None

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
        ``word_plans`` picks, as SQLite searches them: a search scores the chunks holding its
        rarer lexemes, and a variant that extends the question is ranked from the question's
        ranking (postgres_words)."""
        plans = plan_word_searches(queries, prune)
        if not plans:
            return []
        with self.connection() as c:
            total, mean_words, _ = self._stats(c)
            ix = WordIndex.load(c, [w for p in plans for w in p.own], total, mean_words)
            lists = word_lists(
                plans, lambda words: ranked(ix, ix.terms(words), limit),
                lambda first, added: extended(ix, ix.terms(plans[0].own), first, ix.terms(added), limit))
            return with_chunk_ids(c, lists)

    def search_trigrams(
        self, query: str, limit: int = 20, prune: Prune | None = None
    ) -> list[tuple[str, float]]:
        """OCR-robust search: chunks sharing the most character trigrams with the query words
        (BM25 over trigrams, higher = better). ``prune`` as for ``search_words``; when the
        kept trigrams are in many chunks, the candidates come from the rarest of them and are
        ranked over all the query's trigrams (trigram_ranking), as in SQLite."""
        grams = sorted({g for w in VOCABULARY_WORD.findall(query) for g in trigrams(w.lower())})
        kept = prune(grams) if prune else grams
        if not kept:
            return []
        with self.connection() as c:
            total, _, avg_grams = self._stats(c)
            found = dict(c.execute("SELECT word, count FROM gram_docs WHERE word = ANY(%s)", (grams,)))
            docs = {g: int(found.get(g, 0)) for g in grams}
            head = trigram_ranking.candidate_source(grams, kept, docs)
            if head is None:  # few chunks to score: all their postings
                return with_chunk_ids(c, [best_seqs(c, TRIGRAMS, grams, docs, total, avg_grams, limit)])[0]
            if not head:
                return []
            depth = max(trigram_ranking.CANDIDATES, limit)
            seqs = [s for s, _ in best_seqs(c, TRIGRAMS, head, docs, total, avg_grams, depth)]
            rows = c.execute("SELECT chunk_id, folded FROM chunks WHERE seq = ANY(%s)", (seqs,))
            return trigram_ranking.rescore(list(rows), grams, docs, total, avg_grams or 1.0)[:limit]

    def _stats(self, c: psycopg.Connection) -> tuple[int, float, float]:
        """(chunks, mean words per chunk, mean trigrams per chunk) for BM25, recounted only when
        the indexed content changed (FTS5 keeps these totals in its own tables)."""
        row = c.execute("SELECT value FROM meta WHERE key = 'content_generation'").fetchone()
        key = row[0] if row else "0"
        if self._stats_cache is None or self._stats_cache[0] != key:
            n, words, grams = c.execute(_STATS).fetchone()  # type: ignore[misc]
            self._stats_cache = (key, (int(n), float(words), float(grams)))
        return self._stats_cache[1]

    def vocabulary(self) -> dict[str, int]:
        return {w: int(n) for w, n in self._rows("SELECT word, count FROM vocab")}

    def archive_counts(self, exclude: set[str]) -> Counter[str]:
        """Raw-token counts of the indexed content except the files ``exclude`` (for the
        cleaning lexicon), from the running totals in ``raw_vocab``; a file whose new version
        failed still counts with the version that stays indexed."""
        total = Counter({w: int(n) for w, n in self._rows("SELECT word, count FROM raw_vocab")})
        rows = self._rows("SELECT raw_counts FROM files WHERE path = ANY(%s)", (sorted(exclude),))
        for (counts,) in rows:
            total.subtract(json.loads(counts))
        return +total  # drops what the exclusions brought to zero


def chunk_row(ch: Chunk, path: str, ordinal: int) -> tuple[Any, ...]:
    """The values of one ``chunks`` row, the search columns included."""
    from psycopg.types.json import Jsonb

    config = TEXT_CONFIGS.get(ch.language or "", SIMPLE_CONFIG)
    return (ch.chunk_id, ch.doc_id, path, ordinal, ch.text, Jsonb(ch.metadata()), ch.text.lower(),
            len(_TOKEN.findall(ch.text)), config, ch.text)


def add_counts(c: psycopg.Connection, table: str, delta: Counter[str]) -> None:
    """Add a file's net word-count changes to the running totals ``table`` (inside the caller's
    transaction), in word order, and drop the words no file has any more."""
    if not delta:
        return
    words = sorted(delta)
    c.execute(
        f"INSERT INTO {table} (word, count) SELECT w, n FROM unnest(%s::text[], %s::bigint[]) "  # type: ignore[arg-type]
        f"AS d(w, n) ORDER BY w ON CONFLICT (word) DO UPDATE SET count = {table}.count + excluded.count",
        (words, [delta[w] for w in words]),
    )
    gone = [w for w in words if delta[w] < 0]
    if gone:
        c.execute(f"DELETE FROM {table} WHERE word = ANY(%s) AND count <= 0", (gone,))  # type: ignore[arg-type]
