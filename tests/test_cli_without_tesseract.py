"""A machine without tesseract, as a fresh laptop is: the CLI runs with a PATH that has no
tesseract on it (the image parser looks it up with ``shutil.which``). A page image is listed as
skipped with the tool to install, the run still succeeds, and the demo still answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

NEEDS = "needs tesseract-ocr (apt install tesseract-ocr tesseract-ocr-deu"


def run_without_tesseract(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "bin-without-tesseract"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": str(empty)}
    return subprocess.run([sys.executable, "-m", "ragarchive", *args], capture_output=True,
                          text=True, env=env, timeout=900)


def test_no_tesseract_on_the_path_of_these_runs(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", "import shutil; print(shutil.which('tesseract'))"],
                         capture_output=True, text=True, env={**os.environ, "PATH": str(tmp_path)})
    assert out.stdout.strip() == "None"


def test_an_image_is_skipped_with_the_tool_named_and_the_rest_ingested(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    Image.new("L", (200, 100), 255).save(src / "page-1.png")
    (src / "a.jsonl").write_text(json.dumps({
        "id": "gazette-1911-a", "title": "Lighthouse", "date": "1911-05-04", "language": "en",
        "text": "The new lighthouse at Port Ellen was lit on the evening of 4 May 1911."}) + "\n")
    data = ["--data-dir", str(tmp_path / "d")]
    out = run_without_tesseract(tmp_path, *data, "ingest", "--json", str(src))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] and report["summary"] == {"ingested": 1, "unchanged": 0, "failed": 0,
                                                  "skipped": 1}
    [image] = [f for f in report["files"] if f["path"].endswith("page-1.png")]
    assert image["status"] == "skipped" and image["kind"] == "image"
    assert image["error"].startswith(NEEDS) and str(src) not in image["error"]
    # the table for people names the file and the tool
    out = run_without_tesseract(tmp_path, *data, "ingest", "--no-progress", str(src))
    assert out.returncode == 0, out.stderr
    assert "Skipped" in out.stdout and "page-1.png" in out.stdout and NEEDS in out.stdout


@pytest.mark.slow
def test_the_demo_succeeds_and_answers_without_tesseract(tmp_path: Path) -> None:
    out = run_without_tesseract(tmp_path, "--data-dir", str(tmp_path / "d"), "demo")
    assert out.returncode == 0, out.stdout + out.stderr
    assert NEEDS in out.stdout and ".png" in out.stdout
    assert "When was the railway between Marbethal and Valmarbe opened?" in out.stdout
    assert "Answer" in out.stdout and "1868" in out.stdout
