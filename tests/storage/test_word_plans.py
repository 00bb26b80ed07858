"""Which words a question's word searches read (storage/word_plans.py), and SQLite's ranking of
a spelling variant from the question's own (sqlite_lexical.extended) against FTS5 itself."""

import sqlite3
from pathlib import Path

import pytest

from ragarchive.storage.sqlite import ArchiveDB
from ragarchive.storage.sqlite_fts import best_rowids, match_any, ranked
from ragarchive.storage.sqlite_words import extended
from ragarchive.storage.word_plans import WordSearch, folded, plan_word_searches, searched_words

from test_sqlite_trigrams import _archive


def _rarest(n: int):
    return lambda words: sorted(words, key=lambda w: (len(w), w))[:n]


def test_a_variant_holding_the_questions_words_adds_its_own_pruned_on_their_own() -> None:
    plans = plan_word_searches(
        ["Regierung Wahl Mosel", "regierung wahl mosel Rcgierung Regiernng Wahll",
         "gouvernement élection", ""], _rarest(2))
    assert plans == [
        WordSearch(False, ["wahl", "mosel"]),
        WordSearch(True, ["wahll", "rcgierung"]),  # pruned among the added words only
        WordSearch(False, ["élection", "gouvernement"]),  # not an extension: its own words
        WordSearch(False, []),
    ]
    assert searched_words(plans[1], plans[0]) == ["wahl", "mosel", "wahll", "rcgierung"]
    assert searched_words(plans[2], plans[0]) == ["élection", "gouvernement"]


def test_a_spelling_the_index_reads_as_the_questions_word_adds_nothing() -> None:
    """"annee" and "année" are one term to FTS5 and PostgreSQL: searching it again would only
    score the same chunks twice."""
    plans = plan_word_searches(["l'année 1848", "l'année 1848 annee annëe anneé Ânnée anné"], None)
    assert plans[1] == WordSearch(True, ["anné"])
    assert searched_words(plans[1], plans[0]) == ["année", "anné"]
    assert plan_word_searches(["Année", "année annee"], None)[1] == WordSearch(True, [])


def _fts5_tokens(words: list[str]) -> list[str]:
    """Each of ``words`` as FTS5's ``unicode61 remove_diacritics 2`` indexes it."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(words))
    tokens = dict(conn.execute("SELECT doc, term FROM v"))
    return [tokens[i] for i in range(len(words))]


def test_folded_is_how_fts5_reads_a_word() -> None:
    words = ["année", "ärzte", "œuvre", "façade", "naïve", "straße", "søren", "crème", "łódź",
             "niño", "ąę", "gegenwärtig", "übermäßig", "château", "ἀλήθεια", "ёлка"]
    assert [folded(w) for w in words] == _fts5_tokens(words)


def test_folded_never_merges_letters_fts5_tells_apart() -> None:
    """Folding fewer letters than FTS5 only misses a saving; folding one it keeps would drop a
    spelling from the search. Every letter below U+3000, between two a's."""
    words = [f"a{chr(c).lower()}a" for c in range(0x80, 0x3000) if chr(c).isalpha()]
    for word, token in zip(words, _fts5_tokens(words)):
        assert folded(word) in (word, token), word


def test_without_pruning_every_word_is_searched() -> None:
    plans = plan_word_searches(["Wahl Mosel", "Wahl Mosel Wahll"], None)
    assert [searched_words(p, plans[0]) for p in plans] == [["mosel", "wahl"], ["mosel", "wahl", "wahll"]]


@pytest.mark.parametrize("added", [["rcgierung"], ["rcgierung", "hochwaffer"], ["regiernng", "ananas"]])
@pytest.mark.parametrize("limit", [3, 20])
def test_a_variants_ranking_from_the_questions_is_fts5s_ranking_of_all_its_words(
    tmp_path: Path, added: list[str], limit: int
) -> None:
    db = _archive(tmp_path, n=120)
    base = ["regierung", "zeitung", "stadt"]  # in most chunks: more than ``limit`` match
    base_rows = best_rowids(db.conn, "chunks_fts", match_any(base), limit)
    got = extended(db.conn, base, base_rows, added, limit)
    want = best_rowids(db.conn, "chunks_fts", match_any(base + added), limit)
    assert len(base_rows) == limit and len(got) == limit
    assert [r for r, _ in got] == [r for r, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-9)


def test_search_word_lists_equal_one_search_per_list(tmp_path: Path) -> None:
    db: ArchiveDB = _archive(tmp_path, n=120)
    queries = ["Regierung Zeitung Stadt", "Regierung Zeitung Stadt Rcgierung Hochwaffer",
               "Regierung Zeitung Stadt", "Minister Kammer"]
    prune = _rarest(3)
    plans = plan_word_searches(queries, prune)
    lists = db.search_word_lists(queries, 5, prune)
    for plan, got in zip(plans, lists):
        want = ranked(db.conn, "chunks_fts", match_any(searched_words(plan, plans[0])), 5)
        assert [c for c, _ in got] == [c for c, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-9)
    assert db.search_word_lists([], 5, prune) == []


def test_common_words_score_only_the_chunks_holding_a_rarer_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``CANDIDATE_OCCURRENCES``, the candidates are the chunks holding the rarest words,
    scored over all the words as FTS5 scores them; a chunk holding only common words is not,
    even one that the exact search ranks first."""
    from collections import Counter

    from ragarchive.storage import sqlite_words

    from test_sqlite import _chunk, _doc

    texts = (["Ananas und viele andere Worte der langen Rede hier"] * 30
             + ["Zeitung Stadt und manches andere mehr"] * 40 + ["Zeitung Zeitung Stadt Stadt"] * 3
             + ["Wetter Markt Preise Hafen Schiffe"] * 200)
    db = ArchiveDB(tmp_path / "a.sqlite")
    db.replace_file(path="/a.txt", file_hash="h", kind="text", documents=[_doc(i) for i in range(len(texts))],
                    chunks=[_chunk(i, t) for i, t in enumerate(texts)], warnings=[], timings={},
                    raw_counts=Counter())
    words = ["ananas", "stadt", "zeitung"]
    monkeypatch.setattr(sqlite_words, "CANDIDATE_OCCURRENCES", 30)
    assert sqlite_words.rarest(db.conn, words) == ["ananas"]
    got = [tuple(r) for r in sqlite_words.ranked_words(db.conn, words, 10)]
    exact = [tuple(r) for r in best_rowids(db.conn, "chunks_fts", match_any(words), 1000)]
    holding = {r for (r,) in db.conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'ananas'")}
    want = [r for r in exact if r[0] in holding][:10]
    assert exact[0][0] not in holding  # a short chunk of common words ranks first when exact
    assert [r for r, _ in got] == [r for r, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-9)
    monkeypatch.setattr(sqlite_words, "CANDIDATE_OCCURRENCES", 10**6)
    assert [tuple(r) for r in sqlite_words.ranked_words(db.conn, words, 10)] == exact[:10]
