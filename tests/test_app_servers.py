"""Stateless app servers: several data folders (as on several machines) with the same
PostgreSQL catalogue and Chroma server serve one archive alike. Real servers: PostgreSQL from
tests/pg_server.py, a real ``chroma run``. What must be shared is (the calibration, the salt
of hashed questions, the gate's background), what stays per server is (the audit log, named
by ``server``), and a read-only connection — what a read replica gives — serves questions.
Skipped without PostgreSQL's server binaries."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

from ragarchive.audit import AuditLog
from ragarchive.config import load_settings
from ragarchive.errors import CatalogueReadOnlyError
from ragarchive.gating.calibration import save
from ragarchive.services import build_ask_service, build_ingestor, open_db
from chroma_server import ChromaServer
from test_chroma_server import _articles, run_chroma

pytestmark = pytest.mark.slow

QUESTION = "Wie hoch werden die Kosten der Brücke in Remich geschätzt?"
READ_ONLY = "?options=-c%20default_transaction_read_only%3Don"  # as a hot standby answers


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    yield from run_chroma(tmp_path_factory, "chroma-for-apps")


def _settings(data_dir: Path, pg: str, chroma: ChromaServer, **audit: Any) -> Any:
    return load_settings(data_dir=data_dir, archive="served", chroma={"url": chroma.url},
                         catalogue={"url": pg}, audit=audit or None)


def _records(data_dir: Path) -> list[dict[str, Any]]:
    records, problems = AuditLog(data_dir / "audit").records()
    assert problems == []
    return records


def _validator() -> Draft202012Validator:
    text = resources.files("ragarchive").joinpath("data/audit_record.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


def test_app_servers_share_the_archive_state_and_keep_their_own_audit_logs(
    pg_url: str, chroma: ChromaServer, tmp_path: Path
) -> None:
    ingestor = build_ingestor(_settings(tmp_path / "ingest", pg_url, chroma))
    try:
        assert ingestor.run([_articles(tmp_path / "src", 6)]).ok
    finally:
        ingestor.db.close()

    # a read-only connection (a replica) answers; the background it measured is not stored
    replica = build_ask_service(_settings(tmp_path / "app-r", pg_url + READ_ONLY, chroma))
    assert replica.ask(QUESTION).passages
    assert replica.retriever.db.get_meta("gate_background") is None
    with pytest.raises(CatalogueReadOnlyError, match="read replica"):
        save({"threshold": 0.5}, tmp_path / "app-r", replica.retriever.db)

    # `ragarchive calibrate` on one machine: stored in the catalogue, not in its data folder
    private = {"hash_questions": True}
    settings_a = _settings(tmp_path / "app-a", pg_url, chroma, server="app-a", **private)
    calibration = json.loads(
        resources.files("ragarchive").joinpath("data/default_calibration.json").read_text("utf-8"))
    db = open_db(settings_a)
    try:
        where = save({**calibration, "threshold": 0.42}, settings_a.archive_dir, db)
    finally:
        db.close()
    assert "catalogue" in where and not (settings_a.archive_dir / "calibration.json").exists()
    a = build_ask_service(settings_a)
    b = build_ask_service(_settings(tmp_path / "app-b", pg_url, chroma, server="app-b", **private))
    assert b.calibration.threshold == 0.42 and b.calibration.source.startswith("catalogue")

    ra, rb = a.ask(QUESTION), b.ask(QUESTION)
    assert (ra.decision, ra.text) == (rb.decision, rb.text)
    assert b.retriever.db.get_meta("gate_background")  # cached for every server by the first
    (rec_a,), (rec_b,) = _records(tmp_path / "app-a"), _records(tmp_path / "app-b")
    assert (rec_a["server"], rec_b["server"]) == ("app-a", "app-b")
    assert rec_a["threshold"] == rec_b["threshold"] == 0.42
    assert rec_a["question_hash"] == rec_b["question_hash"]  # one salt: merged logs still count
    for record in (rec_a, rec_b):
        assert [e.message for e in _validator().iter_errors(record)] == []
