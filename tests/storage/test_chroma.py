"""The Chroma vector store, real and embedded, in a temporary folder (the server path is in
tests/test_chroma_server.py)."""

from pathlib import Path

import numpy as np
import pytest

from ragarchive.storage.chroma import ChromaStore
from ragarchive.types import Chunk


def _chunk(i: int, text: str, source: str = "/a.txt") -> Chunk:
    return Chunk(
        chunk_id=f"doc{i}#0", doc_id=f"doc{i}", source_path=source, text=text, start=0,
        end=len(text), title=None, date="1856", page=None, pages=[], language="de",
        language_prob=0.9, mean_conf=None, regions=[],
    )


def test_chroma_upsert_query_delete(tmp_path: Path) -> None:
    store = ChromaStore("test", path=tmp_path / "chroma")
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    chunks = [_chunk(1, "a"), _chunk(2, "b"), _chunk(3, "c", source="/b.txt")]
    store.upsert(chunks, vecs)
    store.upsert(chunks, vecs)  # idempotent: same ids, no duplicates
    assert store.count() == 3
    hits = store.query(vecs[1], n=2)
    assert hits[0][0] == "doc2#0" and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    store.delete_source("/a.txt")
    assert store.ids() == ["doc3#0"]


def test_chroma_store_searches_wide_enough_and_raises_older_collections(tmp_path: Path) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaClientSettings

    store = ChromaStore("wide", path=tmp_path / "a")
    assert store.collection.configuration["hnsw"]["ef_search"] == 400
    # a collection made with Chroma's defaults (as an older ragarchive did) is raised on open
    client = chromadb.PersistentClient(
        path=str(tmp_path / "b"), settings=ChromaClientSettings(anonymized_telemetry=False)
    )
    client.get_or_create_collection("ragarchive-old", metadata={"hnsw:space": "cosine"},
                                    embedding_function=None)
    del client
    reopened = ChromaStore("old", path=tmp_path / "b", ef_search=300)
    assert reopened.collection.configuration["hnsw"]["ef_search"] == 300


def test_query_many_gives_each_vectors_own_query(tmp_path: Path) -> None:
    store = ChromaStore("many", path=tmp_path / "chroma")
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(40, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    store.upsert([_chunk(i, str(i)) for i in range(40)], vecs)
    queries = [vecs[3], vecs[17], -vecs[5]]
    assert store.query_many(queries, n=5) == [store.query(q, n=5) for q in queries]
    assert [hits[0][0] for hits in store.query_many(queries[:2], n=5)] == ["doc3#0", "doc17#0"]
    assert store.query_many([], n=5) == []
