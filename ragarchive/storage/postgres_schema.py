"""The PostgreSQL catalogue's schema, as numbered migrations applied in order.

Each archive is one PostgreSQL schema (named after the archive), so one database holds several
archives as one data folder does. ``schema_migrations`` records the versions applied; ``migrate``
applies the missing ones in one transaction under an advisory lock, so workers that start
together do not race, and refuses a catalogue made by a newer ragarchive. A migration, once
released, is never edited: a change is a new entry at the end of ``MIGRATIONS``.

Text search: one configuration per language with ``unaccent`` ahead of the Snowball stemmer
(``ra_german``, ``ra_french``, ``ra_english``) and ``ra_simple`` (unaccent, no stemming) for
``und`` and the languages without a configuration.

Trigrams (version 2): ``chunk_grams`` holds each chunk's postings, every three-character window
of its case-folded text without whitespace with its count, as FTS5's trigram index keeps them, so
a search reads the postings of the question's trigrams only. Version 1 filtered chunks with a
``pg_trgm`` regular expression of the trigrams instead, which admitted nearly every chunk and
cost 0.5 s a question at 10,000 chunks (bench/pg_scale.py); ``pg_trgm`` stays installed for
archives at version 1 until they migrate.

Unit and word vectors (version 3): ``unit_vectors`` holds each chunk's scoring units' vectors,
``word_vectors`` the salient words' (``storage/unit_vectors.py``); a catalogue that migrates gets
them empty, and its questions embed what they need as before until its files are ingested again.

Covering postings index (version 4): ``chunk_grams_postings`` on ``gram`` includes ``seq``,
``tf`` and ``dl``, so a trigram search is an index-only scan that reads each trigram's postings
side by side; with an index on ``gram`` alone, each posting was a heap row somewhere in a table
that grows with the archive (50k chunks: 0.17 s a search, 0.055 s with the covering index,
about 480 MB more). Index-only scans need the visibility map, which autovacuum keeps up after
inserts (PostgreSQL 13+); until it has run, the scan reads the heap too and is only slower.

Word postings (version 5): ``chunk_words`` holds each chunk's lexemes with their counts, under
the same kind of covering index, so the word search reads the postings of the question's
lexemes instead of every matching chunk's ``tsvector`` (200k chunks: the lexical stage took
0.4 s a question that way). The ``words`` column stays: the postings are made from it.

No word index on the chunks (version 6): with the postings, nothing searches ``words`` any
more, and its GIN index only cost space and every insert's time.

Trigram document counts (version 7): ``gram_docs`` holds, per trigram, the number of chunks
whose postings hold it, kept as running totals by the transaction that writes or deletes a
file's postings (``POSTING_DOCS``), so that the trigram search can take candidates from the rarest
trigrams and rank them over all of them (``storage/trigram_ranking.py``) as SQLite does; reading
every trigram's postings grew 39k -> 76k rows a search from 10k to 200k chunks. A catalogue
that migrates counts them from its postings once (13 s at 200k chunks).

Lexeme document counts (version 8): ``word_docs`` does the same for the word postings, so that
a word search takes its idf from them instead of counting every posting of the question's
lexemes, and takes candidates from the rarest lexemes as SQLite does
(``storage/postgres_words.py``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..errors import IndexError_

if TYPE_CHECKING:
    import psycopg

TEXT_CONFIGS = {"de": "ra_german", "fr": "ra_french", "en": "ra_english"}

# The trigram postings of the chunks that ``{where}`` selects (all of them when a catalogue
# migrates, one file's when it is written): windows across whitespace are left out, since
# the question's trigrams are cut from its words; ``dl`` counts every window, as FTS5 does.
INDEX_GRAMS = """INSERT INTO chunk_grams (gram, seq, tf, dl)
SELECT g.gram, c.seq, count(*), greatest(max(length(c.folded)) - 2, 1)
FROM chunks c CROSS JOIN LATERAL (
    SELECT substr(c.folded, i, 3) AS gram FROM generate_series(1, length(c.folded) - 2) AS i) AS g
WHERE {where} AND g.gram !~ '[[:space:]]'
GROUP BY g.gram, c.seq"""
# The word postings of the chunks that ``{where}`` selects: each lexeme of a chunk's
# ``tsvector`` with its number of positions (its tf, as the word search always counted it).
INDEX_WORDS = """INSERT INTO chunk_words (lexeme, seq, tf, dl)
SELECT t.lexeme, c.seq, coalesce(array_length(t.positions, 1), 1), c.n_words
FROM chunks c, unnest(c.words) AS t WHERE {where}"""
# The document-count totals of the postings (one row per term and chunk in each table)
DOC_TOTALS = {"gram_docs": ("chunk_grams", "gram"), "word_docs": ("chunk_words", "lexeme")}
# Per term of postings ``{table}``, how many of the chunks that ``{where}`` selects hold it
# (what a file adds to or takes from its totals)
POSTING_DOCS = """SELECT p.{term}, count(*) FROM {table} p JOIN chunks c USING (seq)
WHERE {where} GROUP BY p.{term}"""
SIMPLE_CONFIG = "ra_simple"
QUERY_CONFIGS = (*TEXT_CONFIGS.values(), SIMPLE_CONFIG)

_TOKENS = "hword, hword_part, word, asciiword, asciihword, hword_asciipart"


def _text_configs() -> list[str]:
    out = []
    for name, stem in [("ra_german", "german_stem"), ("ra_french", "french_stem"),
                       ("ra_english", "english_stem"), ("ra_simple", "simple")]:
        base = "simple" if stem == "simple" else stem.removesuffix("_stem")
        out += [
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base})",
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {_TOKENS} "
            f"WITH public.unaccent, {stem}",
        ]
    return out


MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
        """CREATE TABLE files (
            path text PRIMARY KEY, hash text, kind text, status text NOT NULL, error text,
            warnings text NOT NULL DEFAULT '[]', n_documents integer NOT NULL DEFAULT 0,
            chunk_ids text NOT NULL DEFAULT '[]', timings text NOT NULL DEFAULT '{}',
            raw_counts text NOT NULL DEFAULT '{}', clean_counts text NOT NULL DEFAULT '{}',
            updated double precision NOT NULL)""",
        """CREATE TABLE documents (
            doc_id text PRIMARY KEY, source_path text NOT NULL, title text, date text,
            language text, language_prob double precision, newspaper text, pages text,
            n_chunks integer NOT NULL, text text NOT NULL, raw_text text NOT NULL,
            meta text NOT NULL DEFAULT '{}')""",
        "CREATE INDEX documents_source ON documents (source_path)",
        # seq keeps the indexing order (SQLite's rowid); folded is the text lower-cased by
        # Python, so trigram matches do not depend on the database's locale
        """CREATE TABLE chunks (
            seq bigserial NOT NULL, chunk_id text PRIMARY KEY, doc_id text NOT NULL,
            source_path text NOT NULL, ord integer NOT NULL, text text NOT NULL,
            metadata jsonb NOT NULL, folded text NOT NULL, n_words integer NOT NULL,
            words tsvector NOT NULL)""",
        "CREATE INDEX chunks_source ON chunks (source_path)",
        "CREATE INDEX chunks_doc ON chunks (doc_id)",
        "CREATE INDEX chunks_words ON chunks USING gin (words)",
        "CREATE INDEX chunks_trigrams ON chunks USING gin (folded public.gin_trgm_ops)",
        "CREATE TABLE vocab (word text PRIMARY KEY, count bigint NOT NULL)",
        "CREATE TABLE raw_vocab (word text PRIMARY KEY, count bigint NOT NULL)",
        *_text_configs(),
    ],
    2: [
        "CREATE TABLE chunk_grams (gram text NOT NULL, seq bigint NOT NULL, tf integer NOT NULL, "
        "dl integer NOT NULL)",
        INDEX_GRAMS.format(where="true"),
        "CREATE INDEX chunk_grams_gram ON chunk_grams (gram)",
        "CREATE INDEX chunk_grams_seq ON chunk_grams (seq)",
        "CREATE UNIQUE INDEX chunks_seq ON chunks (seq)",
        "DROP INDEX chunks_trigrams",
    ],
    3: [
        "CREATE TABLE unit_vectors (chunk_id text PRIMARY KEY, source_path text NOT NULL, "
        "n integer NOT NULL, vectors bytea NOT NULL)",
        "CREATE INDEX unit_vectors_source ON unit_vectors (source_path)",
        "CREATE TABLE word_vectors (word text PRIMARY KEY, vector bytea NOT NULL)",
    ],
    4: [
        # postings read from the index alone, in gram order, instead of a heap row each
        "CREATE INDEX chunk_grams_postings ON chunk_grams (gram) INCLUDE (seq, tf, dl)",
        "DROP INDEX chunk_grams_gram",
    ],
    5: [
        "CREATE TABLE chunk_words (lexeme text NOT NULL, seq bigint NOT NULL, tf integer NOT NULL, "
        "dl integer NOT NULL)",
        INDEX_WORDS.format(where="true"),
        "CREATE INDEX chunk_words_postings ON chunk_words (lexeme) INCLUDE (seq, tf, dl)",
        "CREATE INDEX chunk_words_seq ON chunk_words (seq)",
    ],
    6: ["DROP INDEX IF EXISTS chunks_words"],
    7: [
        "CREATE TABLE gram_docs (word text PRIMARY KEY, count bigint NOT NULL)",
        "INSERT INTO gram_docs SELECT gram, count(*) FROM chunk_grams GROUP BY gram",
    ],
    8: [
        "CREATE TABLE word_docs (word text PRIMARY KEY, count bigint NOT NULL)",
        "INSERT INTO word_docs SELECT lexeme, count(*) FROM chunk_words GROUP BY lexeme",
    ],
}
LATEST = max(MIGRATIONS)


def migrate(conn: psycopg.Connection, schema: str) -> None:
    """Bring ``schema`` to the latest version (creating it and the extensions if needed)."""
    from psycopg import sql

    if _applied(conn, schema) == LATEST:
        return  # nothing to do, and nothing that needs more than read access
    with conn.transaction():
        # one migrator per database at a time: CREATE EXTENSION IF NOT EXISTS races otherwise
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('ragarchive-migrate'))")
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("SET LOCAL search_path TO {}, public").format(sql.Identifier(schema)))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                     "(version integer PRIMARY KEY, applied double precision NOT NULL)")
        row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        current = (row[0] if row else None) or 0
        if current > LATEST:
            raise IndexError_(
                f"Archive {schema!r} in this PostgreSQL database has schema version {current}, "
                f"newer than this ragarchive knows ({LATEST}): upgrade ragarchive."
            )
        for version in range(current + 1, LATEST + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)  # type: ignore[arg-type]  # our own constant SQL
            conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (version, time.time()))


def _applied(conn: psycopg.Connection, schema: str) -> int:
    """The latest migration applied to ``schema`` (0 when it has none yet)."""
    from psycopg import sql

    table = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".schema_migrations',)).fetchone()
    if not table or table[0] is None:
        return 0
    query = sql.SQL("SELECT max(version) FROM {}.schema_migrations").format(sql.Identifier(schema))
    row = conn.execute(query).fetchone()
    return int(row[0] or 0) if row else 0
