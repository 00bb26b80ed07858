"""The archive's query adapter: a linear map on query vectors, fitted by ``ragarchive adapt``.

Only the question side moves: q' = normalise(q + q·W), with W fitted on synthetic questions made
from the archive's own chunks (ragarchive/adapting.py). The chunk vectors in the index are never
touched, so an adapter costs no re-embedding, and switching it off (``retrieval.adapter``) gives
back the pretrained retriever exactly. W starts at zero (the identity map) and is held near it.

The adapter is stored beside the index with the fingerprints of the embedder and of the indexed
content it was fitted on; a mismatch is refused with a clear message rather than silently
mapping questions into the wrong space. An adapter whose out-of-distribution check failed is
stored as unsafe and refused unless it was forced (``adapt --force``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ragarchive.embedding import Embedder, embed_queries
from ragarchive.errors import ConfigError

FILE_NAME = "query_adapter.npz"


@dataclass
class QueryAdapter:
    """The fitted map and what it was fitted on (``info``: fingerprints, seed, pairs, report)."""

    matrix: np.ndarray  # (dim, dim) residual W
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.matrix.astype(np.float32).tobytes()).hexdigest()[:12]

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """Map query vectors (one or a batch) and normalise them again, as the index expects."""
        mapped = vectors + vectors @ self.matrix
        norm = np.linalg.norm(mapped, axis=-1, keepdims=True)
        return (mapped / np.maximum(norm, 1e-12)).astype(np.float32)

    def save(self, archive_dir: Path) -> Path:
        path = archive_dir / FILE_NAME
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, matrix=self.matrix.astype(np.float32), info=np.array(json.dumps(self.info)))
        tmp.replace(path)  # a killed run leaves the previous adapter, never half of one
        return path


def load_adapter(archive_dir: Path) -> QueryAdapter | None:
    path = archive_dir / FILE_NAME
    if not path.is_file():
        return None
    with np.load(path) as data:
        return QueryAdapter(np.asarray(data["matrix"]), json.loads(str(data["info"])))


class AdaptedEmbedder:
    """An embedder whose queries go through the adapter; documents are embedded as before, so its
    ``fingerprint`` (which the index checks) stays the base embedder's. ``query_key`` names the
    query space, for values measured with query vectors (the gate's background)."""

    def __init__(self, base: Embedder, adapter: QueryAdapter) -> None:
        self.base, self.adapter = base, adapter
        self.dim = base.dim

    @property
    def fingerprint(self) -> str:
        return self.base.fingerprint

    @property
    def query_key(self) -> str:
        return f"{self.base.fingerprint}|adapter:{self.adapter.digest}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.base.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.adapter.apply(self.base.embed_query(text))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.adapter.apply(embed_queries(self.base, texts))


def query_key(embedder: Embedder) -> str:
    """The key of the embedder's query space: its fingerprint, plus the adapter when there is one."""
    return getattr(embedder, "query_key", embedder.fingerprint)


def adapted(embedder: Embedder, archive_dir: Path, content_key: str) -> AdaptedEmbedder:
    """``embedder`` with the archive's adapter, or a clear error when there is none that fits."""
    adapter = load_adapter(archive_dir)
    if adapter is None:
        raise ConfigError(
            "retrieval.adapter is on but this archive has no query adapter: run `ragarchive adapt` "
            "first, or turn it off (RAGARCHIVE_RETRIEVAL__ADAPTER=false)."
        )
    info = adapter.info
    if info.get("embedder") != embedder.fingerprint:
        raise ConfigError(
            f"The query adapter was fitted for the embedder {info.get('embedder')!r}, not "
            f"{embedder.fingerprint!r}: run `ragarchive adapt` again for this embedder."
        )
    if info.get("content_key") != content_key:
        raise ConfigError(
            "The query adapter was fitted on another state of the index (files were ingested or "
            "removed since): run `ragarchive adapt` again."
        )
    if not info.get("enabled", False):
        raise ConfigError(
            "The query adapter failed its out-of-distribution check (see `ragarchive adapt`'s "
            "report) and was not enabled; refit it, or force it with `ragarchive adapt --force`."
        )
    return AdaptedEmbedder(embedder, adapter)
