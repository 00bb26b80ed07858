"""Adapted vs pretrained retriever, with and without query expansion, on the same questions.

Query expansion may only make up for a retriever that was never adapted to the archive, so it is
compared against an adapted baseline (issue 19, docs/adaptation.md):

1. ``--fit``: ``ragarchive adapt`` on each development archive, from synthetic questions made
   from that archive's own chunks. The development questions never fit anything. Each adapter is
   stored forced (so that it can be measured), with its own safety verdict kept in the results.
2. The development questions asked four ways through the whole pipeline (bench/ask_quality.py):
   pretrained or adapted, each with the configured expansions or with none.
3. The table: source recall@1/5 and MRR of the full pipeline per kind, the answered and refused
   rates, answer-has-fact, and the cost per question (retrieval + gate p50, dense lists searched,
   i.e. query embeddings).

    .venv/bin/python bench/adapt_compare.py [--fit] [--pairs 600] [--check 60] [--sample N] [--render-only]

Writes bench/results/adapt_<config>.json, bench/results/adapt_fit.json and
bench/results/adapt_compare.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
RESULTS = REPO / "bench" / "results"
CONFIGS = {  # name: (expansions, adapter); None = the configured expansions; run in this order
    "pretrained_no_expansion": ("", False),
    "adapted_no_expansion": ("", True),
    "pretrained_expansion": (None, False),
    "adapted_expansion": (None, True),
}
GROUPS = ("kind:same_language", "kind:cross_lingual", "answerable@icdar2017", "answerable@dta19-l0",
          "answerable@dta19-l1", "answerable@dta19-l2")


def fit_all(pairs: int, check: int, seed: int, keep: bool) -> dict:
    import ask_quality

    from ragarchive.adapting import adapt
    from ragarchive.gating.calibration import WordTranslator
    from ragarchive.services import build_ask_service

    from ragarchive.retrieval.adapter import load_adapter
    from ragarchive.services import open_db

    out, translator = {}, None
    for collection in ask_quality.COLLECTIONS:
        settings = ask_quality.settings_for(collection)
        settings.retrieval.adapter = False
        stored = load_adapter(settings.archive_dir)
        if keep and stored and stored.info.get("content_key") == open_db(settings).content_key():
            out[collection] = stored.info  # fitted by an earlier run on this index state
            continue
        t0 = time.perf_counter()
        service = build_ask_service(settings)
        translator = translator or WordTranslator(service.retriever.embedder.embed_documents)
        adapter, result = adapt(service, pairs, seed, check, True, translator=translator)
        adapter.save(settings.archive_dir)
        out[collection] = {**adapter.info, "seconds": round(time.perf_counter() - t0, 1)}
        print(collection, json.dumps(out[collection]["fit"]), json.dumps(out[collection]["check"]))
    return out


def run(config: str, sample: int | None, seed: int) -> dict:
    import ask_quality

    expansions, adapter = CONFIGS[config]
    questions = [json.loads(x) for x in (REPO / "bench/questions/dev.jsonl").read_text("utf-8").splitlines() if x.strip()]
    if sample:  # the same seeded sample for every configuration
        questions = [questions[i] for i in sorted(np.random.default_rng(seed).choice(len(questions), sample, replace=False))]
    by: dict[str, list[dict]] = defaultdict(list)
    for q in questions:
        by[q["collection"]].append(q)
    rows = [r for c, qs in by.items() for r in ask_quality.ask_all(c, qs, None, expansions, adapter)]
    return ask_quality.build_report(rows)


def summary(report: dict) -> dict:
    """The figures of the comparison table, from one ask_quality report."""
    rows = report["questions"]
    out = {"overall": _recall(report["overall"]), "refusals": report["refusals"],
           "answer_has_fact": {k: v["rate"] for k, v in report["facts"]["answer_has_fact"].items()
                               if k in ("overall", "kind:same_language", "kind:cross_lingual")},
           "auroc_fact_vs_rest": report["facts"]["auroc_fact_vs_rest"],
           "retrieval_gate_p50_s": round(report["latency_retrieval_gate_s"]["p50"], 3),
           "dense_lists_per_question": round(float(np.mean([r.get("dense_lists", 0) for r in rows])), 2)}
    for g in GROUPS:
        if g in report["groups"]:
            out[g] = {**_recall(report["groups"][g]),
                      "answered": round(report["groups"][g]["answered_rate"], 3)}
    return out


def _recall(group: dict) -> dict:
    full = group.get("full") or {}
    return {k: round(full[k], 3) for k in ("recall@1", "recall@5", "mrr") if k in full}


def render(table: dict) -> str:
    lines = ["| figure | " + " | ".join(CONFIGS) + " |", "|---" * (len(CONFIGS) + 1) + "|"]

    def row(name: str, get) -> None:
        cells = []
        for c in CONFIGS:
            try:
                v = get(table[c])
                cells.append(f"{v:.3f}" if isinstance(v, float) else str(v))
            except (KeyError, TypeError):
                cells.append("–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    for g in ("overall", *GROUPS):
        row(f"{g} recall@1 / @5 / MRR", lambda s, g=g: " / ".join(f"{s[g][k]:.3f}" for k in ("recall@1", "recall@5", "mrr")))
    for g in GROUPS:
        row(f"{g} answered", lambda s, g=g: s[g]["answered"])
    row("unanswerable refused", lambda s: s["refusals"]["unanswerable_refused"])
    row("near-miss refused", lambda s: s["refusals"]["near_miss_refused"])
    row("answer has fact, same-language", lambda s: s["answer_has_fact"]["kind:same_language"])
    row("answer has fact, cross-lingual", lambda s: s["answer_has_fact"]["kind:cross_lingual"])
    row("AUROC answerable vs unanswerable", lambda s: s["refusals"]["auroc_answerable_vs_unanswerable"])
    row("AUROC answered with the fact vs rest", lambda s: s["auroc_fact_vs_rest"])
    row("retrieval + gate p50 (s)", lambda s: s["retrieval_gate_p50_s"])
    row("query embeddings per question", lambda s: s["dense_lists_per_question"])
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", action="store_true", help="fit each development archive's adapter first")
    ap.add_argument("--pairs", type=int, default=600)
    ap.add_argument("--check", type=int, default=60, help="held-out questions of the safety check (0: none)")
    ap.add_argument("--keep-fitted", action="store_true", help="keep adapters already fitted on the same index state")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset to run")
    ap.add_argument("--sample", type=int, default=None, help="ask a seeded sample of the questions")
    ap.add_argument("--render-only", action="store_true")
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.fit and not args.render_only:
        fits = fit_all(args.pairs, args.check, args.seed, args.keep_fitted)
        (RESULTS / "adapt_fit.json").write_text(json.dumps(fits, indent=2) + "\n")
    table = {}
    for config in CONFIGS:
        path = RESULTS / f"adapt_{config}.json"
        if config in args.configs.split(",") and not args.render_only:
            report = run(config, args.sample, args.seed)
            path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        if path.is_file():
            table[config] = summary(json.loads(path.read_text("utf-8")))
    (RESULTS / "adapt_compare.json").write_text(json.dumps(table, indent=2) + "\n")
    print(render(table))


if __name__ == "__main__":
    main()
