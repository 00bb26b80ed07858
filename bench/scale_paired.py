"""p95(large) / p95(small) of retrieval + gate with both archives timed side by side (issue 18,
point 5: p95(200k) <= 1.5 x p95(10k)).

``bench/scale.py --remeasure`` times one archive at a time. On a shared machine whose speed
drifts by a fifth from one minute to the next (docs/benchmarks.md), two such runs a few minutes
apart compare the machine as much as the archives: p95 at 10k moved 0.031-0.044 s between
runs of the same code. Here one process opens both archives (two ``bench/scale.py`` work
folders made with the same seed and embedder, e.g. its 10k and 200k checkpoints), warms each
with one unmeasured round, then asks each of the 42 scale questions of both in turn, the order
alternating from one question to the next, so that whatever the machine does falls on both
alike. Timed as ``bench/scale.py`` times (``scale._ask_one``: the ``retrieve.*`` and ``gate``
timings of ``AskService.ask``, the query embedder on one thread).

It prints, and writes to ``--out``, p50/p95 of each archive over all rounds, the ratio of the
p95s, and the ratio within each block of ``--block`` rounds (the spread a shorter run would
see). ``--small-url`` / ``--large-url`` time an archive whose catalogue was moved into
PostgreSQL (``ragarchive move``; the vectors stay in the work folder's Chroma), as
``bench/pg_scale.py --url`` does for one. With the same work folder as ``--small`` and
``--large`` and only ``--large-url``, it compares the two catalogues on one archive instead
(issue 18: PostgreSQL within 1.5x of SQLite).

    .venv/bin/python bench/scale_paired.py --small bench/.data/scale-hash-snap-10k \\
        --large bench/.data/scale-hash [--embedder hashing] [--rounds 12] [--block 6] \\
        [--small-url postgresql://… --large-url postgresql://…] [--out bench/results/scale_paired.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402


def open_service(work: Path, embedder: str, url: str | None) -> Any:
    """The ask service of the archive in ``work``; with ``url``, its catalogue moved there."""
    from ragarchive.services import build_ask_service

    settings = scale.settings_for(work.resolve(), embedder, None, 1)  # one query thread
    if url:
        from pg_scale import on_postgres

        settings = on_postgres(settings, url)
    return build_ask_service(settings)


def paired_rounds(services: list[Any], questions: list[dict[str, Any]], rounds: int) -> list[list[dict]]:
    """Each service's rows (``scale._ask_one``) over ``rounds`` rounds, asked in turn."""
    rows: list[list[dict]] = [[] for _ in services]
    turn = 0
    for _ in range(rounds):
        for q in questions:
            order = range(len(services)) if turn % 2 == 0 else reversed(range(len(services)))
            for i in order:
                rows[i].append(scale._ask_one(services[i], q))
            turn += 1
    return rows


def p95(rows: list[dict]) -> float:
    return float(np.percentile([r["retrieval_gate_s"] for r in rows], 95))


def summary(rows: list[dict]) -> dict[str, Any]:
    lat = [r["retrieval_gate_s"] for r in rows]
    return {"timings": len(lat), "p50_s": round(float(np.percentile(lat, 50)), 4),
            "p95_s": round(p95(rows), 4), "stage_means_s": scale._stage_means(rows),
            "origin_in_top5": round(float(np.mean([r["origin_in_top5"] for r in rows if r["origin"]])), 3)}


def catalogue(small_url: str | None, large_url: str | None) -> str:
    """Which catalogue each side reads: one name when both read the same kind."""
    small, large = ("postgresql" if url else "sqlite" for url in (small_url, large_url))
    return small if small == large else f"{small} vs {large}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=Path, required=True, help="work folder of the small archive")
    ap.add_argument("--large", type=Path, required=True, help="work folder of the large archive")
    ap.add_argument("--small-url", default=None, help="the small archive's PostgreSQL catalogue")
    ap.add_argument("--large-url", default=None, help="the large archive's PostgreSQL catalogue")
    ap.add_argument("--embedder", default="hashing")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--block", type=int, default=6, help="rounds per block ratio")
    ap.add_argument("--out", type=Path, default=scale.RESULTS / "scale_paired.json")
    args = ap.parse_args()
    questions = scale.build_questions(scale.load_sources(), 7)
    services = [open_service(args.small, args.embedder, args.small_url),
                open_service(args.large, args.embedder, args.large_url)]
    paired_rounds(services, questions, 1)  # warm both: the vocabulary, the page cache
    rows = paired_rounds(services, questions, args.rounds)
    per_block = len(questions) * args.block
    blocks = [round(p95(rows[1][i:i + per_block]) / p95(rows[0][i:i + per_block]), 3)
              for i in range(0, len(rows[0]) - per_block + 1, per_block)]
    result = {"code": scale.code_version(), "small": str(args.small), "large": str(args.large),
              "catalogue": catalogue(args.small_url, args.large_url),
              "embedder": args.embedder, "rounds": args.rounds, "questions": len(questions),
              "small_archive": summary(rows[0]), "large_archive": summary(rows[1]),
              "p95_ratio": round(p95(rows[1]) / p95(rows[0]), 3),
              f"p95_ratio_per_{args.block}_rounds": blocks}
    scale.save_json(args.out, result)
    print(json.dumps({k: v for k, v in result.items() if "archive" not in k}, indent=1))
    for name in ("small_archive", "large_archive"):
        print(name, {k: v for k, v in result[name].items() if k != "stage_means_s"})


if __name__ == "__main__":
    main()
