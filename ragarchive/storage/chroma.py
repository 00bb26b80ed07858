"""The vector store: Chroma, embedded or on a server.

An embedded ``PersistentClient`` keeps the vectors in the archive's data folder; an
``HttpClient`` talks to a ``chroma run`` server when ``chroma.url`` is set. We always pass our
own vectors (``embedding_function=None``): Chroma's default embedding function would try to
download a model. Chroma's and httpx's errors become ``ChromaUnavailableError`` /
``IndexWriteError`` whose message says what to do.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from ..errors import ChromaUnavailableError, IndexError_, IndexWriteError
from ..types import Chunk
from .errors import RESUME

if TYPE_CHECKING:
    from .protocols import Catalogue


class ChromaStore:
    """One Chroma collection per archive; we supply the vectors (the ``VectorStore`` protocol)."""

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
            f"or correct chroma.url (--chroma-url, RAGARCHIVE_CHROMA__URL), {RESUME}"
        )

    def _failed(self, exc: Exception, write: bool) -> IndexError_:
        if self.url:
            where = f"The Chroma server at {self.url}"
            advice = "Check the server's log (a full disk on the server looks like this)"
        else:
            where = f"The vector store in {self.path}"
            advice = "Free disk space or make the data folder writable"
        if write:
            return IndexWriteError(f"{where} could not be written: {exc}. {advice}, {RESUME}")
        return IndexError_(f"{where} failed: {exc}.")

    def check_matches(self, catalogue: Catalogue, *, claim: bool) -> None:
        """This store holds the vectors of ``catalogue``'s manifest: it is not empty while the
        manifest lists chunks, and (on a server) its collection belongs to that manifest, which
        ``claim`` makes it do if nobody owns it yet (ingest claims, asking only checks)."""
        self._check_holds(catalogue.counts()["chunks"])
        self.check_owner(catalogue.archive_id(create=claim), claim=claim)

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
            "holds none of their vectors: it was ingested into another vector store. Setting "
            "chroma.url copies no vectors: set it back to where this archive was ingested, move "
            "the archive with `ragarchive move` (to a PostgreSQL catalogue and a Chroma server), "
            "or ingest into a new data folder (or under another --archive name) to use this one "
            "(README, Scaling)."
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

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks (the query adapter learns against them)."""
        if not chunk_ids:
            return {}
        with self._calls():
            res = self.collection.get(ids=list(chunk_ids), include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(res["ids"], res["embeddings"])}

    def query(
        self, vector: np.ndarray, n: int = 20, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity). Chroma (>= 1.0) returns what it
        holds when that is fewer than ``n``, nothing when empty; counting first, as before,
        cost a scan of its table per query (12 ms at 200k chunks, more than the search)."""
        return self.query_many([vector], n, where)[0]

    def query_many(
        self, vectors: Sequence[np.ndarray], n: int = 20, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        """``query`` for each of ``vectors``, in one call: a question's variants cost one
        round trip to a Chroma server, and embedded Chroma does three in the time of two."""
        if not len(vectors):
            return []
        with self._calls():
            res = self.collection.query(
                query_embeddings=[v.astype(np.float32) for v in vectors],
                n_results=n,
                where=where,
                include=["distances"],
            )
        return [[(i, 1.0 - float(d)) for i, d in zip(ids, dists)]
                for ids, dists in zip(res["ids"], res["distances"])]


_OWNER_KEY = "ragarchive_archive_id"


def _collection_name(archive: str) -> str:
    # Chroma names: 3-512 chars of [A-Za-z0-9._-], starting and ending alphanumeric.
    name = re.sub(r"[^A-Za-z0-9._-]", "-", archive).strip("._-")
    return f"ragarchive-{name}" if name else "ragarchive-default"
