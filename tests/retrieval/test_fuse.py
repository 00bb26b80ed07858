"""Reciprocal-rank fusion and merging of adjacent chunks."""

from __future__ import annotations

import json

import pytest

from ragarchive.retrieval.fuse import RankedList, merge_adjacent, reciprocal_rank_fusion
from ragarchive.types import ChunkRow


def _list(name: str, ids: list[str], weight: float = 1.0) -> RankedList:
    return RankedList(name, name.split("/")[0], name.split("/")[1], weight, [(i, 1.0) for i in ids])


def test_rrf_sums_weighted_reciprocal_ranks_and_merges_duplicates() -> None:
    fused = reciprocal_rank_fusion(
        [_list("original/dense", ["a", "b"]), _list("original/words", ["b", "c", "b"], 0.5)], k=10
    )
    scores = {h.chunk_id: h.score for h in fused}
    assert scores["a"] == pytest.approx(1 / 11)
    assert scores["b"] == pytest.approx(1 / 12 + 0.5 / 11)  # the repeated "b" counts once
    assert scores["c"] == pytest.approx(0.5 / 12)
    assert [h.chunk_id for h in fused] == ["b", "a", "c"]
    assert fused[0].ranks == {"original/dense": 2, "original/words": 1}


def test_adjacent_chunks_of_one_document_become_one_passage_without_the_overlap() -> None:
    text = "Erster Satz hier. Zweiter Satz dort. Dritter Satz am Ende."
    rows = {
        "d#0": ChunkRow("d", 0, text[0:36], {"start": 0, "end": 36, "pages": "[1]"}),
        "d#1": ChunkRow("d", 1, text[18:], {"start": 18, "end": len(text), "pages": "[2]"}),
        "e#0": ChunkRow("e", 0, "Anderes.", {"start": 0, "end": 8, "pages": "[]"}),
    }
    hits = reciprocal_rank_fusion([_list("original/dense", ["d#1", "e#0", "d#0"])])
    passages = merge_adjacent(hits, rows, limit=5)
    assert [p.doc_id for p in passages] == ["d", "e"]
    assert passages[0].chunk_ids == ["d#0", "d#1"]
    assert passages[0].text == text
    assert passages[0].meta["pages_all"] == [1, 2]
    assert json.loads(passages[0].meta["pages"]) == [1]


def test_rrf_with_no_lists_or_only_empty_lists_is_empty() -> None:
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([_list("original/dense", []), _list("original/words", [])]) == []
    fused = reciprocal_rank_fusion([_list("original/dense", []), _list("original/words", ["a"])])
    assert [(h.chunk_id, h.ranks) for h in fused] == [("a", {"original/words": 1})]


def test_rrf_uses_k_sixty_by_default_and_k_sets_how_fast_ranks_decay() -> None:
    assert reciprocal_rank_fusion([_list("original/dense", ["a"])])[0].score == pytest.approx(1 / 61)
    fused = reciprocal_rank_fusion([_list("original/dense", ["a", "b", "c"])], k=1)
    assert [h.score for h in fused] == pytest.approx([1 / 2, 1 / 3, 1 / 4])


def test_rrf_ties_are_broken_by_chunk_id() -> None:
    # "b" is first in one list and "a" first in another of the same weight: equal scores
    fused = reciprocal_rank_fusion([_list("original/dense", ["b", "a"]), _list("original/words", ["a", "b"])])
    assert fused[0].score == fused[1].score
    assert [h.chunk_id for h in fused] == ["a", "b"]
    fused = reciprocal_rank_fusion([_list("original/dense", ["y"]), _list("original/words", ["x"])])
    assert [h.chunk_id for h in fused] == ["x", "y"]


def test_rrf_weights_scale_each_lists_vote() -> None:
    heavy, light = _list("original/dense", ["a", "b"], 1.0), _list("ocr/dense", ["b", "a"], 0.5)
    fused = reciprocal_rank_fusion([heavy, light], k=60)
    assert [h.chunk_id for h in fused] == ["a", "b"]  # the heavier list's first wins
    assert fused[0].score == pytest.approx(1 / 61 + 0.5 / 62)
    assert fused[1].score == pytest.approx(1 / 62 + 0.5 / 61)
    # a list of weight 0 adds nothing to a score (its chunks come last, at 0)
    fused = reciprocal_rank_fusion([_list("original/trigram", ["z"], 0.0), _list("original/words", ["a"])])
    assert [(h.chunk_id, h.score) for h in fused] == [("a", pytest.approx(1 / 61)), ("z", 0.0)]


def test_a_chunk_repeated_in_one_list_counts_at_its_first_rank_only() -> None:
    fused = reciprocal_rank_fusion([_list("original/words", ["a", "b", "a", "a"])], k=10)
    assert [(h.chunk_id, h.ranks) for h in fused] == [("a", {"original/words": 1}), ("b", {"original/words": 2})]
    assert fused[0].score == pytest.approx(1 / 11)


def test_ranked_list_json_keeps_the_top_hits_rounded() -> None:
    lst = RankedList("ocr/words", "ocr", "words", 0.43751, [(f"c{i}", 1 / 3) for i in range(12)])
    data = lst.to_json(top=3)
    assert data == {"name": "ocr/words", "origin": "ocr", "kind": "words", "weight": 0.438,
                    "hits": [["c0", 0.3333], ["c1", 0.3333], ["c2", 0.3333]]}
    assert len(lst.to_json()["hits"]) == 10


def _row(doc: str, ord_: int, text: str, start: int, end: int, pages: object = "[]") -> ChunkRow:
    return ChunkRow(doc, ord_, text, {"start": start, "end": end, "pages": pages, "title": doc.upper()})


def test_merge_adjacent_joins_only_consecutive_chunks_and_keeps_the_best_score() -> None:
    rows = {
        "d#0": _row("d", 0, "Eins.", 0, 5, "[1]"),
        "d#1": _row("d", 1, "Zwei.", 6, 11, "[1, 2]"),  # no overlap with d#0: joined with a space
        "d#3": _row("d", 3, "Vier.", 18, 23, "[3]"),  # d#2 was not retrieved: a passage of its own
    }
    hits = reciprocal_rank_fusion([_list("original/dense", ["d#3", "d#1", "d#0"])], k=1)
    passages = merge_adjacent(hits, rows, limit=5)
    assert [(p.chunk_ids, p.text, p.ords) for p in passages] == [
        (["d#3"], "Vier.", [3]),
        (["d#0", "d#1"], "Eins. Zwei.", [0, 1]),
    ]
    joined = passages[1]
    assert joined.score == pytest.approx(1 / 3)  # d#1 (rank 2) is its best chunk, not d#0 (rank 3)
    assert joined.meta["start"] == 0 and joined.meta["end"] == 11  # the run's extent
    assert joined.meta["pages_all"] == [1, 2] and joined.meta["title"] == "D"


def test_merge_adjacent_limits_skips_unknown_chunks_and_tolerates_bad_pages() -> None:
    rows = {f"{d}#0": _row(d, 0, d, 0, 1, "not json") for d in "abc"}
    hits = reciprocal_rank_fusion([_list("original/dense", ["ghost#0", "c#0", "a#0", "b#0"])])
    passages = merge_adjacent(hits, rows, limit=2)
    assert [p.doc_id for p in passages] == ["c", "a"]  # "ghost#0" has no row; best two kept
    assert passages[0].meta["pages_all"] == []
    assert merge_adjacent([], rows, limit=5) == []
