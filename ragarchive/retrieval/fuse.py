"""Reciprocal-rank fusion of ranked lists, and merging of neighbouring chunks into passages."""

from __future__ import annotations

from collections import defaultdict
from typing import Mapping

from ragarchive.ask_types import FusedHit, Passage, RankedList
from ragarchive.types import ChunkRow


def reciprocal_rank_fusion(lists: list[RankedList], k: float = 60.0) -> list[FusedHit]:
    """score(c) = Σ_lists weight / (k + rank); a chunk in several lists appears once."""
    scores: dict[str, float] = defaultdict(float)
    ranks: dict[str, dict[str, int]] = defaultdict(dict)
    for lst in lists:
        for rank, (cid, _) in enumerate(lst.hits, start=1):
            if lst.name in ranks[cid]:
                continue  # a list repeating a chunk counts it once
            scores[cid] += lst.weight / (k + rank)
            ranks[cid][lst.name] = rank
    fused = [FusedHit(cid, s, ranks[cid]) for cid, s in scores.items()]
    fused.sort(key=lambda h: (-h.score, h.chunk_id))
    return fused


def merge_adjacent(
    hits: list[FusedHit], chunks: Mapping[str, ChunkRow], limit: int
) -> list[Passage]:
    """Group the top hits into passages: chunks of one document with consecutive positions are
    joined (their overlap removed), keeping the best score; order is by best score."""
    by_doc: dict[str, list[tuple[int, FusedHit]]] = defaultdict(list)
    for h in hits:
        info = chunks.get(h.chunk_id)
        if info is not None:
            by_doc[info.doc_id].append((info.ord, h))
    passages: list[Passage] = []
    for doc_id, items in by_doc.items():
        items.sort(key=lambda x: x[0])
        run: list[tuple[int, FusedHit]] = []
        for ord_, h in items:
            if run and ord_ != run[-1][0] + 1:
                passages.append(_passage(doc_id, run, chunks))
                run = []
            run.append((ord_, h))
        if run:
            passages.append(_passage(doc_id, run, chunks))
    passages.sort(key=lambda p: -p.score)
    return passages[:limit]


def _passage(
    doc_id: str, run: list[tuple[int, FusedHit]], chunks: Mapping[str, ChunkRow]
) -> Passage:
    ids = [h.chunk_id for _, h in run]
    metas = [chunks[i].meta for i in ids]
    text = chunks[ids[0]].text
    for prev, cid in zip(metas, ids[1:]):
        nxt = chunks[cid]
        # chunks carry offsets into the cleaned document text: drop the overlapping prefix
        overlap = max(0, int(prev["end"]) - int(nxt.meta["start"]))
        text += " " + nxt.text[overlap:].lstrip()
    meta = dict(metas[0])
    meta["end"] = metas[-1]["end"]
    pages = sorted({p for m in metas for p in _pages(m)})
    meta["pages_all"] = pages
    return Passage(ids, doc_id, text, max(h.score for _, h in run), meta, [o for o, _ in run])


def _pages(meta: dict) -> list[int]:
    import json

    try:
        return list(json.loads(meta.get("pages") or "[]"))
    except (TypeError, ValueError):
        return []
