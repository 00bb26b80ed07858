"""The SQLite engine: one file per archive holding the catalogue and the lexical index.

``<archive>/archive.sqlite`` holds the manifest (per source file: hash, status, error, chunk
ids, timings, word counts), documents, chunks, metadata, and the lexical index of
``sqlite_lexical``. One file means one transaction commits a source file's rows everywhere at
once. A failed write (disk full, read-only folder) is rolled back, so what was committed before
stays intact, and surfaces as an ``IndexWriteError`` that says what to do.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ..errors import EmbedderMismatchError
from ..text.tokens import word_counts
from ..types import Chunk, ChunkRow, DocumentRow
from .errors import folder_error, sqlite_error
from .sqlite_lexical import (
    LEXICAL_SCHEMA,
    SQLiteLexical,
    add_counts,
    index_chunks,
    unindex_chunks,
)
from .sqlite_units import UNITS_SCHEMA, SQLiteUnits, write_units

if TYPE_CHECKING:
    import numpy as np

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
""" + LEXICAL_SCHEMA + UNITS_SCHEMA


class ArchiveDB(SQLiteLexical, SQLiteUnits):
    """Catalogue and lexical index of one archive, in ``<archive>/archive.sqlite``
    (the ``ArchiveStore`` protocol)."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_error(path.parent, exc) from exc
        self.path = path
        try:
            # serialized SQLite (threadsafety 3): the ask service may be called from UI threads
            self.conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise sqlite_error(path, exc) from exc
        self.conn.row_factory = sqlite3.Row

    shared = False  # one writer: the ingest holds the archive's lock file

    def close(self) -> None:
        self.conn.close()

    def refresh_statistics(self) -> None:
        """Nothing to do: FTS5 and SQLite's b-trees need no statistics to be fast."""

    def claim_file(self, path: str) -> bool:
        """Always granted: the one-writer lock already excludes other ingests."""
        return True

    def release_file(self, path: str) -> None:
        pass

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

    def set_meta_once(self, key: str, value: str) -> str:
        """Set ``key`` unless it is set; returns the value that holds."""
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, value))
        return self.get_meta(key) or value

    def archive_id(self, *, create: bool) -> str | None:
        """This manifest's identity (random, made on first write): it marks the Chroma
        collection on a server as this manifest's, see ``chroma.ChromaStore.check_owner``."""
        current = self.get_meta("archive_id")
        if current is None and create:
            current = self.set_meta_once("archive_id", uuid.uuid4().hex)
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
    def file_record(self, path: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM files WHERE path=?", (path,)).fetchone()
        return dict(row) if row else None

    def files(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM files ORDER BY path")]

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
        """Atomically swap a source file's rows (documents, chunks, unit vectors, FTS, vocab,
        manifest)."""
        clean_counts = word_counts(c.text for c in chunks)
        with self.transaction() as c:
            self._delete_file_rows(c, path)
            for d in documents:
                c.execute(
                    "INSERT INTO documents VALUES (:doc_id, :source_path, :title, :date, "
                    ":language, :language_prob, :newspaper, :pages, :n_chunks, :text, "
                    ":raw_text, :meta)",
                    asdict(d),
                )
            for i, ch in enumerate(chunks):
                meta = json.dumps(ch.metadata(), ensure_ascii=False)
                c.execute(
                    "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                    (ch.chunk_id, ch.doc_id, path, i, ch.text, meta),
                )
            write_units(c, path, [ch.chunk_id for ch in chunks], unit_vectors)
            index_chunks(c, chunks)
            add_counts(c, "vocab", clean_counts, +1)
            add_counts(c, "raw_vocab", raw_counts, +1)
            _next_generation(c)
            c.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, 'indexed', NULL, ?, ?, ?, ?, ?, ?, ?)",
                (path, file_hash, kind, json.dumps(warnings, ensure_ascii=False), len(documents),
                 json.dumps([ch.chunk_id for ch in chunks]), json.dumps(timings),
                 json.dumps(raw_counts, ensure_ascii=False),
                 json.dumps(clean_counts, ensure_ascii=False), time.time()),
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
        unindex_chunks(c, ids)
        for table in ("chunks", "unit_vectors", "documents"):
            c.execute(f"DELETE FROM {table} WHERE source_path=?", (path,))
        row = c.execute("SELECT clean_counts, raw_counts FROM files WHERE path=?", (path,)).fetchone()
        if row:
            add_counts(c, "vocab", Counter(json.loads(row[0])), -1)
            add_counts(c, "raw_vocab", Counter(json.loads(row[1])), -1)
        return len(ids)

    # -- reading ----------------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT doc_id, source_path, title, date, language, language_prob, newspaper, "
            "pages, n_chunks FROM documents ORDER BY date, doc_id"
        )]

    def document_meta(self, doc_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """doc_id -> the document's ``meta`` (format-specific extras) for the given ids."""
        marks = ",".join("?" * len(doc_ids))
        rows = self.conn.execute(
            f"SELECT doc_id, meta FROM documents WHERE doc_id IN ({marks})", list(doc_ids))
        return {r[0]: json.loads(r[1]) for r in rows}

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

    def chunk_rows(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRow]:
        """chunk_id -> its ``ChunkRow`` for the given ids (missing ids are left out)."""
        out: dict[str, ChunkRow] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            rows = self.conn.execute(
                f"SELECT chunk_id, doc_id, ord, text, metadata FROM chunks WHERE chunk_id IN "
                f"({','.join('?' * len(part))})",
                part,
            )
            for r in rows:
                out[r[0]] = ChunkRow(doc_id=r[1], ord=r[2], text=r[3], meta=json.loads(r[4]))
        return out

    def date_range(self) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT min(date), max(date) FROM documents WHERE date IS NOT NULL AND date != ''"
        ).fetchone()
        return (row[0], row[1]) if row and row[0] else None

    def long_chunks(self, min_chars: int = 300) -> list[tuple[str, str, str, str]]:
        """(chunk_id, doc_id, text, document language) of every chunk longer than ``min_chars``,
        in indexing order: the material of calibration's synthetic questions."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT c.chunk_id, c.doc_id, c.text, d.language FROM chunks c JOIN documents d "
            "USING (doc_id) WHERE length(c.text) > ? ORDER BY c.rowid", (min_chars,))]

    def chunk_texts(self, doc_id: str) -> list[str]:
        """The texts of one document's chunks, in document order."""
        return [r[0] for r in self.conn.execute("SELECT text FROM chunks WHERE doc_id = ? ORDER BY ord",
                                                (doc_id,))]

    def chunk_texts_by_source(self) -> dict[str, list[str]]:
        """source path -> its chunks' texts in order, sources sorted by path."""
        rows = self.conn.execute("SELECT source_path, text FROM chunks ORDER BY source_path, ord")
        groups: dict[str, list[str]] = {}
        for path, text in rows:
            groups.setdefault(path, []).append(text)
        return groups

    def distinct_chunk_texts(self) -> int:
        """How many chunk texts differ (the scale benchmark repeats its paragraphs)."""
        return self.conn.execute("SELECT count(DISTINCT text) FROM chunks").fetchone()[0]

    def languages(self) -> list[str]:
        """The archive's document languages, commonest first (``und`` left out)."""
        rows = self.conn.execute("SELECT language, count(*) AS n FROM documents WHERE language != 'und' "
                                 "GROUP BY language ORDER BY n DESC")
        return [r[0] for r in rows if r[0]]

    def newspapers(self) -> list[str]:
        """The names the newspaper filter matches, commonest first: each document's newspaper,
        or its title when it has none (plain exports)."""
        rows = self.conn.execute(
            "SELECT name, count(*) AS n FROM (SELECT CASE WHEN coalesce(newspaper, '') != '' "
            "THEN newspaper ELSE title END AS name FROM documents) "
            "WHERE coalesce(name, '') != '' GROUP BY name ORDER BY n DESC, name")
        return [r[0] for r in rows]

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


def _next_generation(c: sqlite3.Connection) -> None:
    """Move ``content_key`` on (inside the transaction that changes the indexed content)."""
    c.execute("INSERT INTO meta VALUES ('content_generation', '1') ON CONFLICT(key) DO UPDATE SET "
              "value = CAST(value AS INTEGER) + 1")
