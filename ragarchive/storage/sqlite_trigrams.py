"""SQLite's side of the bounded trigram search (storage/trigram_ranking.py): the trigrams'
document counts and FTS5's averages record, which the rescoring needs.

``gram_docs`` holds, per trigram, the number of chunks holding it (FTS5's own document count,
which ``fts5vocab`` can only count by reading the whole posting list). It is kept as running
totals in the transaction that indexes or unindexes a file's chunks; an archive made before it
gets it from ``fts5vocab`` at its next write, and until then is searched exactly, as before.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Iterable, Sequence

from ..text.tokens import trigrams

GRAM_DOCS_SCHEMA = "CREATE TABLE IF NOT EXISTS gram_docs (word TEXT PRIMARY KEY, count INTEGER NOT NULL);"

_BUILT = "gram_docs"  # the meta key marking the totals as complete


def gram_set(text: str) -> set[str]:
    """The distinct trigrams of a chunk's text, cut and case-folded as FTS5's trigram
    tokenizer does (every three-character window, spaces included; str.lower() for FTS5's
    case folding, which differ only for the rare letters whose lower case is longer, e.g. "İ")."""
    return set(trigrams(text.lower()))


def ensure_totals(c: sqlite3.Connection) -> None:
    """Build ``gram_docs`` from FTS5's own vocabulary if this archive has none yet (made before
    it); inside the caller's transaction and before it changes the FTS5 rows."""
    if not _has_totals(c):
        _build(c)


def chunk_docs(texts: Iterable[str]) -> Counter[str]:
    """Per trigram, how many of ``texts`` hold it (what a file adds to or takes from
    ``gram_docs``)."""
    docs: Counter[str] = Counter()
    for text in texts:
        docs.update(gram_set(text))
    return docs


def _has_totals(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM meta WHERE key=?", (_BUILT,)).fetchone() is not None


def _build(c: sqlite3.Connection) -> None:
    """The totals from FTS5's own vocabulary, once (an archive made before ``gram_docs``)."""
    c.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.gram_vocab USING fts5vocab(main, chunks_trigram, row)")
    c.execute("DELETE FROM gram_docs")
    c.execute("INSERT INTO gram_docs SELECT term, doc FROM temp.gram_vocab")
    c.execute("INSERT OR REPLACE INTO meta VALUES (?, 'totals')", (_BUILT,))


def document_counts(conn: sqlite3.Connection, grams: Sequence[str]) -> dict[str, int] | None:
    """Chunks holding each of ``grams``; None while the archive has no totals yet."""
    if not _has_totals(conn):
        return None
    marks = ",".join("?" * len(grams))
    found = dict(conn.execute(f"SELECT word, count FROM gram_docs WHERE word IN ({marks})", list(grams)))
    return {g: int(found.get(g, 0)) for g in grams}


def averages(conn: sqlite3.Connection) -> tuple[int, float] | None:
    """(chunks, mean trigrams per chunk) as FTS5's bm25() reads them: the averages record of
    the index (row 1 of ``chunks_trigram_data``: varints of the row count, then the token
    total of each column; the text is the second). None if it cannot be read."""
    row = conn.execute("SELECT block FROM chunks_trigram_data WHERE id=1").fetchone()
    values = _varints(bytes(row[0])) if row else []
    if len(values) < 3 or values[0] <= 0 or values[2] <= 0:
        return None
    return values[0], values[2] / values[0]


def _varints(blob: bytes) -> list[int]:
    """SQLite's varints (big-endian 7-bit groups, the ninth byte whole), as FTS5 writes them."""
    out: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for j in range(9):
            byte = blob[i]
            i += 1
            if j == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out
