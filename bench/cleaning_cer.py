"""Character error rate of OCR before and after cleaning, on HIPE-OCRepair (740 documents).

    .venv/bin/python bench/cleaning_cer.py [--data ../shared/data/hipe-ocrepair] [--no-correct]

Each JSONL file is read by the ingest parser (the same path `ragarchive ingest` takes), the
archive vocabulary is counted over all files first (as the pipeline's lexicon pre-pass does),
and every document is cleaned with `clean_document`. CER is computed with one canonical
normalisation on all sides (`ragarchive.evaluation.canonical_for_cer`), so it counts only real
recognition errors. Prints a per-file table and writes bench/results/cleaning_cer.json.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from ragarchive.evaluation import cer
from ragarchive.ingest.clean import CleaningOptions, clean_document, tokenize_words
from ragarchive.ingest.formats.text import parse_jsonl
from ragarchive.ingest.lexicon import Lexicon
from ragarchive.text.languages import SUPPORTED_LANGUAGES

ROOT = Path(__file__).resolve().parent.parent


def _ground_truth(path: Path) -> dict[str, str]:
    truth = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc_id = record["document_metadata"]["document_id"]
        truth[doc_id] = record["ground_truth"]["transcription_unit"]
    return truth


def run(data: Path, correct: bool) -> dict:
    files = sorted(data.glob("*.jsonl"))
    parsed = {f: parse_jsonl(f).documents for f in files}
    counts: Counter[str] = Counter()
    for docs in parsed.values():
        for d in docs:
            counts.update(tokenize_words(d.raw_text))
    t0 = time.perf_counter()
    lexicon = Lexicon.from_counts(counts, SUPPORTED_LANGUAGES) if correct else None
    options = CleaningOptions(correct_words=correct)
    rows, per_doc = [], []
    for f in files:
        truth = _ground_truth(f)
        before, after = [], []
        for d in parsed[f]:
            gt = truth[d.doc_id]
            clean = clean_document(d, lexicon, options)
            b, a = cer(d.raw_text, gt), cer(clean.text, gt)
            before.append(b)
            after.append(a)
            per_doc.append({"file": f.stem, "id": d.doc_id, "before": b, "after": a})
        n = len(before)
        rows.append(
            {
                "file": f.stem,
                "documents": n,
                "cer_before": sum(before) / n,
                "cer_after": sum(after) / n,
                "docs_better": sum(a < b - 1e-12 for a, b in zip(after, before)),
                "docs_worse": sum(a > b + 1e-12 for a, b in zip(after, before)),
            }
        )
    n = len(per_doc)
    overall_before = sum(d["before"] for d in per_doc) / n
    overall_after = sum(d["after"] for d in per_doc) / n
    worse = sum(d["after"] > d["before"] + 1e-12 for d in per_doc)
    return {
        "documents": n,
        "correct_words": correct,
        "seconds": round(time.perf_counter() - t0, 1),
        "cer_before": overall_before,
        "cer_after": overall_after,
        "relative_change": (overall_after - overall_before) / overall_before,
        "docs_worse": worse,
        "docs_worse_share": worse / n,
        "files_worse": [r["file"] for r in rows if r["cer_after"] > r["cer_before"] + 1e-12],
        "files": rows,
        "worst_documents": sorted(per_doc, key=lambda d: d["before"] - d["after"])[:10],
    }


def _print(result: dict) -> None:
    print("| file | docs | CER before | CER after | change | better | worse |")
    print("|---|---|---|---|---|---|---|")
    for r in result["files"]:
        change = (r["cer_after"] - r["cer_before"]) / r["cer_before"] if r["cer_before"] else 0.0
        print(
            f"| {r['file']} | {r['documents']} | {r['cer_before']:.4f} | {r['cer_after']:.4f} "
            f"| {change:+.1%} | {r['docs_better']} | {r['docs_worse']} |"
        )
    print(
        f"| **all** | {result['documents']} | {result['cer_before']:.4f} | "
        f"{result['cer_after']:.4f} | {result['relative_change']:+.1%} | | "
        f"{result['docs_worse']} ({result['docs_worse_share']:.1%}) |"
    )
    print(f"cleaning time {result['seconds']} s; files made worse: {result['files_worse'] or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/hipe-ocrepair")
    ap.add_argument("--no-correct", action="store_true", help="cleaning without word correction")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/cleaning_cer.json")
    args = ap.parse_args()
    result = run(args.data, not args.no_correct)
    _print(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
