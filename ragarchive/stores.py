"""The archive's two indexes and its manifest.

* ``DenseStore``: Chroma, embedded ``PersistentClient`` in the data folder or ``HttpClient`` when
  a server URL is configured. We always pass our own vectors (``embedding_function=None``):
  Chroma's default embedding function would try to download a model.
* ``ArchiveDB``: one SQLite file per archive holding the manifest (per source file: hash, status,
  error, chunk ids, timings), documents, chunks, the FTS5 word index, an FTS5 trigram index
  (OCR-robust: "Rcgierung" still shares most trigrams with "Regierung") and the archive
  vocabulary. One file means one transaction commits a source file's rows everywhere at once.

Write failures (disk full, read-only folder, unreachable Chroma server) surface as
``IndexWriteError`` / ``ChromaUnavailableError`` whose message says what to do; a failed SQLite
write is rolled back, so what was committed before stays intact.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .errors import ChromaUnavailableError, EmbedderMismatchError, IndexError_, IndexWriteError
from .types import Chunk

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, hash TEXT, kind TEXT, status TEXT NOT NULL, error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]', n_documents INTEGER NOT NULL DEFAULT 0,
    chunk_ids TEXT NOT NULL DEFAULT '[]', timings TEXT NOT NULL DEFAULT '{}',
    raw_counts TEXT NOT NULL DEFAULT '{}', clean_counts TEXT NOT NULL DEFAULT '{}',
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source_path TEXT NOT NULL, title TEXT, date TEXT, language TEXT,
    language_prob REAL, newspaper TEXT, pages TEXT, n_chunks INTEGER NOT NULL,
    text TEXT NOT NULL, raw_text TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_path);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, source_path TEXT NOT NULL,
    ord INTEGER NOT NULL, text TEXT NOT NULL, metadata TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source_path);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    chunk_id UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_trigram USING fts5(
    chunk_id UNINDEXED, text, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS vocab (word TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS raw_vocab (word TEXT PRIMARY KEY, count INTEGER NOT NULL);
"""


class ArchiveDB:
    """Manifest, documents and lexical indexes of one archive, in ``<archive>/archive.sqlite``."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_error(path.parent, exc) from exc
        self.path = path
        try:
            # serialized SQLite (threadsafety 3): the ask service may be called from UI threads
            self.conn = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise sqlite_error(path, exc) from exc
        self.conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; a failed write (disk full, read-only) becomes an ``IndexWriteError``.

        With WAL, a full disk often shows only at COMMIT, so a failed COMMIT is rolled back too.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        except sqlite3.OperationalError as exc:  # full, read-only, I/O, locked; not our bugs
            raise sqlite_error(self.path, exc) from exc

    def _rollback(self) -> None:
        if not self.conn.in_transaction:
            return  # SQLite already rolled back (it does on SQLITE_FULL and some I/O errors)
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the original error is the one to report; SQLite recovers the journal on open

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def archive_id(self, *, create: bool) -> str | None:
        """This manifest's identity (random, made on first write): it marks the Chroma
        collection on a server as this manifest's, see ``DenseStore.check_owner``."""
        current = self.get_meta("archive_id")
        if current is None and create:
            with self.transaction() as c:
                c.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('archive_id', ?)", (uuid.uuid4().hex,)
                )
            current = self.get_meta("archive_id")
        return current

    def check_embedder(self, fingerprint: str, *, claim: bool) -> None:
        """Refuse to mix embedders in one index; ``claim`` records it on first write."""
        stored = self.get_meta("embedder")
        if stored is None:
            if claim:
                self.set_meta("embedder", fingerprint)
                self.set_meta("schema_version", str(SCHEMA_VERSION))
            return
        if stored != fingerprint:
            raise EmbedderMismatchError(
                f"This archive was indexed with embedder {stored!r}, but {fingerprint!r} is "
                "configured. Use the same embedder (see `ragarchive config`), choose another "
                "--archive name, or re-index from scratch into a new data folder."
            )

    # -- manifest ---------------------------------------------------------------------------
    def file_record(self, path: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM files WHERE path=?", (path,)).fetchone()

    def files(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM files ORDER BY path").fetchall()

    def mark_failed(self, path: str, kind: str, file_hash: str | None, error: str) -> None:
        """A failed file keeps whatever it had indexed before: a bad new version loses nothing."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO files (path, hash, kind, status, error, updated) "
                "VALUES (?, ?, ?, 'failed', ?, ?) ON CONFLICT(path) DO UPDATE SET "
                "status='failed', error=excluded.error, updated=excluded.updated",
                (path, file_hash, kind, error, time.time()),
            )

    def mark_pending(self, path: str, kind: str, file_hash: str) -> None:
        """A file whose ingest has started: a killed run leaves it pending, and the next run
        takes it up again."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO files (path, hash, kind, status, updated) VALUES (?, ?, ?, "
                "'pending', ?) ON CONFLICT(path) DO UPDATE SET status='pending', error=NULL",
                (path, file_hash, kind, time.time()),
            )

    def doc_owner(self, doc_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT source_path FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return row[0] if row else None

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
                _add_counts(c, "raw_vocab", Counter(json.loads(counts)), +1)
            c.execute("INSERT OR REPLACE INTO meta VALUES ('raw_vocab', 'totals')")

    def replace_file(
        self,
        *,
        path: str,
        file_hash: str,
        kind: str,
        documents: Sequence[dict[str, Any]],
        chunks: Sequence[Chunk],
        warnings: list[str],
        timings: dict[str, float],
        raw_counts: Counter[str],
    ) -> None:
        """Atomically swap a source file's rows (documents, chunks, FTS, vocab, manifest)."""
        clean_counts = word_counts(c.text for c in chunks)
        with self.transaction() as c:
            self._delete_file_rows(c, path)
            for d in documents:
                c.execute(
                    "INSERT INTO documents VALUES (:doc_id, :source_path, :title, :date, "
                    ":language, :language_prob, :newspaper, :pages, :n_chunks, :text, "
                    ":raw_text, :meta)",
                    d,
                )
            for i, ch in enumerate(chunks):
                meta = json.dumps(ch.metadata(), ensure_ascii=False)
                c.execute(
                    "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                    (ch.chunk_id, ch.doc_id, path, i, ch.text, meta),
                )
                c.execute("INSERT INTO chunks_fts VALUES (?, ?)", (ch.chunk_id, ch.text))
                c.execute("INSERT INTO chunks_trigram VALUES (?, ?)", (ch.chunk_id, ch.text))
            _add_counts(c, "vocab", clean_counts, +1)
            _add_counts(c, "raw_vocab", raw_counts, +1)
            _next_generation(c)
            c.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, 'indexed', NULL, ?, ?, ?, ?, ?, ?, ?)",
                (
                    path,
                    file_hash,
                    kind,
                    json.dumps(warnings, ensure_ascii=False),
                    len(documents),
                    json.dumps([ch.chunk_id for ch in chunks]),
                    json.dumps(timings),
                    json.dumps(raw_counts, ensure_ascii=False),
                    json.dumps(clean_counts, ensure_ascii=False),
                    time.time(),
                ),
            )

    def remove_file(self, path: str) -> int:
        """Delete a source file's rows everywhere in SQLite; returns its former chunk count."""
        with self.transaction() as c:
            n = self._delete_file_rows(c, path)
            c.execute("DELETE FROM files WHERE path=?", (path,))
            _next_generation(c)
        return n

    def _delete_file_rows(self, c: sqlite3.Connection, path: str) -> int:
        ids = [r[0] for r in c.execute("SELECT chunk_id FROM chunks WHERE source_path=?", (path,))]
        for table in ("chunks_fts", "chunks_trigram"):
            c.executemany(f"DELETE FROM {table} WHERE chunk_id=?", [(i,) for i in ids])
        c.execute("DELETE FROM chunks WHERE source_path=?", (path,))
        c.execute("DELETE FROM documents WHERE source_path=?", (path,))
        row = c.execute("SELECT clean_counts, raw_counts FROM files WHERE path=?", (path,)).fetchone()
        if row:
            _add_counts(c, "vocab", Counter(json.loads(row[0])), -1)
            _add_counts(c, "raw_vocab", Counter(json.loads(row[1])), -1)
        return len(ids)

    # -- reading ----------------------------------------------------------------------------
    def documents(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT doc_id, source_path, title, date, language, language_prob, newspaper, "
            "pages, n_chunks FROM documents ORDER BY date, doc_id"
        ).fetchall()

    def chunk_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT chunk_id FROM chunks ORDER BY chunk_id")]

    def content_key(self) -> str:
        """Identifies what is indexed: a counter that every file added, replaced or removed moves
        on, in the same transaction (so it changes even when a file is replaced by one with as
        many chunks). Read on every question: a digest of the manifest, as before, cost 50 ms
        at 100k chunks, its rows being large."""
        return self.get_meta("content_generation") or "0"

    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        return {
            "files": q("SELECT count(*) FROM files WHERE status='indexed'").fetchone()[0],
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "chunks": q("SELECT count(*) FROM chunks").fetchone()[0],
        }

    def search_words(self, query: str, limit: int = 20, prune: Prune | None = None) -> list[tuple[str, float]]:
        """BM25 word search; returns (chunk_id, score) with higher = better. ``prune`` picks
        the words worth searching (see ``retrieval.retriever.prune_common``)."""
        words = sorted({w.lower() for w in _WORD.findall(query)})
        match = " OR ".join(f'"{w}"' for w in (prune(words) if prune else words))
        if not match:
            return []
        rows = self.conn.execute(
            "SELECT chunk_id, bm25(chunks_fts) AS s FROM chunks_fts WHERE chunks_fts MATCH ? "
            "ORDER BY s LIMIT ?",
            (match, limit),
        ).fetchall()
        return [(r[0], -float(r[1])) for r in rows]

    def search_trigrams(self, query: str, limit: int = 20, prune: Prune | None = None) -> list[tuple[str, float]]:
        """OCR-robust search: chunks sharing the most character trigrams with the query words.

        "Regierung" still finds "Rcgierung" through "reg", "gie", "ier", "eru", ... (BM25 over
        trigrams, higher = better). ``prune`` as for ``search_words``.
        """
        grams = sorted({g for w in _WORD.findall(query) for g in trigrams(w.lower())})
        grams = prune(grams) if prune else grams
        if not grams:
            return []
        rows = self.conn.execute(
            "SELECT chunk_id, bm25(chunks_trigram) AS s FROM chunks_trigram "
            "WHERE chunks_trigram MATCH ? ORDER BY s LIMIT ?",
            (" OR ".join(f'"{g}"' for g in grams), limit),
        ).fetchall()
        return [(r[0], -float(r[1])) for r in rows]


    def chunk_rows(self, chunk_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """chunk_id -> {doc_id, ord, text, meta} for the given ids (missing ids are left out)."""
        out: dict[str, dict[str, Any]] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = self.conn.execute(
                f"SELECT chunk_id, doc_id, ord, text, metadata FROM chunks WHERE chunk_id IN "
                f"({','.join('?' * len(part))})",
                part,
            )
            for r in rows:
                out[r[0]] = {"doc_id": r[1], "ord": r[2], "text": r[3], "meta": json.loads(r[4])}
        return out

    def date_range(self) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT min(date), max(date) FROM documents WHERE date IS NOT NULL AND date != ''"
        ).fetchone()
        return (row[0], row[1]) if row and row[0] else None

    def vocabulary(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT word, count FROM vocab")}

    def long_chunks(self, min_chars: int = 300) -> list[tuple[str, str, str, str]]:
        """(chunk_id, doc_id, text, document language) of every chunk longer than ``min_chars``,
        in indexing order: the material of calibration's synthetic questions."""
        return self.conn.execute(
            "SELECT c.chunk_id, c.doc_id, c.text, d.language FROM chunks c JOIN documents d "
            "USING (doc_id) WHERE length(c.text) > ? ORDER BY c.rowid", (min_chars,)).fetchall()

    def chunk_texts(self, doc_id: str) -> list[str]:
        """The texts of one document's chunks."""
        return [r[0] for r in self.conn.execute("SELECT text FROM chunks WHERE doc_id = ?", (doc_id,))]

    def languages(self) -> list[str]:
        """The archive's document languages, commonest first (``und`` left out)."""
        rows = self.conn.execute(
            "SELECT language, count(*) AS n FROM documents WHERE language != 'und' "
            "GROUP BY language ORDER BY n DESC"
        )
        return [r[0] for r in rows if r[0]]

    def filtered_chunk_ids(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        newspaper: str | None = None,
        language: str | None = None,
        exclude_documents: tuple[str, ...] = (),
    ) -> set[str]:
        """Chunks that pass the filters. Dates compare as ISO prefixes; a chunk without a date
        fails any date filter (we cannot say it is in range)."""
        where, args = [], []
        date = "json_extract(metadata, '$.date')"
        if date_from:
            where.append(f"{date} != '' AND substr({date}, 1, ?) >= ?")
            args += [len(date_from), date_from]
        if date_to:
            where.append(f"{date} != '' AND substr({date}, 1, ?) <= ?")
            args += [len(date_to), date_to]
        if newspaper:
            # sources without a newspaper field (plain exports) carry the title instead
            paper = (
                "CASE WHEN json_extract(metadata, '$.newspaper') != '' "
                "THEN json_extract(metadata, '$.newspaper') ELSE json_extract(metadata, '$.title') END"
            )
            where.append(f"instr(lower({paper}), ?) > 0")
            args.append(newspaper.lower())
        if language:
            where.append("json_extract(metadata, '$.language') = ?")
            args.append(language)
        if exclude_documents:
            where.append(f"doc_id NOT IN ({','.join('?' * len(exclude_documents))})")
            args += list(exclude_documents)
        sql = "SELECT chunk_id FROM chunks" + (" WHERE " + " AND ".join(where) if where else "")
        return {r[0] for r in self.conn.execute(sql, args)}


_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
Prune = Callable[[list[str]], list[str]]


def word_counts(texts: Any) -> Counter[str]:
    """Lower-cased word counts, tokenised as the archive vocabulary is."""
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(w.lower() for w in _WORD.findall(t))
    return counts


def _add_counts(c: sqlite3.Connection, table: str, counts: Counter[str], sign: int) -> None:
    """Add (sign +1) or take away (-1) a file's word counts to the running totals ``table``."""
    c.executemany(
        f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET count=count+excluded.count",
        [(w, sign * n) for w, n in counts.items()],
    )
    if sign < 0:
        c.execute(f"DELETE FROM {table} WHERE count <= 0")


def _next_generation(c: sqlite3.Connection) -> None:
    """Move ``content_key`` on (inside the transaction that changes the indexed content)."""
    c.execute(
        "INSERT INTO meta VALUES ('content_generation', '1') ON CONFLICT(key) DO UPDATE SET "
        "value = CAST(value AS INTEGER) + 1"
    )


def trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]


_RESUME = (
    "then run the same command again: everything committed before is intact, and an ingest "
    "skips the files it already indexed."
)


def sqlite_error(path: Path, exc: sqlite3.Error) -> IndexError_:
    """SQLite's terse messages, turned into what to do about them."""
    text = str(exc).lower()
    if "full" in text or "disk i/o" in text:
        return IndexWriteError(
            f"Cannot write the archive index {path}: {exc}. The disk holding the data folder "
            f"is full or failing: free space (or use another --data-dir), {_RESUME}"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return IndexWriteError(
            f"Cannot write the archive index {path}: {exc}. Make the data folder writable for "
            f"this user (or use another --data-dir), {_RESUME}"
        )
    if "locked" in text or "busy" in text:
        return IndexError_(
            f"The archive index {path} is locked by another process ({exc}); wait for it to "
            "finish and try again."
        )
    return IndexError_(f"The archive index {path} cannot be used: {exc}.")


def folder_error(folder: Path, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"Cannot write to the data folder {folder}: {reason}. Make it writable for this user "
        f"(or use another --data-dir; if the disk is full, free space), {_RESUME}"
    )


class DenseStore:
    """One Chroma collection per archive; we supply the vectors."""

    def __init__(
        self,
        archive: str,
        *,
        path: Path | None = None,
        url: str | None = None,
        ef_search: int = 400,
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaClientSettings

        self.archive = archive
        self.url = url
        self.path = path
        self.name = _collection_name(archive)
        settings = ChromaClientSettings(anonymized_telemetry=False)
        with self._calls(write=True):
            if url:
                from urllib.parse import urlparse

                u = urlparse(url)
                self.client = chromadb.HttpClient(
                    host=u.hostname or "127.0.0.1",
                    port=u.port or 8000,
                    ssl=u.scheme == "https",
                    settings=settings,
                )
            else:
                assert path is not None
                self.client = chromadb.PersistentClient(path=str(path), settings=settings)
            self.collection = self.client.get_or_create_collection(
                name=self.name,
                configuration={
                    "hnsw": {
                        "space": "cosine",
                        "ef_construction": 200,
                        "ef_search": ef_search,
                        "max_neighbors": 32,
                    }
                },
                embedding_function=None,
            )
            self._ensure_ef_search(ef_search)

    @contextmanager
    def _calls(self, *, write: bool = False) -> Iterator[None]:
        """Chroma's and httpx's exceptions become ours, each saying what to do next."""
        import httpx
        from chromadb.errors import ChromaError

        try:
            yield
        except httpx.TransportError as exc:  # refused, reset mid-request, timed out
            raise ChromaUnavailableError(self._unreachable(exc)) from exc
        except ValueError as exc:
            # chromadb.HttpClient() reports a server that is not there as a bare ValueError
            if self.url and "could not connect" in str(exc).lower():
                raise ChromaUnavailableError(self._unreachable(exc)) from exc
            raise
        except ChromaError as exc:
            raise self._failed(exc, write) from exc

    def _unreachable(self, exc: Exception) -> str:
        return (
            f"The Chroma server at {self.url} is unreachable ({str(exc) or type(exc).__name__}). "
            "Start it (for example `chroma run --path /srv/chroma --host 127.0.0.1 --port 8000`) "
            f"or correct chroma.url (--chroma-url, RAGARCHIVE_CHROMA__URL), {_RESUME}"
        )

    def _failed(self, exc: Exception, write: bool) -> IndexError_:
        if self.url:
            where = f"The Chroma server at {self.url}"
            advice = "Check the server's log (a full disk on the server looks like this)"
        else:
            where = f"The vector store in {self.path}"
            advice = "Free disk space or make the data folder writable"
        if write:
            return IndexWriteError(f"{where} could not be written: {exc}. {advice}, {_RESUME}")
        return IndexError_(f"{where} failed: {exc}.")

    def check_matches(self, db: ArchiveDB, *, claim: bool) -> None:
        """This store holds the vectors of ``db``'s manifest: it is not empty while the manifest
        lists chunks, and (on a server) its collection belongs to that manifest, which ``claim``
        makes it do if nobody owns it yet (ingest claims, asking only checks)."""
        self._check_holds(db.counts()["chunks"])
        self.check_owner(db.archive_id(create=claim), claim=claim)

    def _check_holds(self, indexed_chunks: int) -> None:
        """A manifest that lists chunks and a store without a single vector means the archive was
        ingested into another store (embedded vs a server, another server, a deleted chroma
        folder). Asking would silently lose the dense half of retrieval, and re-ingesting would
        send nothing (every file is unchanged in the manifest), so say so instead."""
        if indexed_chunks == 0 or self.count() > 0:
            return
        where = (
            f"the Chroma server at {self.url} (collection {self.name})"
            if self.url
            else f"the embedded vector store in {self.path}"
        )
        raise IndexError_(
            f"Archive {self.archive!r} lists {indexed_chunks} chunks in its manifest, but {where} "
            "holds none of their vectors: it was ingested into another vector store. Vectors "
            "are not copied between stores: set chroma.url back to where this archive was "
            "ingested, or ingest into a new data folder (or under another --archive name) to "
            "use this one (README, Scaling)."
        )

    def check_owner(self, archive_id: str | None, *, claim: bool) -> None:
        """On a server, one collection belongs to one manifest.

        Collections are named after the archive only, so two data folders that use the same
        archive name on one server would share a collection: each would delete the other's
        vectors on re-ingest, and retrieve vectors its own lexical index does not know. The
        collection's metadata records the manifest that owns it; another one is refused. The
        embedded store lives inside its archive folder, so it cannot be shared this way.
        """
        if not self.url or archive_id is None:
            return
        with self._calls(write=claim):
            meta = dict(self.collection.metadata or {})
            owner = meta.get(_OWNER_KEY)
            if owner is None and claim:
                self.collection.modify(metadata={**meta, _OWNER_KEY: archive_id})
                owner = archive_id
        if owner is not None and owner != archive_id:
            raise IndexError_(
                f"The Chroma server at {self.url} already holds archive {self.archive!r} "
                f"(collection {self.name}) for another data folder. One archive has one manifest: "
                "ingest and ask from the data folder that created it, or use another --archive "
                "name here."
            )

    def _ensure_ef_search(self, ef_search: int) -> None:
        """e5 vectors crowd together (cosines of 0.75-0.9), and HNSW at Chroma's default
        ef_search of 100 was measured to miss the true nearest chunk of a 617-chunk archive;
        older collections are raised to the configured value."""
        config = getattr(self.collection, "configuration", None) or {}
        current = (config.get("hnsw") or {}).get("ef_search")
        if current is not None and current < ef_search:
            self.collection.modify(configuration={"hnsw": {"ef_search": ef_search}})

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        with self._calls(write=True):
            self.collection.upsert(
                ids=[c.chunk_id for c in chunks],
                embeddings=vectors.astype(np.float32),
                documents=[c.text for c in chunks],
                metadatas=[c.metadata() for c in chunks],
            )

    def delete_source(self, source_path: str) -> None:
        with self._calls(write=True):
            self.collection.delete(where={"source_path": source_path})

    def ids(self) -> list[str]:
        with self._calls():
            return sorted(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        with self._calls():
            return int(self.collection.count())

    def query(
        self, vector: np.ndarray, n: int = 20, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity)."""
        total = self.count()
        if total == 0:
            return []
        with self._calls():
            res = self.collection.query(
                query_embeddings=[vector.astype(np.float32)],
                n_results=min(n, total),
                where=where,
                include=["distances"],
            )
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]


_OWNER_KEY = "ragarchive_archive_id"


def _collection_name(archive: str) -> str:
    # Chroma names: 3-512 chars of [A-Za-z0-9._-], starting and ending alphanumeric.
    name = re.sub(r"[^A-Za-z0-9._-]", "-", archive).strip("._-")
    return f"ragarchive-{name}" if name else "ragarchive-default"
