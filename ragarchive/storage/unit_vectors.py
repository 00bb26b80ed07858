"""The stored vectors of chunks' scoring units and of salient words, packed for catalogue rows.

A question scores the units of its passages (``text.sentences.scoring_units``) by their
similarity to it, and carries its terms to the salient words of foreign passages by theirs
(``retrieval.expand.carry_terms``); embedding them cost ~0.25 s and up to ~0.3 s of a new
question. The ingest embeds them once instead and the catalogue keeps them: one row per chunk
(the unit count and the units' vectors) and one row per word (archive-wide, kept when the files
that had the word go: a vector of a word is the same whatever file it came from). Vectors are
stored as float16, half the bytes of float32; cosine similarities move by about 1e-3, which
changed no decision or shown text on the demo questions (tests/test_question_cost.py). What has
no row (an archive ingested before, or a unit count that no longer matches its text) is embedded
at question time as before, and ingesting the same folders again adds the rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    import numpy as np

UnitRow = tuple[str, str, int, bytes]  # chunk_id, source_path, unit count, float16 vectors


def packed_rows(
    path: str, chunk_ids: Sequence[str], vectors: Sequence[np.ndarray | None] | None
) -> list[UnitRow]:
    """The rows of chunks of one file, ``vectors`` aligned with ``chunk_ids`` (None: no row)."""
    if vectors is None:
        return []
    return [(chunk_id, path, len(m), _pack(m)) for chunk_id, m in zip(chunk_ids, vectors, strict=True)
            if m is not None]


def unpacked(rows: Iterable[tuple[str, int, bytes]]) -> dict[str, np.ndarray]:
    """chunk_id -> its units' vectors (float32, one row per unit) from stored rows."""
    return {chunk_id: _unpack(data).reshape(n, -1 if n else 0) for chunk_id, n, data in rows}


def packed_words(vectors: Mapping[str, np.ndarray]) -> list[tuple[str, bytes]]:
    """Rows in word order: ingest workers that store the same new words at once then wait for
    each other instead of deadlocking (as the vocabulary's running totals do)."""
    return [(word, _pack(vectors[word])) for word in sorted(vectors)]


def unpacked_words(rows: Iterable[tuple[str, bytes]]) -> dict[str, np.ndarray]:
    return {word: _unpack(data) for word, data in rows}


def _pack(m: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(m, dtype=np.float16).tobytes()


def _unpack(data: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
