"""The PostgreSQL engine: the catalogue and lexical index shared by several machines.

Chosen with ``catalogue.url``. The same rows as the SQLite engine (manifest, documents, chunks,
vocabulary, metadata) live in one PostgreSQL schema per archive (``postgres_schema``), and a
source file's rows change in one transaction, so readers never see half a file. Connections come
from psycopg's pool (the UI answers from several threads). Unlike the embedded file, several
ingest workers may write at once: each takes a file with ``claim_file`` (a session advisory lock
that PostgreSQL drops when the worker's connection ends, also after kill -9), and the running
totals (vocabulary, trigram document counts, generation counter) are updated in a fixed order so
writers never deadlock.

psycopg is imported when an engine is built, never at import time (``ragarchive --help``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from ..errors import ConfigError, EmbedderMismatchError
from ..text.tokens import word_counts
from ..types import Chunk, DocumentRow
from .errors import postgres_error, postgres_where
from .postgres_lexical import PostgresLexical, add_counts, chunk_row
from .postgres_reading import PostgresReading
from .postgres_schema import DOC_TOTALS, INDEX_GRAMS, INDEX_WORDS, POSTING_DOCS, migrate
from .unit_vectors import packed_rows, packed_words

if TYPE_CHECKING:
    import numpy as np
    import psycopg

# The pool logs each failed reconnect as a warning; with no logging configured Python prints
# them to stderr, burying the one clear error the CLI shows. An application that configures
# logging still receives them (they propagate to its handlers).
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())

CONNECT_TIMEOUT = 10  # seconds; an unreachable server is reported instead of waited for
# TCP keepalive on every connection, so a server (or the network to it) that vanishes without
# closing the connection is noticed within about a minute (idle 30 s + 3 probes 10 s apart)
# instead of the system's two hours; tcp_user_timeout bounds a write the server never
# acknowledges. Parameters given in catalogue.url win. The server's side of the same question
# (when does a vanished *worker's* claim end) is its tcp_keepalives_* settings:
# docs/deployment.md.
KEEPALIVES = {"keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10",
              "keepalives_count": "3", "tcp_user_timeout": "60000"}


class PostgresArchive(PostgresLexical, PostgresReading):
    """Catalogue and lexical index of one archive in a PostgreSQL database
    (the ``ArchiveStore`` protocol)."""

    shared = True  # several writers may work on one archive at once (see ``claim_file``)

    def __init__(self, url: str, archive: str, *, max_connections: int = 8) -> None:
        self.where = postgres_where(url)
        self.schema = archive
        _check_url(url)
        self._url = url
        self._conninfo = with_keepalives(url)
        self._claims: Any = None  # the connection holding this worker's file claims
        with self._errors(write=True):
            import psycopg
            from psycopg_pool import ConnectionPool

            with psycopg.connect(self._conninfo, autocommit=True,
                                 connect_timeout=CONNECT_TIMEOUT) as conn:
                migrate(conn, archive)
            self.pool = ConnectionPool(
                self._conninfo, min_size=1, max_size=max_connections, open=False, timeout=CONNECT_TIMEOUT,
                kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
                configure=self._configure, check=ConnectionPool.check_connection,
                name=f"ragarchive-{archive}",
            )
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)

    def _configure(self, conn: psycopg.Connection) -> None:
        from psycopg import sql

        conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(self.schema)))

    def close(self) -> None:
        if self._claims is not None:
            self._claims.close()
            self._claims = None
        self.pool.close()

    def refresh_statistics(self) -> None:
        """VACUUM (ANALYZE) this archive's tables after a bulk load. Until autovacuum gets to
        them, the planner has no statistics for the new rows and the postings' index-only scans
        visit the heap: right after moving 10k chunks, questions took twice as long (p50 0.11 s
        against 0.056-0.067 s after; the vacuum took 1.1 s)."""
        from psycopg import sql

        with self._errors(write=True), self.pool.connection() as conn:  # autocommit: VACUUM needs it
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (self.schema,))]
            for table in tables:
                conn.execute(sql.SQL("VACUUM (ANALYZE) {}.{}").format(
                    sql.Identifier(self.schema), sql.Identifier(table)))

    @contextmanager
    def _errors(self, *, write: bool) -> Iterator[None]:
        """psycopg's exceptions become ours, saying what to do; our own pass through."""
        import psycopg
        import psycopg_pool

        try:
            yield
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise postgres_error(self.where, exc, write=write) from exc

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection for reading (autocommit: each statement sees committed rows)."""
        with self._errors(write=False), self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """All or nothing; a failure (server gone, disk full) is rolled back and reported."""
        with self._errors(write=True), self.pool.connection() as conn, conn.transaction():
            yield conn

    def _rows(self, query: str, args: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        with self.connection() as c:
            return c.execute(query, args).fetchall()  # type: ignore[arg-type]

    def _dicts(self, query: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row

        with self.connection() as c:
            return c.cursor(row_factory=dict_row).execute(query, args).fetchall()  # type: ignore[arg-type]

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = %s", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                      "SET value = excluded.value", (key, value))

    def set_meta_once(self, key: str, value: str) -> str:
        """Set ``key`` unless a concurrent writer already did; returns the value that holds."""
        with self.transaction() as c:
            c.execute("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO NOTHING", (key, value))
            return c.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()[0]

    def archive_id(self, *, create: bool) -> str | None:
        """The catalogue's identity: it marks the Chroma collection on a server as this
        catalogue's, so every worker that shares the catalogue shares the collection."""
        current = self.get_meta("archive_id")
        if current is None and create:
            current = self.set_meta_once("archive_id", uuid.uuid4().hex)
        return current

    def check_embedder(self, fingerprint: str, *, claim: bool) -> None:
        """Refuse to mix embedders in one index; ``claim`` records it on first write."""
        stored = self.get_meta("embedder")
        if stored is None and claim:
            stored = self.set_meta_once("embedder", fingerprint)
        if stored is not None and stored != fingerprint:
            raise EmbedderMismatchError(
                f"This archive was indexed with embedder {stored!r}, but {fingerprint!r} is "
                "configured. Use the same embedder (see `ragarchive config`), choose another "
                "--archive name, or re-index from scratch into a new archive."
            )

    # -- claims: several writers ------------------------------------------------------------
    def claim_file(self, path: str) -> bool:
        """Take the right to ingest ``path``; False when another worker holds it. The claim is
        a session advisory lock on a dedicated connection: PostgreSQL releases it when this
        process ends, however it ends, so a killed worker blocks nobody."""
        with self._errors(write=True):
            if self._claims is None:
                import psycopg

                self._claims = psycopg.connect(self._conninfo, autocommit=True,
                                               connect_timeout=CONNECT_TIMEOUT)
            row = self._claims.execute("SELECT pg_try_advisory_lock(%s)", (_lock_key(self.schema, path),))
            return bool(row.fetchone()[0])

    def release_file(self, path: str) -> None:
        if self._claims is not None:
            with self._errors(write=False):
                self._claims.execute("SELECT pg_advisory_unlock(%s)", (_lock_key(self.schema, path),))

    # -- manifest ---------------------------------------------------------------------------
    def file_record(self, path: str) -> dict[str, Any] | None:
        rows = self._dicts("SELECT * FROM files WHERE path = %s", (path,))
        return rows[0] if rows else None

    def files(self) -> list[dict[str, Any]]:
        return self._dicts('SELECT * FROM files ORDER BY path COLLATE "C"')

    def mark_failed(self, path: str, kind: str, file_hash: str | None, error: str) -> None:
        """A failed file keeps whatever it had indexed before: a bad new version loses nothing."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO files (path, hash, kind, status, error, updated) "
                "VALUES (%s, %s, %s, 'failed', %s, %s) ON CONFLICT (path) DO UPDATE SET "
                "status = 'failed', error = excluded.error, updated = excluded.updated",
                (path, file_hash, kind, error, time.time()),
            )

    def mark_pending(self, path: str, kind: str, file_hash: str) -> None:
        """A file whose ingest has started: a killed run leaves it pending, and the next run
        takes it up again."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO files (path, hash, kind, status, updated) VALUES (%s, %s, %s, "
                "'pending', %s) ON CONFLICT (path) DO UPDATE SET status = 'pending', error = NULL",
                (path, file_hash, kind, time.time()),
            )

    def doc_owner(self, doc_id: str) -> str | None:
        rows = self._rows("SELECT source_path FROM documents WHERE doc_id = %s", (doc_id,))
        return rows[0][0] if rows else None

    def replace_file(
        self,
        *,
        path: str,
        file_hash: str,
        kind: str,
        documents: Sequence[DocumentRow],
        chunks: Sequence[Chunk],
        warnings: list[str],
        timings: dict[str, float],
        raw_counts: Counter[str],
        unit_vectors: Sequence[np.ndarray] | None = None,
    ) -> None:
        """Atomically swap a source file's rows (documents, chunks, unit vectors, search
        columns, vocabulary, manifest) in one transaction."""
        clean_counts = word_counts(c.text for c in chunks)
        with self.transaction() as c:
            old = self._delete_file_rows(c, path)
            c.cursor().executemany(
                "INSERT INTO documents VALUES (%(doc_id)s, %(source_path)s, %(title)s, %(date)s, "
                "%(language)s, %(language_prob)s, %(newspaper)s, %(pages)s, %(n_chunks)s, "
                "%(text)s, %(raw_text)s, %(meta)s)",
                [asdict(d) for d in documents],
            )
            c.cursor().executemany(
                "INSERT INTO chunks (chunk_id, doc_id, source_path, ord, text, metadata, folded, "
                "n_words, words) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
                "to_tsvector(%s::regconfig, %s))",
                [chunk_row(ch, path, i) for i, ch in enumerate(chunks)],
            )
            c.cursor().executemany("INSERT INTO unit_vectors VALUES (%s, %s, %s, %s)",
                                   packed_rows(path, [ch.chunk_id for ch in chunks], unit_vectors))
            for postings in (INDEX_GRAMS, INDEX_WORDS):
                c.execute(postings.format(where="c.source_path = %s"), (path,))  # type: ignore[arg-type]
            _add_totals(c, {"vocab": clean_counts, "raw_vocab": raw_counts, **_posting_docs(c, path)}, old)
            _next_generation(c)
            c.execute(
                "INSERT INTO files VALUES (%s, %s, %s, 'indexed', NULL, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (path) DO UPDATE SET hash = excluded.hash, kind = excluded.kind, "
                "status = 'indexed', error = NULL, warnings = excluded.warnings, "
                "n_documents = excluded.n_documents, chunk_ids = excluded.chunk_ids, "
                "timings = excluded.timings, raw_counts = excluded.raw_counts, "
                "clean_counts = excluded.clean_counts, updated = excluded.updated",
                (path, file_hash, kind, json.dumps(warnings, ensure_ascii=False), len(documents),
                 json.dumps([ch.chunk_id for ch in chunks]), json.dumps(timings),
                 json.dumps(raw_counts, ensure_ascii=False),
                 json.dumps(clean_counts, ensure_ascii=False), time.time()),
            )

    def put_unit_vectors(self, path: str, chunk_ids: Sequence[str], vectors: Sequence[Any]) -> None:
        """Store the unit vectors of chunks of ``path`` that are indexed already."""
        with self.transaction() as c:
            c.cursor().executemany(
                "INSERT INTO unit_vectors VALUES (%s, %s, %s, %s) ON CONFLICT (chunk_id) DO UPDATE SET "
                "n = excluded.n, vectors = excluded.vectors", packed_rows(path, chunk_ids, vectors))

    def put_word_vectors(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Store word vectors (a word stored already keeps its vector: it is the same)."""
        with self.transaction() as c:
            c.cursor().executemany("INSERT INTO word_vectors VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                   packed_words(vectors))

    def remove_file(self, path: str) -> int:
        """Delete a source file's rows everywhere; returns its former chunk count."""
        with self.transaction() as c:
            n = c.execute("SELECT count(*) FROM chunks WHERE source_path = %s", (path,)).fetchone()[0]
            _add_totals(c, {}, self._delete_file_rows(c, path))
            c.execute("DELETE FROM files WHERE path = %s", (path,))
            _next_generation(c)
        return int(n)

    def _delete_file_rows(self, c: psycopg.Connection, path: str) -> dict[str, Counter[str]]:
        """Delete a file's documents and chunks; returns what it had added to each table of
        running totals (``TOTALS``)."""
        old = _posting_docs(c, path)
        for postings in ("chunk_grams", "chunk_words"):
            c.execute(f"DELETE FROM {postings} WHERE seq IN "  # type: ignore[arg-type]
                      "(SELECT seq FROM chunks WHERE source_path = %s)", (path,))
        for table in ("chunks", "unit_vectors", "documents"):
            c.execute(f"DELETE FROM {table} WHERE source_path = %s", (path,))  # type: ignore[arg-type]
        row = c.execute("SELECT clean_counts, raw_counts FROM files WHERE path = %s",
                        (path,)).fetchone()
        if row:
            old |= {"vocab": Counter(json.loads(row[0])), "raw_vocab": Counter(json.loads(row[1]))}
        return old


def with_keepalives(url: str) -> str:
    """``url`` as a libpq conninfo with our keepalive parameters where it sets none."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    given = conninfo_to_dict(url)
    return make_conninfo(url, **{k: v for k, v in KEEPALIVES.items() if k not in given})


def _check_url(url: str) -> None:
    """A malformed URL is a configuration mistake, said as such (without the password)."""
    from urllib.parse import urlsplit

    if not url.startswith(("postgresql://", "postgres://")):
        scheme = url.split("://")[0] + "://" if "://" in url else "something else"
        raise ConfigError(
            f"catalogue.url must be a PostgreSQL URL such as postgresql://user@host:5432/ragarchive "
            f"(got {scheme}); unset it for the embedded SQLite catalogue."
        )
    from psycopg.conninfo import conninfo_to_dict

    try:
        urlsplit(url).port  # noqa: B018  # raises on a port that is not a number up to 65535
        conninfo_to_dict(url)
    except Exception as exc:  # ValueError, psycopg.ProgrammingError: libpq could not parse it
        raise ConfigError(f"catalogue.url cannot be parsed ({exc}); write it as "
                          "postgresql://user:password@host:5432/database.") from None


# The tables of running totals a file adds to: cleaned and raw word counts, and the document
# counts of its trigram and word postings. Always updated in this order, each in one statement
# in word order: concurrent writers lock the rows they share in the same order, so they wait
# for each other, never deadlock.
TOTALS = ("vocab", "raw_vocab", *DOC_TOTALS)


def _add_totals(c: psycopg.Connection, new: Mapping[str, Counter[str]], old: Mapping[str, Counter[str]]) -> None:
    """Apply a file's net changes (``new`` - ``old`` per table) to the running totals."""
    for table in TOTALS:
        add_counts(c, table, _delta(new.get(table, Counter()), old.get(table, Counter())))


def _posting_docs(c: psycopg.Connection, path: str) -> dict[str, Counter[str]]:
    """Per term of each postings table, how many of the file's chunks hold it (its share of
    ``gram_docs`` and ``word_docs``)."""
    out = {}
    for totals, (table, term) in DOC_TOTALS.items():
        query = POSTING_DOCS.format(table=table, term=term, where="c.source_path = %s")
        out[totals] = Counter({t: int(n) for t, n in c.execute(query, (path,))})  # type: ignore[arg-type]
    return out


def _delta(new: Counter[str], old: Counter[str]) -> Counter[str]:
    """new - old, keeping negative and dropping zero changes."""
    out = Counter(new)
    out.subtract(old)
    return Counter({w: n for w, n in out.items() if n})


def _next_generation(c: psycopg.Connection) -> None:
    """Move ``content_key`` on (inside the transaction that changes the indexed content)."""
    c.execute("INSERT INTO meta VALUES ('content_generation', '1') ON CONFLICT (key) DO UPDATE "
              "SET value = (meta.value::bigint + 1)::text")


def _lock_key(schema: str, path: str) -> int:
    """A 64-bit advisory lock key for (archive, path); collisions are negligible at 2**-64."""
    digest = hashlib.sha256(f"ragarchive\0{schema}\0{path}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
