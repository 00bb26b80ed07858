"""SQLite's bounded trigram search (storage/sqlite_trigrams.py, trigram_ranking.py) against FTS5
itself, real."""

import random
from collections import Counter
from pathlib import Path

import pytest

from ragarchive.storage import sqlite_trigrams, trigram_ranking
from ragarchive.storage.sqlite import ArchiveDB
from ragarchive.storage.sqlite_fts import match_any, ranked
from ragarchive.text.tokens import trigrams

from test_sqlite import _chunk, _doc

WORDS = ("Regierung Rcgierung Regiernng Hochwasser Hochwaffer Brücke Brucke Zeitung Ananas "
         "banana Rath Stadt Kammer Minister Wahl Mosel Coblenz Eisenbahn").split()


def _archive(tmp_path: Path, n: int = 60, seed: int = 3) -> ArchiveDB:
    """``n`` chunks of random words (two files), so trigrams are common and rare alike."""
    rng = random.Random(seed)
    db = ArchiveDB(tmp_path / "a.sqlite")
    for path, ids in (("/a.txt", range(0, n // 2)), ("/b.txt", range(n // 2, n))):
        chunks = [_chunk(i, " ".join(rng.choices(WORDS, k=rng.randint(3, 25))), path) for i in ids]
        db.replace_file(path=path, file_hash="h", kind="text", documents=[_doc(i, path) for i in ids],
                        chunks=chunks, warnings=[], timings={}, raw_counts=Counter())
    return db


def _fts5_docs(db: ArchiveDB) -> dict[str, int]:
    db.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, chunks_trigram, row)")
    return dict(db.conn.execute("SELECT term, doc FROM temp.v").fetchall())


def test_rescoring_gives_fts5s_own_bm25(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    query = "Regierung Hochwasser Ananas"
    grams = sorted({g for w in query.lower().split() for g in trigrams(w)})
    exact = ranked(db.conn, "chunks_trigram", match_any(grams), 100)
    by_fts5 = db.conn.execute("SELECT chunk_id, bm25(chunks_trigram) AS s FROM chunks_trigram WHERE "
                              "chunks_trigram MATCH ? ORDER BY s", (match_any(grams),)).fetchall()
    assert exact == [(c, -s) for c, s in by_fts5] and len(exact) > 10
    docs = sqlite_trigrams.document_counts(db.conn, grams)
    stats = sqlite_trigrams.averages(db.conn)
    assert docs is not None and stats is not None and stats[0] == 60
    rows = db.conn.execute("SELECT chunk_id, text FROM chunks_trigram").fetchall()
    ours = dict(trigram_ranking.rescore([(r[0], r[1]) for r in rows], grams, docs, *stats))
    for chunk_id, score in exact:
        assert ours[chunk_id] == pytest.approx(score, rel=1e-9)


def test_overlapping_trigrams_are_counted_as_the_tokenizer_counts_them(tmp_path: Path) -> None:
    db = ArchiveDB(tmp_path / "a.sqlite")
    db.conn.execute("CREATE VIRTUAL TABLE temp.i USING fts5vocab(main, chunks_trigram, row)")
    db.replace_file(path="/a.txt", file_hash="h", kind="text", documents=[_doc(1)],
                    chunks=[_chunk(1, "Ananas, banana and aaaa")], warnings=[], timings={},
                    raw_counts=Counter())
    counted = dict(db.conn.execute("SELECT term, cnt FROM temp.i").fetchall())
    text = "ananas, banana and aaaa"
    for gram in ("ana", "nan", "aaa", "na "):
        assert trigram_ranking.occurrences(text, gram) == counted[gram]


def test_document_counts_are_running_totals_that_match_fts5(tmp_path: Path) -> None:
    db = _archive(tmp_path)
    stored = dict(db.conn.execute("SELECT word, count FROM gram_docs").fetchall())
    assert stored == _fts5_docs(db)
    db.replace_file(path="/a.txt", file_hash="h2", kind="text", documents=[_doc(1, "/a.txt")],
                    chunks=[_chunk(1, "Neue Brücke über die Mosel", "/a.txt")], warnings=[],
                    timings={}, raw_counts=Counter())
    assert dict(db.conn.execute("SELECT word, count FROM gram_docs").fetchall()) == _fts5_docs(db)
    db.remove_file("/b.txt")
    assert dict(db.conn.execute("SELECT word, count FROM gram_docs").fetchall()) == _fts5_docs(db)


def test_an_archive_made_before_the_totals_is_searched_exactly_and_gets_them_at_its_next_write(
    tmp_path: Path,
) -> None:
    db = _archive(tmp_path)
    db.conn.execute("DELETE FROM gram_docs")
    db.conn.execute("DELETE FROM meta WHERE key='gram_docs'")
    assert sqlite_trigrams.document_counts(db.conn, ["reg"]) is None
    grams = sorted(set(trigrams("regierung")))
    exact = [c for c, _ in ranked(db.conn, "chunks_trigram", match_any(grams), 20)]
    assert [c for c, _ in db.search_trigrams("Regierung")] == exact
    db.replace_file(path="/c.txt", file_hash="h", kind="text", documents=[_doc(99, "/c.txt")],
                    chunks=[_chunk(99, "Die Regierung tagte", "/c.txt")], warnings=[], timings={},
                    raw_counts=Counter())
    assert dict(db.conn.execute("SELECT word, count FROM gram_docs").fetchall()) == _fts5_docs(db)


def test_common_trigrams_take_candidates_from_the_rarest_and_rank_them_over_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = _archive(tmp_path, n=200)
    query = "Regierung Hochwasser"
    grams = sorted({g for w in query.lower().split() for g in trigrams(w)})
    exact = [c for c, _ in ranked(db.conn, "chunks_trigram", match_any(grams), 10)]
    assert [c for c, _ in db.search_trigrams(query, 10)] == exact  # under the budget: FTS5 alone
    docs = sqlite_trigrams.document_counts(db.conn, grams)
    assert docs is not None
    budget = 2 * min(docs.values())  # the rarest fits, not all: the search takes candidates
    monkeypatch.setattr(trigram_ranking, "CANDIDATE_DOCS", budget)
    monkeypatch.setattr(trigram_ranking, "CANDIDATES", 30)
    assert sum(docs.values()) > budget
    head = trigram_ranking.candidate_grams(grams, docs)
    assert 0 < len(head) < len(grams) and max(docs[g] for g in head) <= min(
        docs[g] for g in grams if g not in head)
    bounded = db.search_trigrams(query, 10)
    candidates = {c for c, _ in ranked(db.conn, "chunks_trigram", match_any(head), 30)}
    assert {c for c, _ in bounded} <= candidates
    # the candidates that the exact search ranks in its top 10 keep its order and scores
    exact_scores = dict(ranked(db.conn, "chunks_trigram", match_any(grams), 200))
    assert [c for c in exact if c in candidates][:5] == [c for c, _ in bounded][:5]
    for chunk_id, score in bounded:
        assert score == pytest.approx(exact_scores[chunk_id], rel=1e-9)


def test_a_question_of_only_common_trigrams_has_no_trigram_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past ``CANDIDATE_DOCS`` chunks for even the rarest trigram, none can single out
    candidates: the list is empty rather than FTS5 scoring every chunk of a common trigram."""
    db = _archive(tmp_path, n=200)
    grams = sorted(set(trigrams("stadt")))
    docs = sqlite_trigrams.document_counts(db.conn, grams)
    assert docs is not None
    monkeypatch.setattr(trigram_ranking, "CANDIDATE_DOCS", min(docs.values()) - 1)
    assert trigram_ranking.candidate_grams(grams, docs) == []
    assert db.search_trigrams("Stadt") == []
    monkeypatch.setattr(trigram_ranking, "CANDIDATE_DOCS", min(docs.values()))
    assert len(trigram_ranking.candidate_grams(grams, docs)) == 1
    assert db.search_trigrams("Stadt")  # the rarest within it: searched
