"""SQLite's trigram search at a cost that stops growing with the archive.

FTS5's ``bm25()`` costs about 1 µs for every chunk that holds any searched trigram, and a
question's trigrams are common: the exact search scored 9,600 chunks at 10k chunks and 56,000 at
200k (bench/trigram_cost.py). Reading the postings is cheap; scoring them is not. So a search
whose trigrams together occur in more than ``CANDIDATE_DOCS`` chunks runs in two steps:

1. candidates: FTS5's BM25 over the question's rarest trigrams whose document counts together
   stay within ``CANDIDATE_DOCS``, its best ``CANDIDATES`` chunks;
2. those chunks rescored with BM25 over *all* the question's trigrams, computed here with
   FTS5's formula and FTS5's own figures: the chunk count and total length from its averages
   record, each trigram's document count from ``gram_docs``.

Step 2 reads no postings, so it can afford the common trigrams that step 1 leaves out. A chunk
that shares only common trigrams with the question is never a candidate: that is the
approximation, measured against the exact search by ``bench/trigram_cost.py`` (at 10k chunks
the rankings agree; at 200k it keeps more of the exact top 20 than pruning alone did).

A question whose every trigram is in more than ``CANDIDATE_DOCS`` chunks has no trigram
list: its words are all common ones ("Blicke", "Rede": "cke" is in 24,000 of 200,000 chunks),
which the word lists find as well, and the trigram list is there to find a rare word's
misreadings. Searching the rarest anyway cost 35 ms at 200k chunks, the one part of a question
that grew with the archive without bound. An archive of at most ``CANDIDATE_DOCS`` chunks never
meets one.

``gram_docs`` holds, per trigram, the number of chunks holding it (FTS5's own document count,
which ``fts5vocab`` can only count by reading the whole posting list). It is kept as running
totals in the transaction that indexes or unindexes a file's chunks; an archive made before it
gets it from ``fts5vocab`` at its next write, and until then is searched exactly, as before.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from typing import Iterable, Sequence

from ..text.tokens import trigrams

GRAM_DOCS_SCHEMA = "CREATE TABLE IF NOT EXISTS gram_docs (word TEXT PRIMARY KEY, count INTEGER NOT NULL);"

# Chosen on bench/trigram_cost.py's scale archives (not on the development questions): with
# these, a search costs 0.011-0.015 s at 10k, 50k and 200k chunks alike.
CANDIDATE_DOCS = 10_000  # chunks FTS5 may score in step 1 (~1 µs each)
CANDIDATES = 200  # chunks rescored in step 2 (10 times the retriever's list depth)

_K1, _B = 1.2, 0.75  # FTS5's bm25() constants
_MIN_IDF = 1e-6  # FTS5 floors an idf at this (a trigram in more than half the chunks)
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


def candidate_grams(grams: Sequence[str], docs: dict[str, int]) -> list[str]:
    """The rarest of ``grams`` while their document counts stay within ``CANDIDATE_DOCS``:
    none when even the rarest is in more chunks (see the module's docstring)."""
    out: list[str] = []
    spent = 0
    for gram in sorted(grams, key=lambda g: (docs[g], g)):
        if spent + docs[gram] > CANDIDATE_DOCS:
            break
        out.append(gram)
        spent += docs[gram]
    return out


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


def rescore(
    rows: Sequence[tuple[str, str]], grams: Sequence[str], docs: dict[str, int],
    chunks: int, mean_length: float,
) -> list[tuple[str, float]]:
    """BM25 (higher = better, as FTS5's -bm25()) of each (chunk_id, text) over ``grams``,
    best first."""
    idf = {g: max(math.log((chunks - docs[g] + 0.5) / (docs[g] + 0.5)), _MIN_IDF) for g in grams}
    scored = []
    for chunk_id, text in rows:
        folded = text.lower()
        norm = _K1 * (1 - _B + _B * max(len(folded) - 2, 1) / mean_length)
        score = 0.0
        for gram in grams:
            tf = occurrences(folded, gram)
            if tf:
                score += idf[gram] * tf * (_K1 + 1) / (tf + norm)
        scored.append((chunk_id, score))
    return sorted(scored, key=lambda r: (-r[1], r[0]))


def occurrences(text: str, gram: str) -> int:
    """How often ``gram`` occurs in ``text``, overlaps included (as the tokenizer counts)."""
    if gram[1:] != gram[:-1] and gram[0] != gram[2]:
        return text.count(gram)  # cannot overlap itself: str.count is exact and fast
    n, start = 0, text.find(gram)
    while start >= 0:
        n += 1
        start = text.find(gram, start + 1)
    return n
