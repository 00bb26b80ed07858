"""Which words a question's word searches read (storage/word_plans.py), and the question's and its
spelling variants' lists from one search (word_plans.shared_lists), against a toy ranking and
against FTS5 itself."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ragarchive.storage.sqlite import ArchiveDB
from ragarchive.storage.sqlite_fts import best_rowids, match_any, ranked
from ragarchive.storage import word_plans
from ragarchive.storage.word_plans import (
    WordSearch, lexeme_plans, plan_word_searches, searched_words, shared_lists,
)

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


def test_without_pruning_every_word_is_searched() -> None:
    plans = plan_word_searches(["Wahl Mosel", "Wahl Mosel Wahll"], None)
    assert [searched_words(p, plans[0]) for p in plans] == [["mosel", "wahl"], ["mosel", "wahl", "wahll"]]


@pytest.mark.parametrize("limit", [3, 20])
@pytest.mark.parametrize("depth", [1, 300])  # 1: a shallow joint ranking leaves lists undecided
def test_search_word_lists_equal_one_search_per_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, depth: int
) -> None:
    from ragarchive.storage import word_plans

    monkeypatch.setattr(word_plans, "JOINT_DEPTH", depth)
    db: ArchiveDB = _archive(tmp_path, n=120)
    queries = ["Regierung Zeitung Stadt", "Regierung Zeitung Stadt Rcgierung Hochwaffer",
               "Regierung Zeitung Stadt", "Minister Kammer", "Regierung Zeitung Stadt Regiernng Ananas",
               "Regierung Zeitung Stadt Rcgierung"]
    prune = _rarest(3)
    plans = plan_word_searches(queries, prune)
    lists = db.search_word_lists(queries, limit, prune)
    for plan, got in zip(plans, lists):
        want = ranked(db.conn, "chunks_fts", match_any(searched_words(plan, plans[0])), limit)
        assert_same_ranking(got, want)
    assert db.search_word_lists([], 5, prune) == []


def assert_same_ranking(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    """The same scores in the same order, and the same chunks but among equal scores: a score
    made by subtraction (shared_lists) differs from FTS5's in the last bits, which orders
    chunks of one score (here the words in most chunks weigh FTS5's floor, 1e-6) either way."""
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-12)
    tie = 1e-12
    for (c, s) in got:
        if c not in dict(want):
            assert abs(s - want[-1][1]) < tie  # one of equal scores at the cut
    for (c, s) in want:
        if c in dict(got):
            assert dict(got)[c] == pytest.approx(s, abs=tie)


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


_WORDS = "abcdefgh"


@settings(max_examples=500, deadline=None)
@given(
    chunks=st.lists(st.dictionaries(st.sampled_from(_WORDS), st.integers(1, 6), max_size=5), max_size=40),
    question=st.lists(st.sampled_from(_WORDS[:4]), unique=True, max_size=3),
    variants=st.lists(st.tuples(st.booleans(), st.lists(st.sampled_from(_WORDS), unique=True, max_size=3)),
                      max_size=4),
    limit=st.integers(1, 4),
    depth=st.integers(1, 10),
)
def test_shared_lists_rank_each_list_as_its_own_search(chunks, question, variants, limit, depth) -> None:
    """Against a toy engine (a chunk's score is the sum of its words' weights; integers, so
    exact): every list as its own search ranks it, however shallow the joint ranking."""
    def search(words, n):
        rows = [(k, float(sum(c.get(w, 0) for w in words))) for k, c in enumerate(chunks)]
        return sorted((r for r in rows if r[1] > 0), key=lambda r: (-r[1], r[0]))[:n]

    def scores(words, keys):
        return {k: float(sum(chunks[k].get(w, 0) for w in words)) for k in keys}

    plans = [WordSearch(False, question)] + [
        WordSearch(extends, [w for w in own if not extends or w not in question]) for extends, own in variants]
    old = word_plans.JOINT_DEPTH
    word_plans.JOINT_DEPTH = depth
    try:
        got = shared_lists(plans, search, scores, limit)
    finally:
        word_plans.JOINT_DEPTH = old
    assert got == [search(searched_words(p, plans[0]), limit) for p in plans]


def test_lexeme_plans_add_only_the_lexemes_the_question_lacks() -> None:
    plans = [WordSearch(False, ["regierungen"]), WordSearch(True, ["regierung", "rcgierung"]),
             WordSearch(False, ["regierung"])]
    lexemes = {"regierungen": ["regier", "regierungen"], "regierung": ["regier", "regierung"],
               "rcgierung": ["rcgierung"]}
    assert lexeme_plans(plans, lexemes) == [
        WordSearch(False, ["regier", "regierungen"]),
        WordSearch(True, ["rcgierung", "regierung"]),  # "regier" is the question's
        WordSearch(False, ["regier", "regierung"]),  # not an extension: all its own
    ]
