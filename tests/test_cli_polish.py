"""The command line as a user reads it: flags shown as flags, no Gradio advice a CLI user cannot
follow, tables not cut when the output is piped, failure reasons without the repeated path."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # piped, no width given
    return subprocess.run([sys.executable, "-m", "ragarchive", *args], capture_output=True,
                          text=True, env=env)


@pytest.mark.parametrize("command", ["ingest", "documents", "demo", "ask", "eval", "audit list"])
def test_flags_are_shown_as_flags(command: str) -> None:
    out = run(*command.split(), "--help")
    assert out.returncode == 0
    assert "--json" in out.stdout and "<bool>" not in out.stdout, out.stdout


def _bad_batch(tmp_path: Path) -> Path:
    deep = tmp_path / "a-rather-long-folder-name-for-scans" / "luxemburger-zeitung-1858" / "issue-0001"
    deep.mkdir(parents=True)
    (deep / "page-0001-of-the-issue-as-alto.xml").write_text("<alto><unclosed>")
    return deep


def test_a_failure_reason_does_not_repeat_the_path(tmp_path: Path) -> None:
    folder = _bad_batch(tmp_path)
    out = run("--data-dir", str(tmp_path / "d"), "ingest", "--json", str(folder))
    assert out.returncode == 1
    [failed] = json.loads(out.stdout)["files"]
    assert failed["status"] == "failed" and failed["path"].endswith("as-alto.xml")
    assert failed["error"] and str(folder) not in failed["error"], failed["error"]


def test_wide_tables_are_not_cut_when_piped(tmp_path: Path) -> None:
    folder = _bad_batch(tmp_path)
    out = run("--data-dir", str(tmp_path / "d"), "ingest", "--no-progress", str(folder))
    assert out.returncode == 1
    path = str(folder / "page-0001-of-the-issue-as-alto.xml")
    [row] = [line for line in out.stdout.splitlines() if path in line]  # one line, whole path
    assert len(row) > 80 and "…" not in row
    assert json.loads(run("--data-dir", str(tmp_path / "d"), "ingest", "--json",
                          str(folder)).stdout)["files"][0]["path"] == path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_ui_warms_up_says_what_it_loaded_and_gives_no_share_hint(demo_data_dir: Path,
                                                                 tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir, data)
    port = _free_port()
    app = subprocess.Popen(
        [sys.executable, "-u", "-m", "ragarchive", "--data-dir", str(data), "--archive", "demo",
         "ui", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 300
        assert app.stdout is not None
        while time.monotonic() < deadline:
            line = app.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("ready in"):
                break
        log = "".join(lines)
        assert lines and lines[-1].startswith("ready in"), log
        assert f"http://127.0.0.1:{port}" in lines[-1]
        for what in ("embedder", "vector index", "vocabulary", "gate background"):
            assert f"loaded {what}: " in log, log
        assert "share=True" not in log and "public link" not in log, log
    finally:
        app.terminate()
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
