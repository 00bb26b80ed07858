"""The SQLite engine's unit and word vectors (``storage/unit_vectors.py``): read for a
question's passages and foreign words, added to files an older ragarchive indexed without them."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Mapping, Sequence

from .unit_vectors import packed_rows, packed_words, unpacked, unpacked_words

if TYPE_CHECKING:
    import numpy as np

# created on open where missing: an older archive gets the table empty (no migration needed)
UNITS_SCHEMA = """
CREATE TABLE IF NOT EXISTS unit_vectors (
    chunk_id TEXT PRIMARY KEY, source_path TEXT NOT NULL, n INTEGER NOT NULL, vectors BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS unit_vectors_source ON unit_vectors(source_path);
CREATE TABLE IF NOT EXISTS word_vectors (word TEXT PRIMARY KEY, vector BLOB NOT NULL);
"""


class SQLiteUnits:
    """Unit-vector reads and writes for ``ArchiveDB``, which provides the connection."""

    conn: sqlite3.Connection
    transaction: Callable[[], ContextManager[sqlite3.Connection]]

    def unit_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """chunk_id -> its scoring units' stored vectors, for the ids that have them."""
        ids = list(dict.fromkeys(chunk_ids))
        return unpacked(r for i in range(0, len(ids), 500) for r in self.conn.execute(
            f"SELECT chunk_id, n, vectors FROM unit_vectors WHERE chunk_id IN "
            f"({','.join('?' * len(ids[i:i + 500]))})", ids[i : i + 500]))

    def files_without_units(self) -> set[str]:
        """Indexed files with chunks but no unit vectors (indexed before they were stored)."""
        return {r[0] for r in self.conn.execute(
            "SELECT path FROM files WHERE status = 'indexed' AND chunk_ids != '[]' AND NOT EXISTS "
            "(SELECT 1 FROM unit_vectors u WHERE u.source_path = files.path)")}

    def put_unit_vectors(self, path: str, chunk_ids: Sequence[str], vectors: Sequence[Any]) -> None:
        """Store the unit vectors of chunks of ``path`` that are indexed already."""
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO unit_vectors VALUES (?, ?, ?, ?)",
                          packed_rows(path, chunk_ids, vectors))


    def word_vectors(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """word -> its stored vector, for the words that have one."""
        ids = list(dict.fromkeys(words))
        return unpacked_words(r for i in range(0, len(ids), 500) for r in self.conn.execute(
            f"SELECT word, vector FROM word_vectors WHERE word IN "
            f"({','.join('?' * len(ids[i:i + 500]))})", ids[i : i + 500]))

    def put_word_vectors(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Store word vectors (a word stored already keeps its vector: it is the same)."""
        with self.transaction() as c:
            c.executemany("INSERT OR IGNORE INTO word_vectors VALUES (?, ?)", packed_words(vectors))

def write_units(c: sqlite3.Connection, path: str, chunk_ids: Sequence[str], vectors: Sequence[Any] | None) -> None:
    """A file's unit vectors, in the transaction that writes its chunks."""
    c.executemany("INSERT INTO unit_vectors VALUES (?, ?, ?, ?)", packed_rows(path, chunk_ids, vectors))
