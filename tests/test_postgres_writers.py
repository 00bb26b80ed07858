"""Several ingest workers on one archive: a real PostgreSQL catalogue (tests/pg_server.py) and a
real ``chroma run`` server, ingest subprocesses of the real CLI, each with its own data folder
(as on different machines). The faults are made, not mocked: kill -9 of a worker mid-batch.
Skipped without PostgreSQL's server binaries."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from ragarchive.config import load_settings
from ragarchive.services import build_ask_service, open_db, open_dense
from chroma_server import ChromaServer  # a real `chroma run` server
from test_chroma_server import _articles, _env, run_chroma

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    yield from run_chroma(tmp_path_factory, "chroma-for-pg")


def _settings(data_dir: Path, pg: str, chroma: ChromaServer, archive: str = "shared") -> Any:
    return load_settings(data_dir=data_dir, archive=archive, chroma={"url": chroma.url},
                         catalogue={"url": pg})


def _worker(data_dir: Path, pg: str, chroma: ChromaServer, *sources: Path,
            archive: str = "shared") -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", archive,
           "--chroma-url", chroma.url, "ingest", "--no-progress", "--json", *map(str, sources)]
    return subprocess.Popen(cmd, env={**_env(), "RAGARCHIVE_CATALOGUE__URL": pg},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _statuses(proc: subprocess.Popen[str]) -> dict[str, str]:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return {f["path"]: f["status"] for f in json.loads(out)["files"]}


def _assert_complete(settings: Any, n_files: int) -> list[str]:
    """Every file indexed once; the catalogue, its search columns and Chroma hold exactly the same
    chunk ids, each once: nothing lost, nothing duplicated, nothing half-written."""
    db = open_db(settings)
    try:
        files = db.files()
        assert len(files) == n_files and all(f["status"] == "indexed" for f in files), files
        in_manifest = sorted(i for f in files for i in json.loads(f["chunk_ids"]))
        chunks = db.chunk_ids()
        assert len(set(in_manifest)) == len(in_manifest)
        assert sorted(chunks) == in_manifest
        assert len(db.filtered_chunk_ids()) == len(chunks)
    finally:
        db.close()
    vectors = open_dense(settings).ids()
    assert sorted(vectors) == in_manifest
    return in_manifest


def test_two_workers_share_one_archive_and_a_third_data_folder_asks(
    pg_url: str, chroma: ChromaServer, tmp_path: Path
) -> None:
    shared = _articles(tmp_path / "shared", 6)  # both workers see these paths (a shared mount)
    own_a = _articles(tmp_path / "own-a", 2, start=6)
    own_b = _articles(tmp_path / "own-b", 2, start=8)
    a = _worker(tmp_path / "data-a", pg_url, chroma, shared, own_a)
    b = _worker(tmp_path / "data-b", pg_url, chroma, shared, own_b)
    done_a, done_b = _statuses(a), _statuses(b)
    ingested_a = {p for p, s in done_a.items() if s == "ingested"}
    ingested_b = {p for p, s in done_b.items() if s == "ingested"}
    assert not ingested_a & ingested_b  # no file ingested twice
    _assert_complete(_settings(tmp_path / "data-a", pg_url, chroma), 10)

    # another machine, another data folder, the same two URLs: the same archive answers
    service = build_ask_service(_settings(tmp_path / "data-c", pg_url, chroma))
    result = service.ask("Wie hoch werden die Kosten der Brücke in Remich geschätzt?")
    assert result.passages and "Remich" in result.passages[0].text


def test_kill_9_of_a_worker_leaves_nothing_half_written_and_a_rerun_finishes(
    pg_url: str, chroma: ChromaServer, tmp_path: Path
) -> None:
    src = _articles(tmp_path / "src", 8)
    # its own archive name: a Chroma collection belongs to one catalogue (one archive id)
    settings = _settings(tmp_path / "data", pg_url, chroma, archive="killed")
    proc = _worker(tmp_path / "data", pg_url, chroma, src, archive="killed")
    _wait_for_indexed(proc, settings, 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = open_db(settings)
    try:
        indexed = [f for f in db.files() if f["status"] == "indexed"]
        assert 2 <= len(indexed) < 8
        # committed files are whole, the rest have no rows at all
        assert sorted(db.chunk_ids()) == sorted(i for f in indexed for i in json.loads(f["chunk_ids"]))
        assert db.claim_file(str(src / "report-07.txt"))  # the dead worker's claims are gone
        db.release_file(str(src / "report-07.txt"))
    finally:
        db.close()
    statuses = _statuses(_worker(tmp_path / "data-2", pg_url, chroma, src, archive="killed"))
    assert list(statuses.values()).count("unchanged") == len(indexed)
    _assert_complete(settings, 8)


def _wait_for_indexed(proc: subprocess.Popen[str], settings: Any, n: int) -> None:
    deadline = time.time() + 300
    db = None
    try:
        while time.time() < deadline and proc.poll() is None:
            try:
                db = db or open_db(settings)
                if db.counts()["files"] >= n:
                    return
            except Exception:  # the worker has not created the archive yet
                pass
            time.sleep(0.05)
    finally:
        if db is not None:
            db.close()
    pytest.fail(f"the worker ended or stalled before the fault: {proc.communicate()[1][-2000:]}")
