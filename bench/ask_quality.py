"""Retrieval and refusal quality of `ragarchive ask` on the development questions.

Indexes the OCR side of the hipe-ocrepair icdar2017 (en+fr, one archive) and dta19 files (one
archive per noise level) through the JSONL manifest path (record ids = document ids), into
bench/.data (reused by later runs: unchanged files are not re-embedded). Then asks every question
of bench/questions/dev.jsonl through the same AskService as the CLI and reports, side by side,
the source-document recall@1/5/10 and MRR of dense-only, lexical-only and the full pipeline, by
kind and by collection; the decisions at the default threshold; the AUROC of the confidence;
whether the *shown answer text* states the reference answer (``answer_has_fact``, per kind,
answer type and fact position) and the AUROC of the confidence for "answered with the fact"
against everything else; p50/p95 latency of retrieval + gate and of the reader. Writes
bench/results/ask_quality.json.

    .venv/bin/python bench/ask_quality.py [--questions FILE] [--ingest-only] [--limit N]
        [--threshold X] [--expansions ocr,historical] [--no-stored-vectors] [--out NAME.json]

``--no-stored-vectors`` has every question embed its passages' units and the foreign passages'
words, as before the ingest stored their vectors: against a run without it, the effect of the
stored (float16) vectors on every decision and shown text, and on latency.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from ragarchive.eval_run import answer_has_fact, auroc_fact, doc_ranking, rank_of

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "hipe-ocrepair"
WORK = REPO / "bench" / ".data"
RESULTS = REPO / "bench" / "results"
COLLECTIONS = {
    "icdar2017": ["icdar2017_v1.1_test_en", "icdar2017_v1.1_test_fr"],
    "dta19-l0": ["dta19-l0_v0.1_test_de"],
    "dta19-l1": ["dta19-l1_v0.1_test_de"],
    "dta19-l2": ["dta19-l2_v0.1_test_de"],
}
MODES = ("dense", "lexical", "full")


def write_sources(collection: str) -> Path:
    dest = WORK / "sources" / collection
    dest.mkdir(parents=True, exist_ok=True)
    for stem in COLLECTIONS[collection]:
        lines = []
        for line in (DATA / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            meta = rec["document_metadata"]
            lines.append(json.dumps({
                "id": meta["document_id"],
                "text": rec["ocr_hypothesis"]["transcription_unit"],
                "title": meta.get("publication_title"),
                "date": meta["date"] if meta.get("date") not in (None, "n/a") else None,
                "language": meta.get("language"),
                "source": stem,
            }, ensure_ascii=False))
        target = dest / f"{stem}.jsonl"
        text = "\n".join(lines) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return dest


def settings_for(collection: str):
    from ragarchive.config import load_settings

    return load_settings(data_dir=WORK / "data", archive=f"dev-{collection}")


def ingest(collection: str) -> None:
    from ragarchive.services import build_ingestor

    ingestor = build_ingestor(settings_for(collection))
    report = ingestor.run([write_sources(collection)])
    print(f"{collection}: {report.count('ingested')} ingested, {report.count('unchanged')} unchanged",
          file=sys.stderr)
    ingestor.db.close()


def rankings(result, db) -> dict[str, list[str]]:
    """Source-document rankings of dense-only, lexical-only and the full pipeline."""
    from ragarchive.retrieval.fuse import reciprocal_rank_fusion

    r = result.retrieval
    lexical = [lst for lst in r.lists if lst.origin == "original" and lst.kind != "dense"]
    dense = r.list_named("original/dense")
    return {
        "dense": doc_ranking([cid for cid, _ in dense.hits] if dense else [], db),
        "lexical": doc_ranking([h.chunk_id for h in reciprocal_rank_fusion(lexical)], db),
        "full": doc_ranking([h.chunk_id for h in r.fused], db),
    }


def summarise(rows: list[dict]) -> dict:
    out: dict = {"n": len(rows)}
    answerable = [r for r in rows if r["answerable"]]
    for mode in MODES:
        ranks = [r["rank"][mode] for r in answerable]
        if ranks:
            out[mode] = {
                **{f"recall@{k}": _mean([x is not None and x <= k for x in ranks]) for k in (1, 5, 10)},
                "mrr": _mean([1.0 / x if x else 0.0 for x in ranks]),
            }
    out["answered_rate"] = _mean([r["decision"] == "answer" for r in rows])
    out["refused_rate"] = 1.0 - out["answered_rate"] if rows else None
    labels = [r["answerable"] for r in rows]
    if len(set(labels)) == 2:
        from sklearn.metrics import roc_auc_score

        out["auroc"] = float(roc_auc_score(labels, [r["confidence"] for r in rows]))
    return out


def _mean(xs) -> float | None:
    xs = list(xs)
    return float(np.mean(xs)) if xs else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=Path, default=REPO / "bench" / "questions" / "dev.jsonl")
    ap.add_argument("--ingest-only", action="store_true")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--expansions", default=None,
                    help="comma-separated expansion origins to use (ablation), default: config")
    ap.add_argument("--adapter", action="store_true",
                    help="map queries through each archive's adapter (ragarchive adapt; bench/adapt_compare.py)")
    ap.add_argument("--no-stored-vectors", action="store_true",
                    help="embed the passages' units and the foreign words at question time, as before "
                    "the ingest stored their vectors (the comparison of issue 18, point 5)")
    ap.add_argument("--out", default="ask_quality.json", help="result file name in bench/results")
    args = ap.parse_args()
    questions = [json.loads(x) for x in args.questions.read_text(encoding="utf-8").splitlines() if x.strip()]
    questions = questions[: args.limit] if args.limit else questions
    by_collection: dict[str, list[dict]] = defaultdict(list)
    for q in questions:
        by_collection[q["collection"]].append(q)
    for collection in by_collection:
        ingest(collection)
    if args.ingest_only:
        return
    rows = []
    for collection, qs in by_collection.items():
        rows += ask_all(collection, qs, args.threshold, args.expansions, args.adapter,
                        stored_vectors=not args.no_stored_vectors)
    report = build_report(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_report(report)


def ask_all(collection: str, qs: list[dict], threshold: float | None, expansions: str | None,
            adapter: bool = False, stored_vectors: bool = True) -> list[dict]:
    from ragarchive.services import build_ask_service

    settings = settings_for(collection)
    if threshold is not None:
        settings.gate.threshold = threshold
    if expansions is not None:
        settings.retrieval.expansions = [e for e in expansions.split(",") if e]
    settings.retrieval.adapter = adapter
    service = build_ask_service(settings)
    if not stored_vectors:  # the catalogue answers as if the ingest had stored none
        service.retriever.db.unit_vectors = lambda ids: {}
        service.retriever.db.word_vectors = lambda words: {}
    service.ask("warm-up question")  # load lazily built vocabularies before timing
    run_id = f"ask_quality-{time.strftime('%Y%m%dT%H%M%S')}"  # tags this run's audit records
    rows = []
    for q in qs:
        t = time.perf_counter()
        result = service.ask(q["question"], run_id=run_id)
        total = time.perf_counter() - t
        targets = q["doc_id"] if isinstance(q["doc_id"], list) else [q["doc_id"]] if q["doc_id"] else []
        ranks = rankings(result, service.retriever.db)
        retrieval_gate = sum(v for k, v in result.timings.items() if k.startswith("retrieve.")) + result.timings.get("gate", 0.0)
        rows.append({
            "id": q["id"], "kind": q["kind"], "collection": collection,
            "question_language": q.get("question_language"), "answerable": bool(q["answerable"]),
            "decision": result.decision, "reason": result.reason,
            "confidence": result.confidence, "features": result.gate.features if result.gate else {},
            "rank": {m: rank_of(targets, ranks[m]) for m in MODES} if targets else {m: None for m in MODES},
            "answer_type": q.get("answer_type"), "position": q.get("position"),
            "answer_has_fact": answer_has_fact(q, result),
            "shown": result.text if result.decision == "answer" else None,
            "retrieval_gate_s": retrieval_gate, "total_s": total,
            "reader_s": result.timings.get("read"),
            # each dense list is one query embedding: the cost expansion adds
            "dense_lists": sum(lst.kind == "dense" for lst in result.retrieval.lists) if result.retrieval else 0,
            "best_sentence": result.draft_scores[0] if result.draft_scores else None,
        })
    return rows


def build_report(rows: list[dict]) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[f"kind:{r['kind']}"].append(r)
        groups[f"collection:{r['collection']}"].append(r)
        if r["answerable"]:
            groups[f"answerable@{r['collection']}"].append(r)
    lat = [r["retrieval_gate_s"] for r in rows]
    reader = [r["reader_s"] for r in rows if r.get("reader_s") is not None]
    unans = [r for r in rows if r["kind"] == "unanswerable"]
    near = [r for r in rows if r["kind"] == "near_miss"]
    answerable = [r for r in rows if r["answerable"]]
    return {
        "overall": summarise(rows),
        "groups": {k: summarise(v) for k, v in sorted(groups.items())},
        "refusals": {
            "unanswerable_refused": _mean(r["decision"] == "refuse" for r in unans),
            "near_miss_refused": _mean(r["decision"] == "refuse" for r in near),
            "answerable_answered": _mean(r["decision"] == "answer" for r in answerable),
            "auroc_answerable_vs_unanswerable": summarise(answerable + unans).get("auroc"),
            "auroc_answerable_vs_all_not": summarise(rows).get("auroc"),
        },
        "facts": facts(rows),
        "latency_retrieval_gate_s": {"p50": float(np.percentile(lat, 50)), "p95": float(np.percentile(lat, 95))},
        "latency_reader_s": {"p50": float(np.percentile(reader, 50)), "p95": float(np.percentile(reader, 95))} if reader else None,
        "questions": rows,
    }


def facts(rows: list[dict]) -> dict:
    """Share of answerable questions whose shown answer states the fact, by group, and the AUROC
    of the confidence for answered-with-the-fact against everything else."""
    judged = [r for r in rows if r["answerable"] and r["answer_has_fact"] is not None]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in judged:
        groups["overall"].append(r)
        groups[f"kind:{r['kind']}"].append(r)
        if r.get("answer_type"):
            groups[f"type:{r['answer_type']}"].append(r)
        if r.get("position"):
            groups[f"position:{r['position']}"].append(r)
    return {
        "answer_has_fact": {k: {"n": len(v), "rate": _mean(r["answer_has_fact"] for r in v)}
                            for k, v in sorted(groups.items())},
        "auroc_fact_vs_rest": auroc_fact(rows),
    }


def print_report(report: dict) -> None:
    def fmt(x):
        return "  -  " if x is None else f"{x:.3f}"

    print(f"{'group':34} {'n':>4}  " + "  ".join(f"{m}@1 {m}@5 {m}@10 {m}mrr" for m in MODES))
    for name, s in [("overall", report["overall"]), *report["groups"].items()]:
        cells = []
        for m in MODES:
            d = s.get(m) or {}
            cells.append(" ".join(fmt(d.get(k)) for k in ("recall@1", "recall@5", "recall@10", "mrr")))
        print(f"{name:34} {s['n']:>4}  " + "  ".join(cells) + f"  answered {fmt(s['answered_rate'])} auroc {fmt(s.get('auroc'))}")
    print(json.dumps(report["refusals"], indent=1))
    print(json.dumps(report["facts"], indent=1))
    print("latency retrieval+gate", {k: round(v, 3) for k, v in report["latency_retrieval_gate_s"].items()})
    if report.get("latency_reader_s"):
        print("latency reader", {k: round(v, 4) for k, v in report["latency_reader_s"].items()})


if __name__ == "__main__":
    main()
