"""The PostgreSQL catalogue going away mid-batch: the real CLI stops with one clear line (exit
status 2, no traceback), nothing is half-written, and the same command run once the server is
back finishes the archive without duplicates.

The fault is made, not mocked: a dedicated PostgreSQL server (tests/pg_server.py, not the
session's, which other tests share) is stopped with ``pg_ctl stop -m immediate`` while an ingest
subprocess holds its connections, then started again on the same files. Vectors are in embedded
Chroma (the catalogue is the part under test). Skipped without PostgreSQL's server binaries."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from ragarchive.config import load_settings
from ragarchive.services import open_db
from test_chroma_server import _articles, _env
from test_postgres_writers import _assert_complete, _wait_for_indexed

pytestmark = pytest.mark.slow

N_FILES = 12  # enough that the batch is still running when the server goes away


@pytest.fixture
def crashable_server() -> Iterator[Any]:
    pytest.importorskip("psycopg", reason="needs psycopg (pip install -e '.[postgres]')")
    from pg_server import SKIP_REASON, PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(SKIP_REASON)
    server = PostgresServer(bin_dir, crash_safe=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _ingest(data: Path, url: str, src: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "ragarchive", "--data-dir", str(data), "--archive", "outage",
           "ingest", "--no-progress", "--json", str(src)]
    return subprocess.Popen(cmd, env={**_env(), "RAGARCHIVE_CATALOGUE__URL": url},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _assert_whole_files_only(settings: Any) -> int:
    """Every chunk and document belongs to a file the manifest lists as indexed; returns how
    many are indexed (the file in flight is pending with no rows, or absent)."""
    db = open_db(settings)
    try:
        files = db.files()
        indexed = [f for f in files if f["status"] == "indexed"]
        assert all(f["status"] in ("indexed", "pending") for f in files), files
        assert sorted(db.chunk_ids()) == sorted(i for f in indexed for i in json.loads(f["chunk_ids"]))
        assert {d["source_path"] for d in db.documents()} == {f["path"] for f in indexed}
        return len(indexed)
    finally:
        db.close()


def test_the_database_going_away_mid_batch_is_a_clear_error_and_a_rerun_resumes(
    crashable_server: Any, tmp_path: Path
) -> None:
    url = crashable_server.create_database("outage")
    src, data = _articles(tmp_path / "src", N_FILES), tmp_path / "data"
    settings = load_settings(data_dir=data, archive="outage", catalogue={"url": url})

    proc = _ingest(data, url, src)
    _wait_for_indexed(proc, settings, 2)
    proc.send_signal(signal.SIGSTOP)  # hold the batch mid-way while the server goes away
    try:
        crashable_server.crash()
    finally:
        proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 2, (proc.returncode, err[-3000:])
    assert out == ""  # no report of a batch that did not finish
    assert "Traceback" not in err and err.startswith("error: ") and err.count("\n") == 1, err
    for needle in ("Ingest stopped after", "PostgreSQL catalogue", "is unreachable",
                   "run the same command again"):
        assert needle in err, (needle, err)
    assert "s3cret" not in err  # the message names the server, never the password

    crashable_server.launch()
    done = _assert_whole_files_only(settings)
    assert 2 <= done < N_FILES

    rerun = _ingest(data, url, src)
    rerun_out, rerun_err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, rerun_err[-3000:]
    statuses = [f["status"] for f in json.loads(rerun_out)["files"]]
    assert statuses.count("unchanged") == done and statuses.count("ingested") == N_FILES - done
    _assert_complete(settings, N_FILES)  # catalogue, search columns and Chroma agree, each once
