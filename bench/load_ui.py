"""Load test of the running Gradio app: N concurrent chat sessions for a bounded time.

What it does, in order:

1. Builds (or refreshes; re-runs skip unchanged files) the demo archive under
   ``bench/.data/load-ui/data`` with ``ragarchive demo --json``.
2. Starts the real app as a subprocess, ``ragarchive --data-dir … --archive demo ui --host
   127.0.0.1 --port <free port>`` (default extractive generator, default settings otherwise;
   working folder ``bench/.data/load-ui`` so no ``ragarchive.toml`` of the repository applies),
   waits until it serves and sends one warm-up question (not counted).
3. Notes the size of every audit file (``<data>/audit/YYYY-MM-DD.jsonl``), then starts N
   sessions at once (threads, each with its own ``gradio_client.Client``). Each session asks the
   ``/ask`` endpoint, back to back, questions from a fixed mixed list taken from
   ``bench/questions/demo.jsonl`` (2 per kind × language: answerable in the same language and
   across languages, near misses, unanswerable; de/en/fr: 24), starting at a different place in
   the list. No new question starts after ``--seconds``; questions in flight
   are allowed to finish (each bounded by ``--timeout``).
4. Stops the app (SIGINT, then SIGTERM, then SIGKILL if it will not stop), so nothing can be
   written to the audit log any more, and reads the audit lines appended since step 3.

What it measures and checks:

- requests completed, errors (an exception, a timeout, or a response that is not an answer or a
  refusal, e.g. ``**Error:** …``), throughput (completed / wall time from the common start to the
  last completion), end-to-end latency per request p50/p95/max (client submit → final output,
  queueing in Gradio included) and the service's own ``timings.total`` from the audit records;
- the audit check: every completed request has exactly one record and there is no other record.
  The same question text is asked many times, so matching is done per question text: (a) the
  number of records with that text equals the number of requests with it, and (b) a one-to-one
  matching exists in which each record's timestamp lies inside its request's [submit, finish]
  interval (greedy by finish time, which finds such a matching whenever one exists). Records
  with duplicate ``record_id``, unreadable lines and a decision differing from the one the UI
  showed are reported too;
- the load average (1 min) sampled every 2 s, and the app's CPU time and peak RSS;
- that nothing in this process tried to connect to a non-loopback address (a guard refuses it);
- per question, whether repeated asks got the same decision (they should: nothing is shared).

Exit status 0 only with no errors, a clean audit check and no non-loopback attempt.

With ``--postgres`` the app serves the same archive from a PostgreSQL catalogue: a throwaway
server from Debian's binaries (``tests/pg_server.py``, on a free loopback port, deleted at the
end), the demo archive moved into it with ``ragarchive move`` (the vectors stay in the embedded
Chroma folder) and ``RAGARCHIVE_CATALOGUE__URL`` set for the app; results go to
``bench/results/load_ui_postgres.json``.

Run (the app and the sessions share the machine; results go to bench/results/load_ui.json):

    .venv/bin/python bench/load_ui.py --seconds 60
    .venv/bin/python bench/load_ui.py --sessions 20 --seconds 120 --timeout 300
    .venv/bin/python bench/load_ui.py --seconds 60 --postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ragarchive.network import is_loopback

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".data" / "load-ui"
DATA = WORK / "data"
QUESTIONS = REPO / "bench" / "questions" / "demo.jsonl"
RESULTS = REPO / "bench" / "results" / "load_ui.json"
CLI = REPO / ".venv" / "bin" / "ragarchive"
HOST = "127.0.0.1"
ARCHIVE = "demo"
GENERATOR = "extractive"
TIME_SLACK = 0.05  # seconds either side of a request's interval (timestamps have ms resolution)

# Telemetry off before gradio_client is imported. Note: Client(analytics_enabled=False) alone is
# not enough, the client ORs it with GRADIO_ANALYTICS_ENABLED (default "True").
QUIET_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
os.environ.update(QUIET_ENV)


# ---------------------------------------------------------------------------- loopback guard

BLOCKED: list[str] = []  # non-loopback addresses this process tried to reach
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not is_loopback(address):
        BLOCKED.append(repr(address))
        raise ConnectionRefusedError(f"load_ui: refusing non-loopback address {address!r}")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]


# ---------------------------------------------------------------------------- types


@dataclass
class Request:
    session: int
    seq: int  # per-session sequence number
    question: str
    qid: str
    kind: str | None  # same_language, cross_lingual, near_miss, unanswerable
    start: float  # wall clock (time.time()), for matching with audit timestamps
    end: float = 0.0
    latency: float = 0.0  # perf_counter difference
    ok: bool = False
    decision: str | None = None  # answer | refuse, parsed from the markdown the UI returned
    reason: str | None = None
    error: str | None = None
    record_id: str | None = None  # the audit record matched to it
    service_total: float | None = None  # timings.total of that record


@dataclass
class LoadSampler:
    interval: float = 2.0
    samples: list[tuple[float, float]] = field(default_factory=list)  # (t, load1)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t0 = time.time()
        while not self._stop.is_set():
            self.samples.append((round(time.time() - t0, 1), round(os.getloadavg()[0], 2)))
            self._stop.wait(self.interval)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        if self._thread:
            self._thread.join()
        loads = [x for _, x in self.samples]
        return {
            "load1_min": min(loads, default=None),
            "load1_mean": round(sum(loads) / len(loads), 2) if loads else None,
            "load1_max": max(loads, default=None),
            "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
            "samples": self.samples,
        }


# ---------------------------------------------------------------------------- setup


def pick_questions(path: Path, per_group: int) -> list[dict[str, Any]]:
    """The first ``per_group`` questions of each (kind, language) group — kinds: answerable in
    the same language or across languages, near miss (the entity is in the archive, the fact is
    not), unanswerable — interleaved so that neighbours in the list differ."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            q = json.loads(line)
            groups[(q["kind"], q["question_language"])].append(q)
    keys = sorted(groups)
    return [groups[k][i] for i in range(per_group) for k in keys if i < len(groups[k])]


def run_cli(*args: str) -> str:
    """``ragarchive --data-dir DATA --archive demo ARGS``; its stdout, or exit on a failure."""
    proc = subprocess.run(
        [str(CLI), "--data-dir", str(DATA), "--archive", ARCHIVE, *args],
        cwd=WORK, capture_output=True, text=True, env={**os.environ, **QUIET_ENV},
    )
    if proc.returncode != 0:
        sys.exit(f"ragarchive {args[0]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


def build_demo_archive() -> dict[str, Any]:
    """``ragarchive demo --json``; unchanged files are skipped, so a re-run takes a second."""
    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    summary = json.loads(run_cli("demo", "--json"))["summary"]
    return {"summary": summary, "seconds": round(time.perf_counter() - t0, 1)}


@contextmanager
def postgres_catalogue(enabled: bool) -> Iterator[dict[str, str]]:
    """The app's extra environment: with ``enabled``, a throwaway PostgreSQL server holding the
    demo archive (moved there with ``ragarchive move``), stopped and deleted on exit."""
    if not enabled:
        yield {}
        return
    sys.path.insert(0, str(REPO / "tests"))
    from pg_server import running_server

    with running_server(sys.exit) as server:
        url = server.create_database("load_ui")
        run_cli("move", "--catalogue-url", url, "--no-progress")
        yield {"RAGARCHIVE_CATALOGUE__URL": url}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _default_sigint() -> None:
    # A background shell may have started us with SIGINT ignored; the app should stop on it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_app(port: int, log: Path, extra_env: dict[str, str]) -> subprocess.Popen:
    cmd = [str(CLI), "--data-dir", str(DATA), "--archive", ARCHIVE,
           "ui", "--host", HOST, "--port", str(port)]
    fh = open(log, "w", encoding="utf-8")
    return subprocess.Popen(cmd, cwd=WORK, stdout=fh, stderr=subprocess.STDOUT,
                            env={**os.environ, **QUIET_ENV, **extra_env},
                            preexec_fn=_default_sigint)


def wait_until_serving(app: subprocess.Popen, url: str, log: Path, limit: float) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        if app.poll() is not None:
            raise RuntimeError(f"the app exited with {app.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/config", timeout=5) as resp:
                if resp.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the app did not serve {url} within {limit:.0f} s")


def stop_app(app: subprocess.Popen) -> str:
    """SIGINT (Gradio closes cleanly), then SIGTERM, then SIGKILL; says which one worked."""
    if app.poll() is not None:
        return f"already exited ({app.returncode})"
    for sig, grace in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        app.send_signal(sig)
        try:
            app.wait(grace)
            return f"{signal.Signals(sig).name} (exit {app.returncode})"
        except subprocess.TimeoutExpired:
            continue
    return "did not stop"


def app_resources(pid: int) -> dict[str, Any]:
    """CPU seconds and peak RSS of the app process, from /proc (Linux)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        status = Path(f"/proc/{pid}/status").read_text()
        hwm = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
        return {"cpu_seconds": round((int(stat[11]) + int(stat[12])) / ticks, 1),
                "peak_rss_mb": round(hwm / 1024)}
    except (OSError, StopIteration, IndexError, ValueError):
        return {}


# ---------------------------------------------------------------------------- sessions


def make_client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def parse_answer(answer: str) -> tuple[str | None, str | None]:
    """(decision, reason) from the answer HTML of ui/app.py (its data attributes, which do not
    change with the question's language), or (None, None)."""
    from ragarchive.ui.answer_view import decision_of

    return decision_of(answer)


def ask_once(client: Any, req: Request, api_name: str, timeout: float) -> None:
    t0 = time.perf_counter()
    job = None
    try:
        job = client.submit(req.question, "", "", "", "", GENERATOR, api_name=api_name)
        out = job.result(timeout=timeout)
        req.decision, req.reason = parse_answer(str(out[0]))
        req.ok = req.decision is not None
        if not req.ok:
            req.error = f"unexpected response: {str(out[0])[:200]}"
    except Exception as exc:  # noqa: BLE001 — every failure counts as an error
        req.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        _cancel(job)
    finally:
        req.latency = time.perf_counter() - t0
        req.end = time.time()


def _cancel(job: Any) -> None:
    """Best effort: the server may be gone already."""
    try:
        if job is not None:
            job.cancel()
    except Exception:  # noqa: BLE001
        pass


def run_session(sid: int, url: str, questions: list[dict[str, Any]], api_name: str,
                barrier: threading.Barrier, deadline: list[float], timeout: float,
                out: list[Request]) -> None:
    """One chat session: its own client, questions back to back until the deadline."""
    try:
        client = make_client(url)
    except Exception as exc:  # noqa: BLE001
        out.append(Request(sid, -1, "", "", None, time.time(), error=f"connect: {exc}"))
        barrier.abort()
        return
    seq = 0
    try:
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            q = questions[(sid + seq) % len(questions)]
            req = Request(sid, seq, q["question"], q["id"], q["kind"], time.time())
            ask_once(client, req, api_name, timeout)
            out.append(req)
            seq += 1
    except threading.BrokenBarrierError:
        pass  # another session could not connect; main() reports it
    finally:
        client.close()


def run_load(url: str, questions: list[dict[str, Any]], sessions: int, seconds: float,
             api_name: str, timeout: float) -> tuple[list[Request], float, float]:
    """All sessions start together (barrier); returns requests, start and end (wall clock)."""
    deadline = [math.inf]
    start = [0.0]

    def go() -> None:  # run by one thread once all have arrived, before any is released
        start[0] = time.time()
        deadline[0] = time.perf_counter() + seconds

    barrier = threading.Barrier(sessions + 1, action=go)
    per_session: list[list[Request]] = [[] for _ in range(sessions)]
    threads = [threading.Thread(target=run_session, daemon=True,
                                args=(i, url, questions, api_name, barrier, deadline, timeout,
                                      per_session[i]))
               for i in range(sessions)]
    for t in threads:
        t.start()
    barrier.wait(timeout=600)
    for t in threads:
        t.join()
    return [r for reqs in per_session for r in reqs], start[0], time.time()


# ---------------------------------------------------------------------------- audit check


def audit_offsets(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.glob("????-??-??.jsonl"))}


def new_audit_lines(folder: Path, before: dict[str, int]) -> tuple[list[dict[str, Any]], int]:
    """Records appended to the day files since ``before``; and the number of unreadable lines."""
    records, bad = [], 0
    for p in sorted(folder.glob("????-??-??.jsonl")):
        with open(p, "rb") as fh:
            fh.seek(before.get(p.name, 0))
            for line in fh.read().decode("utf-8", errors="replace").splitlines():
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    bad += 1
                    continue
                if isinstance(obj, dict):
                    records.append(obj)
                else:
                    bad += 1
    return records, bad


def epoch(timestamp: str) -> float:
    return dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def question_key(folder: Path) -> Any:
    """How a question is named in the log: its text, or its salted hash (privacy option)."""
    salt_path = folder / ".salt"

    def key(question: str) -> str:
        if salt_path.exists():  # only used when records carry hashes
            salt = salt_path.read_text().strip().encode()
            return "sha256:" + hashlib.sha256(salt + question.encode("utf-8")).hexdigest()
        return question

    return key


def record_key(record: dict[str, Any]) -> str:
    return record["question"] if record.get("question") is not None else record.get("question_hash", "")


def match_by_interval(reqs: list[Request], recs: list[dict[str, Any]]) -> int:
    """Match requests of one question to its records, one to one, a record's timestamp lying in
    its request's interval. Greedy by request end, earliest fitting record first: optimal for
    points-in-intervals. Sets ``record_id``/``service_total``; returns the number matched."""
    pool = sorted(recs, key=lambda r: epoch(r["timestamp"]))
    used = [False] * len(pool)
    matched = 0
    for req in sorted(reqs, key=lambda r: r.end):
        for i, rec in enumerate(pool):
            t = epoch(rec["timestamp"])
            if not used[i] and req.start - TIME_SLACK <= t <= req.end + TIME_SLACK:
                used[i] = True
                req.record_id = rec["record_id"]
                req.service_total = (rec.get("timings") or {}).get("total")
                matched += 1
                break
    return matched


def check_audit(requests: list[Request], records: list[dict[str, Any]], bad_lines: int,
                folder: Path) -> dict[str, Any]:
    completed = [r for r in requests if r.ok]
    hashed = any(rec.get("question") is None for rec in records)
    key = question_key(folder) if hashed else (lambda q: q)
    sent = Counter(key(r.question) for r in completed)
    logged = Counter(record_key(rec) for rec in records)
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        by_key[record_key(rec)].append(rec)
    reqs_by_key: dict[str, list[Request]] = defaultdict(list)
    for r in completed:
        reqs_by_key[key(r.question)].append(r)
    matched = sum(match_by_interval(reqs_by_key[k], by_key.get(k, [])) for k in reqs_by_key)
    by_id = {rec["record_id"]: rec for rec in records}
    decision_mismatch = [r.record_id for r in completed
                         if r.record_id and by_id[r.record_id].get("decision") != r.decision]
    count_mismatch = {k[:80]: {"requests": sent[k], "records": logged[k]}
                      for k in set(sent) | set(logged) if sent[k] != logged[k]}
    result = {
        "records_in_window": len(records),
        "requests_completed": len(completed),
        "matched_one_to_one": matched,
        "requests_without_record": len(completed) - matched,
        "records_without_request": len(records) - matched,
        "question_count_mismatches": count_mismatch,
        "duplicate_record_ids": len(records) - len(by_id),
        "unreadable_lines": bad_lines,
        "decision_mismatches": decision_mismatch,
        "questions_hashed": hashed,
    }
    result["ok"] = (matched == len(completed) == len(records) and not count_mismatch
                    and not decision_mismatch and bad_lines == 0 and len(by_id) == len(records))
    return result


# ---------------------------------------------------------------------------- report


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def latency_summary(values: list[float]) -> dict[str, Any]:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    return {"n": len(values), "p50": r(percentile(values, 50)), "p95": r(percentile(values, 95)),
            "max": r(max(values, default=None)),
            "mean": r(sum(values) / len(values)) if values else None}


def varying_decisions(done: list[Request]) -> dict[str, dict[str, int]]:
    """Questions that got different decisions when asked repeatedly (expected: none, the
    pipeline is deterministic; a difference would point at shared state between sessions)."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for r in done:
        seen[r.qid][f"{r.decision}:{r.reason}"] += 1
    return {qid: dict(c) for qid, c in seen.items() if len(c) > 1}


def summarise(requests: list[Request], start: float, end: float, seconds: float) -> dict[str, Any]:
    done = [r for r in requests if r.ok]
    errors = [r for r in requests if not r.ok]
    last = max((r.end for r in done), default=start)
    wall = max(last - start, 1e-9)
    per_session = Counter(r.session for r in done)
    return {
        "requests_sent": len(requests),
        "requests_completed": len(done),
        "errors": len(errors),
        "error_samples": [f"s{r.session}#{r.seq} {r.qid}: {r.error}" for r in errors[:20]],
        "wall_seconds": round(wall, 1),
        "run_seconds_incl_drain": round(end - start, 1),
        "throughput_rps": round(len(done) / wall, 3),
        "completed_within_deadline": sum(r.end <= start + seconds for r in done),
        "latency_s": latency_summary([r.latency for r in done]),
        "service_total_s": latency_summary([r.service_total for r in done if r.service_total is not None]),
        "per_session_completed": {"min": min(per_session.values(), default=0),
                                  "max": max(per_session.values(), default=0)},
        "decisions_by_kind": {
            kind: dict(Counter(f"{r.decision}:{r.reason}" if r.reason else str(r.decision)
                               for r in done if r.kind == kind))
            for kind in sorted({str(r.kind) for r in done})
        },
        "questions_with_varying_decision": varying_decisions(done),
    }


def print_summary(report: dict[str, Any]) -> None:
    s, a, m = report["load"], report["audit"], report["machine"]
    lat, svc = s["latency_s"], s["service_total_s"]
    print(f"\n{report['config']['sessions']} sessions × {report['config']['seconds']} s "
          f"against {report['app']['url']} ({report['config']['questions']} questions)")
    print(f"  completed {s['requests_completed']}, errors {s['errors']}, "
          f"throughput {s['throughput_rps']} req/s over {s['wall_seconds']} s")
    print(f"  latency  p50 {lat['p50']} s  p95 {lat['p95']} s  max {lat['max']} s (end to end)")
    print(f"  service  p50 {svc['p50']} s  p95 {svc['p95']} s  max {svc['max']} s (audit timings.total)")
    print(f"  audit: {a['records_in_window']} records, {a['matched_one_to_one']} matched one to one, "
          f"missing {a['requests_without_record']}, extra {a['records_without_request']}, "
          f"decision mismatches {len(a['decision_mismatches'])} → {'OK' if a['ok'] else 'FAILED'}")
    print(f"  decisions by kind: {s['decisions_by_kind']}; questions whose decision varied: "
          f"{len(s['questions_with_varying_decision'])}")
    print(f"  load (1 min) {m['load1_min']}–{m['load1_max']} (mean {m['load1_mean']}) on "
          f"{m['cpus']} CPUs; app CPU {report['app'].get('cpu_seconds')} s, "
          f"peak RSS {report['app'].get('peak_rss_mb')} MB; stopped by {report['app']['stopped']}")
    print(f"  non-loopback connection attempts: {len(report['blocked_connections'])}")


def write_results(report: dict[str, Any], requests: list[Request], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    report["requests"] = [
        {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(r).items()
         if k not in ("question",)} for r in requests
    ]
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


# ---------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120.0, help="no new question after this")
    ap.add_argument("--timeout", type=float, default=300.0, help="per request, seconds")
    ap.add_argument("--per-group", type=int, default=2,
                    help="questions per (kind, language) group: 12 groups")
    ap.add_argument("--api-name", default="/ask")
    ap.add_argument("--startup-timeout", type=float, default=300.0)
    ap.add_argument("--embedder-threads", type=int, default=None,
                    help="RAGARCHIVE_EMBEDDER__THREADS for the app (default: the app's default)")
    ap.add_argument("--postgres", action="store_true",
                    help="serve the archive from a throwaway PostgreSQL catalogue")
    return ap.parse_args()


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # so that main() still stops the app


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    questions = pick_questions(QUESTIONS, args.per_group)
    demo = build_demo_archive()
    extra_env = ({"RAGARCHIVE_EMBEDDER__THREADS": str(args.embedder_threads)}
                 if args.embedder_threads is not None else {})
    with postgres_catalogue(args.postgres) as catalogue_env:
        report, requests = serve_and_load(args, questions, {**extra_env, **catalogue_env})
    report["demo_archive"] = demo
    report["config"]["catalogue"] = "postgresql" if args.postgres else "sqlite"
    out = RESULTS.with_name("load_ui_postgres.json") if args.postgres else RESULTS
    write_results(report, requests, out)
    print_summary(report)
    print(f"  → {out.relative_to(REPO)}")
    ok = report["load"]["errors"] == 0 and report["audit"]["ok"] and not BLOCKED
    return 0 if ok else 1


def serve_and_load(args: argparse.Namespace, questions: list[dict[str, Any]],
                   extra_env: dict[str, str]) -> tuple[dict[str, Any], list[Request]]:
    """Start the app, warm it up, run the sessions, stop it; the report without the archive."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    log = WORK / "app.log"
    app = start_app(port, log, extra_env)
    audit_dir = DATA / "audit"
    sampler = LoadSampler()
    resources: dict[str, Any] = {}
    try:
        startup = wait_until_serving(app, url, log, args.startup_timeout)
        warm = Request(-1, 0, questions[0]["question"], questions[0]["id"], None, time.time())
        warm_client = make_client(url)
        ask_once(warm_client, warm, args.api_name, args.timeout)
        warm_client.close()
        if not warm.ok:
            raise RuntimeError(f"warm-up question failed: {warm.error}")
        before = audit_offsets(audit_dir)
        print(f"app up on {url} after {startup:.1f} s, warm-up {warm.latency:.1f} s; "
              f"{args.sessions} sessions for {args.seconds:.0f} s…", flush=True)
        sampler.start()
        requests, start, end = run_load(url, questions, args.sessions, args.seconds,
                                        args.api_name, args.timeout)
        machine = sampler.stop()
        resources = app_resources(app.pid)
    finally:
        sampler.stop()
        stopped = stop_app(app)
    records, bad = new_audit_lines(audit_dir, before)
    audit = check_audit(requests, records, bad, audit_dir)  # first: it fills in service_total
    report = {
        "benchmark": "load_ui",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/load_ui.py", *sys.argv[1:]]),
        "config": {"sessions": args.sessions, "seconds": args.seconds, "timeout": args.timeout,
                   "questions": len(questions), "question_ids": [q["id"] for q in questions],
                   "api_name": args.api_name, "generator": GENERATOR, "archive": ARCHIVE,
                   "embedder_threads": args.embedder_threads},
        "app": {"url": url, "startup_seconds": round(startup, 1),
                "warmup_seconds": round(warm.latency, 1), "stopped": stopped, **resources},
        "machine": {"cpus": os.cpu_count(), **machine},
        "load": summarise(requests, start, end, args.seconds),
        "audit": audit,
        "blocked_connections": BLOCKED,
    }
    return report, requests


if __name__ == "__main__":
    sys.exit(main())
