"""``ragarchive adapt``: fit the archive's query adapter and check that it stays honest.

Training data needs no real questions. Synthetic questions are made from the archive's own
chunks, in the same way calibration makes them: salient words of a sentence, phrased in a
question frame, and a third of them translated word for word into another language. Some also
get OCR-noise variants, since users type what they read on damaged pages. Each question's
positive is the stored vector of the chunk it was made from. Its hard negatives are the chunks
the pretrained retriever ranks highest from other documents, plus a shared random sample of the
archive. The adapter (retrieval/adapter.py) is fitted with a softmax loss over those candidates
and a penalty that holds it near the identity; early stopping uses held-out questions.

Then the hidden cost is checked. Adaptation can sharpen the retriever on its synthetic
distribution and blunt the gate's signal outside it. Before and after, the same held-out
questions are asked through the full pipeline. Answerable ones are held-out synthetic questions;
out-of-distribution ones are synthetic questions whose document is held out, questions from other
domains and periods (``OTHER_DOMAINS``), and the gate's off-topic probes. The gate's background
is measured again under the adapter first. An adapter is unsafe, and stored but not enabled
unless forced, when out-of-distribution refusals drop by more than ``MAX_REFUSAL_DROP`` or the
confidence AUROC drops at all.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .ask_types import Filters
from .demo.noise import noisy_word
from .errors import RagArchiveError
from .gating.background import PROBES
from .gating.calibration import WordTranslator, phrase_questions, synthetic_questions
from .retrieval.adapter import AdaptedEmbedder, QueryAdapter

MAX_REFUSAL_DROP = 0.02
MIN_CHUNKS = 10
HARD_NEGATIVES, RANDOM_NEGATIVES = 20, 512
TEMPERATURE = 0.05
# Questions no newspaper of 1800-1950 answers, from other domains and periods, in the three
# languages and in three that the synthetic questions never use. They are not the gate's probes (those set its background) and never train anything.
OTHER_DOMAINS = (
    "How do I install a graphics driver on Linux?",
    "Which vaccine was approved against COVID-19 first?",
    "What is the half-life of carbon-14 used for in archaeology?",
    "Who won the Champions League final in 2019?",
    "How long should pasta be boiled for al dente?",
    "Wie beantrage ich einen neuen Reisepass online?",
    "Welche Elektroautos haben die größte Reichweite?",
    "Wer gewann die Fußball-Europameisterschaft 2016?",
    "Wie funktioniert ein Quantencomputer?",
    "Quel est le meilleur forfait de téléphone mobile cette année ?",
    "Comment configurer le Wi-Fi d'une imprimante ?",
    "Qui a remporté le Tour de France en 2020 ?",
    "Quelle est la recette de la pâte à crêpes sans gluten ?",
    # languages the synthetic questions never use
    "Come si rinnova la carta d'identità elettronica?",
    "¿Qué teléfono móvil tiene la mejor batería este año?",
    "Hoe werkt een warmtepomp in een nieuwbouwhuis?",
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Pairs:
    """Questions with their positive and candidate vectors (positive first in each row)."""

    questions: list[dict[str, Any]]
    queries: np.ndarray  # (n, d) pretrained query vectors
    candidates: np.ndarray  # (n, 1 + HARD_NEGATIVES, d), zero-padded where fewer negatives
    mask: np.ndarray  # (n, 1 + HARD_NEGATIVES) True where a candidate exists
    shared: np.ndarray  # (RANDOM_NEGATIVES, d) random chunks, negatives of every question


@dataclass
class Check:
    """The pipeline's decisions on held-out questions, with and without the adapter."""

    before: dict[str, float]
    after: dict[str, float]
    safe: bool
    why: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def training_questions(retriever: Any, n: int, n_check: int, seed: int,
                       translator: WordTranslator | None = None) -> tuple[list[dict], list[dict]]:
    """Up to ``n`` answerable synthetic questions (a share with an OCR-noise twin) and up to
    ``n_check`` unanswerable ones (their document held out when asked), phrased as users ask."""
    db = retriever.db
    translator = translator or WordTranslator(retriever.embedder.embed_documents)
    answerable = [q for q in synthetic_questions(db, n, seed) if q["answerable"]]
    # drawn apart: on an archive with fewer chunks than n, the first draw has no rows left for them
    unanswerable = [q for q in synthetic_questions(db, n_check, seed + 1) if not q["answerable"]]
    answerable = phrase_questions(answerable, translator, seed)
    rng = random.Random(seed + 7)
    noisy = [{**q, "question": _noisy(q["question"], rng), "noise": True}
             for q in answerable if rng.random() < 0.5]
    return answerable + noisy, phrase_questions(unanswerable, translator, seed + 1)


def _noisy(text: str, rng: random.Random) -> str:
    return " ".join(noisy_word(t, rng, "roman", 0.3).text for t in text.split())


def collect_pairs(retriever: Any, questions: list[dict], seed: int,
                  progress: Progress | None = None) -> Pairs:
    """Each question's pretrained vector, its chunk's stored vector and its hard negatives."""
    dense, embed = retriever.dense, retriever.embedder.embed_query
    rng = np.random.default_rng(seed)
    ids = dense.ids()
    shared_ids = [ids[i] for i in rng.choice(len(ids), size=min(RANDOM_NEGATIVES, len(ids)), replace=False)]
    queries, rows = [], []
    for i, q in enumerate(questions):
        v = embed(q["question"])
        negatives = hard_negatives(retriever, q, v, HARD_NEGATIVES, 3 * HARD_NEGATIVES)
        queries.append(v)
        rows.append([q["chunk_id"], *negatives])
        if progress:
            progress("questions", i + 1, len(questions))
    vectors = dense.vectors(sorted({c for row in rows for c in row} | set(shared_ids)))
    d = queries[0].shape[0]
    cand = np.zeros((len(rows), 1 + HARD_NEGATIVES, d), np.float32)
    mask = np.zeros((len(rows), 1 + HARD_NEGATIVES), bool)
    for i, row in enumerate(rows):
        for j, cid in enumerate(row):
            if cid in vectors:
                cand[i, j], mask[i, j] = vectors[cid], True
    keep = mask[:, 0]  # a question whose chunk has no vector teaches nothing
    return Pairs([q for q, k in zip(questions, keep) if k], np.stack(queries)[keep], cand[keep],
                 mask[keep], np.stack([vectors[c] for c in shared_ids if c in vectors]))


def hard_negatives(retriever: Any, question: dict[str, Any], vector: np.ndarray, n: int,
                   window: int) -> list[str]:
    """Up to ``n`` chunks of other documents than the question's, best first, among the top
    ``window`` that ``vector`` finds: what the retriever confuses with the question's chunk."""
    hits = [cid for cid, _ in retriever.dense.query(vector, window) if cid != question["chunk_id"]]
    owners = retriever.db.chunk_rows(hits)
    return [c for c in hits if (r := owners.get(c)) and r.doc_id != question["doc_id"]][:n]


def held_out(pairs: Pairs, seed: int) -> np.ndarray:
    """A fifth of the source chunks, all their questions (noisy twins included) held out: they
    stop the fitting early and are the answerable questions of the check."""
    return held_out_mask(pairs.questions, seed)


def held_out_mask(questions: list[dict[str, Any]], seed: int) -> np.ndarray:
    """True for the questions of a seeded fifth of their source chunks (see ``held_out``)."""
    chunks = sorted({q["chunk_id"] for q in questions})
    held = set(random.Random(seed).sample(chunks, k=max(1, len(chunks) // 5)))
    return np.array([q["chunk_id"] in held for q in questions])


def fit(pairs: Pairs, val: np.ndarray, seed: int, epochs: int = 100, l2: float = 1.0, rank: int = 8,
        lr: float = 2e-3, progress: Progress | None = None) -> tuple[QueryAdapter, dict[str, float]]:
    """The residual map that ranks each question's chunk first among its candidates, kept at
    the epoch where the held-out questions (``val``) rank theirs best."""
    import torch

    torch.manual_seed(seed)
    t = {k: torch.from_numpy(v) for k, v in (("q", pairs.queries), ("c", pairs.candidates),
                                             ("m", pairs.mask), ("s", pairs.shared))}
    d = pairs.queries.shape[1]
    U = (0.01 * torch.randn(d, rank)).requires_grad_()
    V = torch.zeros(rank, d, requires_grad=True)
    opt = torch.optim.Adam([U, V], lr=lr)
    train, held = torch.from_numpy(~val), torch.from_numpy(val)
    best = (_mrr(t, U @ V, held), (U @ V).detach().clone(), 0)
    start = {"train_mrr": _mrr(t, U @ V, train), "held_out_mrr": best[0]}
    for epoch in range(epochs):
        opt.zero_grad()
        W = U @ V
        loss = _loss(t, W, train) + l2 * (W ** 2).sum() / d
        loss.backward()
        opt.step()
        score = _mrr(t, U @ V, held)
        if score > best[0]:
            best = (score, (U @ V).detach().clone(), epoch + 1)
        if progress:
            progress("fitting", epoch + 1, epochs)
    report = {**start, "held_out_mrr_after": best[0], "train_mrr_after": _mrr(t, best[1], train),
              "epochs": best[2], "pairs": len(pairs.questions), "held_out": int(val.sum())}
    return QueryAdapter(best[1].numpy().astype(np.float32)), {k: round(float(v), 4) for k, v in report.items()}


def _scores(t: dict, W: Any, rows: Any) -> tuple[Any, Any]:
    """Similarities of the mapped queries to their candidates and to the shared negatives."""
    import torch

    q = t["q"][rows]
    q = torch.nn.functional.normalize(q + q @ W, dim=-1)
    own = torch.einsum("nd,nkd->nk", q, t["c"][rows]).masked_fill(~t["m"][rows], -1e4)
    return own, q @ t["s"].T


def _loss(t: dict, W: Any, rows: Any) -> Any:
    import torch

    own, shared = _scores(t, W, rows)
    logits = torch.cat([own, shared], dim=1) / TEMPERATURE
    return torch.nn.functional.cross_entropy(logits, torch.zeros(len(logits), dtype=torch.long))


def _mrr(t: dict, W: Any, rows: Any) -> float:
    """Mean reciprocal rank of the positive among its candidates and the shared negatives."""
    import torch

    if not bool(rows.any()):
        return 0.0
    with torch.no_grad():
        own, shared = _scores(t, W, rows)
        pos = own[:, :1]
        rank = 1 + (own[:, 1:] > pos).sum(1) + (shared > pos).sum(1)
        return float((1.0 / rank.float()).mean())


def check(service: Any, adapter: QueryAdapter, answerable: list[dict], unanswerable: list[dict],
          progress: Progress | None = None) -> Check:
    """Ask the held-out questions through the pipeline with the pretrained query vectors, then
    with the adapted ones (the gate's background measured again for them)."""
    base = service.retriever.embedder
    before = _ask_all(service, answerable, unanswerable, progress)
    service.retriever.embedder = AdaptedEmbedder(base, adapter)
    try:
        after = _ask_all(service, answerable, unanswerable, progress)
    finally:
        service.retriever.embedder = base
    b, a = _summary(before), _summary(after)
    for summary, embedder in ((b, base), (a, AdaptedEmbedder(base, adapter))):
        summary.update(_background(service.retriever, embedder))
    drop = b["ood_refused"] - a["ood_refused"]
    reasons = []
    if drop > MAX_REFUSAL_DROP:
        reasons.append(f"out-of-distribution refusals drop by {drop:.3f} (more than {MAX_REFUSAL_DROP})")
    if a["auroc"] < b["auroc"]:
        reasons.append(f"the confidence AUROC drops from {b['auroc']:.3f} to {a['auroc']:.3f}")
    return Check(b, a, not reasons, "; ".join(reasons) or "refusals and AUROC kept",
                 {"before": before, "after": after})


def _background(retriever: Any, embedder: Any) -> dict[str, float]:
    """The gate's off-topic background (mean and spread of the probes' best similarity) in one
    query space: an adapter that lifts it compresses every question's z-score."""
    from .gating.background import archive_background

    kept = retriever.embedder
    retriever.embedder = embedder
    try:
        bg = archive_background(retriever)
    finally:
        retriever.embedder = kept
    return {"background_mean": round(bg.mean, 4), "background_sd": round(bg.sd, 4)}


def _ask_all(service: Any, answerable: list[dict], unanswerable: list[dict],
             progress: Progress | None) -> list[dict[str, Any]]:
    asks = ([(q["question"], None, "answerable") for q in answerable]
            + [(q["question"], Filters(exclude_documents=(q["doc_id"],)), "held_out_document")
               for q in unanswerable]
            + [(q, None, "other_domain") for q in OTHER_DOMAINS]
            + [(q, None, "off_topic_probe") for q in PROBES])
    rows = []
    for i, (question, filters, kind) in enumerate(asks):
        t0 = time.perf_counter()
        result = service.decide(question, filters, None)
        rows.append({"kind": kind, "decision": result.decision, "confidence": result.confidence,
                     "seconds": time.perf_counter() - t0})
        if progress:
            progress("checking", i + 1, len(asks))
    return rows


def _summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    ans = [r for r in rows if r["kind"] == "answerable"]
    ood = [r for r in rows if r["kind"] != "answerable"]
    labels = [int(r["kind"] == "answerable") for r in rows]
    auroc = roc_auc_score(labels, [r["confidence"] for r in rows]) if 0 < sum(labels) < len(labels) else 0.5
    return {
        "answered": round(sum(r["decision"] == "answer" for r in ans) / max(1, len(ans)), 4),
        "ood_refused": round(sum(r["decision"] == "refuse" for r in ood) / max(1, len(ood)), 4),
        "auroc": round(float(auroc), 4),
        "seconds_per_question": round(float(np.mean([r["seconds"] for r in rows])), 4),
    }


def adapt(service: Any, pairs_n: int, seed: int, check_n: int, force: bool,
          progress: Progress | None = None,
          translator: WordTranslator | None = None) -> tuple[QueryAdapter, Check]:
    """Fit the adapter of ``service``'s archive (pretrained retriever), check it, and return it
    with its ``info`` filled in (fingerprints, options, fit and check reports, enabled).
    ``translator``: one already built for the same embedder (its word tables take minutes)."""
    retriever = service.retriever
    answerable, unanswerable = training_questions(retriever, pairs_n, check_n, seed, translator)
    if len({q["chunk_id"] for q in answerable}) < MIN_CHUNKS:
        raise RagArchiveError(
            f"Too little text to adapt to: {len(answerable)} synthetic questions could be made "
            f"(at least {MIN_CHUNKS} chunks of 300 characters are needed). Is the archive "
            "name right (--archive), and has it been ingested?")
    pairs = collect_pairs(retriever, answerable, seed, progress)
    val = held_out(pairs, seed)
    adapter, fit_report = fit(pairs, val, seed, progress=progress)
    held = [q for q, v in zip(pairs.questions, val) if v and not q.get("noise")][:check_n]
    result = (check(service, adapter, held, unanswerable[:check_n], progress) if check_n > 0
              else Check({}, {}, False, "not checked (--check 0)"))
    adapter.info = {
        "embedder": retriever.embedder.fingerprint,
        "content_key": retriever.db.content_key(),
        "seed": seed, "pairs": pairs_n, "fit": fit_report,
        "check": {"before": result.before, "after": result.after, "safe": result.safe,
                  "why": result.why},
        "enabled": result.safe or force, "forced": force and not result.safe,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return adapter, result
