"""What one question costs: wall time per stage, process CPU seconds, and embedder calls.

Asks a fixed set of questions through ``AskService`` with the extractive generator, after a
warm-up question, and reports per question and as p50/p95:

* the wall time of each stage (``result.timings``: ``retrieve.*``, ``read``, ``gate``,
  ``generate``, ``verify``, ``total``);
* the process CPU time around each ``ask`` (``time.process_time``: it counts every thread of
  the process, the embedder's and the vector store's included, so it is the machine's cost of
  a question, not one thread's);
* the embedder calls and the texts embedded per question, by method, counted by a proxy
  around the embedder the services build (so the adapter and any cache sit above it and a
  cache hit is not counted).

The questions are asked ``--passes`` times: the first pass is what new questions cost; later
passes show what repeated ones cost (caches warm).

Other benchmarks may share the machine's cores: wall times are then inflated, while CPU
seconds and embedder counts are not, so those are the figures to compare.

    .venv/bin/python bench/question_cost.py                 # builds the demo archive in a tmp dir
    .venv/bin/python bench/question_cost.py --demo-data DIR # a data folder holding archive "demo"
    .venv/bin/python bench/question_cost.py --dev           # also dev-icdar2017, if built
    .venv/bin/python bench/question_cost.py --compare bench/results/question_cost.json

``--compare`` checks that each question's decision, confidence (to 1e-6) and answer text equal
those of an earlier run's first pass (written in its ``outputs``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent
DEV_DATA = ROOT / ".data" / "data"


class CountingEmbedder:
    """Forwards everything to ``base``; counts calls and texts of its ``embed_*`` methods."""

    def __init__(self, base: Any) -> None:
        self._base = base
        self.calls: Counter[str] = Counter()
        self.texts: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._base, name)
        if not (name.startswith("embed_") and callable(value)):
            return value

        def counted(arg: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            self.texts[name] += 1 if isinstance(arg, str) else len(arg)
            return value(arg, *args, **kwargs)

        return counted

    def snapshot(self) -> tuple[Counter[str], Counter[str]]:
        return Counter(self.calls), Counter(self.texts)


def build_service(settings: Any) -> tuple[Any, list[CountingEmbedder]]:
    """The ask service with every embedder the services build wrapped in a counter."""
    from ragarchive import services

    made: list[CountingEmbedder] = []
    real: Callable[..., Any] = services.build_embedder

    def counting(*args: Any, **kwargs: Any) -> CountingEmbedder:
        made.append(CountingEmbedder(real(*args, **kwargs)))
        return made[-1]

    services.build_embedder = counting  # type: ignore[assignment]
    try:
        return services.build_ask_service(settings), made
    finally:
        services.build_embedder = real  # type: ignore[assignment]


def ask_all(service: Any, counter: CountingEmbedder, questions: list[dict]) -> list[dict]:
    rows = []
    for q in questions:
        calls0, texts0 = counter.snapshot()
        c0, w0 = time.process_time(), time.perf_counter()
        result = service.ask(q["question"], run_id="question_cost")
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        calls1, texts1 = counter.snapshot()
        rows.append({
            "id": q["id"], "cpu_s": round(cpu, 4), "wall_s": round(wall, 4),
            "timings": {k: round(v, 4) for k, v in result.timings.items()},
            "embed_calls": dict(calls1 - calls0), "embed_texts": dict(texts1 - texts0),
            "decision": result.decision, "confidence": result.confidence, "text": result.text,
        })
    return rows


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))], 4)


def summarise(rows: list[dict]) -> dict:
    def stats(values: list[float]) -> dict:
        return {"p50": pct(values, 50), "p95": pct(values, 95), "mean": round(statistics.fmean(values), 4)}

    stages = sorted({k for r in rows for k in r["timings"]})
    methods = sorted({k for r in rows for k in r["embed_calls"]})
    return {
        "questions": len(rows),
        "cpu_s": stats([r["cpu_s"] for r in rows]),
        "wall_s": stats([r["wall_s"] for r in rows]),
        "stage_wall_s": {s: stats([r["timings"].get(s, 0.0) for r in rows]) for s in stages},
        "embed_calls_per_question": {
            "all": stats([sum(r["embed_calls"].values()) for r in rows]),
            **{m: stats([r["embed_calls"].get(m, 0) for r in rows]) for m in methods}},
        "embed_texts_per_question": {
            "all": stats([sum(r["embed_texts"].values()) for r in rows]),
            **{m: stats([r["embed_texts"].get(m, 0) for r in rows]) for m in methods}},
    }


def run_archive(settings: Any, questions: list[dict], passes: int) -> dict:
    settings.answer.generator = "extractive"
    service, made = build_service(settings)
    counter = made[0]
    service.ask("Wann wurde die Eisenbahn eröffnet?", run_id="question_cost-warmup")
    runs = [ask_all(service, counter, questions) for _ in range(passes)]
    counts = service.retriever.db.counts()
    return {
        "archive": settings.archive, "chunks": counts["chunks"],
        "passes": [summarise(rows) for rows in runs],
        "outputs": [{k: r[k] for k in ("id", "decision", "confidence", "text")} for r in runs[0]],
        "rows": runs[0],
    }


def compare(outputs: list[dict], previous: list[dict]) -> list[str]:
    """Differences in decision, confidence (beyond 1e-6) or text, by question id."""
    before = {o["id"]: o for o in previous}
    diffs = []
    for o in outputs:
        b = before.get(o["id"])
        if b is None:
            continue
        if (o["decision"], o["text"]) != (b["decision"], b["text"]) or abs(o["confidence"] - b["confidence"]) > 1e-6:
            diffs.append(o["id"])
    return diffs


def demo_settings(data: Path | None) -> Any:
    from ragarchive.config import load_settings

    if data is None:
        data = Path(tempfile.mkdtemp(prefix="question_cost-")) / "data"
        subprocess.run([sys.executable, "-m", "ragarchive", "--data-dir", str(data), "demo"],
                       check=True, stdout=subprocess.DEVNULL)
    return load_settings(data_dir=data, archive="demo")


def load_questions(path: Path, limit: int, collection: str | None = None) -> list[dict]:
    qs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [q for q in qs if collection is None or q.get("collection") == collection]
    return qs[:limit] if limit else qs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--demo-data", type=Path, help="data folder holding the archive 'demo'")
    ap.add_argument("--dev", action="store_true", help="also dev-icdar2017 under bench/.data")
    ap.add_argument("--limit", type=int, default=0, help="demo questions (0: all)")
    ap.add_argument("--dev-limit", type=int, default=60, help="development questions (0: all)")
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--compare", type=Path, help="an earlier result whose outputs must match")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "question_cost.json")
    args = ap.parse_args()
    previous = json.loads(args.compare.read_text()) if args.compare else None
    report: dict[str, Any] = {
        "note": "cpu_s is time.process_time per ask (all threads of the process); wall times are "
                "inflated when other jobs share the cores, cpu_s and embedder counts are not.",
        "archives": {},
    }
    jobs = [("demo", lambda: demo_settings(args.demo_data), ROOT / "questions" / "demo.jsonl", None, args.limit)]
    if args.dev and (DEV_DATA / "archives" / "dev-icdar2017").is_dir():
        from ragarchive.config import load_settings

        jobs.append(("dev-icdar2017", lambda: load_settings(data_dir=DEV_DATA, archive="dev-icdar2017",
                                                            audit={"enabled": False}),
                     ROOT / "questions" / "dev.jsonl", "icdar2017", args.dev_limit))
    for name, settings, path, collection, limit in jobs:
        result = run_archive(settings(), load_questions(path, limit, collection), args.passes)
        if previous and name in previous["archives"]:
            result["changed_outputs"] = compare(result["outputs"], previous["archives"][name]["outputs"])
        report["archives"][name] = result
        first = result["passes"][0]
        print(f"{name} ({result['chunks']} chunks): cpu p50/p95 {first['cpu_s']['p50']}/{first['cpu_s']['p95']} s, "
              f"wall p50/p95 {first['wall_s']['p50']}/{first['wall_s']['p95']} s, embedder calls/texts mean "
              f"{first['embed_calls_per_question']['all']['mean']}/{first['embed_texts_per_question']['all']['mean']}"
              + (f", changed outputs: {result['changed_outputs']}" if "changed_outputs" in result else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
