"""Quality of the PostgreSQL catalogue against the SQLite one on the development questions.

Copies the already ingested development archives of bench/.data (see ask_quality.py; run it with
--ingest-only first) into a PostgreSQL database (``storage.copy``: the vectors stay in the same
embedded Chroma folder, nothing is embedded again), then asks the same questions through both
engines and prints recall@1/5, MRR, decisions and answered-with-the-fact side by side. Writes
bench/results/pg_quality.json.

    .venv/bin/python bench/pg_quality.py [--url postgresql://...] [--collections icdar2017,dta19-l1]
        [--limit N] [--every N] [--calibrate]

Without --url a throwaway server is started with tests/pg_server.py (Debian's binaries).
``--calibrate`` first runs ``ragarchive calibrate`` on each archive through each engine (the
gate fitted on that engine's own features; PostgreSQL keeps it in the catalogue, SQLite in
``calibration.json``, removed afterwards) and writes bench/results/pg_quality_calibrated.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]

import ask_quality  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=None, help="an empty PostgreSQL database (default: start one)")
    ap.add_argument("--collections", default=",".join(ask_quality.COLLECTIONS))
    ap.add_argument("--limit", type=int, default=None, help="questions per collection")
    ap.add_argument("--every", type=int, default=1, help="ask every n-th question only (a spread subset)")
    ap.add_argument("--calibrate", action="store_true", help="calibrate each archive on each engine first")
    args = ap.parse_args()
    server = None
    url = args.url
    if url is None:
        from pg_server import PostgresServer, find_bin_dir

        server = PostgresServer(find_bin_dir())  # type: ignore[arg-type]
        server.start()
        url = server.create_database("pg_quality")
    try:
        report = compare(url, args.collections.split(","), args.limit, args.every, args.calibrate)
    finally:
        if server is not None:
            server.stop()
    ask_quality.RESULTS.mkdir(parents=True, exist_ok=True)
    name = "pg_quality_calibrated.json" if args.calibrate else "pg_quality.json"
    (ask_quality.RESULTS / name).write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def compare(url: str, collections: list[str], limit: int | None, every: int = 1,
            calibrate: bool = False) -> dict:
    from ragarchive.services import open_db
    from ragarchive.storage.copy import copy_catalogue

    lines = [x for x in (REPO / "bench/questions/dev.jsonl").read_text().splitlines() if x.strip()]
    questions = [json.loads(x) for x in lines[::every]]
    by_collection: dict[str, list[dict]] = defaultdict(list)
    for q in questions:
        if q["collection"] in collections and (limit is None or len(by_collection[q["collection"]]) < limit):
            by_collection[q["collection"]].append(q)
    rows: dict[str, list[dict]] = {"sqlite": [], "postgres": []}
    sqlite_settings = ask_quality.settings_for
    for collection, qs in by_collection.items():
        lite = sqlite_settings(collection)
        pg = lite.model_copy(update={"catalogue": lite.catalogue.model_copy(update={"url": url})})
        src, dst = open_db(lite), open_db(pg)
        print(f"{collection}: copied {copy_catalogue(src, dst)} files", file=sys.stderr)  # type: ignore[arg-type]
        src.close()
        dst.close()
        try:
            for engine, settings in (("sqlite", lite), ("postgres", pg)):
                if calibrate:
                    run_calibrate(settings)
                ask_quality.settings_for = lambda c, s=settings: s  # type: ignore[misc]
                rows[engine] += ask_quality.ask_all(collection, qs, None, None)
        finally:
            if calibrate:  # back to the shipped default
                (lite.archive_dir / "calibration.json").unlink(missing_ok=True)
    ask_quality.settings_for = sqlite_settings
    return {engine: ask_quality.build_report(r) for engine, r in rows.items()}


def run_calibrate(settings) -> None:  # type: ignore[no-untyped-def]
    """`ragarchive calibrate` on the archive of ``settings``, through its catalogue."""
    env = dict(os.environ)
    env.pop("RAGARCHIVE_CATALOGUE__URL", None)
    if settings.catalogue.url:
        env["RAGARCHIVE_CATALOGUE__URL"] = settings.catalogue.url
    cli = str(Path(sys.executable).with_name("ragarchive"))
    subprocess.run([cli, "--data-dir", str(settings.data_dir), "--archive", settings.archive, "calibrate"],
                   env=env, check=True, stdout=sys.stderr)


def print_table(report: dict) -> None:
    def line(name: str, get) -> None:  # type: ignore[no-untyped-def]
        values = [get(report[e]) for e in ("sqlite", "postgres")]
        print(f"{name:34} " + "  ".join(f"{v:8.3f}" if isinstance(v, float) else f"{v!s:>8}" for v in values))

    print(f"{'':34} {'sqlite':>8}  {'postgres':>8}")
    line("questions", lambda r: r["overall"]["n"])
    for mode in ("lexical", "full"):
        for key in ("recall@1", "recall@5", "mrr"):
            line(f"{mode} {key}", lambda r, m=mode, k=key: r["overall"].get(m, {}).get(k))
    line("answered rate", lambda r: r["overall"]["answered_rate"])
    for key in ("unanswerable_refused", "near_miss_refused", "answerable_answered"):
        line(key, lambda r, k=key: r["refusals"][k])
    line("answer has fact (answerable)",
         lambda r: r["facts"]["answer_has_fact"].get("overall", {}).get("rate"))
    line("retrieval+gate p50 s", lambda r: r["latency_retrieval_gate_s"]["p50"])
    line("retrieval+gate p95 s", lambda r: r["latency_retrieval_gate_s"]["p95"])


if __name__ == "__main__":
    main()
