"""A feature-hashing embedder for bench/scale.py and bench/pg_scale.py (``--embedder hashing``).

Bench-only: this is NOT a product embedder, and ragarchive's configuration cannot select it. It
replaces the neural network only, so that a 200k-chunk archive can be built on 2 CPU cores in
under an hour (a real model such as minilm ingests about 8 chunks/s there: 7 hours for 200k).
Every other part of what the scale bench measures is the real one: the ingest pipeline, the
SQLite or PostgreSQL catalogue and lexical index, Chroma and its HNSW index, the stored unit and
word vectors, the ask service (retrieval, expansion, gate).

A text's vector is the signed feature hashing (zlib.crc32 of each feature -> index and sign) of
its lower-cased words and of their character trigrams, L2-normalised, 384 float32 dimensions
(as minilm and e5-small). Deterministic across processes and machines, no model, thousands of
texts per second. Its dense neighbours are lexical-ish (texts that share words and spellings),
so the answer quality, answered rate and gate decisions measured with it mean nothing; only the
latency and how it grows with the archive's size do.
"""

from __future__ import annotations

import re
import zlib
from typing import Sequence

import numpy as np

DIM = 384
VERSION = 1  # change with any change to the features or weights (it enters the fingerprint)
TRIGRAM_WEIGHT = 0.5  # a word's own feature counts 1, each of its trigrams this much
_WORD = re.compile(r"\w+")
_MAX_CACHED_WORDS = 300_000


class HashingEmbedder:
    """Satisfies ragarchive.embedding.Embedder; queries and documents are embedded alike."""

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim
        self._words: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def fingerprint(self) -> str:
        return f"hashing:{VERSION}:crc32-words-char3:{self.dim}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            parts = [self._word(w) for w in _WORD.findall(text.lower())]
            if parts:
                index = np.concatenate([p[0] for p in parts])
                weight = np.concatenate([p[1] for p in parts])
                out[row] = np.bincount(index, weights=weight, minlength=self.dim)
        norms = np.linalg.norm(out, axis=1)
        empty = norms == 0
        out[empty, 0], norms[empty] = 1.0, 1.0  # no words: a fixed unit vector, never zeros
        return out / norms[:, None]

    def _word(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """The (indices, signed weights) of a word's features, cached by word."""
        found = self._words.get(word)
        if found is None:
            padded = f"<{word}>"
            features = [f"w:{word}"] + [padded[i : i + 3] for i in range(len(padded) - 2)]
            hashes = [zlib.crc32(f.encode("utf-8")) for f in features]
            index = np.array([h % self.dim for h in hashes], dtype=np.intp)
            weight = np.array([1.0] + [TRIGRAM_WEIGHT] * (len(features) - 1))
            weight *= np.array([1.0 if h >> 31 else -1.0 for h in hashes])
            if len(self._words) >= _MAX_CACHED_WORDS:
                self._words.clear()
            found = self._words[word] = (index, weight)
        return found
