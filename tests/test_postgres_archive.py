"""End to end on a shared PostgreSQL catalogue: the demo archive ingested into a real PostgreSQL
server (tests/pg_server.py) with embedded Chroma answers as the SQLite archive does; bad URLs and
wrong credentials are clear one-line errors. Skipped without PostgreSQL's server binaries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ragarchive.config import load_settings
from ragarchive.errors import CatalogueUnavailableError, ConfigError

QUESTIONS = [
    "Who won the best time at the Trois-Sapins hill climb?",
    "How long is the new suspension bridge at Valmarbe?",
    "When was the railway between Marbethal and Valmarbe opened?",
    "Wer hat die Fußballweltmeisterschaft 1998 gewonnen?",
    "Qui a gagné la coupe du monde de football en 1998 ?",
]


@pytest.fixture(scope="module")
def pg_demo(postgres_server, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo archive ingested into PostgreSQL (catalogue) and embedded Chroma (vectors)."""
    from ragarchive.demo import write_demo_archive
    from ragarchive.services import build_ingestor

    root = tmp_path_factory.mktemp("pg-demo")
    url = postgres_server.create_database("demo_e2e")
    settings = load_settings(data_dir=root / "data", archive="demo", catalogue={"url": url})
    ingestor = build_ingestor(settings)
    report = ingestor.run([write_demo_archive(root / "demo-archive")])
    ingestor.db.close()
    assert report.ok and report.count("ingested") > 0
    return settings


@pytest.mark.slow
def test_postgres_archive_answers_as_the_sqlite_one(pg_demo, demo_data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from ragarchive.services import build_ask_service, open_db

    lite = load_settings(data_dir=demo_data_dir, archive="demo")
    pg_db, lite_db = open_db(pg_demo), open_db(lite)
    try:
        assert pg_db.counts() == lite_db.counts()
        assert pg_db.chunk_ids() == lite_db.chunk_ids()  # the same chunks, cleaned alike
        assert pg_db.vocabulary() == lite_db.vocabulary()
    finally:
        pg_db.close()
        lite_db.close()
    pg, sq = build_ask_service(pg_demo), build_ask_service(lite)
    for question in QUESTIONS:
        a, b = pg.ask(question), sq.ask(question)
        assert (a.decision, a.reason) == (b.decision, b.reason), question
        assert [c.document_id for c in a.citations[:1]] == [c.document_id for c in b.citations[:1]], question
        assert a.text == b.text, question


@pytest.mark.slow
def test_lexical_lists_agree_with_fts5(pg_demo, demo_data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The trigram list ranks as FTS5's (same tokens, same BM25); the word list finds the same
    best chunk (PostgreSQL stems and drops stop words, FTS5 does neither)."""
    from ragarchive.services import open_db

    pg_db, lite_db = open_db(pg_demo), open_db(load_settings(data_dir=demo_data_dir, archive="demo"))
    try:
        for query in ("Valmarbe Hängebrücke", "chemin de fer Marbethal", "Rcgierung Hochwasser"):
            a, b = pg_db.search_trigrams(query, 10), lite_db.search_trigrams(query, 10)
            assert [c for c, _ in a[:5]] == [c for c, _ in b[:5]], query
            assert [round(s, 3) for _, s in a[:5]] == [round(s, 3) for _, s in b[:5]], query
        for query in ("suspension bridge Valmarbe", "Trois-Sapins"):
            assert pg_db.search_words(query, 5)[0][0] == lite_db.search_words(query, 5)[0][0], query
    finally:
        pg_db.close()
        lite_db.close()


def test_bad_urls_and_wrong_credentials_are_clear_errors(postgres_server) -> None:  # type: ignore[no-untyped-def]
    from ragarchive.storage.postgres import PostgresArchive

    with pytest.raises(ConfigError, match="must be a PostgreSQL URL"):
        PostgresArchive("mysql://u@127.0.0.1/db", "a")
    with pytest.raises(ConfigError, match="cannot be parsed"):
        PostgresArchive("postgresql://u@127.0.0.1:99999/db", "a")
    with pytest.raises(CatalogueUnavailableError, match="refused the login") as wrong:
        PostgresArchive(postgres_server.url("postgres", password="not-the-password"), "a")
    assert "not-the-password" not in str(wrong.value)
    with pytest.raises(CatalogueUnavailableError, match="no such database"):
        PostgresArchive(postgres_server.url("no_such_db"), "a")
    from pg_server import free_port

    with pytest.raises(CatalogueUnavailableError, match="unreachable"):
        PostgresArchive(f"postgresql://u@127.0.0.1:{free_port()}/db", "a")


def test_cli_reports_a_wrong_password_in_one_line(postgres_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = dict(os.environ, RAGARCHIVE_CATALOGUE__URL=postgres_server.url("postgres", password="nope"))
    done = subprocess.run(
        [sys.executable, "-c", "from ragarchive.cli import main; main()", "--data-dir", str(tmp_path),
         "documents"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "refused the login" in done.stderr
    assert "nope" not in done.stderr  # the password is never echoed


def test_every_connection_has_tcp_keepalives(pg_url: str) -> None:
    """A worker's claims end with its connection: keepalives make a vanished server (or, with
    the server's tcp_keepalives_* settings, a vanished worker) noticed within about a minute.
    A value given in the URL wins over ours."""
    from ragarchive.storage.postgres import PostgresArchive

    db = PostgresArchive(pg_url + "?keepalives_idle=7", "keepalive")
    try:
        with db.connection() as conn:
            pooled = conn.info.get_parameters()
        assert db.claim_file("/some/file.xml")
        claims = db._claims.info.get_parameters()
    finally:
        db.close()
    for params in (pooled, claims):
        assert (params["keepalives"], params["keepalives_interval"], params["keepalives_count"]) == (
            "1", "10", "3")
        assert params["keepalives_idle"] == "7"


def test_a_version_1_catalogue_migrates_to_trigram_postings(postgres_server) -> None:  # type: ignore[no-untyped-def]
    """Version 2 serves the trigram list from postings (chunk_grams) instead of a pg_trgm
    filter: a catalogue written by version 1 gets its postings from its chunks when it is next
    opened, and ranks as before the change (the same rows, now counted by postings). It gets
    version 3's unit-vector table, version 4's covering postings index and version 5's word
    postings on the way."""
    import psycopg
    from psycopg import sql

    from ragarchive.storage.postgres import PostgresArchive
    from storage.test_archive_store import _chunk, _put

    url = postgres_server.create_database("migrate_v1")
    db = PostgresArchive(url, "old")
    _put(db, "/a.txt", [_chunk(1, "Die Regierung beschloss"), _chunk(2, "Rcgierung und Hochwasser"),
                        _chunk(3, "Ganz anderer Text über den Markt")])
    before = db.search_trigrams("Regierung Hochwasser")
    words_before = db.search_words("Regierung Hochwasser Markt")
    db.close()
    with psycopg.connect(url, autocommit=True) as conn:  # back to what version 1 left
        conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier("old")))
        conn.execute("DROP TABLE chunk_grams")
        conn.execute("DROP INDEX chunks_seq")
        conn.execute("CREATE INDEX chunks_trigrams ON chunks USING gin (folded public.gin_trgm_ops)")
        conn.execute("DROP TABLE unit_vectors")  # version 3's
        conn.execute("DROP TABLE word_vectors")
        conn.execute("DROP TABLE chunk_words")  # version 5's
        conn.execute("CREATE INDEX chunks_words ON chunks USING gin (words)")  # dropped by 6
        conn.execute("DROP TABLE gram_docs")  # version 7's
        conn.execute("DROP TABLE word_docs")  # version 8's
        conn.execute("DELETE FROM schema_migrations WHERE version >= 2")
    db = PostgresArchive(url, "old")
    try:
        assert db.unit_vectors(["doc1#0"]) == {}  # version 3: the table, empty until re-ingest
        with psycopg.connect(url) as conn:  # version 4: the postings come from the index alone
            indexes = dict(conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE "
                                        "schemaname = 'old' AND tablename = 'chunk_grams'").fetchall())
        assert "INCLUDE (seq, tf, dl)" in indexes["chunk_grams_postings"]
        assert "chunk_grams_gram" not in indexes
        with psycopg.connect(url) as conn:  # version 6: no word index on the chunks
            assert not conn.execute("SELECT 1 FROM pg_indexes WHERE schemaname = 'old' "
                                    "AND indexname = 'chunks_words'").fetchall()
        # version 5: the word search reads postings made from the chunks, and ranks as before
        _same_ranking(db.search_words("Regierung Hochwasser Markt"), words_before)
        assert len(words_before) == 3  # each chunk holds one of the words
        _same_ranking(db.search_trigrams("Regierung Hochwasser"), before)
        assert [c for c, _ in before] == ["doc2#0", "doc1#0"]
        _put(db, "/b.txt", [_chunk(4, "Regierung Regierung Hochwasser")])  # written by version 2
        assert db.search_trigrams("Regierung Hochwasser")[0][0] == "doc4#0"
        assert db.remove_file("/b.txt") == 1
        _same_ranking(db.search_trigrams("Regierung Hochwasser"), before)
        assert _gram_docs(url, "old") == _counted_from_postings(url, "old")  # version 7
        assert _totals(url, "old", "word_docs") == _counted_from_postings(url, "old", "chunk_words", "lexeme")
    finally:
        db.close()


def _same_ranking(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    """The same chunks in the same order with the same scores (PostgreSQL sums a chunk's
    postings in the order its plan reads them, which moves the last digit)."""
    assert [c for c, _ in got] == [c for c, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-12)


def _gram_docs(url: str, schema: str) -> dict[str, int]:
    return _totals(url, schema, "gram_docs")


def _totals(url: str, schema: str, table: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return dict(conn.execute(f'SELECT word, count FROM "{schema}".{table}').fetchall())


def _counted_from_postings(url: str, schema: str, table: str = "chunk_grams", term: str = "gram") -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return dict(conn.execute(f'SELECT {term}, count(*) FROM "{schema}".{table} GROUP BY {term}').fetchall())


def test_trigram_candidates_rank_as_sqlites(
    postgres_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """``gram_docs`` stays the postings' own document counts through writes, replacements and
    removals; with them PostgreSQL takes trigram candidates as SQLite does and ranks them alike
    (storage/trigram_ranking.py), exact search and candidates alike."""
    import random

    from ragarchive.storage import sqlite_trigrams, trigram_ranking
    from ragarchive.storage.postgres import PostgresArchive
    from ragarchive.storage.sqlite import ArchiveDB
    from ragarchive.text.tokens import trigrams
    from storage.test_archive_store import _chunk, _put

    words = "Regierung Rcgierung Regiernng Hochwasser Hochwaffer Brücke Brucke Zeitung Stadt Mosel".split()
    url = postgres_server.create_database("gram_docs")
    pg, lite = PostgresArchive(url, "g"), ArchiveDB(tmp_path / "a.sqlite")
    rng = random.Random(5)
    files = {f"/{n}.txt": [_chunk(i, " ".join(rng.choices(words, k=rng.randint(3, 25))), f"/{n}.txt")
                           for i in range(n * 100, n * 100 + 60)] for n in range(3)}
    try:
        for db in (pg, lite):
            for path, chunks in files.items():
                _put(db, path, chunks)
            _put(db, "/1.txt", files["/1.txt"][:20], file_hash="h2")  # replaced, smaller
            db.remove_file("/2.txt")
        assert _gram_docs(url, "g") == _counted_from_postings(url, "g")
        query = "Regierung Hochwasser Brücke"
        exact = pg.search_trigrams(query, 10)
        assert [c for c, _ in exact] == [c for c, _ in lite.search_trigrams(query, 10)]
        grams = sorted({g for w in query.lower().split() for g in trigrams(w)})
        docs = sqlite_trigrams.document_counts(lite.conn, grams)
        assert docs is not None and docs == {g: _gram_docs(url, "g").get(g, 0) for g in grams}
        monkeypatch.setattr(trigram_ranking, "CANDIDATE_DOCS", 2 * min(docs.values()))  # the rarest fit
        monkeypatch.setattr(trigram_ranking, "CANDIDATES", 15)
        a, b = pg.search_trigrams(query, 10), lite.search_trigrams(query, 10)
        assert a and [c for c, _ in a] != [c for c, _ in exact]  # candidates, not the exact list
        assert [c for c, _ in a] == [c for c, _ in b]
        assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-9)
        monkeypatch.setattr(trigram_ranking, "CANDIDATE_DOCS", 1)
        assert pg.search_trigrams(query, 10) == [] == lite.search_trigrams(query, 10)
    finally:
        pg.close()
        lite.close()
