"""Reciprocal-rank fusion and merging of adjacent chunks."""

from __future__ import annotations

import json

import pytest

from ragarchive.retrieval.fuse import RankedList, merge_adjacent, reciprocal_rank_fusion


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
        "d#0": {"doc_id": "d", "ord": 0, "text": text[0:36], "meta": {"start": 0, "end": 36, "pages": "[1]"}},
        "d#1": {"doc_id": "d", "ord": 1, "text": text[18:], "meta": {"start": 18, "end": len(text), "pages": "[2]"}},
        "e#0": {"doc_id": "e", "ord": 0, "text": "Anderes.", "meta": {"start": 0, "end": 8, "pages": "[]"}},
    }
    hits = reciprocal_rank_fusion([_list("original/dense", ["d#1", "e#0", "d#0"])])
    passages = merge_adjacent(hits, rows, limit=5)
    assert [p.doc_id for p in passages] == ["d", "e"]
    assert passages[0].chunk_ids == ["d#0", "d#1"]
    assert passages[0].text == text
    assert passages[0].meta["pages_all"] == [1, 2]
    assert json.loads(passages[0].meta["pages"]) == [1]
