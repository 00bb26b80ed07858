"""`ragarchive eval`: run a question set through the ask service and measure it.

Question format (JSON Lines): ``id``, ``question``, ``answerable`` (bool), ``doc_id`` (the id of
the document that answers it, a list of ids, or null), ``answer`` (short reference or null), an
optional ``evidence`` (the source sentence that states the answer) and an optional free ``kind``
for breakdowns; unknown fields are ignored.

Answers are judged as the user sees them: ``answer_has_fact`` looks for the reference only in the
*shown answer text*, fuzzily for OCR (see ``answer_has_fact``). The older, looser figure that also
searches the cited passages is kept as ``answer_or_cited_has_fact``. Every question goes through
the same ``AskService`` as the CLI and the UI, and its audit record carries the run id.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from .errors import RagArchiveError

REQUIRED = ("id", "question", "answerable")


def load_questions(path: Path) -> list[dict[str, Any]]:
    questions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except ValueError as exc:
            raise RagArchiveError(f"{path} line {n}: not JSON ({exc})") from exc
        missing = [k for k in REQUIRED if k not in q]
        if missing:
            raise RagArchiveError(f"{path} line {n}: missing {', '.join(missing)}")
        questions.append(q)
    return questions


def evaluate(service: Any, questions: list[dict[str, Any]], run_id: str | None = None) -> dict[str, Any]:
    run_id = run_id or f"eval-{time.strftime('%Y%m%dT%H%M%S')}"
    rows = [_one(service, q, run_id) for q in questions]
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    return {
        "run_id": run_id,
        "threshold": rows[0]["threshold"] if rows else None,
        "overall": summarise(rows),
        "by_kind": {k: summarise(v) for k, v in sorted(by_kind.items())},
        "questions": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows],
    }


def _targets(q: dict[str, Any]) -> list[str]:
    d = q.get("doc_id")
    return [d] if isinstance(d, str) else list(d or [])


def _one(service: Any, q: dict[str, Any], run_id: str) -> dict[str, Any]:
    result = service.ask(q["question"], run_id=run_id)
    targets = _targets(q)
    db = service.retriever.db
    indexed = [t for t in targets if db.doc_owner(t)]
    fused = result.retrieval.fused[:50] if result.retrieval else []
    rank = rank_of(indexed, doc_ranking([h.chunk_id for h in fused], db))
    cited = [c.document_id for c in result.citations]
    return {
        "id": q["id"],
        "kind": q.get("kind") or "unspecified",
        "answerable": bool(q["answerable"]),
        "decision": result.decision,
        "reason": result.reason,
        "confidence": round(result.confidence, 5),
        "threshold": result.threshold,
        "rank": rank,
        "doc_status": None if not targets else ("indexed" if indexed else "not_in_index"),
        "answer_has_fact": answer_has_fact(q, result),
        "answer_or_cited_has_fact": answer_or_cited_has_fact(q.get("answer"), result),
        "citation_precision": (sum(c in targets for c in cited) / len(cited)) if cited and targets else None,
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
        "record_id": result.record_id,
    }


def doc_ranking(chunk_ids: list[str], db: Any) -> list[str]:
    """Documents in the order their chunks are ranked (each document once)."""
    rows = db.chunk_rows(chunk_ids)
    out: list[str] = []
    for cid in chunk_ids:
        row = rows.get(cid)
        doc = row.doc_id if row is not None else None
        if doc and doc not in out:
            out.append(doc)
    return out


def rank_of(targets: list[str], ranking: list[str]) -> int | None:
    """1-based rank of the best-placed target document, or None."""
    return min((ranking.index(t) + 1 for t in targets if t in ranking), default=None)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", text).strip()


def answer_or_cited_has_fact(reference: str | None, result: Any) -> bool | None:
    """The reference answer, normalised, found in the answer *or its cited passages* (looser
    than what the user sees: a fact somewhere in a cited passage is not a stated answer)."""
    if not reference:
        return None
    if result.decision != "answer":
        return False
    ref = normalise(reference)
    haystack = normalise(" ".join([result.text] + [c.text for c in result.citations]))
    return ref in haystack


FACT_MIN_RATIO = 85  # rapidfuzz partial ratio, 0-100: tolerates an OCR letter or two in a name
EVIDENCE_MIN_RATIO = 90


def answer_has_fact(q: dict[str, Any], result: Any) -> bool | None:
    """Whether the *shown answer text* states the reference answer (None without a reference).

    Normalised for case, accents and punctuation, then matched fuzzily: short references (up to
    four characters, such as "112" or "Metz") must occur as whole words, longer ones reach a
    partial ratio of ``FACT_MIN_RATIO``. A question may carry ``evidence``, its source sentence:
    when the shown text quotes that sentence (partial ratio ``EVIDENCE_MIN_RATIO``), the fact
    counts as shown — for a cross-lingual question whose reference is in another language.
    """
    from rapidfuzz import fuzz

    reference = q.get("answer")
    if not reference:
        return None
    if result.decision != "answer":
        return False
    shown = normalise(result.text)
    ref = normalise(reference)
    if len(ref) <= 4:
        found = f" {ref} " in f" {shown} "
    else:
        found = fuzz.partial_ratio(ref, shown) >= FACT_MIN_RATIO
    evidence = normalise(q.get("evidence") or "")
    if not found and evidence:
        found = fuzz.partial_ratio(evidence, shown) >= EVIDENCE_MIN_RATIO and len(shown) >= 0.5 * len(evidence)
    return found


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    scored = [r for r in rows if r["answerable"] and r["doc_status"] == "indexed"]
    ranks = [r["rank"] for r in scored]
    refused = [r for r in rows if r["decision"] == "refuse"]
    negatives = [r for r in rows if not r["answerable"]]
    out: dict[str, Any] = {
        "n": n,
        "recall@1": _mean([x is not None and x <= 1 for x in ranks]),
        "recall@5": _mean([x is not None and x <= 5 for x in ranks]),
        "recall@10": _mean([x is not None and x <= 10 for x in ranks]),
        "mrr": _mean([1.0 / x if x else 0.0 for x in ranks]),
        "answered_rate": _mean([r["decision"] == "answer" for r in rows]),
        "refused_rate": _mean([r["decision"] == "refuse" for r in rows]),
        "refusal_precision": _mean([not r["answerable"] for r in refused]),
        "refusal_recall": _mean([r["decision"] == "refuse" for r in negatives]),
        "answer_has_fact": _mean([r["answer_has_fact"] for r in rows if r["answer_has_fact"] is not None]),
        "answer_or_cited_has_fact": _mean([r["answer_or_cited_has_fact"] for r in rows
                                           if r["answer_or_cited_has_fact"] is not None]),
        "citation_precision": _mean([r["citation_precision"] for r in rows
                                     if r["citation_precision"] is not None]),
        "not_in_index": sum(r["doc_status"] == "not_in_index" for r in rows),
        "latency": _latency(rows),
    }
    labels = [r["answerable"] for r in rows]
    if len(set(labels)) == 2:
        from sklearn.metrics import roc_auc_score

        out["auroc"] = float(roc_auc_score(labels, [r["confidence"] for r in rows]))
    out["auroc_fact"] = auroc_fact(rows)
    return out


def auroc_fact(rows: list[dict[str, Any]]) -> float | None:
    """AUROC of the confidence for "answered, and the shown answer has the fact" against
    everything else (wrong answers, refused answerable questions, near-misses, unanswerable):
    what a confidence that covers the answer must separate. Rows of answerable questions
    without a reference answer cannot be judged and are left out."""
    from sklearn.metrics import roc_auc_score

    judged = [r for r in rows if not r["answerable"] or r["answer_has_fact"] is not None]
    labels = [bool(r["answerable"] and r["answer_has_fact"]) for r in judged]
    if len(set(labels)) < 2:
        return None
    return float(roc_auc_score(labels, [r["confidence"] for r in judged]))


def _latency(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for k, v in r["timings"].items():
            stages[k].append(v)
    return {k: {"p50": round(float(np.percentile(v, 50)), 4), "p95": round(float(np.percentile(v, 95)), 4)}
            for k, v in sorted(stages.items())}


def _mean(values: Any) -> float | None:
    values = [float(v) for v in values]
    return round(float(np.mean(values)), 4) if values else None


def plot(report: dict[str, Any], path: Path) -> None:
    """Confidence histograms of answerable vs not answerable questions, with the threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    qs = report["questions"]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    bins = [i / 20 for i in range(21)]
    for label, colour, flag in (("answerable", "tab:green", True), ("not answerable", "tab:red", False)):
        values = [q["confidence"] for q in qs if q["answerable"] is flag]
        ax.hist(values, bins=bins, alpha=0.6, color=colour, label=f"{label} ({len(values)})")
    if report.get("threshold") is not None:
        ax.axvline(report["threshold"], color="black", linestyle="--", label=f"threshold {report['threshold']:.2f}")
    ax.set_xlabel("confidence")
    ax.set_ylabel("questions")
    ax.set_title(f"ragarchive eval {report['run_id']}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
